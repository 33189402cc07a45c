package main

import (
	"context"
	"fmt"
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
	if code := runGopls(ctx, inv); code != 0 {
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
