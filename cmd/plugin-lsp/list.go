package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

const listUsage = `usage: plugin-lsp list [flags] [dir ...]

Prints what the plugin index knows about the workspace under each dir
(default "."): registries, registered plugins, lookups, hosts (main
packages) with the plugin packages they link, native plugins with their
symbols and the Lookups of the code that opens them, and plugin manifests.
Flags may come before or after the dirs.

Exit status: 0 listed, 2 could not run or bad usage (the reason is one line
on stderr).

Flags:
  -format F     output format: text (default) or json (field names are
                stable)
  -json         the same as -format json (deprecated; kept for scripts)
  -explain      also list every function registry inference considered (it
                stores by a parameter into a map or slice) and why it was
                accepted or rejected: what to declare in .plugin-lsp.yaml
                when your registry is not found
`

// listFlags are the values of list's flags.
type listFlags struct {
	format  *string
	json    *bool
	explain *bool
}

// newListFlags returns list's flag set and where its values land.
func newListFlags() (*flag.FlagSet, *listFlags) {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	return fs, &listFlags{
		format:  fs.String("format", "text", ""),
		json:    fs.Bool("json", false, ""),
		explain: fs.Bool("explain", false, ""),
	}
}

// listMain implements `plugin-lsp list`.
func listMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fail := couldNotRun(stderr, "list")
	fs, fv := newListFlags()
	dirs, code, done := parseCommandLine("list", listUsage, fs, args, stdout, fail)
	if done {
		return code
	}
	if err := formatFlag(*fv.format, "text", "json"); err != nil {
		return fail("%v (see plugin-lsp list -h)", err)
	}
	format := *fv.format
	if *fv.json {
		formatSet := false
		fs.Visit(func(f *flag.Flag) { formatSet = formatSet || f.Name == "format" })
		if formatSet && format != "json" {
			return fail("-json and -format %s disagree; use -format only (see plugin-lsp list -h)", format)
		}
		format = "json"
	}
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	pats, err := parsePatterns(dirs)
	if err != nil {
		return fail("%v", err)
	}
	roots := make([]string, len(pats))
	for i, p := range pats {
		roots[i] = p.dir
	}
	s, err := index.New(index.Options{Roots: roots}).Build(ctx)
	if err != nil {
		return fail("indexing %s: %v", strings.Join(dirs, ", "), err)
	}
	warnProblems(stderr, "list", s.Problems())
	rep := listReport(s)
	if *fv.explain {
		seen := map[string]bool{}
		for _, c := range s.Candidates() {
			if k := fmt.Sprint(c.ID, c.Accepted, c.Reason); seen[k] {
				continue // one function with several stores
			} else {
				seen[k] = true
			}
			p := s.Position(c.Decl)
			rep.Candidates = append(rep.Candidates, listCandidate{ID: c.ID, Accepted: c.Accepted, Reason: c.Reason,
				Pos: fmt.Sprintf("%s:%d:%d", relPath(s, c.Decl.File), p.Line, p.Col)})
		}
		if rep.Candidates == nil {
			rep.Candidates = []listCandidate{}
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail("writing output: %v", err)
		}
		return 0
	}
	printList(stdout, rep)
	return 0
}

// listOut is the -json shape of `plugin-lsp list`.
type listOut struct {
	Config        string         `json:"config"`
	Registries    []listRegistry `json:"registries"`
	Registrations []listReg      `json:"registrations"`
	Lookups       []listReg      `json:"lookups"`
	Hosts         []listHost     `json:"hosts"`
	NativePlugins []listNative   `json:"nativePlugins"`
	Opens         []listOpen     `json:"opens"`
	Manifests     []listManifest `json:"manifests,omitempty"`
	// Candidates is set with -explain.
	Candidates []listCandidate `json:"candidates,omitempty"`
}

type listRegistry struct {
	ID                string   `json:"id"`
	Preset            string   `json:"preset,omitempty"`
	Contract          string   `json:"contract,omitempty"`
	Register          []string `json:"register"`
	Lookup            []string `json:"lookup,omitempty"`
	PanicsOnDuplicate bool     `json:"panicsOnDuplicate,omitempty"`
	Note              string   `json:"note,omitempty"`
	Registrations     int      `json:"registrations"`
	// Dependency: declared in a dependency module read from the module
	// cache or vendor/, not in the workspace.
	Dependency bool `json:"dependency,omitempty"`
}

