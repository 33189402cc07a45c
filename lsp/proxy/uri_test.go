package proxy

import (
	"testing"

	"go.lsp.dev/protocol"
)

func TestURIPathRoundTrip(t *testing.T) {
	tests := []struct {
		path string
		uri  string
	}{
		{"/work/a/b.go", "file:///work/a/b.go"},
		{"/work/with space/ü.go", "file:///work/with%20space/%C3%BC.go"},
		{"/work/#hash.go", "file:///work/%23hash.go"},
	}
	for _, tt := range tests {
		if got := URIFromPath(tt.path); string(got) != tt.uri {
			t.Errorf("URIFromPath(%q) = %q, want %q", tt.path, got, tt.uri)
		}
		if got, err := PathFromURI(URIFromPath(tt.path)); err != nil || got != tt.path {
			t.Errorf("PathFromURI(URIFromPath(%q)) = %q, %v", tt.path, got, err)
		}
	}
	for _, bad := range []string{"untitled:Untitled-1", "https://example.com/a.go", "%zz"} {
		if p, err := PathFromURI(protocol.DocumentURI(bad)); err == nil {
			t.Errorf("PathFromURI(%q) = %q, want an error", bad, p)
		}
	}
}
