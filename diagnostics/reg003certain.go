package diagnostics

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// REG003 with certainty: when every package a host links is known (the
// workspace, dependency sources read from the module cache, the standard
// library), a lookup of a name that nothing the host links registers fails
// at run time whatever its distance to the known names. When some linked
// package's source is unknown the lookup stays silent (index.Snapshot.
// UnknownLinked says which).

// wellKnownDrivers are database/sql drivers by the name they register, for
// the hint when no module the workspace requires registers the name.
var wellKnownDrivers = []struct{ name, pkg string }{
	{"postgres", "github.com/lib/pq"},
	{"pgx", "github.com/jackc/pgx/v5/stdlib"},
	{"mysql", "github.com/go-sql-driver/mysql"},
	{"sqlite3", "github.com/mattn/go-sqlite3"},
	{"sqlite", "modernc.org/sqlite"},
	{"sqlserver", "github.com/microsoft/go-mssqldb"},
	{"clickhouse", "github.com/ClickHouse/clickhouse-go/v2"},
	{"snowflake", "github.com/snowflakedb/gosnowflake"},
}

// hostCfg is one host under one build configuration.
type hostCfg struct {
	host *index.Host
	cfg  index.BuildConfig
}

// linkedView is what REG003 needs of one host under one configuration.
type linkedView struct {
	links   func(pkg string) bool
	unknown []string
}

func (p *pass) linkedView(h *index.Host, cfg index.BuildConfig) *linkedView {
	key := h.ImportPath + "\x00" + cfg.String()
	if v, ok := p.linkedViews[key]; ok {
		return v
	}
	if p.linkedViews == nil {
		p.linkedViews = map[string]*linkedView{}
	}
	v := &linkedView{links: p.snap.LinkedSet(h, cfg), unknown: p.snap.UnknownLinked(h, cfg)}
	p.linkedViews[key] = v
	return v
}

