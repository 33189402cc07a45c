package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/plugin-lsp/plugin-lsp/lsp"
)

// runServe serves LSP on stdin/stdout through the proxy in front of gopls.
// gopls gets the flags given before the subcommand and, with serve, the
// serve flags after it (-rpc.trace, -logfile, -remote=…).
func runServe(ctx context.Context, inv invocation) int {
	gopls, err := findGopls(ctx, inv.goplsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	err = lsp.Serve(ctx, os.Stdin, os.Stdout, lsp.Options{
		GoplsPath: gopls,
		GoplsArgs: inv.goplsArgs(),
		Stderr:    os.Stderr,
		Version:   pluginVersion(),
	})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, lsp.ErrExitWithoutShutdown):
		return 1
	default:
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 1
	}
}
