package diagnostics

import (
	"fmt"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// Coverage says what a check looked at and what it could not check, so
// that silence is never mistaken for "clean": a check that found no
// registry says so instead of exiting quietly.
type Coverage struct {
	// Registries counts the registries with at least one registration or
	// lookup in the checked code (presets nothing uses are not counted).
	Registries    int `json:"registries"`
	Registrations int `json:"registrations"`
	Lookups       int `json:"lookups"`
	Hosts         int `json:"hosts"`
	Modules       int `json:"modules"`
	NativePlugins int `json:"nativePlugins"`
	// UnresolvedNames counts registrations whose name the index could not
	// read (computed names, values of unknown type); REG001 and REG003
	// cannot use them, and REG003 stays silent in their registries.
	UnresolvedNames int `json:"unresolvedNames"`
	// UnresolvedLookups counts lookups of a non-constant name.
	UnresolvedLookups int `json:"unresolvedLookups"`
	// DependencyModules counts the dependency modules whose imported
	// packages were read (their registrations link, but are neither counted
	// above nor reported on).
	DependencyModules int `json:"dependencyModules,omitempty"`
	// Skipped lists, in words, what was not checked.
	Skipped []string `json:"skipped,omitempty"`
}

// Summarize computes the coverage of a check over snap with opts.
func Summarize(snap *index.Snapshot, opts Options) Coverage {
	c := Coverage{Hosts: len(snap.Hosts()), Modules: len(snap.Modules()), NativePlugins: len(snap.NativePlugins())}
	active := map[string]bool{}
	unresolvedIn := map[string]bool{}
	for _, r := range snap.Registrations() {
		if r.IsTest || snap.IsDependency(r.File) {
			continue
		}
		active[r.Registry] = true
		c.Registrations++
		if !r.NameResolved {
			c.UnresolvedNames++
			unresolvedIn[r.Registry] = true
		}
	}
	lookedUp := map[string]bool{}
	for _, l := range snap.Lookups() {
		if l.IsTest || snap.IsDependency(l.File) {
			continue
		}
		active[l.Registry] = true
		lookedUp[l.Registry] = true
		c.Lookups++
		if !l.NameResolved {
			c.UnresolvedLookups++
		}
	}
	c.Registries = len(active)
	if c.UnresolvedNames > 0 {
		c.Skipped = append(c.Skipped, fmt.Sprintf("%d registrations with names the index could not read", c.UnresolvedNames))
	}
	n := 0
	for id := range unresolvedIn {
		if lookedUp[id] {
			n++
		}
	}
	if n > 0 {
		c.Skipped = append(c.Skipped, fmt.Sprintf("unknown-name lookups (REG003) in %d of them", n))
	}
	if c.UnresolvedLookups > 0 {
		c.Skipped = append(c.Skipped, fmt.Sprintf("%d lookups of non-constant names", c.UnresolvedLookups))
	}
	addDepCoverage(snap, &c) // coverage_deps.go
	var on, off []string
	for _, r := range Rules() {
		if opts.Enabled(r.ID) {
			on = append(on, r.ID)
		} else {
			off = append(off, r.ID)
		}
	}
	sort.Strings(on)
	sort.Strings(off)
	switch {
	case len(off) == 0:
	case len(on) < len(off):
		c.Skipped = append(c.Skipped, "every rule but "+strings.Join(on, ", "))
	default:
		c.Skipped = append(c.Skipped, "rules "+strings.Join(off, ", ")+" (disabled)")
	}
	return c
}

// String renders the coverage as one line: "checked 3 registries, 41
// registrations, 2 hosts, 7 lookups in 4 modules; skipped: …".
func (c Coverage) String() string {
	s := fmt.Sprintf("checked %s, %s, %s, %s in %s", plural(c.Registries, "registry", "registries"),
		plural(c.Registrations, "registration", "registrations"), plural(c.Hosts, "host", "hosts"),
		plural(c.Lookups, "lookup", "lookups"), plural(c.Modules, "module", "modules"))
	if c.NativePlugins > 0 {
		s += ", " + plural(c.NativePlugins, "native plugin", "native plugins")
	}
	if c.DependencyModules > 0 {
		s += " (and what they import of " + plural(c.DependencyModules, "dependency module", "dependency modules") + ")"
	}
	if len(c.Skipped) > 0 {
		s += "; skipped: " + strings.Join(c.Skipped, "; ")
	}
	return s
}

// Notice returns, when the check found no registry at all, what that means
// and how to declare one; "" otherwise.
func (c Coverage) Notice() string {
	if c.Registries > 0 {
		return ""
	}
	return "no plugin registry with registrations or lookups outside tests found, so none was checked (REG001-REG007 had nothing to look at). " +
		"If this code has one, run `plugin-lsp list -explain` to see the candidate register functions and why each was rejected, " +
		"and declare it in .plugin-lsp.yaml (registries: - register: example.com/m/registry.Register, lookup: [...], nameField/nameMethod, duplicates: panics|overwrites|error|firstWins|appends)"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