// certainMissing reports a lookup whose name no package linked into some
// host registers, under every configuration where that host links the
// lookup and the host's linked packages are all known. It returns false
// when it cannot say so (then the near-miss check runs), or when the name
// is a near miss of a name the registry has anywhere (that check words it).
func (p *pass) certainMissing(l *index.Lookup, reg *index.Registry, regs []*index.Registration) bool {
	if l.IsTest || !l.NameResolved || p.snap.IsDependency(l.File) {
		return false
	}
	// Presets the standard library fills (image, crypto, gob, expvar) are
	// never complete; an inferred registry must be used the plugin way.
	if !p.snap.KnowsAllNames(reg) || reg.Preset == "" && !p.pluginRegistry(reg.ID) {
		return false
	}
	hc := &hostCache{p: p}
	// Per host: configurations where it links the lookup, and whether the
	// name is (or may be) registered under any of them.
	type verdict struct {
		cfgs     []index.BuildConfig
		found    bool
		unsure   bool
		firstCfg index.BuildConfig
	}
	byHost := map[string]*verdict{}
	var order []*index.Host
	for _, cfg := range p.configs {
		if !p.snap.FileBuilds(l.File, cfg) {
			continue
		}
		for _, h := range hc.linking(l.Package, cfg) {
			v := byHost[h.ImportPath]
			if v == nil {
				v = &verdict{firstCfg: cfg}
				byHost[h.ImportPath] = v
				order = append(order, h)
			}
			v.cfgs = append(v.cfgs, cfg)
			if v.found || v.unsure {
				continue
			}
			lv := p.linkedView(h, cfg)
			if len(lv.unknown) > 0 {
				v.unsure = true
				continue
			}
			for _, r := range regs {
				if r.NameResolved && !reg.Answers(r.Name, l.Name) {
					continue // another name: whether it is linked says nothing (the cheap test first)
				}
				if r.IsTest || !lv.links(r.Package) || !p.snap.FileBuilds(r.File, cfg) {
					continue
				}
				// Linked: an unreadable name may be this one; a readable
				// one is (the test above).
				v.unsure, v.found = !r.NameResolved, r.NameResolved
				break
			}
		}
	}
	var failing []*index.Host
	for _, h := range order {
		if v := byHost[h.ImportPath]; !v.found && !v.unsure {
			failing = append(failing, h)
		}
	}
	if len(failing) == 0 {
		return false
	}
	// A name registered nowhere but close to a registered one is a typo:
	// the near-miss wording ("did you mean") fits it better.
	var all []string
	registeredSomewhere := false
	for _, r := range regs {
		if r.NameResolved && !r.IsTest {
			all = append(all, r.Name)
			registeredSomewhere = registeredSomewhere || r.Name == l.Name
		}
	}
	if !registeredSomewhere && len(nearest(l.Name, all, typoDistance(l.Name), 3)) > 0 {
		return false
	}
	h := failing[0]
	hostText := h.ImportPath
	if len(failing) > 1 {
		hostText += " (and " + strconv.Itoa(len(failing)-1) + " more hosts)"
	}
	noun := p.snap.PluginNoun(reg)
	what := noun + " " + strconv.Quote(l.Name)
	if noun == "plugin" {
		what += " in registry " + reg.ID
	}
	msg := "no package linked into " + hostText + " registers " + what
	var related []Related
	var fixes []Fix
	// Who registers it: a package of the workspace or a dependency read, or
	// a package of a module the host's go.mod already requires.
	var providers []string
	for _, r := range regs {
		if r.IsTest || !r.NameResolved || r.Name != l.Name || slices.Contains(providers, r.Package) {
			continue
		}
		if pk := p.snap.Package(r.Package); pk != nil && pk.IsMain {
			continue
		}
		providers = append(providers, r.Package)
		related = append(related, Related{Location: p.loc(r.NameRef), Message: strconv.Quote(l.Name) + " is registered here, in " + r.Package})
	}
	if len(providers) == 0 {
		for _, mr := range p.snap.RequiredRegistrations(h.Module, p.snap.RegisterFuncs(reg)) {
			if mr.Name == l.Name && !slices.Contains(providers, mr.Package) {
				providers = append(providers, mr.Package)
			}
		}
		if len(providers) > 0 {
			msg += "; " + providers[0] + " (" + moduleOfPkg(providers[0], h.Module) + ", already in go.mod) registers it: add a blank import of it"
		}
	} else {
		msg += "; " + providers[0] + " registers it but is not linked into this host: add a blank import of it"
	}
	if len(providers) > 0 {
		if id, ok := p.hostMainFile(h); ok {
			ft := p.text(id)
			for _, pkg := range providers {
				if len(fixes) == 3 || ft.err != nil {
					break
				}
				if e, ok := insertImportEdit(ft.content, pkg); ok {
					fixes = append(fixes, Fix{
						Title: "Add import _ " + strconv.Quote(pkg) + " to " + p.rel(p.snap.Path(id)),
						Edits: []Edit{{Location: p.span(id, index.Span{Start: e.start, End: e.end}), NewText: e.text}},
					})
				}
			}
		}
	} else {
		msg += "; " + missingHint(reg, l.Name)
	}
	p.report(Finding{
		Message:  msg,
		Location: p.loc(l.NameRef),
		Configs:  configNames(byHost[h.ImportPath].cfgs),
		Related:  related,
		Fixes:    fixes,
	})
	return true
}

// missingHint says how to provide a name nothing registers.
func missingHint(reg *index.Registry, name string) string {
	if reg.Preset != "database/sql" {
		return "register it or fix the name"
	}
	for _, d := range wellKnownDrivers {
		if d.name == name {
			return "link a driver with a blank import, e.g. _ " + strconv.Quote(d.pkg) + " (go get it first)"
		}
	}
	var known []string
	for _, d := range wellKnownDrivers {
		known = append(known, d.pkg+" ("+strconv.Quote(d.name)+")")
	}
	return "link the driver that registers it with a blank import; well-known drivers: " + strings.Join(known, ", ")
}

// moduleOfPkg names the required module that holds pkg.
func moduleOfPkg(pkg string, m *index.Module) string {
	best := ""
	for mp := range m.Requires {
		if (pkg == mp || strings.HasPrefix(pkg, mp+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	if best == "" {
		return "its module"
	}
	return best + " " + m.Requires[best]
}

// hostMainFile is the host's file that declares func main (else its first
// non-test file): where a blank import that links a plugin goes.
func (p *pass) hostMainFile(h *index.Host) (index.FileID, bool) {
	var first index.FileID
	files := slices.Clone(h.Files)
	sort.Slice(files, func(i, j int) bool { return p.snap.Path(files[i]) < p.snap.Path(files[j]) })
	for _, id := range files {
		f := p.snap.Facts(id)
		if f == nil || f.IsTest || f.ParseErr != "" {
			continue
		}
		if first == 0 {
			first = id
		}
		for _, s := range f.Symbols {
			if s.Kind == index.SymFunc && s.Name == "main" {
				return id, true
			}
		}
	}
	return first, first != 0
}