type listReg struct {
	Registry  string `json:"registry"`
	Name      string `json:"name"`
	Resolved  bool   `json:"resolved"`
	Pos       string `json:"pos"`
	ValueType string `json:"valueType,omitempty"`
	Package   string `json:"package"`
	InInit    bool   `json:"inInit,omitempty"`
	Test      bool   `json:"test,omitempty"`
}

type listHost struct {
	Package string   `json:"package"`
	Links   []string `json:"links"`
}

type listNative struct {
	Dir     string   `json:"dir"`
	Package string   `json:"package,omitempty"`
	Files   []string `json:"files"`
	SO      []string `json:"so"`
	Symbols []string `json:"symbols"`
}

type listOpen struct {
	Pos     string       `json:"pos"`
	Path    string       `json:"path"`
	Plugins []string     `json:"plugins"`
	Lookups []listLookup `json:"lookups"`
}

type listLookup struct {
	Pos    string `json:"pos"`
	Symbol string `json:"symbol"`
	Assert string `json:"assert,omitempty"`
}

type listManifest struct {
	Pos      string   `json:"pos"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Requires []string `json:"requires,omitempty"`
	Error    string   `json:"error,omitempty"`
}

func listReport(s *index.Snapshot) listOut {
	pos := func(r index.SymbolRef) string {
		p := s.Position(r)
		return fmt.Sprintf("%s:%d:%d", relPath(s, r.File), p.Line, p.Col)
	}
	cfg := s.Configs()[0]
	out := listOut{Config: cfg.String()}
	count := map[string]int{}
	for _, r := range s.Registrations() {
		count[r.Registry]++
		out.Registrations = append(out.Registrations, listReg{Registry: r.Registry, Name: r.Name, Resolved: r.NameResolved,
			Pos: pos(r.NameRef), ValueType: r.ValueType, Package: r.Package, InInit: r.InInit, Test: r.IsTest})
	}
	for _, l := range s.Lookups() {
		count[l.Registry]++
		out.Lookups = append(out.Lookups, listReg{Registry: l.Registry, Name: l.Name, Resolved: l.NameResolved,
			Pos: pos(l.NameRef), Package: l.Package, Test: l.IsTest})
	}
	for _, r := range s.Registries() {
		if r.Preset != "" && count[r.ID] == 0 && r.Decl.IsZero() {
			continue // a preset this workspace never uses
		}
		n := 0
		for _, x := range s.Registrations() {
			if x.Registry == r.ID {
				n++
			}
		}
		out.Registries = append(out.Registries, listRegistry{ID: r.ID, Preset: r.Preset, Contract: r.Contract,
			Register: r.Register, Lookup: r.Lookup, PanicsOnDuplicate: r.PanicsOnDuplicate, Note: r.Note, Registrations: n,
			Dependency: !r.Decl.IsZero() && s.IsDependency(r.Decl.File)})
	}
	for _, h := range s.Hosts() {
		links := s.Links(h, cfg)
		if links == nil {
			links = []string{}
		}
		out.Hosts = append(out.Hosts, listHost{Package: h.ImportPath, Links: links})
	}
	for _, plug := range s.NativePlugins() {
		n := listNative{Dir: relDir(s, plug.Dir), Package: plug.Package, SO: []string{}, Symbols: []string{}, Files: []string{}}
		for _, f := range plug.Files {
			n.Files = append(n.Files, relPath(s, f))
		}
		for _, so := range plug.SOPaths {
			n.SO = append(n.SO, relDir(s, so))
		}
		for _, sym := range plug.Symbols {
			if sym.Exported {
				n.Symbols = append(n.Symbols, sym.Kind.String()+" "+sym.Name)
			}
		}
		out.NativePlugins = append(out.NativePlugins, n)
	}
	for _, o := range s.Opens() {
		lo := listOpen{Pos: pos(o.Call), Path: o.Path, Plugins: []string{}, Lookups: []listLookup{}}
		for _, plug := range o.Plugins {
			d := relDir(s, plug.Dir)
			if len(plug.Files) == 1 {
				d = relPath(s, plug.Files[0])
			}
			lo.Plugins = append(lo.Plugins, d)
		}
		for _, l := range o.Lookups {
			lo.Lookups = append(lo.Lookups, listLookup{Pos: pos(l.Ref), Symbol: l.Symbol, Assert: l.Assert})
		}
		out.Opens = append(out.Opens, lo)
	}
	for _, m := range s.Manifests() {
		lm := listManifest{Pos: pos(index.SymbolRef{File: m.File, Span: m.NameRef.Span}), Name: m.Name, Version: m.Version, Error: m.ParseErr}
		for _, r := range m.Requires {
			lm.Requires = append(lm.Requires, r.Name+" "+r.Constraint)
		}
		out.Manifests = append(out.Manifests, lm)
	}
	return out
}

// listCandidate is one function registry inference considered.
type listCandidate struct {
	ID       string `json:"id"`
	Pos      string `json:"pos"`
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason"`
}

