package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp/internal/report"
	"github.com/plugin-lsp/plugin-lsp/index"
)

const graphUsage = `usage: plugin-lsp graph [flags] [dir]

Prints the plugin graph of the workspace at dir (default "."): registries,
plugin packages with the names they register, hosts (main packages) that
link them, native plugins and the packages that open them, plugin→plugin
imports and manifest requires. Edges and nodes on a dependency cycle are
drawn in red (DOT) or with the "cycle" class (Mermaid). Flags may come
before or after the dir.

Exit status: 0 printed, 2 could not run or bad usage (the reason is one
line on stderr).

Flags:
  -format F     output format: dot (default, Graphviz) or mermaid
`

// graphFlags are the values of graph's flags.
type graphFlags struct {
	format *string
}

// newGraphFlags returns graph's flag set and where its values land.
func newGraphFlags() (*flag.FlagSet, *graphFlags) {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	return fs, &graphFlags{format: fs.String("format", "dot", "")}
}

// graphMain implements `plugin-lsp graph`.
func graphMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fail := couldNotRun(stderr, "graph")
	fs, fv := newGraphFlags()
	pos, code, done := parseCommandLine("graph", graphUsage, fs, args, stdout, fail)
	if done {
		return code
	}
	format := *fv.format
	if err := formatFlag(format, "dot", "mermaid"); err != nil {
		return fail("%v (see plugin-lsp graph -h)", err)
	}
	if len(pos) > 1 {
		return fail("one directory at most, got %d (see plugin-lsp graph -h)", len(pos))
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	pats, err := parsePatterns([]string{dir})
	if err != nil {
		return fail("%v", err)
	}
	snap, err := index.New(index.Options{Roots: workspaceRoots(pats)}).Build(ctx)
	if err != nil {
		return fail("indexing %s: %v", dir, err)
	}
	warnProblems(stderr, "graph", snap.Problems())
	g := buildGraph(snap, pats[0].dir)
	if format == "mermaid" {
		err = g.writeMermaid(stdout)
	} else {
		err = g.writeDOT(stdout)
	}
	if err != nil {
		return fail("%v", err)
	}
	return 0
}

// nodeKind orders and styles graph nodes.
type nodeKind int

const (
	nodeHost nodeKind = iota
	nodePlugin
	nodeNative
	nodeManifest
	nodeRegistry
)

// graphNode is one node; key is unique and stable (kind prefix + name).
type graphNode struct {
	key   string
	kind  nodeKind
	label string
	cycle bool
}

// graphEdge is one labelled edge between node keys.
type graphEdge struct {
	from, to string
	label    string
	cycle    bool
}

// pluginGraph is the rendered graph: nodes sorted by kind then key, edges
// sorted by (from, to, label). Both renderers read only this, so the output
// is deterministic.
type pluginGraph struct {
	nodes []*graphNode
	edges []graphEdge
}

// Node keys by kind, so a package that is both a host and a plugin (rare)
// gets two distinct nodes.
func hostKey(p string) string     { return "host:" + p }
func pluginKey(p string) string   { return "plugin:" + p }
func registryKey(r string) string { return "registry:" + r }
func nativeKey(d string) string   { return "native:" + d }

// graphNodeKey maps a node of index.Snapshot.Graph (an import path or
// "manifest:<name>") to a node key.
func graphNodeKey(n string) string {
	if strings.HasPrefix(n, "manifest:") {
		return n
	}
	return pluginKey(n)
}

