package main

// gopls's command-line flags, as a table: plugin-lsp checks a command line
// before it starts any process, so that a flag neither it nor gopls knows
// is one clear error (exit 2) instead of a gopls that exits at start while
// the editor keeps restarting the server. Each entry says whether the flag
// takes a value (-name=v or -name v); the others are booleans.
//
// The tables are those of the gopls pinned in go.mod (v0.23.0), from
// golang.org/x/tools/gopls/internal/cmd: the Application's flags (cmd.go:
// -remote, -v, -vv, -otel), tool.Profile's -profile.*, and Serve's
// (serve.go), which gopls accepts before any subcommand as well as after
// serve. TestGoplsFlagTables compares them with the pinned gopls's usage
// texts (internal/cmd/usage/usage-v.hlp and serve.hlp).

// goplsServeFlags are the flags of `gopls serve` (and of gopls without a
// subcommand, which serves).
var goplsServeFlags = map[string]bool{
	"debug":                 true,
	"listen":                true,
	"listen.timeout":        true,
	"logfile":               true,
	"mcp.listen":            true,
	"mode":                  true,
	"remote.debug":          true,
	"remote.listen.timeout": true,
	"remote.logfile":        true,
	"rpc.trace":             false,
}

// goplsAppFlags are gopls's flags before a subcommand besides
// goplsServeFlags.
var goplsAppFlags = map[string]bool{
	"otel":          true,
	"profile.alloc": true,
	"profile.block": true,
	"profile.cpu":   true,
	"profile.mem":   true,
	"profile.trace": true,
	"remote":        true,
	"v":             false,
	"verbose":       false,
	"vv":            false,
	"veryverbose":   false,
}

// goplsFlag reports whether gopls knows flag name in the position given
// (before the subcommand, or after serve), and whether it takes a value.
func goplsFlag(name string, afterServe bool) (known, takesValue bool) {
	if v, ok := goplsServeFlags[name]; ok {
		return true, v
	}
	if afterServe {
		return false, false
	}
	v, ok := goplsAppFlags[name]
	return ok, v
}
