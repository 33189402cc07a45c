// Command plugin-lsp is a Go language server that runs the real gopls and adds
// knowledge of Go plugin systems. With no arguments (or serve, -mode=stdio,
// --stdio) it serves LSP on stdio; its own subcommands (check, list, graph)
// run the plugin engine headless; every other subcommand is gopls's.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// subcommand runs one of plugin-lsp's own subcommands with the arguments that
// follow its name and returns the process exit code.
type subcommand func(ctx context.Context, args []string) int

// ownSubcommands are the subcommands plugin-lsp implements itself; anything
// else that is not a serve request is passed to gopls.
func ownSubcommands() map[string]subcommand {
	return map[string]subcommand{
		"check": runCheck,
		"list":  runList,
		"graph": runGraph,
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) > 0 {
		if cmd, ok := ownSubcommands()[args[0]]; ok {
			return cmd(ctx, args[1:])
		}
	}
	return runGopls(ctx, args)
}

func notImplemented(name string) int {
	fmt.Fprintf(os.Stderr, "plugin-lsp %s: not available in this build yet\n", name)
	return 2
}
