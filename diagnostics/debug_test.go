package diagnostics

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestDebugDump prints the index's view of one txtar (DEBUG_TXTAR=path);
// it does nothing otherwise. A development aid for writing rule tests.
func TestDebugDump(t *testing.T) {
	path := os.Getenv("DEBUG_TXTAR")
	if path == "" {
		return
	}
	dir := extractTxtar(t, path)
	snap := buildSnapshot(t, dir)
	for _, r := range snap.Registries() {
		fmt.Printf("registry %+v\n", *r)
	}
	for _, r := range snap.Registrations() {
		fmt.Printf("registration %+v\n", *r)
	}
	for _, l := range snap.Lookups() {
		fmt.Printf("lookup %+v\n", *l)
	}
	for _, h := range snap.Hosts() {
		fmt.Printf("host %s\n", h.ImportPath)
	}
	for _, np := range snap.NativePlugins() {
		fmt.Printf("native %+v\n", *np)
	}
	for _, o := range snap.Opens() {
		fmt.Printf("open %+v\n", *o)
	}
	for _, l := range snap.PluginLookups() {
		fmt.Printf("plookup %+v\n", *l)
	}
	for _, bc := range snap.BuildCommands() {
		fmt.Printf("build %+v\n", bc)
	}
	for _, m := range snap.Modules() {
		fmt.Printf("module %+v\n", *m)
	}
	fmt.Println(CheckTypes(context.Background(), snap, Options{}, NewTypeCache()))
}
