package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp/internal/report"
	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
)

const checkUsage = `usage: plugin-lsp check [flags] [dir | dir/... | ./... ...]

Runs plugin-lsp's rules (the same engine as in the editor) on the workspace
that holds each dir and prints the findings located in the given dirs
(dir/... includes subdirectories; the default is ./...). Flags may come
before or after the dirs.

Exit status: 0 no findings, 1 findings, 2 could not run or bad usage (the
reason is one line on stderr; also a broken .plugin-lsp.yaml, or a given
directory that cannot be read), 3 no findings but something could not be
checked (a skipped file, failed type loading: each is a warning line on
stderr and a SARIF tool execution notification).

Flags:
  -format F     output format: text (default), json, sarif (SARIF 2.1.0)
                or github (workflow annotations)
  -goos a,b     GOOS values of the build-configuration matrix
  -goarch a,b   GOARCH values of the matrix (the matrix is the cartesian
                product; a dimension not given takes the default matrix's
                values; default matrix: the host plus linux, darwin and
                windows on amd64 and arm64)
  -tags t,u     build tags added to every configuration (cgo is set
                unless !cgo is given)
  -rules R,S    run only these rules (IDs such as REG001)
  -disable R,S  do not run these rules
  -enable R,S   run these rules even if .plugin-lsp.yaml disables them
  -severity R=S,…  report rule R at severity S (error, warning, info, hint)
  -max-file-size N  skip (and report) files larger than N bytes; K, M, G
                suffixes (default $PLUGIN_LSP_MAX_FILE_SIZE, else 16M)

Configuration: the .plugin-lsp.yaml of each module (rules, severity,
buildConfigs, registries) applies; a flag wins over the file for the rules
it names, and -goos, -goarch or -tags replace the file's buildConfigs.
`

// checkMain implements `plugin-lsp check`.
func checkMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fail := couldNotRun(stderr, "check")
	fs, fv := newCheckFlags()
	pos, code, done := parseCommandLine("check", checkUsage, fs, args, stdout, fail)
	if done {
		return code
	}
	cfg, err := fv.config(pos)
	if err != nil {
		return fail("%v (see plugin-lsp check -h)", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail("%v", err)
	}
	if resolved, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = resolved // the index reports resolved paths
	}
	pats, err := parsePatterns(cfg.patterns)
	if err != nil {
		return fail("%v", err)
	}
	if err := requireGoFiles(pats); err != nil {
		return fail("%v", err)
	}
	findings, problems, cov, opts, snap, err := runEngine(ctx, pats, cfg.flags, cfg.only, cfg.maxFileSize)
	if err != nil {
		return fail("%v", err)
	}
	findings = filterFindings(findings, pats)
	notes, broken := notifications(problems, pats, cwd)
	for _, n := range notes {
		fmt.Fprintln(stderr, "plugin-lsp check: "+n.Level+": "+n.String())
	}

	var rules []diagnostics.Rule
	for _, r := range diagnostics.Rules() {
		if opts.Enabled(r.ID) {
			rules = append(rules, r)
		}
	}
	w := bufio.NewWriter(stdout)
	err = report.Write(w, cfg.format, findings, report.Options{
		Cwd:           cwd,
		Root:          repositoryRoot(pats[0].dir),
		Rules:         rules,
		ToolVersion:   toolVersion(),
		Notifications: notes,
		Coverage:      &cov,
		Files:         report.SnapshotFiles{Snap: snap},
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return fail("writing output: %v", err)
	}
	if (cfg.format == report.Text || cfg.format == report.GitHub) && !broken {
		// One line on stderr, after the findings: what was checked (json
		// and sarif carry it in their own output; annotations are for
		// findings, and the Action's log shows stderr).
		fmt.Fprintln(stderr, "plugin-lsp check: "+cov.String())
		if n := cov.Notice(); n != "" {
			fmt.Fprintln(stderr, "plugin-lsp check: notice: "+n)
		}
	}
	switch {
	case broken:
		return 2
	case len(findings) > 0:
		return 1
	case len(notes) > 0:
		return exitIncomplete
	}
	return 0
}

// exitIncomplete is check's exit status when there are no findings but
// something could not be checked: never 0, which says "clean".
const exitIncomplete = 3

