package index

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/mod/semver"
)

// This file answers which module versions a build really uses: go.work
// decides them for the modules it uses, unless the build runs with
// GOWORK=off; a module outside every go.work builds with its own go.mod.

// envAssigns returns the NAME=value words of a command prefix ("GOWORK=off
// go build", "env GOWORK=off go build"), nil when there are none.
func envAssigns(words []string) []string {
	var out []string
	for _, w := range words {
		name, _, ok := strings.Cut(w, "=")
		if !ok || name == "" || strings.ToUpper(name) != name || strings.ContainsAny(name, "-./$") {
			continue
		}
		out = append(out, w)
	}
	return out
}

// exportRE matches a Makefile or shell line that exports GOWORK for every
// command after it: `export GOWORK=off`, `export GOWORK := off`.
var exportRE = regexp.MustCompile(`(?m)^[ \t]*export[ \t]+(GOWORK|GOFLAGS)[ \t]*[:?]?=[ \t]*(\S*)[ \t]*$`)

// scriptEnv returns the environment a Makefile or script exports to all
// its commands (only the variables that change which go.mod a build uses).
func scriptEnv(b []byte) []string {
	if !bytes.Contains(b, []byte("export")) {
		return nil
	}
	var out []string
	for _, m := range exportRE.FindAllSubmatch(b, -1) {
		out = append(out, string(m[1])+"="+string(m[2]))
	}
	return out
}

func joinEnv(a, b []string) []string {
	if len(a)+len(b) == 0 {
		return nil
	}
	return append(append([]string(nil), a...), b...)
}

// GoWorkOff reports whether a build command runs with GOWORK=off, so that
// it uses its module's own go.mod even inside a go.work tree.
func (bc BuildCommand) GoWorkOff() bool {
	off := false
	for _, e := range bc.Env {
		if v, ok := strings.CutPrefix(e, "GOWORK="); ok {
			off = v == "off"
		}
	}
	return off
}

// BuildVersions returns the module versions a build of module m selects:
// with its go.work (the highest version any module the go.work uses
// requires, as minimal version selection picks for direct requirements),
// or, when m is outside every go.work or goworkOff is set, m's own go.mod
// requirements. Replaced modules map to "replaced:<target>". The map is new
// on every call.
func (s *Snapshot) BuildVersions(m *Module, goworkOff bool) map[string]string {
	return s.ws.buildVersions(m, goworkOff)
}

func (ws *workspace) buildVersions(m *Module, goworkOff bool) map[string]string {
	out := map[string]string{}
	put := func(mod *Module) {
		for p, v := range mod.Requires {
			if old, ok := out[p]; !ok || semver.Compare(v, old) > 0 {
				out[p] = v
			}
		}
	}
	if m.Work == "" || goworkOff {
		put(m)
		for p, r := range m.Replaces {
			out[p] = "replaced:" + r
		}
		return out
	}
	for _, w := range ws.modules {
		if w.Work == m.Work {
			put(w)
		}
	}
	// A module of the go.work is the workspace's own copy, whatever the
	// requirements say.
	for _, w := range ws.modules {
		if w.Work == m.Work {
			delete(out, w.Path)
		}
	}
	for _, w := range ws.modules {
		if w.Work == m.Work {
			for p, r := range w.Replaces {
				out[p] = "replaced:" + r
			}
		}
	}
	return out
}

// goWorkOffInFunc gives GOWORK=off to the build commands of a Go file whose
// enclosing top-level function mentions the string "GOWORK=off" (a test that
// sets cmd.Env = append(os.Environ(), "GOWORK=off") after building the
// command). The function is the text from the "func" at the start of a line
// before the command to the next one.
func goWorkOffInFunc(f *FileFacts, src []byte) {
	if len(f.Commands) == 0 || !bytes.Contains(src, []byte(`"GOWORK=off"`)) {
		return
	}
	for i := range f.Commands {
		bc := &f.Commands[i]
		at := min(bc.Span.Start, len(src))
		start := bytes.LastIndex(src[:at], []byte("\nfunc "))
		end := bytes.Index(src[at:], []byte("\nfunc "))
		if start < 0 {
			start = 0
		}
		if end < 0 {
			end = len(src)
		} else {
			end += at
		}
		if bytes.Contains(src[start:end], []byte(`"GOWORK=off"`)) && !bc.GoWorkOff() {
			bc.Env = append(bc.Env, "GOWORK=off")
		}
	}
}
