package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// runGopls is the bootstrap pass-through: it runs gopls with the same
// arguments and standard streams. The proxy replaces it for serve requests.
func runGopls(ctx context.Context, args []string) int {
	gopls, err := findGopls(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	cmd := exec.CommandContext(ctx, gopls, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	return 0
}

func findGopls(ctx context.Context) (string, error) {
	if p := os.Getenv("PLUGIN_LSP_GOPLS"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("gopls"); err == nil {
		return p, nil
	}
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.CommandContext(ctx, "go", "env", v).Output()
		if err != nil {
			continue
		}
		dir := strings.TrimSpace(string(out))
		if dir == "" {
			continue
		}
		if v == "GOPATH" {
			dir = filepath.Join(filepath.SplitList(dir)[0], "bin")
		}
		if p := filepath.Join(dir, "gopls"); fileExists(p) {
			return p, nil
		}
	}
	return "", errors.New("gopls not found; install the pinned version with: go install golang.org/x/tools/gopls@v0.23.0 (or `go install tool` in this repository)")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
