package lsp

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces the layering of ARCHITECTURE.md inside lsp: the
// proxy core (lsp/proxy, lsp/proxy/wire) knows no plugin concept, so it
// depends on no other plugin-lsp package (index, diagnostics, navigation,
// lsp); the navigation queries know no LSP transport, so they depend on
// neither the proxy nor any JSON-RPC or LSP library. Transitive
// dependencies count (go list -deps).
func TestLayering(t *testing.T) {
	const mod = "github.com/plugin-lsp/plugin-lsp/"
	tests := []struct {
		pkg    string
		banned func(dep string) bool
		why    string
	}{
		{"./proxy/...", func(dep string) bool {
			return strings.HasPrefix(dep, mod) && !strings.HasPrefix(dep, mod+"lsp/proxy")
		}, "the proxy core depends on no plugin-lsp package"},
		{"./navigation", func(dep string) bool {
			return strings.HasPrefix(dep, mod+"lsp/proxy") || dep == mod+"lsp" ||
				strings.HasPrefix(dep, "go.lsp.dev/") || strings.Contains(dep, "jsonrpc")
		}, "navigation depends on no LSP transport"},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) == 0 {
			t.Fatalf("go list -deps %s: no packages", tt.pkg)
		}
		for _, dep := range deps {
			if tt.banned(dep) {
				t.Errorf("%s depends on %s: %s", tt.pkg, dep, tt.why)
			}
		}
	}
}