// notifications turns what the index and the type rules could not check
// into report notifications, relative paths as the text format prints
// them. broken is true when the check could not run as asked: a
// .plugin-lsp.yaml does not parse (its whole policy is ignored), or a
// directory given on the command line cannot be read.
func notifications(problems []index.Problem, pats []pattern, cwd string) (notes []report.Notification, broken bool) {
	for _, p := range problems {
		n := report.Notification{Level: "warning", File: p.Path, Line: p.Line, Message: p.Msg, Cwd: cwd}
		switch {
		case p.Kind == index.ProblemConfig:
			n.Level, broken = "error", true
			if !strings.HasSuffix(n.Message, diagnostics.RuleSettingsIgnored) {
				n.Message += " (the whole file is ignored)"
			}
		case p.Kind == index.ProblemSkipped && givenDir(p.Path, pats):
			n.Level, broken = "error", true
		}
		notes = append(notes, n)
	}
	return notes, broken
}

// warnProblems prints what the index could not read as warning lines of
// subcommand cmd (list and graph: their output is incomplete, not wrong).
func warnProblems(stderr io.Writer, cmd string, problems []index.Problem) {
	cwd, _ := os.Getwd()
	if r, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = r
	}
	for _, p := range problems {
		n := report.Notification{File: p.Path, Line: p.Line, Message: p.Msg, Cwd: cwd}
		fmt.Fprintln(stderr, "plugin-lsp "+cmd+": warning: "+n.String())
	}
}

// givenDir reports whether path was named on the command line: a
// directory given, or a file of the package a plain dir pattern names
// (`check ./plugins/file` with an unreadable file in it).
func givenDir(path string, pats []pattern) bool {
	for _, p := range pats {
		if p.dir == path || !p.recursive && filepath.Dir(path) == p.dir {
			return true
		}
	}
	return false
}

// checkConfig is the parsed command line of check.
type checkConfig struct {
	format report.Format
	// flags is the flags' layer of the configuration, above the
	// .plugin-lsp.yaml files (diagnostics.Config.Over).
	flags       diagnostics.Config
	only        []string // -rules
	patterns    []string
	maxFileSize int64 // 0: index default ($PLUGIN_LSP_MAX_FILE_SIZE, 16 MiB)
}

// checkFlags are the values of check's flags.
type checkFlags struct {
	format, goos, goarch, tags, only, disable, enable, severity, maxSize *string
}

// newCheckFlags returns check's flag set and where its values land.
func newCheckFlags() (*flag.FlagSet, *checkFlags) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	return fs, &checkFlags{
		format:   fs.String("format", "text", ""),
		goos:     fs.String("goos", "", ""),
		goarch:   fs.String("goarch", "", ""),
		tags:     fs.String("tags", "", ""),
		only:     fs.String("rules", "", ""),
		disable:  fs.String("disable", "", ""),
		enable:   fs.String("enable", "", ""),
		severity: fs.String("severity", "", ""),
		maxSize:  fs.String("max-file-size", "", ""),
	}
}

