package index

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Dump writes a canonical, line-oriented rendering of everything the
// snapshot knows (paths relative to the roots, FileIDs never shown). Two
// snapshots of the same files dump identically whatever their history, which
// is what the incremental tests compare.
func (s *Snapshot) Dump(w io.Writer) {
	rel := func(p string) string {
		for _, r := range s.roots {
			if q, err := filepath.Rel(r, p); err == nil && !strings.HasPrefix(q, "..") {
				return filepath.ToSlash(q)
			}
		}
		return filepath.ToSlash(p)
	}
	ref := func(r SymbolRef) string {
		if r.IsZero() {
			return "-"
		}
		return fmt.Sprintf("%s@%d-%d/%s", rel(s.Path(r.File)), r.Span.Start, r.Span.End, r.Kind)
	}
	for _, m := range s.Modules() {
		fmt.Fprintf(w, "module %s %s go=%s\n", m.Path, rel(m.Dir), m.GoVersion)
	}
	for _, id := range s.Files() {
		f := s.Facts(id)
		if f == nil {
			fmt.Fprintf(w, "file %s\n", rel(s.Path(id)))
			continue
		}
		fmt.Fprintf(w, "file %s pkg=%s build=%q full=%v err=%q imports=%d symbols=%d calls=%d defs=%d\n",
			rel(f.Path), f.Package, f.Constraint, f.Full, f.ParseErr, len(f.Imports), len(f.Symbols), len(f.Calls), len(f.Defs))
	}
	for _, p := range s.Packages() {
		fmt.Fprintf(w, "package %s %s name=%s main=%v native=%v files=%d\n", p.ImportPath, rel(p.Dir), p.Name, p.IsMain, p.IsNativePlugin, len(p.Files))
	}
	for _, r := range s.Registries() {
		fmt.Fprintf(w, "registry %s preset=%q contract=%s register=%v lookup=%v panics=%v decl=%s\n",
			r.ID, r.Preset, r.Contract, r.Register, r.Lookup, r.PanicsOnDuplicate, ref(r.Decl))
	}
	for _, r := range s.Registrations() {
		fmt.Fprintf(w, "registration %s %q resolved=%v at=%s decl=%s value=%s type=%s init=%v test=%v\n",
			r.Registry, r.Name, r.NameResolved, ref(r.NameRef), ref(r.NameDecl), r.Value, r.ValueType, r.InInit, r.IsTest)
	}
	for _, l := range s.Lookups() {
		fmt.Fprintf(w, "lookup %s %q resolved=%v at=%s test=%v\n", l.Registry, l.Name, l.NameResolved, ref(l.NameRef), l.IsTest)
	}
	for _, h := range s.Hosts() {
		for _, cfg := range s.Configs() {
			fmt.Fprintf(w, "host %s %s links=%v\n", h.ImportPath, cfg, s.Links(h, cfg))
		}
	}
	for _, np := range s.NativePlugins() {
		var files, syms []string
		for _, f := range np.Files {
			files = append(files, rel(s.Path(f)))
		}
		for _, so := range np.SOPaths {
			syms = append(syms, "so:"+rel(so))
		}
		for _, sym := range np.Symbols {
			syms = append(syms, sym.Kind.String()+":"+sym.Name+":"+sym.Type)
		}
		fmt.Fprintf(w, "native %s pkg=%s files=%v %v\n", rel(np.Dir), np.Package, files, syms)
	}
	for _, o := range s.Opens() {
		var pl []string
		for _, np := range o.Plugins {
			pl = append(pl, rel(np.Dir))
		}
		fmt.Fprintf(w, "open %s %q -> %v\n", ref(o.Call), o.Path, pl)
	}
	for _, l := range s.PluginLookups() {
		open := "-"
		if l.Open != nil {
			open = ref(l.Open.Call)
		}
		fmt.Fprintf(w, "plookup %s %q assert=%q open=%s inplugin=%v\n", ref(l.Ref), l.Symbol, l.Assert, open, l.InPlugin)
	}
	for _, m := range s.Manifests() {
		var req []string
		for _, r := range m.Requires {
			req = append(req, r.Name+" "+r.Constraint+" "+ref(r.Ref))
		}
		fmt.Fprintf(w, "manifest %s %q %q requires=%v err=%q pkg=%s\n", rel(s.Path(m.File)), m.Name, m.Version, req, m.ParseErr, m.Package)
	}
	for _, e := range s.Graph() {
		fmt.Fprintf(w, "edge %s -> %s kind=%d\n", e.From, e.To, e.Kind)
	}
	t := s.Trie()
	names := make([]string, 0, t.Len())
	for _, e := range t.Prefix("", 0) {
		names = append(names, fmt.Sprintf("%s:%s", e.Name, ref(e.Ref)))
	}
	sort.Strings(names)
	fmt.Fprintf(w, "trie %d %s\n", len(names), strings.Join(names, " "))
}
