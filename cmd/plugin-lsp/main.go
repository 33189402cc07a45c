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
	"strings"
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

// invocation is a command line split into plugin-lsp's own flags, gopls's
// flags and the subcommand.
type invocation struct {
	goplsFlag string   // -gopls PATH
	flags     []string // flags before the subcommand, for gopls
	sub       string   // subcommand name; "" means serve
	subArgs   []string // arguments after the subcommand
}

// goplsBoolFlags are gopls's flags that take no value; every other flag
// before the subcommand takes one (as "-flag=value" or "-flag value").
var goplsBoolFlags = map[string]bool{
	"rpc.trace": true, "v": true, "verbose": true, "vv": true, "veryverbose": true,
	"h": true, "help": true, "stdio": true,
}

// parseArgs splits args. It knows gopls's flag syntax only well enough to
// find the subcommand; the flags themselves are gopls's to check.
func parseArgs(args []string) invocation {
	var inv invocation
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			if a == "--" {
				i++
			}
			if i < len(args) {
				inv.sub = args[i]
				inv.subArgs = args[i+1:]
			}
			return inv
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name == "gopls":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			inv.goplsFlag = value
			continue
		case name == "stdio":
			// vscode-languageclient appends --stdio; gopls rejects it.
			continue
		}
		inv.flags = append(inv.flags, a)
		if !hasValue && !goplsBoolFlags[name] && i+1 < len(args) {
			i++
			inv.flags = append(inv.flags, args[i])
		}
	}
	return inv
}

func run(ctx context.Context, args []string) int {
	inv := parseArgs(args)
	if cmd, ok := ownSubcommands()[inv.sub]; ok {
		return cmd(ctx, inv.subArgs)
	}
	if inv.wantsHelp() {
		fmt.Fprint(os.Stderr, usage)
		return runGopls(ctx, inv)
	}
	switch inv.sub {
	case "", "serve":
		return runServe(ctx, inv)
	case "version":
		return runVersion(ctx, inv)
	}
	return runGopls(ctx, inv)
}

// usage is printed before gopls's own help.
const usage = `plugin-lsp is gopls with knowledge of Go plugin systems: editors start it
where they would start gopls. It runs gopls (found with -gopls PATH,
$PLUGIN_LSP_GOPLS, PATH, $(go env GOBIN), $(go env GOPATH)/bin) and passes
every gopls flag and subcommand on. Its own subcommands:

  check   report plugin-system problems (text, json, sarif, github)
  list    list registries, plugins and hosts
  graph   print the plugin graph (dot, mermaid)

gopls's help follows.

`

// wantsHelp reports whether the command line asks for help (-h, -help,
// help): it then prints plugin-lsp's usage and gopls's help instead of
// serving, which would start a gopls that prints help and exits.
func (inv invocation) wantsHelp() bool {
	if inv.sub == "help" {
		return len(inv.subArgs) == 0
	}
	if inv.sub != "" && inv.sub != "serve" {
		return false
	}
	for _, f := range append(append([]string(nil), inv.flags...), inv.subArgs...) {
		switch strings.TrimLeft(f, "-") {
		case "h", "help":
			return true
		}
	}
	return false
}

func notImplemented(name string) int {
	fmt.Fprintf(os.Stderr, "plugin-lsp %s: not available in this build yet\n", name)
	return 2
}

// goplsArgs returns inv's command line for gopls.
func (inv invocation) goplsArgs() []string {
	out := append([]string(nil), inv.flags...)
	if inv.sub != "" {
		out = append(out, inv.sub)
		out = append(out, stripStdio(inv.subArgs)...)
	}
	return out
}

func stripStdio(args []string) []string {
	var out []string
	for _, a := range args {
		if a == "--stdio" || a == "-stdio" {
			continue
		}
		out = append(out, a)
	}
	return out
}
