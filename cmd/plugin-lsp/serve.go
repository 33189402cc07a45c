package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/lsp"
)

// runServe serves LSP on stdin/stdout through the proxy in front of gopls.
// gopls gets the flags given before the subcommand and, with serve, the
// serve flags after it (-rpc.trace, -remote=…). -logfile FILE is
// plugin-lsp's: it opens FILE once for the session and gopls's log (its
// stderr, where gopls logs without -logfile), plugin-lsp's informational
// lines and a copy of its errors all go there, appended in order. gopls
// does not get -logfile FILE: it would truncate the file at each (re)start
// and write over plugin-lsp's lines. -logfile auto stays gopls's.
func runServe(ctx context.Context, inv invocation) int {
	gopls, err := findGopls(ctx, inv.goplsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		return 2
	}
	logfile, args := splitLogfile(inv.goplsArgs())
	var logw io.Writer
	if logfile != "" {
		f, err := os.OpenFile(logfile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0o666)
		if err != nil {
			fmt.Fprintf(os.Stderr, "plugin-lsp: -logfile: %v\n", err)
			return 2
		}
		defer f.Close()
		logw = f
	}
	err = lsp.Serve(ctx, os.Stdin, os.Stdout, lsp.Options{
		GoplsPath: gopls,
		GoplsArgs: args,
		Stderr:    os.Stderr,
		LogFile:   logw,
		Version:   pluginVersion(),
		// A gopls silent this long with requests pending is restarted.
		GoplsTimeout: inv.goplsTimeout,
	})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, lsp.ErrExitWithoutShutdown):
		return 1
	default:
		if logfile != "" {
			fmt.Fprintf(os.Stderr, "plugin-lsp: %v (gopls's stderr is in %s)\n", err, logfile)
		} else {
			fmt.Fprintln(os.Stderr, "plugin-lsp:", err)
		}
		return 1
	}
}

// splitLogfile removes -logfile FILE (or -logfile=FILE, before or after
// serve; the last one counts) from gopls's arguments and returns FILE.
// -logfile auto is left in the arguments: gopls picks the file.
func splitLogfile(args []string) (file string, rest []string) {
	afterServe := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			afterServe = afterServe || a == "serve"
			rest = append(rest, a)
			continue
		}
		name, value, hasValue := strings.Cut(trimDashes(a), "=")
		_, takesValue := goplsFlag(name, afterServe)
		if !hasValue && takesValue && i+1 < len(args) {
			value = args[i+1]
		}
		if name == "logfile" && value != "auto" {
			file = value
			if !hasValue {
				i++
			}
			continue
		}
		rest = append(rest, a)
		if !hasValue && takesValue && i+1 < len(args) {
			i++
			rest = append(rest, args[i])
		}
	}
	return file, rest
}
