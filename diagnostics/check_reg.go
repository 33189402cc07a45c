package diagnostics

import (
	"bytes"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// hostCache memoises HostsLinking per package and configuration.
type hostCache struct {
	p *pass
	m map[string][]*index.Host
}

func (h *hostCache) linking(pkg string, cfg index.BuildConfig) []*index.Host {
	if h.m == nil {
		h.m = map[string][]*index.Host{}
	}
	k := pkg + "\x00" + cfg.String()
	hs, ok := h.m[k]
	if !ok {
		hs = h.p.snap.HostsLinking(pkg, cfg)
		h.m[k] = hs
	}
	return hs
}

// normSpace removes white space, to compare two expressions as written.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func checkREG001(p *pass) {
	type key struct{ reg, name string }
	groups := map[key][]*index.Registration{}
	var order []key
	for _, r := range p.snap.Registrations() {
		// Registrations outside init may never run (or never both); only
		// init-time ones certainly clash.
		if r.IsTest || !r.NameResolved || !r.InInit || r.Value == "" {
			continue // a name-only registration adds to a set: repeats are harmless
		}
		k := key{r.Registry, r.Name}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	hc := &hostCache{p: p}
	for _, k := range order {
		regs := groups[k]
		if len(regs) < 2 {
			continue
		}
		reg := p.snap.Registry(k.reg)
		if !p.overwrites(reg) {
			continue
		}
		panics := reg.Duplicates == index.DupPanics
		type clash struct {
			cfgs   []index.BuildConfig
			others map[int]bool
			hosts  map[string]bool
		}
		clashes := make([]clash, len(regs))
		for _, cfg := range p.configs {
			for i := range regs {
				for j := i + 1; j < len(regs); j++ {
					a, b := regs[i], regs[j]
					if !panics && a.Package == b.Package &&
						normSpace(p.src(a.File, a.Call.Span)) == normSpace(p.src(b.File, b.Call.Span)) {
						continue // redundant: the registry ends up the same
					}
					if !p.snap.FileBuilds(a.File, cfg) || !p.snap.FileBuilds(b.File, cfg) {
						continue
					}
					var hosts []string
					for _, ha := range hc.linking(a.Package, cfg) {
						for _, hb := range hc.linking(b.Package, cfg) {
							if ha.ImportPath == hb.ImportPath {
								hosts = append(hosts, ha.ImportPath)
							}
						}
					}
					if len(hosts) == 0 {
						continue
					}
					for _, x := range [2]int{i, j} {
						c := &clashes[x]
						if c.others == nil {
							c.others, c.hosts = map[int]bool{}, map[string]bool{}
						}
						if len(c.cfgs) == 0 || c.cfgs[len(c.cfgs)-1].String() != cfg.String() {
							c.cfgs = append(c.cfgs, cfg)
						}
						c.others[i+j-x] = true
						for _, h := range hosts {
							c.hosts[h] = true
						}
					}
				}
			}
		}
		for i, c := range clashes {
			if len(c.cfgs) == 0 {
				continue
			}
			r := regs[i]
			var others []int
			for o := range c.others {
				others = append(others, o)
			}
			sort.Ints(others)
			var hosts []string
			for h := range c.hosts {
				hosts = append(hosts, h)
			}
			sort.Strings(hosts)
			first := regs[others[0]]
			var related []Related
			for _, o := range others {
				related = append(related, Related{Location: p.loc(regs[o].NameRef),
					Message: "other registration of " + strconv.Quote(k.name)})
			}
			hostText := hosts[0]
			if len(hosts) > 1 {
				hostText += " and " + strconv.Itoa(len(hosts)-1) + " more hosts"
			}
			consequence := "one silently replaces the other"
			switch reg.Duplicates {
			case index.DupPanics:
				consequence = "the second registration panics at start-up"
			case index.DupError:
				consequence = "the second registration fails with an error"
			case index.DupFirstWins:
				consequence = "lookups find only the first, the other is never used"
			}
			p.report(Finding{
				Message: "duplicate plugin name " + strconv.Quote(k.name) + " in registry " + k.reg +
					": also registered at " + p.where(first.NameRef) + "; both are linked into " + hostText +
					p.configSummary(c.cfgs) + " and " + consequence + "; rename one or link only one",
				Location: p.loc(r.NameRef),
				Configs:  configNames(c.cfgs),
				Related:  related,
			})
		}
	}
}

// overwrites reports whether a second registration of a name in reg
// conflicts with the first: it replaces it, panics, fails with an error, or
// is shadowed by it. The index says so per registry (presets, inferred
// stores, .plugin-lsp.yaml's duplicates key).
func (p *pass) overwrites(reg *index.Registry) bool {
	if reg == nil {
		return false
	}
	switch reg.Duplicates {
	case index.DupOverwrites, index.DupPanics, index.DupError, index.DupFirstWins:
		return true
	}
	return false
}

// pluginRegistry reports whether a registry is used the plugin way: most
// registrations from other packages happen at init time. Inferred
// "registries" that are caches or interning tables (types.NewPkg) are
// filled at run time and are not plugin systems.
func (p *pass) pluginRegistry(id string) bool {
	if p.initShare == nil {
		p.initShare = map[string][2]int{}
		for _, r := range p.snap.Registrations() {
			if r.IsTest {
				continue
			}
			key := r.Registry
			if reg := p.snap.Registry(r.Registry); reg != nil && reg.Package == r.Package {
				// The registry's own package: counted apart, used only
				// when no other package registers (chroma's formatters
				// register themselves in var initialisers).
				key = "\x00own:" + r.Registry
			}
			if pk := p.snap.Package(r.Package); pk == nil || pk.IsMain {
				continue // hosts register when they like
			}
			c := p.initShare[key]
			if r.InInit {
				c[0]++
			} else {
				c[1]++
			}
			p.initShare[key] = c
		}
	}
	c := p.initShare[id]
	if c[0]+c[1] == 0 {
		c = p.initShare["\x00own:"+id]
	}
	return c[0] > 0 && c[0] > c[1]
}

// pluginPkgs is pluginPackages' result, memoised per pass.
type pluginPkgs struct {
	order []string
	regs  map[string][]*index.Registration
}

// pluginPackages groups init-time registrations by package, leaving out
// tests, the registries' own packages (wrappers) and main packages.
func (p *pass) pluginPackages() (order []string, regs map[string][]*index.Registration) {
	if p.plugins != nil {
		return p.plugins.order, p.plugins.regs // REG002 and REG006 both ask; read-only
	}
	defer func() { p.plugins = &pluginPkgs{order, regs} }()
	regs = map[string][]*index.Registration{}
	for _, r := range p.snap.Registrations() {
		if r.IsTest || !r.InInit {
			continue
		}
		if reg := p.snap.Registry(r.Registry); reg != nil && reg.Package == r.Package {
			continue
		}
		if pkg := p.snap.Package(r.Package); pkg == nil || pkg.IsMain {
			continue
		}
		if _, ok := regs[r.Package]; !ok {
			order = append(order, r.Package)
		}
		regs[r.Package] = append(regs[r.Package], r)
	}
	sort.Strings(order)
	return order, regs
}

func checkREG002(p *pass) {
	if len(p.snap.Hosts()) == 0 {
		return // a library alone: its plugins are for other modules
	}
	order, regs := p.pluginPackages()
	if len(order) == 0 {
		return
	}
	// "Under any configuration" includes custom build tags: golang-migrate
	// links each driver from a file such as internal/cli/build_mysql.go
	// with //go:build mysql. So a package is linked when some main package
	// reaches it through non-test imports under any build constraint; a
	// constraint that can never match is REG006's business.
	linked := map[string]bool{}
	for _, pkg := range order {
		if p.ctx.Err() != nil {
			return
		}
		linked[pkg] = p.reachableFromMain(pkg)
	}
	// A registry counts as used by the workspace's hosts when some plugin
	// package of it is linked; a package of a registry that no host uses
	// is a library for other modules, not a forgotten plugin.
	used := map[string]bool{}
	for _, pkg := range order {
		if linked[pkg] {
			for _, r := range regs[pkg] {
				used[r.Registry] = true
			}
		}
	}
	testHelpers := p.testHelpers()
	for _, pkg := range order {
		if linked[pkg] || testHelpers[pkg] || demoPath(pkg) || p.optIn(pkg) {
			continue
		}
		first := regs[pkg][0]
		resolved := false
		for _, r := range regs[pkg] {
			if reg := p.snap.Registry(r.Registry); r.NameResolved && reg != nil && !reg.FilledAtRunTime {
				first, resolved = r, true
				break
			}
		}
		if !used[first.Registry] || !resolved {
			continue // without a constant name there is no plugin to name
		}
		fixes, target := p.importFixes(pkg, first.Registry, regs, linked)
		msg := "package " + pkg + " registers " + strconv.Quote(first.Name) + " but is imported by no host, so its plugins are never registered; add a blank import of it"
		if target != "" {
			msg += " to " + target
		}
		var related []Related
		if len(fixes) > 0 {
			e := fixes[0].Edits[0]
			related = append(related, Related{Location: Location{File: e.File, Start: e.Start, End: e.Start},
				Message: "does not import " + pkg})
		}
		p.report(Finding{
			Message:  msg,
			Location: p.loc(first.Call),
			Related:  related,
			Fixes:    fixes,
		})
	}
}

// importFixes proposes blank imports of pkg: into aggregator files that
// already blank-import linked plugins of the same registry (closest import
// path first), then into host files. It returns the fixes and a
// description of the first target.
func (p *pass) importFixes(pkg, registry string, regs map[string][]*index.Registration, linked map[string]bool) ([]Fix, string) {
	siblings := map[string]bool{}
	for q, rs := range regs {
		if q == pkg || !linked[q] {
			continue
		}
		for _, r := range rs {
			if r.Registry == registry {
				siblings[q] = true
			}
		}
	}
	type cand struct {
		file   index.FileID
		score  int
		isHost bool
		tagged bool // has a build constraint: the import would be conditional
	}
	var cands []cand
	for _, id := range p.allFiles() {
		f := p.snap.Facts(id)
		if f == nil || f.IsTest || f.ParseErr != "" {
			continue
		}
		imports := false
		for _, im := range f.Imports {
			if im.Blank && siblings[im.Path] {
				imports = true
			}
		}
		if !imports {
			continue
		}
		pk := p.snap.PackageOf(id)
		if pk == nil {
			continue
		}
		cands = append(cands, cand{id, commonPrefix(pk.ImportPath, pkg), pk.IsMain, f.Constraint != "" || f.NameGOOS != "" || f.NameGOARCH != ""})
	}
	if len(cands) == 0 {
		// No aggregator: a host's file with main.
		for _, h := range p.snap.Hosts() {
			for _, id := range h.Files {
				if f := p.snap.Facts(id); f != nil && !f.IsTest && f.ParseErr == "" {
					cands = append(cands, cand{id, commonPrefix(h.ImportPath, pkg), true, f.Constraint != ""})
					break
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].isHost != cands[j].isHost {
			return !cands[i].isHost
		}
		if cands[i].tagged != cands[j].tagged {
			return !cands[i].tagged
		}
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return p.snap.Path(cands[i].file) < p.snap.Path(cands[j].file)
	})
	var fixes []Fix
	target := ""
	for _, c := range cands {
		if len(fixes) == 3 {
			break
		}
		ft := p.text(c.file)
		if ft.err != nil {
			continue
		}
		e, ok := insertImportEdit(ft.content, pkg)
		if !ok {
			continue
		}
		path := p.snap.Path(c.file)
		kind := "aggregator"
		if c.isHost {
			kind = "host"
		}
		if target == "" {
			target = p.rel(path) + " (" + kind + ")"
		}
		fixes = append(fixes, Fix{
			Title: "Add import _ " + strconv.Quote(pkg) + " to " + p.rel(path),
			Edits: []Edit{{Location: p.span(c.file, index.Span{Start: e.start, End: e.end}), NewText: e.text}},
		})
	}
	return fixes, target
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func checkREG003(p *pass) {
	names := map[string][]string{}
	unresolved := map[string]bool{}
	byReg := map[string][]*index.Registration{}
	for _, r := range p.snap.Registrations() {
		byReg[r.Registry] = append(byReg[r.Registry], r)
		if !r.NameResolved {
			// A test's unresolved registration (a stub registering
			// whatever name a test passes) is not linked into hosts: it
			// cannot supply the name a host looks up.
			if !r.IsTest {
				unresolved[r.Registry] = true
			}
			continue
		}
		names[r.Registry] = append(names[r.Registry], r.Name)
	}
	for _, l := range p.snap.Lookups() {
		reg := p.snap.Registry(l.Registry)
		if reg != nil && p.certainMissing(l, reg, byReg[l.Registry]) {
			continue // reg003certain.go
		}
		if !l.NameResolved || unresolved[l.Registry] || len(names[l.Registry]) == 0 {
			continue
		}
		if reg == nil || reg.Preset == "" && !p.pluginRegistry(l.Registry) {
			continue
		}
		known := false
		for _, n := range names[l.Registry] {
			if reg.Answers(n, l.Name) { // a registry that folds case may fold lookups too
				known = true
				break
			}
		}
		if known {
			continue
		}
		// Plugins may come from modules outside the workspace; only a
		// near miss of a workspace name is certainly a typo.
		near := nearest(l.Name, names[l.Registry], typoDistance(l.Name), 3)
		if len(near) == 0 {
			continue
		}
		var related []Related
		for _, r := range p.snap.Registrations() {
			if r.Registry == l.Registry && r.NameResolved && r.Name == near[0] {
				related = append(related, Related{Location: p.loc(r.NameRef), Message: strconv.Quote(r.Name) + " is registered here"})
				break
			}
		}
		var fixes []Fix
		if srcIsStringLit(p.src(l.NameRef.File, l.NameRef.Span)) {
			for _, n := range near {
				fixes = append(fixes, Fix{
					Title: "Replace with " + strconv.Quote(n),
					Edits: []Edit{{Location: p.loc(l.NameRef), NewText: strconv.Quote(n)}},
				})
			}
		}
		p.report(Finding{
			Message:  "no plugin " + strconv.Quote(l.Name) + " in registry " + l.Registry + ": did you mean " + strings.Join(quoteListOr(near), " or ") + "?",
			Location: p.loc(l.NameRef),
			Related:  related,
			Fixes:    fixes,
		})
	}
}

func quoteListOr(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return q
}

func checkREG005(p *pass) {
	for _, r := range p.snap.Registrations() {
		if r.IsTest || r.NameResolved || p.testOnly(r.Package) {
			continue
		}
		reg := p.snap.Registry(r.Registry)
		if reg == nil || reg.Package == r.Package || !p.pluginRegistry(r.Registry) {
			continue // a wrapper forwarding its own parameter, or no plugin registry
		}
		if reg.NameSource != index.NameArgument {
			// The value names itself (b.Name(), info.Name): an unresolved
			// name means the index could not see the value's type or
			// method, not that the name is not constant. Counted in the
			// coverage line, not reported.
			continue
		}
		expr := shortExpr(p.src(r.NameRef.File, r.NameRef.Span))
		if expr == "" {
			expr = "the name"
		}
		p.report(Finding{
			Message:  "plugin name " + expr + " in registry " + r.Registry + " is not a constant, so duplicates and lookups of it cannot be checked; use a string constant",
			Location: p.loc(r.NameRef),
		})
	}
}

// reachableFromMain reports whether some main package imports pkg,
// directly or transitively, in non-test files under any build constraint.
// It walks the snapshot's reverse import graph (index.Snapshot.Importers,
// shared across snapshots while imports do not change) upwards from pkg;
// answers are memoised per pass, so the walks of sibling plugins share
// their aggregators.
func (p *pass) reachableFromMain(pkg string) bool {
	if r, ok := p.reach[pkg]; ok {
		return r
	}
	if p.reach == nil {
		p.reach = map[string]bool{}
	}
	seen := map[string]bool{pkg: true}
	queue := []string{pkg}
	found := false
	for len(queue) > 0 && !found {
		cur := queue[0]
		queue = queue[1:]
		for _, id := range p.snap.Importers(cur) {
			pk := p.snap.PackageOf(id)
			if pk == nil || seen[pk.ImportPath] {
				continue
			}
			if pk.IsMain {
				found = true
				break
			}
			if r, ok := p.reach[pk.ImportPath]; ok && r {
				found = true
				break
			}
			seen[pk.ImportPath] = true
			queue = append(queue, pk.ImportPath)
		}
	}
	if found {
		// Only positive answers are shared: a negative one for a package
		// seen from pkg's walk may be cut short by the seen set.
		p.reach[pkg] = true
	} else {
		// Nothing above pkg reaches a main package, so nothing it saw does.
		for q := range seen {
			p.reach[q] = false
		}
	}
	return found
}

func (p *pass) activeConfigs(id index.FileID) []index.BuildConfig {
	if f := p.snap.Facts(id); f != nil && f.Constraint == "" && f.NameGOOS == "" && f.NameGOARCH == "" {
		// Builds everywhere (the common case): no evaluation per
		// configuration. Capacity capped so that an append copies.
		return p.configs[:len(p.configs):len(p.configs)]
	}
	var out []index.BuildConfig
	for _, cfg := range p.configs {
		if p.snap.FileBuilds(id, cfg) {
			out = append(out, cfg)
		}
	}
	return out
}

func checkREG006(p *pass) {
	order, regs := p.pluginPackages()
	// An aggregator file whose constraint excludes every file of a plugin
	// it imports. Only the importers of plugin packages are visited (the
	// reverse import graph), not every file of the workspace.
	active := map[index.FileID][]index.BuildConfig{}
	for _, path := range order {
		pkg := p.snap.Package(path)
		if pkg == nil {
			continue
		}
		for id, f := range p.nonTestFiles(p.snap.Importers(path)) {
			for _, im := range f.Imports {
				if !im.Blank || im.Path != path {
					continue
				}
				act, ok := active[id]
				if !ok {
					act = p.activeConfigs(id)
					active[id] = act
				}
				if len(act) == 0 {
					break // the aggregator file itself never builds here
				}
				builds := false
				for _, cfg := range act {
					for _, pf := range pkg.Files {
						if ff := p.snap.Facts(pf); ff != nil && !ff.IsTest && p.snap.FileBuilds(pf, cfg) {
							builds = true
							break
						}
					}
					if builds {
						break
					}
				}
				if builds {
					continue
				}
				p.report(Finding{
					Message: "this import of " + im.Path + " never links anything: under " + strings.Join(configNames(act), ", ") +
						", where this file builds, no file of the plugin builds; align the build constraints",
					Location: p.span(id, im.Span),
					Configs:  configNames(act),
					Related:  p.fileRelated(pkg.Files, "plugin "+im.Path),
				})
			}
		}
	}
	// A registration under a constraint that no importer of its package
	// builds under.
	for _, pkg := range order {
		imps := p.snap.Importers(pkg)
		if len(imps) == 0 {
			continue // REG002's case
		}
		for _, r := range regs[pkg] {
			active := p.activeConfigs(r.File)
			if len(active) == 0 || len(active) == len(p.configs) {
				continue
			}
			ok := false
			for _, cfg := range active {
				for _, imp := range imps {
					if p.snap.FileBuilds(imp, cfg) {
						ok = true
						break
					}
				}
				if ok {
					break
				}
			}
			if ok {
				continue
			}
			p.report(Finding{
				Message: "registration of " + strconv.Quote(r.Name) + " builds only under " + strings.Join(configNames(active), ", ") +
					", where no file that imports " + pkg + " builds; align the build constraints",
				Location: p.loc(r.NameRef),
				Configs:  configNames(active),
				Related:  []Related{{Location: p.span(imps[0], index.Span{}), Message: "imports " + pkg}},
			})
		}
	}
}

// optIn reports whether a plugin package documents that users link it
// themselves: its Go files (the package doc) or a README.md beside them
// show the blank import of its own path (grpc's
// balancer/randomsubsetting: import _ "…/randomsubsetting"). A library
// module ships such plugins for other modules' hosts on purpose.
func (p *pass) optIn(pkg string) bool {
	pk := p.snap.Package(pkg)
	if pk == nil {
		return false
	}
	needle := []byte("_ \"" + pkg + "\"")
	for _, fid := range pk.Files {
		if f := p.snap.Facts(fid); f == nil || f.IsTest {
			continue // a test importing its own package documents nothing
		}
		if ft := p.text(fid); ft.err == nil && bytes.Contains(ft.content, needle) {
			return true
		}
	}
	if b, err := index.ReadRegular(filepath.Join(pk.Dir, "README.md"), 1<<20); err == nil && bytes.Contains(b, needle) {
		return true
	}
	return false
}

// testOnly reports whether a package is linked only into tests: a test
// helper (grpc's internal/balancer/stub) registers at run time by design.
func (p *pass) testOnly(pkg string) bool {
	return p.testHelpers()[pkg] && !p.reachableFromMain(pkg)
}

func checkREG007(p *pass) {
	// A package that registers into a registry at init time follows the
	// registry's convention; one of its registrations outside init is the
	// odd one out. A package that only ever registers at run time does so
	// by design (rclone's cache backend adds its rc commands when a remote
	// is created; containerd's shim registers before building the plugin
	// graph): the rule cannot know the registry is read earlier.
	type key struct{ reg, pkg string }
	atInit := map[key]bool{}
	for _, r := range p.snap.Registrations() {
		if !r.IsTest && r.InInit {
			atInit[key{r.Registry, r.Package}] = true
		}
	}
	for _, r := range p.snap.Registrations() {
		if r.IsTest || r.InInit || !atInit[key{r.Registry, r.Package}] || p.testOnly(r.Package) {
			continue
		}
		if reg := p.snap.Registry(r.Registry); reg == nil || reg.Package == r.Package || reg.FilledAtRunTime || !p.pluginRegistry(r.Registry) {
			continue
		}
		if pkg := p.snap.Package(r.Package); pkg == nil || pkg.IsMain || pkg.IsNativePlugin {
			continue
		}
		name := strconv.Quote(r.Name)
		if !r.NameResolved {
			name = shortExpr(p.src(r.NameRef.File, r.NameRef.Span))
		}
		p.report(Finding{
			Message:  "registration of " + name + " runs in an ordinary function, not in init(): hosts may read the registry before it runs, or it never runs; move it into func init()",
			Location: p.loc(r.Call),
		})
	}
}

// fileRelated points at the start of the first file, if any.
func (p *pass) fileRelated(files []index.FileID, msg string) []Related {
	if len(files) == 0 {
		return nil
	}
	return []Related{{Location: p.span(files[0], index.Span{}), Message: msg}}
}

// shortExpr renders an expression for a message: one line, at most 60
// bytes (a registration may pass a 10 KB composite literal).
func shortExpr(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// testHelpers are the packages that _test.go files of other directories
// import, directly or through other packages: they register plugins for
// tests (Caddy's internal/testmocks, Telegraf's testutil/plugin_input).
func (p *pass) testHelpers() map[string]bool {
	if p.helpers != nil {
		return p.helpers
	}
	out := map[string]bool{}
	defer func() { p.helpers = out }()
	var queue []string
	p.snap.TestImports(func(path string, files []index.FileID) {
		pk := p.snap.Package(path)
		if pk == nil {
			return
		}
		for _, id := range files {
			if filepath.Clean(pk.Dir) != filepath.Dir(p.snap.Path(id)) {
				out[path] = true
				queue = append(queue, path)
				return
			}
		}
	})
	sort.Strings(queue) // TestImports has no order; the result does not depend on it, keep the walk deterministic
	// Whatever a test helper imports is linked into tests too.
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		pk := p.snap.Package(cur)
		if pk == nil {
			continue
		}
		for _, f := range p.nonTestFiles(pk.Files) {
			for _, im := range f.Imports {
				if !out[im.Path] && p.snap.Package(im.Path) != nil {
					out[im.Path] = true
					queue = append(queue, im.Path)
				}
			}
		}
	}
	return out
}

// demoPath reports whether an import path is demonstration code that is
// not meant to be linked (Telegraf's plugins/inputs/example template).
func demoPath(path string) bool {
	for _, el := range strings.Split(path, "/") {
		switch strings.TrimPrefix(el, "_") {
		case "example", "examples", "sample", "samples", "template", "templates", "skeleton":
			return true
		}
	}
	return false
}
