package main

import (
	"os/exec"
	"strings"
	"testing"
)

func TestVersionRunsGopls(t *testing.T) {
	out, err := exec.Command("go", "run", ".", "version").CombinedOutput()
	if err != nil {
		t.Fatalf("plugin-lsp version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "golang.org/x/tools/gopls v0.23.0") {
		t.Fatalf("version output does not name gopls v0.23.0:\n%s", out)
	}
}
