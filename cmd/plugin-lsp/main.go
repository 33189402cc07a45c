// Command plugin-lsp is a Go language server that runs the real gopls and adds
// knowledge of Go plugin systems. With no arguments (or serve, -mode=stdio,
// --stdio) it serves LSP on stdio; its own subcommands (check, list, graph)
// run the plugin engine headless; every other subcommand is gopls's.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// invocation is a command line split into plugin-lsp's own flags, gopls's
// flags and the subcommand.
type invocation struct {
	goplsFlag string // -gopls PATH
	// goplsTimeout is -gopls-timeout: how long gopls may stay silent with
	// requests pending before it is restarted (0: lsp's default).
	goplsTimeout time.Duration
	version      bool     // -version or --version
	flags        []string // flags before the subcommand, for gopls
	sub          string   // subcommand name; "" means serve
	subArgs      []string // arguments after the subcommand
}

// parseArgs splits args and checks the flags before the subcommand (and
// after serve) against gopls's flag table, so that a flag nobody knows is
// an error before any process starts. The flags of plugin-lsp's own
// subcommands are theirs to check; gopls's other subcommands check theirs.
func parseArgs(args []string) (invocation, error) {
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
			break
		}
		name, value, hasValue := strings.Cut(trimDashes(a), "=")
		switch name {
		case "gopls":
			if !hasValue {
				if i+1 == len(args) {
					return inv, errors.New("flag needs an argument: -gopls")
				}
				i++
				value = args[i]
			}
			inv.goplsFlag = value
			continue
		case "gopls-timeout":
			if !hasValue {
				if i+1 == len(args) {
					return inv, errors.New("flag needs an argument: -gopls-timeout")
				}
				i++
				value = args[i]
			}
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				return inv, fmt.Errorf("-gopls-timeout: %q is not a positive duration (e.g. 30s, 2m)", value)
			}
			inv.goplsTimeout = d
			continue
		case "stdio":
			// vscode-languageclient appends --stdio; gopls rejects it.
			continue
		case "version":
			inv.version = true
			continue
		case "h", "help":
			inv.flags = append(inv.flags, a)
			continue
		}
		known, takesValue := goplsFlag(name, false)
		if !known {
			return inv, fmt.Errorf("flag provided but not defined: -%s", name)
		}
		inv.flags = append(inv.flags, a)
		if takesValue && !hasValue {
			if i+1 == len(args) {
				return inv, fmt.Errorf("flag needs an argument: -%s", name)
			}
			i++
			inv.flags = append(inv.flags, args[i])
		}
	}
	if inv.sub == "serve" {
		if err := checkServeArgs(inv.subArgs); err != nil {
			return inv, err
		}
	}
	return inv, nil
}

// checkServeArgs checks the arguments after serve: gopls's server flags,
// and no positional argument (gopls would exit at start).
func checkServeArgs(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			if a == "--" && i+1 < len(args) {
				a = args[i+1]
			} else if a == "--" {
				return nil
			}
			return fmt.Errorf("serve takes no arguments, got %q", a)
		}
		name, _, hasValue := strings.Cut(trimDashes(a), "=")
		switch name {
		case "stdio", "h", "help":
			continue
		}
		known, takesValue := goplsFlag(name, true)
		if !known {
			return fmt.Errorf("serve: flag provided but not defined: -%s", name)
		}
		if takesValue && !hasValue {
			if i+1 == len(args) {
				return fmt.Errorf("serve: flag needs an argument: -%s", name)
			}
			i++
		}
	}
	return nil
}

// trimDashes removes the one or two dashes of a flag.
func trimDashes(a string) string {
	return strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
}

func run(ctx context.Context, args []string) int {
	inv, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "plugin-lsp: %v (see plugin-lsp -h)\n", err)
		return 2
	}
	if inv.version {
		inv.sub, inv.subArgs = "version", nil
		return runVersion(ctx, inv)
	}
	if c, ok := lookupCommand(inv.sub); ok {
		if inv.helpFlag() { // plugin-lsp -h check
			fmt.Print(c.usage)
			return 0
		}
		return c.main(ctx, inv.subArgs, os.Stdout, os.Stderr)
	}
	if inv.sub == "help" && len(inv.subArgs) > 0 {
		if c, ok := lookupCommand(inv.subArgs[0]); ok {
			fmt.Print(c.usage)
			return 0
		}
		return runGoplsHelp(ctx, inv)
	}
	if inv.wantsHelp() {
		fmt.Print(topUsage())
		return runGoplsHelp(ctx, inv)
	}
	switch inv.sub {
	case "", "serve":
		return runServe(ctx, inv)
	case "version":
		return runVersion(ctx, inv)
	}
	return runGopls(ctx, inv)
}

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
	if inv.helpFlag() {
		return true
	}
	for _, f := range inv.subArgs {
		switch trimDashes(f) {
		case "h", "help":
			return true
		}
	}
	return false
}

// helpFlag reports whether -h or -help is among the flags before the
// subcommand.
func (inv invocation) helpFlag() bool {
	for _, f := range inv.flags {
		switch trimDashes(f) {
		case "h", "help":
			return true
		}
	}
	return false
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