// buildGraph collects the plugin graph of a snapshot. Directories and .so
// paths are shown relative to base (the directory given), so the output
// does not depend on where the workspace lives.
func buildGraph(snap *index.Snapshot, base string) *pluginGraph {
	rel := func(p string) string { return filepath.ToSlash(report.RelPath(base, p)) }
	nodes := map[string]*graphNode{}
	add := func(key string, kind nodeKind, label string) {
		if _, ok := nodes[key]; !ok {
			nodes[key] = &graphNode{key: key, kind: kind, label: label}
		}
	}
	edges := map[graphEdge]bool{}

	// Registrations: plugin package → registry, labelled with the names.
	names := map[[2]string][]string{} // (package, registry) → names
	registering := map[string]bool{}
	for _, r := range snap.Registrations() {
		if r.IsTest {
			continue
		}
		registering[r.Package] = true
		add(pluginKey(r.Package), nodePlugin, r.Package)
		add(registryKey(r.Registry), nodeRegistry, r.Registry)
		name := r.Name
		if !r.NameResolved {
			name = "?" // not a constant (REG005)
		}
		k := [2]string{r.Package, r.Registry}
		names[k] = append(names[k], name)
	}
	for k, ns := range names {
		edges[graphEdge{from: pluginKey(k[0]), to: registryKey(k[1]), label: "registers " + strings.Join(uniqueSorted(ns), ", ")}] = true
	}

	// Hosts → plugin packages they link, in any configuration; the label
	// names the configurations when not all of them link it.
	cfgs := snap.Configs()
	for _, h := range snap.Hosts() {
		linkedIn := map[string][]string{}
		for _, cfg := range cfgs {
			for _, p := range snap.Links(h, cfg) {
				if p == h.ImportPath {
					continue
				}
				linkedIn[p] = append(linkedIn[p], cfg.String())
			}
		}
		for p, in := range linkedIn {
			add(hostKey(h.ImportPath), nodeHost, h.ImportPath)
			add(pluginKey(p), nodePlugin, p)
			label := "links"
			if len(in) < len(cfgs) {
				label += " (" + strings.Join(uniqueSorted(in), ", ") + ")"
			}
			edges[graphEdge{from: hostKey(h.ImportPath), to: pluginKey(p), label: label}] = true
		}
	}

	// Native plugins and the packages that open them. One directory can
	// hold several plugins built file by file (Go's testplugin does): the
	// key names the files then.
	perDir := map[string]int{}
	for _, plug := range snap.NativePlugins() {
		perDir[plug.Dir]++
	}
	native := func(plug *index.NativePlugin) string {
		key, label := rel(plug.Dir), nativeLabel(plug, rel)
		if perDir[plug.Dir] > 1 {
			// One node per plugin: keyed by its outputs, labelled with its
			// files (the index fills them, in order, even for plugins
			// outside the walk such as a test's testdata).
			var sos, files []string
			for _, so := range plug.SOPaths {
				sos = append(sos, rel(so))
			}
			for _, id := range plug.Files {
				files = append(files, filepath.Base(snap.Path(id)))
			}
			key += "[" + strings.Join(uniqueSorted(sos), ",") + "]"
			label = strings.Replace(label, " (native plugin)", " (native plugin: "+strings.Join(files, ", ")+")", 1)
		}
		add(nativeKey(key), nodeNative, label)
		return nativeKey(key)
	}
	for _, plug := range snap.NativePlugins() {
		native(plug)
	}
	for _, o := range snap.Opens() {
		for _, plug := range o.Plugins {
			add(hostKey(o.Package), nodeHost, o.Package)
			label := "opens"
			if o.Path != "" {
				label += " " + o.Path
			}
			edges[graphEdge{from: hostKey(o.Package), to: native(plug), label: label}] = true
		}
	}

	// Plugin dependency graph: imports between plugin packages and
	// manifest requires.
	var deps []graphEdge
	for _, e := range snap.Graph() {
		from, to := graphNodeKey(e.From), graphNodeKey(e.To)
		for _, n := range []string{e.From, e.To} {
			if strings.HasPrefix(n, "manifest:") {
				add(graphNodeKey(n), nodeManifest, n)
			} else {
				add(pluginKey(n), nodePlugin, n)
			}
		}
		label := "imports"
		if e.Kind == index.EdgeRequires {
			label = "requires"
		}
		deps = append(deps, graphEdge{from: from, to: to, label: label})
	}
	onCycle := cycleEdges(deps)
	for _, e := range deps {
		if onCycle[[2]string{e.from, e.to}] {
			e.cycle = true
			nodes[e.from].cycle = true
			nodes[e.to].cycle = true
		}
		edges[e] = true
	}

	// Registered names in plugin labels.
	for key, n := range nodes {
		if n.kind != nodePlugin {
			continue
		}
		var ns []string
		for k, v := range names {
			if pluginKey(k[0]) == key {
				ns = append(ns, v...)
			}
		}
		if len(ns) > 0 {
			n.label += "\n" + strings.Join(uniqueSorted(ns), ", ")
		}
	}

	g := &pluginGraph{}
	for _, n := range nodes {
		g.nodes = append(g.nodes, n)
	}
	sort.Slice(g.nodes, func(i, j int) bool {
		a, b := g.nodes[i], g.nodes[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.key < b.key
	})
	for e := range edges {
		g.edges = append(g.edges, e)
	}
	sort.Slice(g.edges, func(i, j int) bool {
		a, b := g.edges[i], g.edges[j]
		if a.from != b.from {
			return a.from < b.from
		}
		if a.to != b.to {
			return a.to < b.to
		}
		return a.label < b.label
	})
	return g
}

func nativeLabel(plug *index.NativePlugin, rel func(string) string) string {
	l := plug.Package
	if l == "" {
		l = rel(plug.Dir)
	}
	l += " (native plugin)"
	var sos []string
	for _, so := range plug.SOPaths {
		sos = append(sos, rel(so))
	}
	if len(sos) > 0 {
		l += "\n" + strings.Join(uniqueSorted(sos), ", ")
	}
	return l
}

func uniqueSorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	j := 0
	for i, s := range out {
		if i == 0 || s != out[j-1] {
			out[j] = s
			j++
		}
	}
	return out[:j]
}