// config checks the flag values and turns them into a checkConfig.
func (fv *checkFlags) config(patterns []string) (checkConfig, error) {
	var cfg checkConfig
	var err error
	if *fv.maxSize != "" {
		if cfg.maxFileSize, err = index.ParseSize(*fv.maxSize); err != nil {
			return cfg, fmt.Errorf("-max-file-size: %w", err)
		}
	} else if v := os.Getenv(index.MaxFileSizeEnv); v != "" {
		if _, err := index.ParseSize(v); err != nil {
			return cfg, fmt.Errorf("$%s: %w", index.MaxFileSizeEnv, err)
		}
	}
	formats := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		formats[i] = string(f)
	}
	if err := formatFlag(*fv.format, formats...); err != nil {
		return cfg, err
	}
	if cfg.format, err = report.ParseFormat(*fv.format); err != nil {
		return cfg, err
	}
	if cfg.flags.Configs, err = buildMatrix(splitList(*fv.goos), splitList(*fv.goarch), splitList(*fv.tags)); err != nil {
		return cfg, err
	}
	if cfg.only, err = ruleIDs("-rules", *fv.only); err != nil {
		return cfg, err
	}
	for _, id := range cfg.only {
		cfg.flags.SetRule(id, true) // named on the command line: runs whatever the file says
	}
	for _, f := range []struct {
		name, val string
		on        bool
	}{{"-disable", *fv.disable, false}, {"-enable", *fv.enable, true}} {
		ids, err := ruleIDs(f.name, f.val)
		if err != nil {
			return cfg, err
		}
		for _, id := range ids {
			cfg.flags.SetRule(id, f.on)
		}
	}
	for _, x := range splitList(*fv.severity) {
		r, level, ok := strings.Cut(x, "=")
		if !ok {
			return cfg, fmt.Errorf("-severity: %q: want RULE=severity", x)
		}
		id, err := diagnostics.ParseRuleID(r)
		if err != nil {
			return cfg, fmt.Errorf("-severity: %w", err)
		}
		sev, err := diagnostics.ParseSeverity(level)
		if err != nil {
			return cfg, fmt.Errorf("-severity: %s: %w", id, err)
		}
		cfg.flags.SetSeverity(id, sev)
	}
	cfg.patterns = patterns
	if len(cfg.patterns) == 0 {
		cfg.patterns = []string{"./..."}
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// ruleIDs parses a comma-separated list of rule IDs (diagnostics.ParseRuleID).
func ruleIDs(flagName, s string) ([]string, error) {
	var out []string
	for _, x := range splitList(s) {
		id, err := diagnostics.ParseRuleID(x)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// buildMatrix is the build-configuration matrix of -goos, -goarch and -tags:
// the cartesian product of GOOS and GOARCH values, each with the given tags
// (and cgo: index.NewBuildConfig, the one validator). A dimension not given
// takes the values of the default matrix (index.DefaultConfigs), and only
// -tags gives the default matrix with the tags added; nothing given at all
// returns nil, which leaves the matrix to .plugin-lsp.yaml or the default.
func buildMatrix(goos, goarch, tags []string) ([]index.BuildConfig, error) {
	if len(goos) == 0 && len(goarch) == 0 && len(tags) == 0 {
		return nil, nil
	}
	for _, o := range goos {
		if err := index.CheckGOOS(o); err != nil {
			return nil, fmt.Errorf("-goos: %w", err)
		}
	}
	for _, a := range goarch {
		if err := index.CheckGOARCH(a); err != nil {
			return nil, fmt.Errorf("-goarch: %w", err)
		}
	}
	defaults := index.DefaultConfigs()
	if len(goos) == 0 && len(goarch) == 0 {
		// Only tags: the default matrix with the tags added.
		var out []index.BuildConfig
		for _, c := range defaults {
			nc, err := index.NewBuildConfig(c.GOOS, c.GOARCH, append(slices.Clone(c.Tags), tags...))
			if err != nil {
				return nil, fmt.Errorf("-tags: %w", err)
			}
			out = index.AppendConfig(out, nc)
		}
		return out, nil
	}
	if len(goos) == 0 {
		for _, c := range defaults {
			goos = appendNew(goos, c.GOOS)
		}
	}
	if len(goarch) == 0 {
		for _, c := range defaults {
			goarch = appendNew(goarch, c.GOARCH)
		}
	}
	var out []index.BuildConfig
	for _, o := range goos {
		for _, a := range goarch {
			c, err := index.NewBuildConfig(o, a, tags)
			if err != nil {
				return nil, fmt.Errorf("-tags: %w", err)
			}
			out = index.AppendConfig(out, c)
		}
	}
	return out, nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// pattern is one dir argument: a directory, and whether its
// subdirectories are included (dir/...).
type pattern struct {
	arg       string
	dir       string // absolute, clean
	recursive bool
}

// parsePatterns resolves dir, dir/... and ./... arguments to existing
// directories.
func parsePatterns(args []string) ([]pattern, error) {
	var out []pattern
	for _, arg := range args {
		p := pattern{arg: arg}
		d := filepath.ToSlash(arg)
		switch {
		case d == "...":
			d, p.recursive = ".", true
		case strings.HasSuffix(d, "/..."):
			d, p.recursive = strings.TrimSuffix(d, "/..."), true
		}
		if strings.Contains(d, "...") {
			return nil, fmt.Errorf("%s: unsupported pattern (use dir, dir/... or ./...)", arg)
		}
		if d == "" {
			d = "/"
		}
		abs, err := filepath.Abs(filepath.FromSlash(d))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such directory", arg)
			}
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s: not a directory", arg)
		}
		if resolved, err := filepath.EvalSymlinks(abs); err == nil {
			abs = resolved
		}
		p.dir = abs
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, errors.New("no directory given")
	}
	return out, nil
}

// requireGoFiles rejects a plain dir pattern that names no package: like
// the go command, dir means the package in dir only, so a workspace or
// module root without Go files of its own would check nothing and say
// nothing. A plugin-manifest.yaml counts (its findings are in dir).
func requireGoFiles(pats []pattern) error {
	for _, p := range pats {
		if p.recursive {
			continue
		}
		entries, err := os.ReadDir(p.dir)
		if err != nil {
			return fmt.Errorf("%s: %w", p.arg, err)
		}
		found := false
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".go") || n == "plugin-manifest.yaml") {
				found = true
				break
			}
		}
		if !found {
			arg := strings.TrimSuffix(filepath.ToSlash(p.arg), "/")
			if arg == "" {
				arg = "/"
			}
			return fmt.Errorf("no Go files in %s; did you mean %s/...?", p.arg, strings.TrimSuffix(arg, "/"))
		}
	}
	return nil
}

