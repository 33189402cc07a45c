package index

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces the ARCHITECTURE.md invariant that index knows
// nothing of LSP: neither the index nor the diagnostics package may depend,
// even transitively, on package lsp or on any LSP or JSON-RPC library.
func TestLayering(t *testing.T) {
	for _, pkg := range []string{".", "../diagnostics"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "go.lsp.dev/") || dep == "github.com/plugin-lsp/plugin-lsp/lsp" ||
				strings.Contains(dep, "jsonrpc") {
				t.Errorf("%s depends on %s; the dependency direction is cmd → lsp → diagnostics → index", pkg, dep)
			}
		}
	}
}