// cycleEdges returns the edges that lie on a cycle: both ends in one
// strongly connected component, or a self loop.
func cycleEdges(edges []graphEdge) map[[2]string]bool {
	succ := map[string][]string{}
	var nodes []string
	for _, e := range edges {
		succ[e.from] = append(succ[e.from], e.to)
		nodes = append(nodes, e.from, e.to)
	}
	comp := map[string]int{}
	for i, c := range index.StronglyConnected(nodes, func(n string) []string { return succ[n] }) {
		for _, n := range c {
			comp[n] = i
		}
	}
	out := map[[2]string]bool{}
	for _, e := range edges {
		if e.from == e.to || comp[e.from] == comp[e.to] {
			out[[2]string{e.from, e.to}] = true
		}
	}
	return out
}

// dotQuote quotes a DOT ID or label; newlines become DOT's centred line
// breaks.
func dotQuote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
	return `"` + s + `"`
}

var dotShapes = map[nodeKind]string{
	nodeHost:     "shape=box, style=bold",
	nodePlugin:   "shape=component",
	nodeNative:   "shape=component, style=dashed",
	nodeManifest: "shape=note",
	nodeRegistry: "shape=cylinder",
}

func (g *pluginGraph) writeDOT(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph plugins {\n\trankdir=LR;\n\tnode [fontname=\"Helvetica\"];\n\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, n := range g.nodes {
		attrs := "label=" + dotQuote(n.label) + ", " + dotShapes[n.kind]
		if n.cycle {
			attrs += ", color=red, fontcolor=red"
		}
		fmt.Fprintf(&b, "\t%s [%s];\n", dotQuote(n.key), attrs)
	}
	for _, e := range g.edges {
		attrs := "label=" + dotQuote(e.label)
		if e.cycle {
			attrs += ", color=red, fontcolor=red, penwidth=2"
		}
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", dotQuote(e.from), dotQuote(e.to), attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes a Mermaid label: quotes become #quot; (Mermaid's
// entity syntax) and newlines <br/>.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", "<br/>", "|", "#124;").Replace(s)
}

var mermaidShapes = map[nodeKind][2]string{
	nodeHost:     {"[", "]"},
	nodePlugin:   {"[[", "]]"},
	nodeNative:   {"[/", "/]"},
	nodeManifest: {">", "]"},
	nodeRegistry: {"[(", ")]"},
}

func (g *pluginGraph) writeMermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	var cycleNodes []string
	for i, n := range g.nodes {
		id := fmt.Sprintf("n%d", i)
		ids[n.key] = id
		sh := mermaidShapes[n.kind]
		fmt.Fprintf(&b, "\t%s%s\"%s\"%s\n", id, sh[0], mermaidText(n.label), sh[1])
		if n.cycle {
			cycleNodes = append(cycleNodes, id)
		}
	}
	var cycleLinks []string
	for i, e := range g.edges {
		fmt.Fprintf(&b, "\t%s -->|\"%s\"| %s\n", ids[e.from], mermaidText(e.label), ids[e.to])
		if e.cycle {
			cycleLinks = append(cycleLinks, fmt.Sprint(i))
		}
	}
	b.WriteString("\tclassDef cycle stroke:#d00,stroke-width:3px,color:#d00\n")
	if len(cycleNodes) > 0 {
		fmt.Fprintf(&b, "\tclass %s cycle\n", strings.Join(cycleNodes, ","))
	}
	if len(cycleLinks) > 0 {
		fmt.Fprintf(&b, "\tlinkStyle %s stroke:#d00,stroke-width:3px\n", strings.Join(cycleLinks, ","))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
