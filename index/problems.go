package index

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
)

// ProblemKind says how a Problem limits what the index knows.
type ProblemKind uint8

const (
	// ProblemConfig: a .plugin-lsp.yaml that does not parse or names
	// unknown keys; the whole file is ignored (`check` exits 2).
	ProblemConfig ProblemKind = iota + 1
	// ProblemSkipped: a file or directory the index did not read
	// (unreadable, not a regular file, too big, a symlink leaving the
	// roots); rules may miss findings in it.
	ProblemSkipped
	// ProblemTypes: type information could not be loaded (reported by
	// the diagnostics engine, not by the index); REG004 and PL002 could
	// not run on the packages named.
	ProblemTypes
)

// String returns "config", "skipped" or "types".
func (k ProblemKind) String() string {
	switch k {
	case ProblemConfig:
		return "config"
	case ProblemSkipped:
		return "skipped"
	case ProblemTypes:
		return "types"
	}
	return "unknown"
}

// Problem is something the index could not read or understand, so that a
// check over the snapshot is incomplete. It is never silent: `check`
// prints it and the server shows it.
type Problem struct {
	Kind ProblemKind
	Path string // absolute path of the file or directory
	Line int    // 1-based line in Path; 0 when the problem is the whole file
	Msg  string
}

// String formats the problem as "path:line: msg" (or "path: msg").
func (p Problem) String() string {
	loc := p.Path
	if p.Line > 0 {
		loc += ":" + strconv.Itoa(p.Line)
	}
	return loc + ": " + p.Msg
}

// kindSkipped marks the entry of a file that exists but was not read; its
// other field holds the *SkipError. Rules and queries see no such file.
const kindSkipped fileKind = 100

// skippedEntry returns the entry for a file that could not be read, or nil
// when the error means the file is gone.
func skippedEntry(path string, err error) *fileEntry {
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var se *SkipError
	if !errors.As(err, &se) {
		se = &SkipError{Path: path, Reason: "unreadable: " + err.Error()}
	}
	return &fileEntry{kind: kindSkipped, other: se}
}

// walkProblem records a directory or file the discovery walk could not
// enter or list.
func (ws *workspace) walkProblem(p string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	ws.problems = append(ws.problems, Problem{Kind: ProblemSkipped, Path: p, Msg: "skipped: unreadable: " + unwrapPathError(err)})
}

// Problems returns what the snapshot could not read or understand: broken
// .plugin-lsp.yaml files (with each error's line), skipped files and
// directories. Sorted by path and line.
func (s *Snapshot) Problems() []Problem {
	var out []Problem
	configBroken := map[string]bool{}
	if s.ws != nil {
		out = append(out, s.ws.problems...)
		for _, m := range s.ws.modules {
			if m.Config == nil {
				continue
			}
			p := filepath.Join(m.Dir, configName)
			for _, e := range m.Config.Errors {
				configBroken[p] = true
				out = append(out, Problem{Kind: ProblemConfig, Path: p, Line: e.Line, Msg: e.Msg})
			}
		}
	}
	for id, e := range s.files {
		if e != nil && e.kind == kindConfig && s.ws != nil {
			if p := s.Path(FileID(id)); s.ws.byDir[filepath.Dir(p)] == nil {
				out = append(out, Problem{Kind: ProblemSkipped, Path: p,
					Msg: "ignored: a .plugin-lsp.yaml is read only at a module root (next to go.mod or a go.work use entry)"})
			}
		}
		if e == nil || e.kind != kindSkipped {
			continue
		}
		se := e.other.(*SkipError)
		if configBroken[se.Path] {
			continue // reported as a config problem
		}
		out = append(out, Problem{Kind: ProblemSkipped, Path: se.Path, Msg: "skipped: " + se.Reason})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out
}
