package diagnostics

import (
	"sort"
	"strconv"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// allowed reports whether an import path is in a capability allowlist:
// entries are exact paths or "prefix/..." patterns.
func allowed(path string, allow []string) bool {
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if a == path || a == "..." || a == "*" {
			return true
		}
		if pre, ok := strings.CutSuffix(a, "/..."); ok && (path == pre || strings.HasPrefix(path, pre+"/")) {
			return true
		}
	}
	return false
}

func checkSEC001(p *pass) {
	policy := map[string]*index.Registry{}
	for _, reg := range p.snap.Registries() {
		if reg.Capabilities != nil {
			policy[reg.ID] = reg
		}
	}
	if len(policy) == 0 {
		return
	}
	// Plugin package → registries with a policy it registers into.
	pkgRegs := map[string][]*index.Registry{}
	for _, r := range p.snap.Registrations() {
		reg := policy[r.Registry]
		if r.IsTest || reg == nil || reg.Package == r.Package {
			continue
		}
		dup := false
		for _, x := range pkgRegs[r.Package] {
			dup = dup || x == reg
		}
		if !dup {
			pkgRegs[r.Package] = append(pkgRegs[r.Package], reg)
		}
	}
	var pkgs []string
	for pk := range pkgRegs {
		pkgs = append(pkgs, pk)
	}
	sort.Strings(pkgs)
	for _, path := range pkgs {
		pk := p.snap.Package(path)
		if pk == nil {
			continue
		}
		for id, f := range p.nonTestFiles(pk.Files) {
			for _, im := range f.Imports {
				for _, reg := range pkgRegs[path] {
					if im.Path == reg.Package || allowed(im.Path, reg.Capabilities) {
						continue
					}
					p.report(Finding{
						Message: "plugin package " + path + " imports " + strconv.Quote(im.Path) + ", which registry " + reg.ID +
							" does not allow (capabilities: " + strings.Join(reg.Capabilities, ", ") + "); remove the import or extend the allowlist in .plugin-lsp.yaml",
						Location: p.span(id, im.Span),
					})
				}
			}
		}
	}
}
