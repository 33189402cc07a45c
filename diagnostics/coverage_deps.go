package diagnostics

import (
	"fmt"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// addDepCoverage adds what dependency reading knew to a coverage: the
// dependency modules read, the imported modules missing from the module
// cache, and the hosts for which REG003 could not be certain because they
// link a package whose source is unknown.
func addDepCoverage(snap *index.Snapshot, c *Coverage) {
	dc := snap.DepCoverage()
	c.DependencyModules = len(dc.Modules)
	if len(dc.Missing) > 0 {
		c.Skipped = append(c.Skipped, fmt.Sprintf("%s not in the module cache (e.g. %s)",
			plural(len(dc.Missing), "dependency module", "dependency modules"), dc.Missing[0]))
	}
	cfgs := snap.Configs()
	if len(cfgs) == 0 {
		return
	}
	n, example := 0, ""
	for _, h := range snap.Hosts() {
		if u := snap.UnknownLinked(h, cfgs[0]); len(u) > 0 {
			n++
			if example == "" {
				example = h.ImportPath + " links " + u[0]
			}
		}
	}
	if n > 0 {
		c.Skipped = append(c.Skipped, fmt.Sprintf("certain unknown-name lookups (REG003) for %d of %s, which link packages of unknown source (e.g. %s)",
			n, plural(len(snap.Hosts()), "host", "hosts"), example))
	}
}