// relPath renders a file relative to the first root that contains it.
func relPath(s *index.Snapshot, id index.FileID) string { return relDir(s, s.Path(id)) }

func relDir(s *index.Snapshot, p string) string {
	for _, r := range s.Roots() {
		if rel, err := filepath.Rel(r, p); err == nil && !filepath.IsAbs(rel) && (len(rel) < 2 || rel[:2] != "..") {
			return rel
		}
	}
	return p
}

func printList(w io.Writer, rep listOut) {
	fmt.Fprintf(w, "Registries (%d):\n", len(rep.Registries))
	unused := 0 // dependency registries the workspace registers nothing in
	for _, r := range rep.Registries {
		if r.Dependency && r.Registrations == 0 {
			// Dozens of them in a vendored tree (cobra's hook lists,
			// logrus's exit handlers): noise in a list of what the
			// workspace plugs in.
			unused++
			continue
		}
		extra := ""
		if r.Preset != "" {
			extra = " [preset " + r.Preset + "]"
		}
		if r.Contract != "" {
			extra += " contract " + r.Contract
		}
		noun := "registrations"
		if r.Registrations == 1 {
			noun = "registration"
		}
		fmt.Fprintf(w, "  %s%s: %d %s\n", r.ID, extra, r.Registrations, noun)
	}
	if unused > 0 {
		noun := "registries"
		if unused == 1 {
			noun = "registry"
		}
		fmt.Fprintf(w, "  (and %d %s of dependency modules with no registrations here; -format json lists them)\n", unused, noun)
	}
	fmt.Fprintf(w, "Registered plugins (%d):\n", len(rep.Registrations))
	for _, r := range rep.Registrations {
		name := fmt.Sprintf("%q", r.Name)
		if !r.Resolved {
			name = "(" + r.Name + ", not constant)"
		}
		test := ""
		if r.Test {
			test = " [test]"
		}
		fmt.Fprintf(w, "  %s %s  %s  %s%s\n", r.Registry, name, r.Pos, r.ValueType, test)
	}
	if len(rep.Lookups) > 0 {
		fmt.Fprintf(w, "Lookups (%d):\n", len(rep.Lookups))
		for _, l := range rep.Lookups {
			fmt.Fprintf(w, "  %s %q  %s\n", l.Registry, l.Name, l.Pos)
		}
	}
	fmt.Fprintf(w, "Hosts (%d, %s):\n", len(rep.Hosts), rep.Config)
	for _, h := range rep.Hosts {
		fmt.Fprintf(w, "  %s links %d plugin packages\n", h.Package, len(h.Links))
		for _, l := range h.Links {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	fmt.Fprintf(w, "Native plugins (%d):\n", len(rep.NativePlugins))
	for _, n := range rep.NativePlugins {
		fmt.Fprintf(w, "  %s %v -> %v\n", n.Dir, n.Files, n.SO)
		if len(n.Symbols) > 0 {
			fmt.Fprintf(w, "    symbols: %v\n", n.Symbols)
		}
	}
	fmt.Fprintf(w, "plugin.Open sites (%d):\n", len(rep.Opens))
	for _, o := range rep.Opens {
		fmt.Fprintf(w, "  %s Open(%q) -> %v\n", o.Pos, o.Path, o.Plugins)
		for _, l := range o.Lookups {
			a := ""
			if l.Assert != "" {
				a = " .(" + l.Assert + ")"
			}
			fmt.Fprintf(w, "    %s Lookup(%q)%s\n", l.Pos, l.Symbol, a)
		}
	}
	if len(rep.Manifests) > 0 {
		fmt.Fprintf(w, "Manifests (%d):\n", len(rep.Manifests))
		for _, m := range rep.Manifests {
			fmt.Fprintf(w, "  %s %s %s %v %s\n", m.Pos, m.Name, m.Version, m.Requires, m.Error)
		}
	}
	if rep.Candidates != nil {
		fmt.Fprintf(w, "Registry candidates (%d):\n", len(rep.Candidates))
		for _, c := range rep.Candidates {
			verdict := "rejected"
			if c.Accepted {
				verdict = "accepted"
			}
			fmt.Fprintf(w, "  %s %s  %s: %s\n", verdict, c.ID, c.Pos, c.Reason)
		}
	}
}
