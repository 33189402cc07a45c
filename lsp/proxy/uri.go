package proxy

import (
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"

	"go.lsp.dev/protocol"
)

// PathFromURI returns the file path of a file:// URI.
func PathFromURI(u protocol.DocumentURI) (string, error) {
	p, err := url.Parse(string(u))
	if err != nil {
		return "", fmt.Errorf("bad URI %q: %w", u, err)
	}
	if p.Scheme != "file" {
		return "", fmt.Errorf("not a file URI: %q", u)
	}
	path := p.Path
	if isDriveURIPath(path) {
		path = strings.ToUpper(path[1:2]) + path[2:]
	}
	return filepath.Clean(filepath.FromSlash(path)), nil
}

// URIFromPath returns the file:// URI of an absolute path, spelled as gopls
// spells it (so that per-URI diagnostics merge with gopls's).
func URIFromPath(path string) protocol.DocumentURI {
	if path == "" {
		return ""
	}
	if !isDrivePath(path) {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
	}
	path = filepath.ToSlash(path)
	if isDrivePath(path) {
		path = "/" + strings.ToUpper(path[:1]) + path[1:]
	}
	return protocol.DocumentURI((&url.URL{Scheme: "file", Path: path}).String())
}

func isDrivePath(p string) bool {
	return len(p) >= 2 && p[1] == ':' && unicode.IsLetter(rune(p[0])) && runtime.GOOS == "windows"
}

func isDriveURIPath(p string) bool {
	return len(p) >= 3 && p[0] == '/' && p[2] == ':' && unicode.IsLetter(rune(p[1]))
}
