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

// goplsInstall is the command that installs the gopls version plugin-lsp is
// tested with (pinned by the tool directive in go.mod).
const goplsInstall = "go install golang.org/x/tools/gopls@v0.23.0"

// runGopls runs a gopls subcommand plugin-lsp does not own (api-json,
// definition, …) with the same arguments and standard streams.
func runGopls(ctx context.Context, inv invocation) int {
	gopls, err := findGopls(ctx, inv.goplsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	cmd := exec.CommandContext(ctx, gopls, inv.goplsArgs()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return exitCode(cmd.Run())
}

// runGoplsHelp runs gopls for a help request (help X, -h, serve -h) with
// its stderr, where gopls prints help, on stdout: every help of plugin-lsp
// goes to stdout. Without gopls, plugin-lsp's own help has been printed;
// a line on stderr says why gopls's part is missing, and the exit status
// stays 0.
func runGoplsHelp(ctx context.Context, inv invocation) int {
	gopls, err := findGopls(ctx, inv.goplsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp: gopls's help is not shown:", err)
		return 0
	}
	cmd := exec.CommandContext(ctx, gopls, inv.goplsArgs()...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	return exitCode(cmd.Run())
}

// exitCode turns the result of running gopls into plugin-lsp's exit code.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() >= 0 {
		return exit.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "plugin-lsp: running gopls:", err)
	return 2
}

// findGopls locates gopls: the -gopls flag, then $PLUGIN_LSP_GOPLS, then
// gopls on PATH, in $(go env GOBIN), in $(go env GOPATH)/bin.
func findGopls(ctx context.Context, flagPath string) (string, error) {
	for _, c := range []struct{ from, path string }{
		{"-gopls", flagPath},
		{"PLUGIN_LSP_GOPLS", os.Getenv("PLUGIN_LSP_GOPLS")},
	} {
		if c.path == "" {
			continue
		}
		if !fileExists(c.path) {
			return "", fmt.Errorf("gopls not found at %s (from %s); install the pinned version with: %s", c.path, c.from, goplsInstall)
		}
		return c.path, nil
	}
	if p, err := exec.LookPath("gopls"); err == nil {
		return p, nil
	}
	for _, v := range []string{"GOBIN", "GOPATH"} {
		// GOBIN and GOPATH do not depend on the module: ask outside it and
		// with GOTOOLCHAIN=local, so a go or toolchain line of the
		// workspace's go.mod/go.work never starts a toolchain download
		// (which failed offline and read as "gopls not found").
		cmd := exec.CommandContext(ctx, "go", "env", v)
		cmd.Dir = os.TempDir()
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		out, err := cmd.Output()
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
	return "", fmt.Errorf("gopls not found (looked at -gopls, $PLUGIN_LSP_GOPLS, PATH, $(go env GOBIN), $(go env GOPATH)/bin); install the pinned version with: %s (or `go install tool` in the plugin-lsp repository)", goplsInstall)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
