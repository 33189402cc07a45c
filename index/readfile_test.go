//go:build unix

package index

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const plainModule = `module example.com/m

go 1.22
`

// TestSpecialFilesAreSkippedAndReported: a FIFO named x.go (open used to
// block forever), a .go symlink to /dev/zero (read until out of memory), a
// manifest symlink that leaves the roots (its content was read and
// echoed), and a file over the size cap are each skipped, reported as a
// Problem, and absent from Files; the rest of the workspace is indexed.
func TestSpecialFilesAreSkippedAndReported(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":       plainModule,
		"ok/ok.go":     "package ok\n",
		"big/big.go":   "package big\n" + strings.Repeat("// padding\n", 200),
		"reg/reg.go":   "package reg\n\nfunc Register(name string, v any) {}\n",
		"in/inside.go": "package in\n",
	})
	writeFiles(t, outside, map[string]string{"plugin-manifest.yaml": "name: secret\nversion: 9.9.9-leaked\n"})
	if err := syscall.Mkfifo(filepath.Join(dir, "ok", "x.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, os.Symlink("/dev/zero", filepath.Join(dir, "ok", "zero.go")))
	must(t, os.MkdirAll(filepath.Join(dir, "leak"), 0o755))
	must(t, os.Symlink(filepath.Join(outside, "plugin-manifest.yaml"), filepath.Join(dir, "leak", "plugin-manifest.yaml")))
	// A symlink inside the roots is followed.
	must(t, os.Symlink(filepath.Join(dir, "in", "inside.go"), filepath.Join(dir, "ok", "link.go")))

	s := build(t, Options{Roots: []string{dir}, MaxFileSize: 1024})
	var got []string
	for _, p := range s.Problems() {
		rel, _ := filepath.Rel(dir, p.Path)
		got = append(got, p.Kind.String()+" "+filepath.ToSlash(rel)+": "+p.Msg)
	}
	want := []string{
		"skipped big/big.go: skipped: 2212 bytes, larger than the 1024-byte cap",
		"skipped leak/plugin-manifest.yaml: skipped: symlink to " + filepath.Join(outside, "plugin-manifest.yaml") + ", outside the workspace roots",
		"skipped ok/x.go: skipped: not a regular file (named pipe)",
		"skipped ok/zero.go: skipped: symlink to /dev/zero, outside the workspace roots",
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
	var files []string
	for _, id := range s.Files() {
		files = append(files, rel(s, id))
	}
	if strings.Join(files, " ") != "go.mod in/inside.go ok/link.go ok/ok.go reg/reg.go" {
		t.Errorf("files: %v", files)
	}
	for _, m := range s.Manifests() {
		if m.Version == "9.9.9-leaked" {
			t.Errorf("manifest outside the roots was read: %+v", m)
		}
	}
	// An update of a skipped file keeps it skipped (incremental == cold).
	ix := New(Options{Roots: []string{dir}, MaxFileSize: 1024})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	ix.DiskChanged(filepath.Join(dir, "ok", "x.go"), filepath.Join(dir, "big", "big.go"))
	if n := len(ix.Flush().Problems()); n != len(want) {
		t.Errorf("after an update: %d problems, want %d", n, len(want))
	}
}

// TestUnreadableFileIsAProblem: a read error other than "does not exist"
// (permission denied; as root the test fakes it through a Source wrapper of
// the guard) is a skipped-file problem, not a silent drop.
func TestUnreadableFileIsAProblem(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": plainModule, "a/a.go": "package a\n", "a/b.go": "package a\n"})
	src := sourceFunc(func(p string) ([]byte, error) {
		if strings.HasSuffix(p, "b.go") {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission}
		}
		return os.ReadFile(p)
	})
	s := build(t, Options{Roots: []string{dir}, Source: src})
	ps := s.Problems()
	if len(ps) != 1 || !strings.HasSuffix(ps[0].Path, "b.go") || !strings.Contains(ps[0].Msg, "permission denied") {
		t.Fatalf("problems: %v", ps)
	}
}

type sourceFunc func(string) ([]byte, error)

func (f sourceFunc) ReadFile(p string) ([]byte, error) { return f(p) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	must(t, os.WriteFile(p, []byte("hello"), 0o644))
	if b, err := ReadRegular(p, 5); err != nil || string(b) != "hello" {
		t.Errorf("at the cap: %q %v", b, err)
	}
	var se *SkipError
	if _, err := ReadRegular(p, 4); !errors.As(err, &se) {
		t.Errorf("over the cap: %v", err)
	}
	if _, err := ReadRegular(filepath.Join(dir, "missing"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := ReadRegular("/dev/urandom", 0); !errors.As(err, &se) {
		t.Errorf("device: %v", err)
	}
	if _, err := ReadRegular(dir, 0); !errors.As(err, &se) {
		t.Errorf("directory: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"16777216": 16 << 20, "16M": 16 << 20, "64MiB": 64 << 20, "512k": 512 << 10, "1G": 1 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "x", "1T"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q): no error", in)
		}
	}
}

// TestRegistrationCapPerFile: a generated Go file with more registration
// calls than MaxRegistrationsPerFile is skipped and reported (extracting
// 750,000 of them used to peak at 1.3 GB), so memory stays bounded whatever
// the size cap allows; the rest of the package is indexed.
func TestRegistrationCapPerFile(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package many\n\nimport \"example.com/m/reg\"\n\nfunc init() {\n")
	for i := 0; i <= MaxRegistrationsPerFile; i++ {
		b.WriteString("\treg.Register(\"n\", nil)\n")
	}
	b.WriteString("}\n")
	writeFiles(t, dir, map[string]string{
		"go.mod":        plainModule,
		"reg/reg.go":    "package reg\n\ntype Plugin interface{ Start() }\n\nvar m = map[string]Plugin{}\n\nfunc Register(name string, p Plugin) { m[name] = p }\n",
		"many/many.go":  b.String(),
		"many/other.go": "package many\n\nimport \"example.com/m/reg\"\n\nfunc init() { reg.Register(\"one\", nil) }\n",
	})
	s := build(t, Options{Roots: []string{dir}, MaxFileSize: 64 << 20})
	ps := s.Problems()
	if len(ps) != 1 || !strings.HasSuffix(ps[0].Path, "many.go") || !strings.Contains(ps[0].Msg, "more than the per-file cap") {
		t.Fatalf("problems: %v", ps)
	}
	if n := len(s.Registrations()); n != 1 {
		t.Errorf("%d registrations, want the one of other.go", n)
	}
}
