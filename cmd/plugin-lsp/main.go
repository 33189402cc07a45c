// Command plugin-lsp is a Go language server that runs the real gopls and adds
// knowledge of Go plugin systems. This is the bootstrap skeleton: it locates
// gopls and runs it with the same arguments and standard streams.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	gopls, err := findGopls()
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		os.Exit(2)
	}
	cmd := exec.Command(gopls, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		os.Exit(2)
	}
}

func findGopls() (string, error) {
	if p := os.Getenv("PLUGIN_LSP_GOPLS"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("gopls"); err == nil {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(out[:len(out)-1]), "bin", "gopls")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("gopls not found; install the pinned version with: go install golang.org/x/tools/gopls@v0.23.0")
}
