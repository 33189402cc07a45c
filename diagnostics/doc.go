// Package diagnostics holds the plugin-contract rules and evaluates them over
// an index snapshot.
package diagnostics
