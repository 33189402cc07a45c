package main

import (
	"fmt"
	"io"
	"strings"
)

// couldNotRun returns the could-not-run reporter of subcommand cmd: it
// prints "plugin-lsp cmd: reason" to stderr as one line, whatever the error
// text holds, and returns exit status 2.
func couldNotRun(stderr io.Writer, cmd string) func(format string, a ...any) int {
	return func(format string, a ...any) int {
		msg := strings.Join(strings.Fields(fmt.Sprintf(format, a...)), " ")
		fmt.Fprintln(stderr, "plugin-lsp "+cmd+": "+msg)
		return 2
	}
}
