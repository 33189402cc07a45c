package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphGolden runs `plugin-lsp graph` on testdata/check/graph.txtar in
// both formats; the output must match want/graph.dot and want/graph.mermaid
// exactly, and be the same on a second run (deterministic).
func TestGraphGolden(t *testing.T) {
	ws := loadWorkspace(t, "graph")
	for _, format := range []string{"dot", "mermaid"} {
		r := runBinary(t, ws.dir, "graph", "-format", format, ".")
		if r.exit != 0 || r.stderr != "" {
			t.Fatalf("graph -format %s: exit %d, stderr %q", format, r.exit, r.stderr)
		}
		if again := runBinary(t, ws.dir, "graph", "-format", format); again.stdout != r.stdout {
			t.Errorf("graph -format %s is not deterministic:\n%s\nthen:\n%s", format, r.stdout, again.stdout)
		}
		if want := ws.want(t, "graph."+format, r.stdout); r.stdout != want {
			t.Errorf("graph -format %s:\n%s\nwant:\n%s", format, r.stdout, want)
		}
	}
}

func TestGraphCannotRun(t *testing.T) {
	ws := loadWorkspace(t, "graph")
	for _, tc := range []struct {
		args   []string
		reason string
	}{
		{[]string{"-format", "svg"}, `unknown format "svg"`},
		{[]string{"nosuchdir"}, "nosuchdir: no such directory"},
		{[]string{".", "plugins"}, "one directory at most"},
		{[]string{"-x"}, "flag provided but not defined: -x"},
	} {
		r := runBinary(t, ws.dir, append([]string{"graph"}, tc.args...)...)
		if r.exit != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.reason) {
			t.Errorf("graph %v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", tc.args, r.exit, r.stdout, r.stderr, tc.reason)
		}
	}
}

func TestCycleEdges(t *testing.T) {
	e := func(from, to string) graphEdge { return graphEdge{from: from, to: to} }
	for _, tc := range []struct {
		name  string
		edges []graphEdge
		want  string // edges on a cycle, "from>to" sorted by input order
	}{
		{"no cycle", []graphEdge{e("a", "b"), e("b", "c"), e("a", "c")}, ""},
		{"two-cycle", []graphEdge{e("a", "b"), e("b", "a"), e("b", "c")}, "a>b b>a"},
		{"self loop", []graphEdge{e("a", "a"), e("a", "b")}, "a>a"},
		{"long cycle with tail", []graphEdge{e("x", "a"), e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d")}, "a>b b>c c>a"},
		{"two cycles", []graphEdge{e("a", "b"), e("b", "a"), e("c", "d"), e("d", "c"), e("b", "c")}, "a>b b>a c>d d>c"},
	} {
		got := cycleEdges(tc.edges)
		var on []string
		for _, x := range tc.edges {
			if got[[2]string{x.from, x.to}] {
				on = append(on, x.from+">"+x.to)
			}
		}
		if strings.Join(on, " ") != tc.want {
			t.Errorf("%s: cycle edges %q, want %q", tc.name, strings.Join(on, " "), tc.want)
		}
	}
}

// TestGraphRenderEscaping: labels with quotes, backslashes, newlines and
// pipes stay inside their DOT string / Mermaid label.
func TestGraphRenderEscaping(t *testing.T) {
	g := &pluginGraph{
		nodes: []*graphNode{
			{key: "host:a", kind: nodeHost, label: `we"ird\name`},
			{key: "plugin:b", kind: nodePlugin, label: "b\n\"x\" | y", cycle: true},
		},
		edges: []graphEdge{{from: "host:a", to: "plugin:b", label: `links "q"`, cycle: true}},
	}
	var dot, mm bytes.Buffer
	if err := g.writeDOT(&dot); err != nil {
		t.Fatal(err)
	}
	if err := g.writeMermaid(&mm); err != nil {
		t.Fatal(err)
	}
	wantDOT := `digraph plugins {
	rankdir=LR;
	node [fontname="Helvetica"];
	edge [fontname="Helvetica", fontsize=10];
	"host:a" [label="we\"ird\\name", shape=box, style=bold];
	"plugin:b" [label="b\n\"x\" | y", shape=component, color=red, fontcolor=red];
	"host:a" -> "plugin:b" [label="links \"q\"", color=red, fontcolor=red, penwidth=2];
}
`
	if dot.String() != wantDOT {
		t.Errorf("DOT:\n%s\nwant:\n%s", dot.String(), wantDOT)
	}
	wantMermaid := `flowchart LR
	n0["we#quot;ird\name"]
	n1[["b<br/>#quot;x#quot; #124; y"]]
	n0 -->|"links #quot;q#quot;"| n1
	classDef cycle stroke:#d00,stroke-width:3px,color:#d00
	class n1 cycle
	linkStyle 0 stroke:#d00,stroke-width:3px
`
	if mm.String() != wantMermaid {
		t.Errorf("Mermaid:\n%s\nwant:\n%s", mm.String(), wantMermaid)
	}
}

// TestGraphDeterministicOnGOROOT: on real code with several native plugins
// in one directory (Go's testplugin), repeated runs print the same graph.
func TestGraphDeterministicOnGOROOT(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src")
	for _, format := range []string{"dot", "mermaid"} {
		first := runBinary(t, src, "graph", "-format", format)
		if first.exit != 0 || first.stdout == "" {
			t.Fatalf("graph -format %s GOROOT/src: exit %d, stderr %q", format, first.exit, first.stderr)
		}
		for i := 0; i < 3; i++ {
			if again := runBinary(t, src, "graph", "-format", format); again.stdout != first.stdout {
				t.Fatalf("graph -format %s GOROOT/src differs between runs", format)
			}
		}
	}
}
