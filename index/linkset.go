package index

import "sort"

// This file answers what a host links beyond the workspace: dependency
// packages read from the module cache, and imports whose source is unknown
// (so that a rule can tell "nothing linked registers X" from "the index
// cannot see everything that is linked").

// IsDependency reports whether a file belongs to a dependency module read
// from the module cache. Such files never get diagnostics.
func (s *Snapshot) IsDependency(id FileID) bool {
	return s.ws.deps != nil && s.ws.deps.files[id]
}

// DependencyModules returns the dependency modules packages were read from
// (Module.Dep set, Version filled), sorted by path.
func (s *Snapshot) DependencyModules() []*Module {
	if s.ws.deps == nil {
		return nil
	}
	return s.ws.deps.modules
}

// DepCoverage reports what dependency reading knew for this snapshot: the
// modules read or missing from the module cache, packages and files.
func (s *Snapshot) DepCoverage() DepCoverage {
	if s.ws.deps == nil {
		return DepCoverage{}
	}
	return s.ws.deps.cov
}

// UnknownSource returns why the source of an imported package is unknown
// ("" when it is a workspace or dependency package read, or the standard
// library).
func (s *Snapshot) UnknownSource(importPath string) string {
	if s.ws.deps != nil && s.ws.deps.partial[importPath] != "" {
		return s.ws.deps.partial[importPath]
	}
	if isStdPath(importPath) || s.link().byPath[importPath] != nil {
		return ""
	}
	if s.ws.deps != nil {
		if why, ok := s.ws.deps.unknown[importPath]; ok {
			return why
		}
	}
	return "not read"
}

// UnknownLinked returns the import paths a host links under cfg whose
// source the index does not know (a dependency not in the module cache, a
// package no required module provides, a dependency package with a file
// skipped by the size or file-type checks), sorted. Empty means every package
// the host links is known: workspace, dependency sources read, or the
// standard library.
func (s *Snapshot) UnknownLinked(h *Host, cfg BuildConfig) []string {
	l := s.link()
	// Memoised per snapshot: REG003 asks for every lookup on every
	// keystroke, and the walk reads every linked file's imports.
	key := h.ImportPath + "|" + cfg.String()
	l.mu.Lock()
	if out, ok := l.unknownMemo[key]; ok {
		l.mu.Unlock()
		return out
	}
	l.mu.Unlock()
	out := s.unknownLinked(l, h, cfg)
	l.mu.Lock()
	if l.unknownMemo == nil {
		l.unknownMemo = map[string][]string{}
	}
	l.unknownMemo[key] = out
	l.mu.Unlock()
	return out
}

func (s *Snapshot) unknownLinked(l *linked, h *Host, cfg BuildConfig) []string {
	set := l.closure(s, h.ImportPath, cfg)
	unknown := map[string]bool{}
	for p := range set {
		pk := l.byPath[p]
		if pk == nil {
			continue
		}
		if s.ws.deps != nil && s.ws.deps.partial[p] != "" {
			unknown[p] = true // read in part: some file was skipped
		}
		for _, fid := range pk.Files {
			f := s.Facts(fid)
			if f.IsTest || !fileMatches(f, cfg) {
				continue
			}
			for _, im := range f.Imports {
				if !set[im.Path] && !isStdPath(im.Path) && l.byPath[im.Path] == nil {
					unknown[im.Path] = true
				}
			}
		}
	}
	out := make([]string, 0, len(unknown))
	for p := range unknown {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// KnowsAllNames reports whether reading the workspace and its dependencies
// can see every registration of reg: not for a preset the standard library
// registers names in (the index does not read the standard library), nor
// for a registry filled at run time.
func (s *Snapshot) KnowsAllNames(reg *Registry) bool {
	if reg == nil || reg.FilledAtRunTime {
		return false
	}
	for _, p := range presets {
		if p.Name == reg.Preset {
			return !p.StdNames
		}
	}
	return true
}

// PluginNoun is what a registry's plugins are called in messages: "driver"
// for database/sql, "plugin" otherwise (from the preset table).
func (s *Snapshot) PluginNoun(reg *Registry) string {
	for _, p := range presets {
		if p.Name == reg.Preset && p.Noun != "" {
			return p.Noun
		}
	}
	return "plugin"
}

// RegisterFuncs returns the register functions of reg (wrappers included)
// whose name is a plain string argument, with that argument's index: what
// RequiredRegistrations looks for.
func (s *Snapshot) RegisterFuncs(reg *Registry) map[string]int {
	l := s.link()
	out := map[string]int{}
	for _, fn := range reg.Register {
		if ro := l.roles[fn]; ro != nil && !ro.lookup && ro.mode == nameString && ro.key == nil {
			out[fn] = ro.nameArg
		}
	}
	return out
}
