package navigation

import (
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// nameArgOf returns which argument of a call of fnID (a register or lookup
// function of a registry) is the plugin name: the nameArg of a
// .plugin-lsp.yaml registry that declares fnID as its register function,
// else the NameParam of fnID's own definition when the workspace holds its
// source, else 0 (every preset takes the name first). Completion reads it
// from the editor's text, so it is looked up per request: a few facts of
// one package, no derived index.
func nameArgOf(s *index.Snapshot, fnID string) int {
	for _, m := range s.Modules() {
		if m.Config == nil || m.Config.Err != "" {
			continue
		}
		for _, cr := range m.Config.Registries {
			if cr.Register == fnID {
				return cr.NameArg
			}
		}
	}
	i := strings.LastIndexByte(fnID, '.')
	if i <= 0 {
		return 0
	}
	p := s.Package(fnID[:i])
	if p == nil {
		return 0
	}
	fn := fnID[i+1:]
	for _, fid := range p.Files {
		f := s.Facts(fid)
		if f == nil || f.IsTest {
			continue
		}
		for _, d := range f.Defs {
			if d.Func == fn {
				return d.NameParam
			}
		}
	}
	return 0
}