// workspaceRoots returns the index roots for the patterns: the workspace
// that holds each dir (its go.work directory, else its module root), so
// that hosts outside the dir still count when a rule asks which hosts link
// a plugin. A dir that its module's go tool would skip (inside testdata,
// vendor, or a "." or "_" directory) is a root of its own. Nested roots are
// dropped unless the outer root's walk skips them (a testdata workspace
// given next to its module).
func workspaceRoots(pats []pattern) []string {
	var roots []string
	for _, p := range pats {
		roots = append(roots, enclosingWorkspace(p.dir))
	}
	sort.Strings(roots)
	var out []string
	for _, r := range roots {
		if len(out) > 0 && within(out[len(out)-1], r) && !skippedBelow(out[len(out)-1], r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// skippedBelow reports whether the walk of root skips dir: a path element
// between them is one the go tool ignores (testdata, vendor, .x, _x).
func skippedBelow(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return false
	}
	for _, elem := range strings.Split(filepath.ToSlash(rel), "/") {
		if elem == "testdata" || elem == "vendor" || strings.HasPrefix(elem, ".") || strings.HasPrefix(elem, "_") {
			return true
		}
	}
	return false
}

func enclosingWorkspace(dir string) string {
	mod, work := "", ""
	for d := dir; ; {
		if mod == "" && fileExists(filepath.Join(d, "go.mod")) {
			mod = d
		}
		if work == "" && fileExists(filepath.Join(d, "go.work")) {
			work = d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	root := dir
	switch {
	case work != "" && (mod == "" || within(work, mod)):
		root = work
	case mod != "":
		root = mod
	}
	if skippedBelow(root, dir) {
		return dir
	}
	return root
}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// repositoryRoot is the root SARIF URIs and GitHub annotation paths are
// relative to: the git work tree that holds dir, else dir itself.
func repositoryRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// runEngine indexes the workspaces of the patterns and runs every enabled
// rule: the syntax rules and, concurrently, the rules that need types. The
// rules run as flags (over) the .plugin-lsp.yaml files (over) the defaults
// say; opts are the options that came of it, snap the snapshot checked (the
// text the findings' positions are in). A panic in the engine becomes an
// error (exit 2 with one line), not a crash.
func runEngine(ctx context.Context, pats []pattern, flags diagnostics.Config, only []string, maxFileSize int64) (findings []diagnostics.Finding, problems []index.Problem, cov diagnostics.Coverage, opts diagnostics.Options, snap *index.Snapshot, err error) {
	defer func() {
		if p := recover(); p != nil {
			findings, problems, err = nil, nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	// On any return (a panic included) the type-rule goroutine is
	// cancelled first, then waited for.
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	roots := workspaceRoots(pats)
	// Without -goos/-goarch/-tags the index takes the files' buildConfigs.
	snap, err = index.New(index.Options{Roots: roots, Configs: flags.Configs, MaxFileSize: maxFileSize}).Build(ctx)
	if err != nil {
		return nil, nil, cov, opts, nil, fmt.Errorf("indexing %s: %w", strings.Join(roots, ", "), err)
	}
	files, cfgProblems := diagnostics.WorkspaceConfig(snap)
	opts = flags.Over(files).Options()
	opts.Only = only
	var typed []diagnostics.Finding
	var typeProblems []index.Problem
	var typedPanic any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { typedPanic = recover() }()
		typed, typeProblems = diagnostics.CheckTypesReport(ctx, snap, opts, nil)
	}()
	findings = diagnostics.Check(ctx, snap, opts)
	wg.Wait()
	if typedPanic != nil {
		return nil, nil, cov, opts, nil, fmt.Errorf("internal error in the type rules: %v", typedPanic)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, cov, opts, nil, fmt.Errorf("interrupted: %w", err)
	}
	findings = append(findings, typed...)
	diagnostics.SortFindings(findings)
	problems = append(append(snap.Problems(), cfgProblems...), typeProblems...)
	return findings, problems, diagnostics.Summarize(snap, opts), opts, snap, nil
}

// filterFindings keeps the findings whose primary location is in a
// pattern's directory (or below it, for dir/...).
func filterFindings(findings []diagnostics.Finding, pats []pattern) []diagnostics.Finding {
	var out []diagnostics.Finding
	for _, f := range findings {
		for _, p := range pats {
			if p.recursive && within(p.dir, f.File) || !p.recursive && filepath.Dir(f.File) == p.dir {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// toolVersion is plugin-lsp's version from its build information: the
// module version when installed with go install, else "devel" with the VCS
// revision when known.
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel+" + s.Value[:12]
		}
	}
	return "devel " + runtime.Version()
}
