package diagnostics

import (
	"bytes"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// pluginOSes are the GOOS values where package plugin works.
var pluginOSes = map[string]bool{"linux": true, "darwin": true, "freebsd": true, "android": true}

func pluginName(np *index.NativePlugin) string {
	if len(np.SOPaths) > 0 {
		return filepath.Base(np.SOPaths[0])
	}
	if np.Package != "" {
		return np.Package
	}
	return filepath.Base(np.Dir)
}

func lookupable(s index.Symbol) bool {
	return s.Exported && (s.Kind == index.SymVar || s.Kind == index.SymFunc)
}

func checkPL001(p *pass) {
	for _, pl := range p.snap.PluginLookups() {
		if pl.InPlugin || pl.Open == nil || len(pl.Open.Plugins) == 0 || pl.Symbol == "" {
			continue
		}
		found := false
		var candidates []string
		var same *index.PluginSymbol // a declaration of that name Lookup cannot find
		for _, np := range pl.Open.Plugins {
			for i := range np.Symbols {
				s := &np.Symbols[i]
				if lookupable(s.Symbol) {
					if s.Name == pl.Symbol {
						found = true
					}
					candidates = append(candidates, s.Name)
				} else if s.Name == pl.Symbol && same == nil {
					same = s
				}
			}
		}
		if found {
			continue
		}
		np := pl.Open.Plugins[0]
		name := pluginName(np)
		var msg string
		var related []Related
		switch {
		case same != nil && !same.Exported:
			msg = strconv.Quote(pl.Symbol) + " is unexported in plugin " + name + ": Lookup finds only exported funcs and vars; export it"
		case same != nil:
			msg = strconv.Quote(pl.Symbol) + " is a " + same.Kind.String() + " in plugin " + name + ": Lookup finds only exported funcs and vars"
		default:
			msg = "plugin " + name + " declares no exported func or var " + strconv.Quote(pl.Symbol) + ": Lookup will fail"
		}
		if same != nil {
			related = append(related, Related{Location: p.span(same.File, same.Span), Message: pl.Symbol + " is declared here"})
		} else if len(np.Files) > 0 {
			if f := p.snap.Facts(np.Files[0]); f != nil {
				related = append(related, Related{Location: p.span(np.Files[0], f.PackageSpan), Message: "plugin " + name})
			}
		}
		near := nearest(pl.Symbol, candidates, max(typoDistance(pl.Symbol), 1), 3)
		var fixes []Fix
		if len(near) == 0 && same == nil {
			msg += "; declare it in the plugin or fix the name"
		}
		if len(near) > 0 {
			msg += "; did you mean " + strings.Join(quoteListOr(near), " or ") + "?"
			if srcIsStringLit(p.src(pl.Ref.File, pl.Ref.Span)) {
				for _, n := range near {
					fixes = append(fixes, Fix{Title: "Replace with " + strconv.Quote(n),
						Edits: []Edit{{Location: p.loc(pl.Ref), NewText: strconv.Quote(n)}}})
				}
			}
		}
		p.report(Finding{Message: msg, Location: p.loc(pl.Ref), Related: related, Fixes: fixes})
	}
}

// packagesByDir maps directories to packages.
func (p *pass) packagesByDir() map[string]*index.Package {
	m := map[string]*index.Package{}
	for _, pk := range p.snap.Packages() {
		m[filepath.Clean(pk.Dir)] = pk
	}
	return m
}

func checkPL003(p *pass) {
	checkPL003Opened(p)
	byDir := p.packagesByDir()
	for _, bc := range p.snap.BuildCommands() {
		if bc.Mode != "plugin" {
			continue
		}
		cmdFile := p.snap.Path(bc.File)
		for _, target := range bc.Targets {
			// A command in Go code that builds its own directory usually
			// runs in a temporary directory (cmd.Dir) the index cannot see.
			if strings.HasSuffix(cmdFile, ".go") && filepath.Clean(target) == filepath.Dir(cmdFile) {
				continue
			}
			var pkgName, what string
			if strings.HasSuffix(target, ".go") {
				id, ok := p.snap.FileID(target)
				if !ok {
					continue
				}
				f := p.snap.Facts(id)
				if f == nil || f.ParseErr != "" {
					continue
				}
				pkgName, what = f.Package, p.rel(target)
			} else {
				pk := byDir[filepath.Clean(target)]
				if pk == nil || pk.Name == "" {
					continue
				}
				pkgName, what = pk.Name, p.rel(target)
			}
			if pkgName == "main" {
				continue
			}
			p.report(Finding{
				Message:  "go build -buildmode=plugin builds " + what + ", which is package " + pkgName + ", not main: the build fails; make it package main",
				Location: p.span(bc.File, bc.Span),
			})
		}
	}
}

// checkPL003Opened reports plugin.Open of a plugin that no build command
// builds (mapped in .plugin-lsp.yaml) whose source is not package main.
func checkPL003Opened(p *pass) {
	for _, op := range p.snap.Opens() {
		for _, np := range op.Plugins {
			if len(np.Builds) > 0 || np.Name == "" || np.Name == "main" {
				continue
			}
			p.report(Finding{
				Message:  "plugin.Open opens " + pluginName(np) + ", built from " + p.rel(np.Dir) + ", which is package " + np.Name + ", not main: it cannot be built as a plugin; make it package main",
				Location: p.loc(op.Call),
				Related:  p.fileRelated(np.Files, "package "+np.Name),
			})
		}
	}
}

// moduleOf returns the module that holds an import path.
func (p *pass) moduleOf(pkgPath string) *index.Module {
	if pk := p.snap.Package(pkgPath); pk != nil {
		return pk.Module
	}
	return nil
}

// requireRef finds the span of a module path's require line in a go.mod.
func (p *pass) requireLoc(m *index.Module, path string) (Location, bool) {
	if m == nil {
		return Location{}, false
	}
	id := m.GoMod
	if id == 0 {
		var ok bool
		if id, ok = p.snap.FileID(filepath.Join(m.Dir, "go.mod")); !ok {
			return Location{}, false
		}
	}
	ft := p.text(id)
	if ft.err != nil {
		return Location{}, false
	}
	f, err := modfile.ParseLax(p.snap.Path(id), ft.content, nil)
	if err != nil {
		return Location{}, false
	}
	for _, r := range f.Require {
		if r.Mod.Path == path && r.Syntax != nil {
			return p.span(id, index.Span{Start: r.Syntax.Start.Byte, End: r.Syntax.End.Byte}), true
		}
	}
	if path == "toolchain" {
		if i := bytes.Index(ft.content, []byte("\ntoolchain ")); i >= 0 {
			end := bytes.IndexByte(ft.content[i+1:], '\n')
			if end < 0 {
				end = len(ft.content) - i - 1
			}
			return p.span(id, index.Span{Start: i + 1, End: i + 1 + end}), true
		}
	}
	return Location{}, false
}

// directImports is the set of import paths non-test files of a module
// import.
func (p *pass) directImports(m *index.Module) map[string]bool {
	out := map[string]bool{}
	for _, pk := range p.snap.Packages() {
		if pk.Module != m {
			continue
		}
		for _, f := range p.nonTestFiles(pk.Files) {
			for _, im := range f.Imports {
				out[im.Path] = true
			}
		}
	}
	return out
}

func usesModule(imports map[string]bool, mod string) bool {
	for ip := range imports {
		if ip == mod || strings.HasPrefix(ip, mod+"/") {
			return true
		}
	}
	return false
}

// hashFlags are go build flags that change the hash of every package, so
// that host and plugin must agree on them.
var hashFlags = []string{"-trimpath", "-race", "-msan", "-asan"}

func flagSet(flags []string) map[string]bool {
	m := map[string]bool{}
	for _, f := range flags {
		f = "-" + strings.TrimLeft(f, "-")
		name, val, hasVal := strings.Cut(f, "=")
		if hasVal && (val == "false" || val == "0") {
			continue
		}
		for _, h := range hashFlags {
			if name == h {
				m[h] = true
			}
		}
	}
	return m
}

// flagSkew compares the build commands of a plugin with those of the host
// that opens it (paired by script or test function when possible) and
// returns the hash-changing flags that differ in every pairing.
func (p *pass) flagSkew(op *index.OpenSite, np *index.NativePlugin) (string, []Related) {
	hostDir := filepath.Dir(p.snap.Path(op.File))
	var hosts []index.BuildCommand
	for _, bc := range p.snap.BuildCommands() {
		if bc.Mode == "plugin" {
			continue
		}
		for _, t := range bc.Targets {
			if filepath.Clean(t) == hostDir || filepath.Clean(t) == p.snap.Path(op.File) {
				hosts = append(hosts, bc)
				break
			}
		}
	}
	if len(hosts) == 0 || len(np.Builds) == 0 {
		return "", nil
	}
	type pair struct{ h, b index.BuildCommand }
	var pairs, grouped []pair
	for _, h := range hosts {
		for _, b := range np.Builds {
			pairs = append(pairs, pair{h, b})
			if h.File == b.File && h.Group == b.Group {
				grouped = append(grouped, pair{h, b})
			}
		}
	}
	if len(grouped) > 0 {
		pairs = grouped
	}
	diff := ""
	for i, pr := range pairs {
		hf, bf := flagSet(pr.h.Flags), flagSet(pr.b.Flags)
		d := ""
		for _, f := range hashFlags {
			switch {
			case bf[f] && !hf[f]:
				d = "the plugin is built with " + f + " and the host without"
			case hf[f] && !bf[f]:
				d = "the host is built with " + f + " and the plugin without"
			}
			if d != "" {
				break
			}
		}
		if d == "" {
			return "", nil // some pairing agrees
		}
		if i == 0 {
			diff = d
		}
	}
	pr := pairs[0]
	return diff, []Related{
		{Location: p.span(pr.b.File, pr.b.Span), Message: "plugin build"},
		{Location: p.span(pr.h.File, pr.h.Span), Message: "host build"},
	}
}

func checkPL004(p *pass) {
	imports := map[*index.Module]map[string]bool{}
	importsOf := func(m *index.Module) map[string]bool {
		if s, ok := imports[m]; ok {
			return s
		}
		s := p.directImports(m)
		imports[m] = s
		return s
	}
	for _, op := range p.snap.Opens() {
		host := p.moduleOf(op.Package)
		if host == nil {
			continue
		}
		for _, np := range op.Plugins {
			if d, related := p.flagSkew(op, np); d != "" && len(op.Plugins) == 1 {
				p.report(Finding{
					Message:  "plugin " + pluginName(np) + ": " + d + ", so plugin.Open fails with \"plugin was built with a different version of package\"; build both with the same flags",
					Location: p.loc(op.Call),
					Related:  related,
				})
			}
			plug := p.moduleOf(np.Package)
			if plug == nil || plug == host || plug.Dir == host.Dir {
				continue
			}
			hostOff, plugOff := p.hostGoWorkOff(op), pluginGoWorkOff(np)
			if host.Work != "" && host.Work == plug.Work && !hostOff && !plugOff {
				continue // one go.work: one version of everything
			}
			diffs, related := p.versionSkew(host, plug, hostOff, plugOff, importsOf)
			ht, pt := p.toolchain(host), p.toolchain(plug)
			if ht != "" && pt != "" && ht != pt {
				diffs = append(diffs, "toolchain "+ht+" (host) vs "+pt+" (plugin)")
				if l, ok := p.requireLoc(host, "toolchain"); ok {
					related = append(related, Related{Location: l, Message: "host toolchain"})
				}
				if l, ok := p.requireLoc(plug, "toolchain"); ok {
					related = append(related, Related{Location: l, Message: "plugin toolchain"})
				}
			}
			if len(diffs) == 0 {
				continue
			}
			p.report(Finding{
				Message: "plugin " + pluginName(np) + " is built in module " + plug.Path + " against other versions than this host (" +
					strings.Join(diffs, "; ") + "): plugin.Open fails with \"plugin was built with a different version of package\"; " + skewAdvice(host, plug, hostOff, plugOff),
				Location: p.loc(op.Call),
				Related:  related,
			})
		}
	}
}

func checkPL005(p *pass) {
	for _, op := range p.snap.Opens() {
		var bad []index.BuildConfig
		supported := false
		for _, cfg := range p.configs {
			if !p.snap.FileBuilds(op.File, cfg) {
				continue
			}
			if pluginOSes[cfg.GOOS] {
				supported = true
				break
			}
			bad = append(bad, cfg)
		}
		// A file that also builds where plugins work is portable code that
		// handles the error; only code built solely for such systems
		// certainly fails.
		if supported || len(bad) == 0 {
			continue
		}
		p.report(Finding{
			Message:  "plugin.Open always fails on " + strings.Join(configNames(bad), ", ") + ": package plugin works only on linux, darwin and freebsd; build this code only there",
			Location: p.loc(op.Call),
			Configs:  configNames(bad),
		})
	}
}

func checkPL006(p *pass) {
	var cmds []index.BuildCommand
	for _, bc := range p.snap.BuildCommands() {
		if bc.Mode == "plugin" {
			cmds = append(cmds, bc)
		}
	}
	if len(cmds) == 0 {
		return
	}
	var outputs []string
	for _, bc := range cmds {
		if bc.Output != "" {
			outputs = append(outputs, p.rel(bc.Output))
		}
	}
	sort.Strings(outputs)
	outputs = dedup(outputs)
	for _, op := range p.snap.Opens() {
		if !op.PathResolved || op.Path == "" || len(op.Plugins) > 0 {
			continue
		}
		// A .so the workspace produces some other way (copied, written by a
		// test) or mentions elsewhere is known, just not built here.
		if p.mentionedElsewhere(op.File, filepath.Base(op.Path)) || sameBase(op.Path, cmds) {
			continue
		}
		msg := "no known build command produces " + strconv.Quote(op.Path) + ", so its symbols cannot be checked"
		if len(outputs) > 0 {
			shown := outputs
			if len(shown) > 5 {
				shown = shown[:5]
			}
			msg += "; known plugins: " + strings.Join(shown, ", ")
		}
		msg += "; fix the path, or add its build command (or map it under plugins: in .plugin-lsp.yaml)"
		p.report(Finding{Message: msg, Location: p.loc(op.PathRef)})
	}
}

func dedup(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// mentionedElsewhere reports whether a file other than id in the same module
// (or any workspace file when id has no module) contains name.
func (p *pass) mentionedElsewhere(id index.FileID, name string) bool {
	var dir string
	if pk := p.snap.PackageOf(id); pk != nil && pk.Module != nil {
		dir = pk.Module.Dir
	}
	for _, other := range p.allFiles() {
		if other == id {
			continue
		}
		path := p.snap.Path(other)
		if dir != "" && !strings.HasPrefix(path, dir+string(filepath.Separator)) {
			continue
		}
		// Read without caching: this scan may touch every file of a module.
		b, err := p.snap.Content(other)
		if err == nil && bytes.Contains(b, []byte(name)) {
			return true
		}
	}
	return false
}

// sameBase reports whether a build command's output has the base name of
// path: a relative path the index could not pair ("../plugin/x.so") is
// then probably that output.
func sameBase(path string, cmds []index.BuildCommand) bool {
	for _, bc := range cmds {
		if bc.Output != "" && filepath.Base(bc.Output) == filepath.Base(path) {
			return true
		}
	}
	return false
}

// toolchain returns a module's toolchain line (from the index, else from
// the text of its go.mod the snapshot indexed).
func (p *pass) toolchain(m *index.Module) string {
	if m.Toolchain != "" {
		return m.Toolchain
	}
	id, ok := p.snap.FileID(filepath.Join(m.Dir, "go.mod"))
	if !ok {
		return ""
	}
	b, err := p.text(id).content, p.text(id).err
	if err != nil {
		return ""
	}
	// modfile.ParseLax skips toolchain lines, and Parse rejects more than
	// we need to: read the directive directly.
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "toolchain" {
			return f[1]
		}
	}
	return ""
}
