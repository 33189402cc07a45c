package proxy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// BenchmarkMapper builds a Mapper for net/http/server.go (about 130 KB) and
// converts one position, as a feature handler does per request.
func BenchmarkMapper(b *testing.B) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", "net", "http", "server.go"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		m := NewMapper(text, UTF16)
		if _, err := m.Offset(protocol.Position{Line: 3000, Character: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDocumentMapper is the same through an open document's cached
// line index (Overlays.Mapper, Document.Mapper).
func BenchmarkDocumentMapper(b *testing.B) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", "net", "http", "server.go"))
	if err != nil {
		b.Fatal(err)
	}
	d := Document{Text: text, lines: &lineCache{}}
	for i := 0; i < b.N; i++ {
		if _, err := d.Mapper(UTF16).Offset(protocol.Position{Line: 3000, Character: 10}); err != nil {
			b.Fatal(err)
		}
	}
}
