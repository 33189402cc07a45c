package diagnostics

import (
	"sort"
	"strconv"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

func (p *pass) manifestLoc(m *index.Manifest, ref index.SymbolRef) Location {
	if !ref.IsZero() {
		return p.loc(ref)
	}
	return p.span(m.File, index.Span{})
}

func checkMF001(p *pass) {
	for _, m := range p.snap.Manifests() {
		if m.ParseErr != "" {
			p.report(Finding{Message: "plugin-manifest.yaml does not parse: " + m.ParseErr + "; fix the YAML", Location: p.manifestLoc(m, m.ErrRef)})
			continue
		}
		if m.Name == "" {
			p.report(Finding{Message: "plugin-manifest.yaml has no name; add name: <plugin name>", Location: p.manifestLoc(m, m.NameRef)})
		}
		switch {
		case m.Version == "":
			p.report(Finding{Message: "plugin-manifest.yaml has no version; add version: 1.0.0", Location: p.manifestLoc(m, m.VersionRef)})
		default:
			if _, ok := canonicalVersion(m.Version); !ok {
				p.report(Finding{Message: "version " + strconv.Quote(m.Version) + " is not a semantic version; write MAJOR.MINOR.PATCH such as 1.0.0", Location: p.manifestLoc(m, m.VersionRef)})
			}
		}
		for _, r := range m.Requires {
			if _, err := parseConstraint(r.Constraint); err != nil {
				p.report(Finding{Message: "requires " + r.Name + ": " + err.Error() + "; write a constraint such as >=1.2.0 or ^1.2", Location: p.manifestLoc(m, r.Ref)})
			}
		}
	}
}

func checkMF002(p *pass) {
	versions := map[string][]string{}
	for _, m := range p.snap.Manifests() {
		if m.ParseErr != "" || m.Name == "" {
			continue
		}
		if v, ok := canonicalVersion(m.Version); ok {
			versions[m.Name] = append(versions[m.Name], v)
		} else {
			versions[m.Name] = append(versions[m.Name], "")
		}
	}
	for _, m := range p.snap.Manifests() {
		if m.ParseErr != "" {
			continue
		}
		for _, r := range m.Requires {
			vs, ok := versions[r.Name]
			if !ok {
				var names []string
				for n := range versions {
					names = append(names, n)
				}
				sort.Strings(names)
				msg := "requires " + strconv.Quote(r.Name) + ", but no plugin-manifest.yaml in the workspace declares that plugin"
				if near := nearest(r.Name, names, typoDistance(r.Name), 3); len(near) > 0 {
					msg += "; did you mean " + strings.Join(quoteListOr(near), " or ") + "?"
				} else {
					msg += "; add the plugin or remove the requirement"
				}
				p.report(Finding{Message: msg, Location: p.manifestLoc(m, r.Ref)})
				continue
			}
			g, err := parseConstraint(r.Constraint)
			if err != nil {
				continue // MF001
			}
			met, unknown := false, false
			var have []string
			for _, v := range vs {
				if v == "" {
					unknown = true
					continue
				}
				have = append(have, strings.TrimPrefix(v, "v"))
				if satisfies(g, v) {
					met = true
				}
			}
			if met || unknown {
				continue
			}
			sort.Strings(have)
			p.report(Finding{
				Message:  "requires " + r.Name + " " + r.Constraint + ", but the workspace has " + r.Name + " " + strings.Join(have, ", ") + "; relax the constraint or update the plugin",
				Location: p.manifestLoc(m, r.Ref),
			})
		}
	}
}

func checkMF003(p *pass) {
	edges := map[string][]index.GraphEdge{}
	nodes := map[string]bool{}
	for _, e := range p.snap.Graph() {
		edges[e.From] = append(edges[e.From], e)
		nodes[e.From], nodes[e.To] = true, true
	}
	var names []string
	for n := range nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	for n := range edges {
		sort.SliceStable(edges[n], func(i, j int) bool { return edges[n][i].To < edges[n][j].To })
	}
	sccs := index.StronglyConnected(names, func(n string) []string {
		var to []string
		for _, e := range edges[n] {
			to = append(to, e.To)
		}
		return to
	})
	for _, scc := range sccs {
		in := map[string]bool{}
		for _, n := range scc {
			in[n] = true
		}
		start := scc[0]
		if len(scc) == 1 {
			self := false
			for _, e := range edges[start] {
				if e.To == start {
					self = true
				}
			}
			if !self {
				continue
			}
		}
		// Walk one cycle from the smallest member through the component.
		path := []index.GraphEdge{}
		seen := map[string]bool{}
		var walk func(v string) bool
		walk = func(v string) bool {
			for _, e := range edges[v] {
				if !in[e.To] {
					continue
				}
				if e.To == start {
					path = append(path, e)
					return true
				}
				if seen[e.To] {
					continue
				}
				seen[e.To] = true
				path = append(path, e)
				if walk(e.To) {
					return true
				}
				path = path[:len(path)-1]
			}
			return false
		}
		if !walk(start) || len(path) == 0 {
			continue
		}
		// An import-only cycle does not compile (the compiler reports it);
		// one seen here comes from test imports. Report manifest cycles.
		manifest := false
		for _, e := range path {
			manifest = manifest || e.Kind == index.EdgeRequires
		}
		if !manifest {
			continue
		}
		members := []string{nodeName(start)}
		var related []Related
		for _, e := range path {
			members = append(members, nodeName(e.To))
			if !e.Ref.IsZero() {
				related = append(related, Related{Location: p.loc(e.Ref), Message: nodeName(e.From) + " → " + nodeName(e.To)})
			}
		}
		loc := Location{}
		if !path[0].Ref.IsZero() {
			loc = p.loc(path[0].Ref)
		}
		if loc.File == "" {
			continue
		}
		p.report(Finding{
			Message:  "plugin dependency cycle: " + strings.Join(members, " → ") + "; break one of these dependencies",
			Location: loc,
			Related:  tail(related),
		})
	}
}

func nodeName(n string) string { return strings.TrimPrefix(n, "manifest:") }

func checkMF004(p *pass) {
	names := map[string][]*index.Registration{}
	for _, r := range p.snap.Registrations() {
		if !r.IsTest && r.NameResolved {
			names[r.Package] = append(names[r.Package], r)
		}
	}
	for _, m := range p.snap.Manifests() {
		if m.ParseErr != "" || m.Name == "" || m.Package == "" {
			continue
		}
		regs := names[m.Package]
		if len(regs) == 0 {
			continue
		}
		var registered []string
		match := false
		for _, r := range regs {
			registered = append(registered, r.Name)
			if r.Name == m.Name {
				match = true
			}
		}
		if match {
			continue
		}
		sort.Strings(registered)
		registered = dedup(registered)
		p.report(Finding{
			Message:  "manifest name " + strconv.Quote(m.Name) + " differs from the name its package registers (" + quoteList(registered) + "); use the registered name",
			Location: p.manifestLoc(m, m.NameRef),
			Related:  []Related{{Location: p.loc(regs[0].NameRef), Message: "registered as " + strconv.Quote(regs[0].Name)}},
		})
	}
}

func tail(r []Related) []Related {
	if len(r) <= 1 {
		return nil
	}
	return r[1:]
}
