package diagnostics

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// PL004's version comparison: each side builds with the versions its own
// build really selects (index.Snapshot.BuildVersions): its go.work's, or its
// own go.mod's when it is outside the go.work or built with GOWORK=off.

// hostGoWorkOff reports whether a known build of the host that opens a
// plugin runs with GOWORK=off.
func (p *pass) hostGoWorkOff(op *index.OpenSite) bool {
	hostDir := filepath.Dir(p.snap.Path(op.File))
	for _, bc := range p.snap.BuildCommands() {
		if bc.Mode == "plugin" || !bc.GoWorkOff() {
			continue
		}
		for _, t := range bc.Targets {
			if filepath.Clean(t) == hostDir || filepath.Clean(t) == p.snap.Path(op.File) {
				return true
			}
		}
	}
	return false
}

// pluginGoWorkOff reports whether some known build of a plugin runs with
// GOWORK=off (that build's .so is what the host may open).
func pluginGoWorkOff(np *index.NativePlugin) bool {
	for _, b := range np.Builds {
		if b.GoWorkOff() {
			return true
		}
	}
	return false
}

// buildVersions is BuildVersions plus the go.work's own modules, which a
// go.work build takes from the workspace ("go.work copy").
func (p *pass) buildVersions(m *index.Module, off bool) map[string]string {
	v := p.snap.BuildVersions(m, off)
	if m.Work != "" && !off {
		for _, w := range p.snap.Modules() {
			if w.Work == m.Work {
				v[w.Path] = "the go.work copy"
			}
		}
	}
	return v
}

// versionSkew lists the modules both sides link at different versions, with
// the go.mod lines that require them. Replaced modules are left out (their
// content is not known by version).
func (p *pass) versionSkew(host, plug *index.Module, hostOff, plugOff bool, importsOf func(*index.Module) map[string]bool) ([]string, []Related) {
	hv, pv := p.buildVersions(host, hostOff), p.buildVersions(plug, plugOff)
	var paths []string
	for path := range hv {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	var diffs []string
	var related []Related
	for _, path := range paths {
		h, pl := hv[path], pv[path]
		if pl == "" || h == pl || strings.HasPrefix(h, "replaced:") || strings.HasPrefix(pl, "replaced:") {
			continue
		}
		if path == host.Path || path == plug.Path {
			continue
		}
		// Only a module both sides certainly link counts.
		if !usesModule(importsOf(host), path) || !usesModule(importsOf(plug), path) {
			continue
		}
		diffs = append(diffs, path+" "+h+" (host) vs "+pl+" (plugin)")
		if l, ok := p.requireLoc(host, path); ok {
			related = append(related, Related{Location: l, Message: "host requires " + path + " " + host.Requires[path]})
		}
		if l, ok := p.requireLoc(plug, path); ok {
			related = append(related, Related{Location: l, Message: "plugin requires " + path + " " + plug.Requires[path]})
		}
	}
	return diffs, related
}

// skewAdvice names the fix for a version skew between two modules.
func skewAdvice(host, plug *index.Module, hostOff, plugOff bool) string {
	switch {
	case plugOff && plug.Work != "":
		return "drop GOWORK=off from the plugin build, or align the go.mod files"
	case hostOff && host.Work != "":
		return "drop GOWORK=off from the host build, or align the go.mod files"
	}
	return "align the go.mod files or build both in one go.work"
}
