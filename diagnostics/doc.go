// Package diagnostics holds the plugin-contract rules and evaluates them over
// an index snapshot.
//
// Each rule is one Rule value in its own file (rule_reg001.go, …); Rules
// returns them, docs/rules.md is generated from them (go generate
// ./diagnostics) and a test fails when it is stale.
//
// Use:
//
//	snap := ix.Snapshot()                                  // package index
//	fs := diagnostics.Check(ctx, snap, opts)               // syntax rules: fast, run after each debounce
//	ts := diagnostics.CheckTypes(ctx, snap, opts, cache)   // REG004, PL002: go/packages, run in the background
//
// Check never waits for type information; CheckTypes loads the packages it
// needs per module through a TypeCache the caller keeps for the session
// (keyed by module, packages and file contents, so unchanged modules are not
// reloaded). Both read files only through the snapshot (editor overlays
// win), never run workspace code, return findings sorted by file, offset,
// rule and message, and drop findings suppressed with
// `//pluginlsp:ignore RULE[,RULE] reason` on the finding's line or the line
// above (`# pluginlsp:ignore` in YAML and scripts).
//
// Findings carry byte positions (Pos.Col counts bytes); the lsp package
// converts them to the negotiated encoding. Finding.Rule is the LSP
// diagnostic code, Related its relatedInformation, Fixes its quick fixes
// (each a set of Edits that gofmt leaves alone), Configs the build
// configurations under which it holds.
//
// Options select rules (Only, Disabled), override severities and the build
// configurations (default: the snapshot's, index.DefaultConfigs()).
package diagnostics
