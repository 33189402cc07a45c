package index

import (
	"os"
	"path/filepath"
	"strings"
)

// This file resolves, in the update step, what linking needs to know about
// the disk: which paths the build commands' arguments may name exist.
// Linking is lazy (on a snapshot's first use), so a stat there would answer
// with the disk of that moment, not of the update; the answer is part of
// the snapshot instead.

// commandBases are the directories a build command's relative arguments
// are tried against, in order: its directory, that directory's testdata,
// the module of the file it is written in, the roots (Go's tests run their
// commands in a copied module).
func commandBases(ws *workspace, roots []string, dir, file string) []string {
	bases := []string{dir, filepath.Join(dir, "testdata")}
	if m := ws.moduleFor(file); m != nil {
		bases = append(bases, m.Dir)
	}
	return append(bases, roots...)
}

// commandPaths returns the paths build commands in files name that exist
// on disk now: every candidate resolveCommand may try (each argument
// against each base, up to the first that exists) is looked at once.
func commandPaths(ws *workspace, roots []string, paths *interner, files []*fileEntry) map[string]bool {
	seen := map[string]bool{}
	exists := func(t string) bool {
		ok, done := seen[t]
		if !done {
			_, err := os.Stat(t)
			ok = err == nil
			seen[t] = ok
		}
		return ok
	}
	resolve := func(bc BuildCommand, dir, file string) {
		if bc.Mode == ModeCopy {
			return // resolved against the plugin it copies, not the disk
		}
		args := bc.Args
		if len(args) == 0 {
			args = []string{"."}
		}
		var bases []string
		for _, a := range args {
			if strings.Contains(a, "$") {
				continue
			}
			if bases == nil {
				bases = commandBases(ws, roots, dir, file)
			}
			for _, b := range bases {
				t := a
				if !filepath.IsAbs(t) {
					t = filepath.Join(b, a)
				}
				if exists(t) {
					break
				}
			}
		}
	}
	for _, e := range files {
		if e == nil {
			continue
		}
		if e.facts != nil {
			for _, bc := range e.facts.Commands {
				resolve(bc, filepath.Dir(e.facts.Path), e.facts.Path)
			}
		} else if sc, ok := e.other.([]BuildCommand); ok {
			for _, bc := range sc {
				resolve(bc, bc.Dir, paths.path(bc.File))
			}
		}
	}
	out := map[string]bool{}
	for t, ok := range seen {
		if ok {
			out[t] = true
		}
	}
	return out
}

// hasCommands reports whether an entry holds build commands.
func hasCommands(e *fileEntry) bool {
	if e == nil {
		return false
	}
	if e.facts != nil {
		return len(e.facts.Commands) > 0
	}
	sc, ok := e.other.([]BuildCommand)
	return ok && len(sc) > 0
}
