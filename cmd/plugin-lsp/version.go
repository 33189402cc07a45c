package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
)

// pluginVersion is plugin-lsp's version: the module version it was built at
// (go install …@vX), or "(devel)" for a build from a checkout.
func pluginVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// runVersion prints gopls's version output first and unchanged (editor
// extensions read the gopls version from its first line), then a line for
// plugin-lsp. With -json only gopls's JSON is printed, unchanged.
func runVersion(ctx context.Context, inv invocation) int {
	gopls, err := findGopls(ctx, inv.goplsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	cmd := exec.CommandContext(ctx, gopls, inv.goplsArgs()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if code := exitCode(cmd.Run()); code != 0 {
		return code
	}
	for _, a := range inv.subArgs {
		if a == "-json" || a == "--json" || a == "-json=true" || a == "--json=true" {
			return 0
		}
	}
	fmt.Printf("plugin-lsp %s\n", pluginVersion())
	return 0
}
