package diagnostics

import (
	"bytes"
	"context"
	"iter"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// Options select and tune rules. The zero value runs every rule at its
// default severity under the snapshot's build configurations.
type Options struct {
	// Only, when non-empty, runs only these rule IDs (plugin-lsp check -rules).
	Only []string
	// Disabled rule IDs are not run.
	Disabled map[string]bool
	// Severity overrides a rule's default severity.
	Severity map[string]Severity
	// Logf, when set, receives internal errors (a rule that panicked is
	// skipped and reported here, never crashing the caller).
	Logf func(format string, args ...any)
	// Configs are the build configurations to evaluate; nil means the
	// snapshot's (index.Options.Configs, default index.DefaultConfigs()).
	// Linking is only known for the snapshot's configurations, so a config
	// here that the snapshot was not built with is evaluated on file
	// constraints alone.
	Configs []index.BuildConfig
}

// Enabled reports whether the rule with this ID runs under o.
func (o Options) Enabled(id string) bool {
	if o.Disabled[id] {
		return false
	}
	if len(o.Only) == 0 {
		return true
	}
	for _, x := range o.Only {
		if strings.EqualFold(strings.TrimSpace(x), id) {
			return true
		}
	}
	return false
}

// Check runs every enabled syntax rule (the rules without NeedsTypes) on
// one snapshot. It reads only the snapshot and the files it names, never
// runs workspace code, and returns findings in a deterministic order (file,
// offset, rule, message) with suppressed ones removed.
func Check(ctx context.Context, snap *index.Snapshot, opts Options) []Finding {
	p := newPass(ctx, snap, opts)
	p.runAll(syntaxChecks)
	return p.finish()
}

// runAll runs the enabled checks; a check that panics loses its findings
// and is reported through Options.Logf, the others still run.
func (p *pass) runAll(checks []check) {
	for _, c := range checks {
		if p.ctx.Err() != nil {
			return
		}
		if !p.opts.Enabled(c.id) {
			continue
		}
		p.rule = c.id
		n := len(p.findings)
		func() {
			defer func() {
				if r := recover(); r != nil {
					p.findings = p.findings[:n]
					if p.opts.Logf != nil {
						p.opts.Logf("plugin-lsp: rule %s failed: %v", c.id, r)
					}
				}
			}()
			c.run(p)
		}()
	}
}

// CheckTypes runs the rules that need type information (NeedsTypes).
// It loads packages with go/packages through cache, which callers keep
// across snapshots so that unchanged modules are not loaded again. It may
// take seconds on a cold cache: run it in the background, apart from Check.
// A nil cache uses a temporary one.
func CheckTypes(ctx context.Context, snap *index.Snapshot, opts Options, cache *TypeCache) []Finding {
	fs, _ := CheckTypesReport(ctx, snap, opts, cache)
	return fs
}

// CheckTypesReport is CheckTypes that also returns what it could not
// check: one index.Problem (Kind ProblemTypes) per module whose type
// information failed to load and per package that came back without types,
// so that a failed load never reads as "no findings".
func CheckTypesReport(ctx context.Context, snap *index.Snapshot, opts Options, cache *TypeCache) ([]Finding, []index.Problem) {
	if cache == nil {
		cache = NewTypeCache()
	}
	p := newPass(ctx, snap, opts)
	p.types = cache
	p.runAll(typeChecks)
	probs := p.problems
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	return p.finish(), probs
}

// SortFindings sorts findings by file, offset, rule and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start.Offset != b.Start.Offset {
			return a.Start.Offset < b.Start.Offset
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

type check struct {
	id  string
	run func(*pass)
}

// syntaxChecks and typeChecks are the rule implementations in run order
// (the order of Rules()), split by each rule's NeedsTypes.
var syntaxChecks, typeChecks = checksOf(false), checksOf(true)

// checksOf returns the checks of the rules whose NeedsTypes is needsTypes.
func checksOf(needsTypes bool) []check {
	var cs []check
	for _, r := range Rules() {
		if r.NeedsTypes == needsTypes {
			cs = append(cs, check{r.ID, r.check})
		}
	}
	return cs
}

// pass is the state of one Check or CheckTypes run.
type pass struct {
	ctx     context.Context
	snap    *index.Snapshot
	opts    Options
	configs []index.BuildConfig
	rule    string
	// defaultSeverity is each rule's Severity by ID. It is taken from
	// Rules() when the pass starts because the checks, which report, are
	// part of the Rule values: a check may not refer to Rules().
	defaultSeverity map[string]Severity
	types           *TypeCache
	findings        []Finding
	files           map[index.FileID]*fileText
	// initShare counts init-time and run-time registrations per registry
	// (see pluginRegistry).
	initShare map[string][2]int
	reach     map[string]bool // see reachableFromMain
	plugins   *pluginPkgs     // see pluginPackages
	fileList  []index.FileID  // see allFiles
	// problems are type loads that failed (CheckTypesReport), once each.
	problems    []index.Problem
	problemSeen map[string]bool
	// linkedViews are the packages each host links per configuration, for
	// REG003 (see linkedView).
	linkedViews map[string]*linkedView
	helpers     map[string]bool // see testHelpers, computed once per pass
}

// problem records that something could not be checked, once per key.
func (p *pass) problem(key string, pr index.Problem) {
	if p.problemSeen[key] {
		return
	}
	if p.problemSeen == nil {
		p.problemSeen = map[string]bool{}
	}
	p.problemSeen[key] = true
	p.problems = append(p.problems, pr)
}

// allFiles is snap.Files(), sorted once per pass.
func (p *pass) allFiles() []index.FileID {
	if p.fileList == nil {
		// Dependency modules' files are read for linking only: no rule
		// looks at them on their own.
		p.fileList = slices.DeleteFunc(p.snap.Files(), p.snap.IsDependency)
	}
	return p.fileList
}

type fileText struct {
	content []byte
	lines   *index.Lines // of content (empty when err is set)
	err     error
}

func newPass(ctx context.Context, snap *index.Snapshot, opts Options) *pass {
	cfgs := opts.Configs
	if len(cfgs) == 0 {
		cfgs = snap.Configs()
	}
	if len(cfgs) == 0 {
		cfgs = index.DefaultConfigs()
	}
	sev := map[string]Severity{}
	for _, r := range Rules() {
		sev[r.ID] = r.Severity
	}
	return &pass{ctx: ctx, snap: snap, opts: opts, configs: cfgs, files: map[index.FileID]*fileText{}, defaultSeverity: sev}
}

func (p *pass) text(id index.FileID) *fileText {
	if ft, ok := p.files[id]; ok {
		return ft
	}
	ft := &fileText{}
	ft.content, ft.err = p.snap.Content(id)
	ft.lines = index.NewLines(ft.content)
	p.files[id] = ft
	return ft
}

func (p *pass) pos(id index.FileID, off int) Pos {
	ft := p.text(id)
	off = max(off, 0)
	if ft.err != nil {
		// The text the snapshot indexed is gone (unreadable, or changed
		// since: index.ErrChanged): the line is not known, and a finding
		// still needs one, so it goes to line 1 with the offset as column.
		return Pos{Offset: off, Line: 1, Col: off + 1}
	}
	lc := ft.lines.Position(off)
	return Pos{Offset: min(off, len(ft.content)), Line: lc.Line, Col: lc.Col}
}

func (p *pass) loc(ref index.SymbolRef) Location {
	return p.span(ref.File, ref.Span)
}

func (p *pass) span(id index.FileID, sp index.Span) Location {
	return Location{File: p.snap.Path(id), Start: p.pos(id, sp.Start), End: p.pos(id, sp.End)}
}

// src returns the source text of a span ("" when unreadable).
func (p *pass) src(id index.FileID, sp index.Span) string {
	ft := p.text(id)
	if ft.err != nil || sp.Start < 0 || sp.End > len(ft.content) || sp.Start > sp.End {
		return ""
	}
	return string(ft.content[sp.Start:sp.End])
}

// rel shortens a path for messages: relative to the workspace root that
// holds it.
func (p *pass) rel(path string) string {
	for _, r := range p.snap.Roots() {
		if rp, err := filepath.Rel(r, path); err == nil && !strings.HasPrefix(rp, "..") {
			return filepath.ToSlash(rp)
		}
	}
	return filepath.Base(path)
}

// where renders "file:line" of a ref for messages.
func (p *pass) where(ref index.SymbolRef) string {
	l := p.loc(ref)
	return p.rel(l.File) + ":" + strconv.Itoa(l.Start.Line)
}

func (p *pass) report(f Finding) {
	if id, ok := p.snap.FileID(f.Location.File); ok && p.snap.IsDependency(id) {
		return // dependency files never get diagnostics
	}
	if f.Rule == "" {
		f.Rule = p.rule
	}
	if f.Severity == 0 {
		if s, ok := p.opts.Severity[f.Rule]; ok {
			f.Severity = s
		} else if s, ok := p.defaultSeverity[f.Rule]; ok {
			f.Severity = s
		}
	}
	p.findings = append(p.findings, f)
}

// finish removes suppressed and duplicate findings and sorts the rest.
func (p *pass) finish() []Finding {
	out := p.findings[:0]
	seen := map[string]bool{}
	for _, f := range p.findings {
		key := f.Rule + "\x00" + f.File + "\x00" + strconv.Itoa(f.Start.Offset) + "\x00" + f.Message
		if seen[key] || p.suppressed(f) {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	SortFindings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// suppressed reports whether a "pluginlsp:ignore RULE" comment on the
// finding's line or the line above names the finding's rule.
func (p *pass) suppressed(f Finding) bool {
	id, ok := p.snap.FileID(f.File)
	if !ok {
		return false
	}
	ft := p.text(id)
	if ft.err != nil {
		return false
	}
	for _, ln := range []int{f.Start.Line, f.Start.Line - 1} {
		if ln < 1 || ln > ft.lines.Count() {
			continue
		}
		start, end := ft.lines.Line(ln)
		if ignores(ft.content[start:end], f.Rule) {
			return true
		}
	}
	return false
}

// ignores reports whether a line carries "pluginlsp:ignore" naming rule
// (IDs separated by commas; "all" or "*" names every rule).
func ignores(line []byte, rule string) bool {
	const marker = "pluginlsp:ignore"
	i := bytes.Index(line, []byte(marker))
	if i < 0 {
		return false
	}
	rest := strings.TrimSpace(string(line[i+len(marker):]))
	ids, _, _ := strings.Cut(rest, " ")
	for _, id := range strings.Split(ids, ",") {
		id = strings.TrimSpace(id)
		if strings.EqualFold(id, rule) || id == "all" || id == "*" {
			return true
		}
	}
	return false
}

// configNames renders configs for Finding.Configs.
func configNames(cfgs []index.BuildConfig) []string {
	out := make([]string, 0, len(cfgs))
	for _, c := range cfgs {
		out = append(out, c.String())
	}
	return out
}

// configSummary renders configs for a message: "" when all of p.configs.
func (p *pass) configSummary(cfgs []index.BuildConfig) string {
	if len(cfgs) == len(p.configs) {
		return ""
	}
	return " (" + strings.Join(configNames(cfgs), ", ") + ")"
}

// nonTestFiles yields the facts of the files among ids that are not _test.go
// files: what a package links into a host. Rules that follow imports read
// packages through it so that test-only imports never count.
func (p *pass) nonTestFiles(ids []index.FileID) iter.Seq2[index.FileID, *index.FileFacts] {
	return func(yield func(index.FileID, *index.FileFacts) bool) {
		for _, id := range ids {
			f := p.snap.Facts(id)
			if f == nil || f.IsTest {
				continue
			}
			if !yield(id, f) {
				return
			}
		}
	}
}
