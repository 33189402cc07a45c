package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one of plugin-lsp's own subcommands. They share one family of
// conventions: `NAME -h`, `NAME -help` and `plugin-lsp help NAME` print the
// same usage text to stdout and exit 0; flags may come before or after the
// directories; every subcommand has -format; a problem that stops the run
// is one line "plugin-lsp NAME: reason" on stderr with exit status 2.
type command struct {
	name    string
	summary string // one line for plugin-lsp's own usage
	usage   string // printed by -h and `help NAME`
	// flags returns the subcommand's flag set, with its values unset; the
	// main function reads them back. The usage test compares it with usage.
	flags func() *flag.FlagSet
	main  func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// ownCommands are the subcommands plugin-lsp implements itself, in the
// order its usage lists them; anything else that is not a serve request is
// passed to gopls.
func ownCommands() []command {
	return []command{
		{name: "check", summary: "report plugin-system problems (text, json, sarif, github); exit 1 on findings",
			usage: checkUsage, flags: func() *flag.FlagSet { fs, _ := newCheckFlags(); return fs }, main: checkMain},
		{name: "list", summary: "list registries, plugins, hosts and native plugins (text, json)",
			usage: listUsage, flags: func() *flag.FlagSet { fs, _ := newListFlags(); return fs }, main: listMain},
		{name: "graph", summary: "print the plugin graph with its cycles (dot, mermaid)",
			usage: graphUsage, flags: func() *flag.FlagSet { fs, _ := newGraphFlags(); return fs }, main: graphMain},
	}
}

// lookupCommand returns the own subcommand called name.
func lookupCommand(name string) (command, bool) {
	for _, c := range ownCommands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// parseCommandLine parses a subcommand's arguments with fs and returns its
// positional arguments. done is true when the run is over: help was printed
// (exit 0) or the command line is wrong (one line on stderr, exit 2).
func parseCommandLine(cmd string, usage string, fs *flag.FlagSet, args []string, stdout io.Writer, fail func(string, ...any) int) (pos []string, code int, done bool) {
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return nil, 0, true
	}
	if err != nil {
		return nil, fail("%v (see plugin-lsp %s -h)", err, cmd), true
	}
	return pos, 0, false
}

// parseFlags parses args with fs and returns the positional arguments. Like
// the go command, it accepts flags after positional arguments
// (`check ./... -format json`); "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // errors are reported in one line by the caller
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// formatFlag checks the value of a subcommand's -format flag against the
// formats it knows; the error wording is the same for every subcommand.
func formatFlag(value string, known ...string) error {
	for _, k := range known {
		if value == k {
			return nil
		}
	}
	return fmt.Errorf("-format: unknown format %q (want %s)", value, orList(known))
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// topUsage is plugin-lsp's own usage, printed before gopls's help by
// `plugin-lsp help`, `-h` and `serve -h`.
func topUsage() string {
	var b strings.Builder
	b.WriteString(`plugin-lsp is gopls with knowledge of Go plugin systems: editors start it
where they would start gopls.

usage: plugin-lsp [flags]                     serve LSP on stdio (also: serve,
                                              -mode=stdio, --stdio)
       plugin-lsp COMMAND [flags] [dir ...]  run a command of plugin-lsp
       plugin-lsp -version                    print gopls's and plugin-lsp's
                                              versions (also: version)
       plugin-lsp help [COMMAND]              print help

Commands of plugin-lsp (they need no gopls; flags may follow the dirs):

`)
	for _, c := range ownCommands() {
		fmt.Fprintf(&b, "  %-6s  %s\n", c.name, c.summary)
	}
	b.WriteString(`
Exit status: 0 ok, 1 findings (check), 2 could not run or bad usage (one
line on stderr).

Flags of plugin-lsp:
  -gopls PATH   the gopls to run; else $PLUGIN_LSP_GOPLS, gopls on PATH,
                $(go env GOBIN), $(go env GOPATH)/bin
  -gopls-timeout D
                restart gopls when it answers nothing for D (e.g. 30s, the
                default) while requests wait for it
  -version      print the versions and exit
  -logfile F    (gopls's flag) gopls's log and plugin-lsp's informational
                messages go to F instead of the editor's log

Every other subcommand and flag is gopls's (a flag gopls does not know is
rejected before anything starts). gopls's help follows.

`)
	return b.String()
}
