package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"

	"github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp/internal/report"
	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
)

// End-to-end tests of `plugin-lsp check` and `plugin-lsp graph`: the binary
// is built once (TestMain) and run as a process on workspaces extracted from
// testdata/check/*.txtar. Expected output lives in the archives as
// "want/…" sections (not extracted); -update rewrites them.

var update = flag.Bool("update", false, "rewrite the want/… sections of testdata/check/*.txtar")

// pluginLSP is the binary under test, built by TestMain.
var pluginLSP string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "plugin-lsp-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pluginLSP = filepath.Join(dir, "plugin-lsp")
	if out, err := exec.Command("go", "build", "-o", pluginLSP, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building plugin-lsp: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// workspace is an extracted txtar archive.
type workspace struct {
	archivePath string
	archive     *txtar.Archive
	dir         string // where the files were written (a fake git root: has .git)
}

// loadWorkspace extracts testdata/check/<name>.txtar into a temporary
// directory, skipping want/… sections, and marks it as a repository root.
func loadWorkspace(t *testing.T, name string) *workspace {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "check", name+".txtar")
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// repositoryRoot looks for .git; an empty directory is enough and
	// keeps the test independent of a git binary.
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &workspace{archivePath: path, archive: ar, dir: dir}
}

// want returns the want/<name> section, or fails (or, with -update, adds
// it from got).
func (w *workspace) want(t *testing.T, name, got string) string {
	t.Helper()
	for i, f := range w.archive.Files {
		if f.Name == "want/"+name {
			if *update && string(f.Data) != got {
				w.archive.Files[i].Data = []byte(got)
				w.save(t)
			}
			return string(w.archive.Files[i].Data)
		}
	}
	if *update {
		w.archive.Files = append(w.archive.Files, txtar.File{Name: "want/" + name, Data: []byte(got)})
		w.save(t)
		return got
	}
	t.Fatalf("%s has no want/%s section (run with -update)", w.archivePath, name)
	return ""
}

func (w *workspace) save(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(w.archivePath, txtar.Format(w.archive), 0o644); err != nil {
		t.Fatal(err)
	}
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	exit           int
}

func runBinary(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(pluginLSP, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running plugin-lsp %v: %v", args, err)
	}
	return r
}

// textFinding is one line of the text format.
type textFinding struct {
	file       string
	line, col  int
	rule, msg  string
	sourceLine string // the line as printed
}

var textLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): ([A-Z]+[0-9]+) (.*)$`)

func parseText(t *testing.T, out string) []textFinding {
	t.Helper()
	var fs []textFinding
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := textLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("text output line %q is not file:line:col: RULE message", l)
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		fs = append(fs, textFinding{file: m[1], line: line, col: col, rule: m[4], msg: m[5], sourceLine: l})
	}
	return fs
}

// checkCases run `plugin-lsp check` in a workspace; want/<name>.txt holds
// the exact text output, and the other formats must report the same
// findings field by field.
var checkCases = []struct {
	name, archive string
	args          []string // after "check"; the format flag is added per format
	exit          int
	// subdir is the working directory inside the workspace ("" = its root).
	subdir string
}{
	{name: "bugs", archive: "bugs", args: []string{"./..."}, exit: 1},
	{name: "bugs-default-pattern", archive: "bugs", args: nil, exit: 1},
	{name: "bugs-one-dir", archive: "bugs", args: []string{"plugins/cash"}, exit: 1},
	{name: "bugs-two-dirs", archive: "bugs", args: []string{"plugins/card", "cmd/shop"}, exit: 1},
	{name: "bugs-subtree", archive: "bugs", args: []string{"plugins/..."}, exit: 1},
	{name: "bugs-from-subdir", archive: "bugs", args: []string{"../../..."}, subdir: "plugins/cash", exit: 1},
	{name: "bugs-from-sibling", archive: "bugs", args: []string{"./...", "../registry", "../cmd/..."}, subdir: "plugins", exit: 1},
	{name: "bugs-rules-REG003", archive: "bugs", args: []string{"-rules", "REG003,MF001", "./..."}, exit: 1},
	{name: "bugs-disable-REG001", archive: "bugs", args: []string{"-disable", "reg001", "./..."}, exit: 1},
	{name: "bugs-goos-windows-darwin", archive: "bugs", args: []string{"-goos", "windows,darwin", "./..."}, exit: 1},
	{name: "bugs-goos-linux-goarch-arm64", archive: "bugs", args: []string{"-goos", "linux", "-goarch", "arm64", "./..."}, exit: 1},
	{name: "bugs-only-clean-dir", archive: "bugs", args: []string{"registry"}, exit: 0},
	{name: "clean", archive: "clean", args: []string{"./..."}, exit: 0},
}

// stripCoverage returns stderr without its coverage line.
func stripCoverage(stderr string) string {
	lines := strings.SplitAfter(stderr, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if n := len(lines); n > 0 && coverageLine.MatchString(lines[n-1]) {
		lines = lines[:n-1]
	}
	return strings.Join(lines, "")
}

// coverageLine is the one stderr line of a check that ran.
var coverageLine = regexp.MustCompile(`^plugin-lsp check: checked \d+ registr(y|ies), \d+ registrations?, \d+ hosts?, \d+ lookups? in \d+ modules?[^\n]*\n$`)

// TestCheckCoverage: check says what it looked at, in every format, and
// says so when it found no registry at all.
func TestCheckCoverage(t *testing.T) {
	example, err := filepath.Abs(filepath.Join("..", "..", "testdata", "example"))
	if err != nil {
		t.Fatal(err)
	}
	// testdata/example: one registry (contract.Register) with console,
	// syslog's second "console", metrics and file; two hosts (host and
	// native/host); lookups "consle" and "file"; one native plugin.
	const want = "checked 1 registry, 4 registrations, 2 hosts, 2 lookups in 7 modules, 1 native plugin"
	r := runBinary(t, example, "check", "./...")
	if r.stderr != "plugin-lsp check: "+want+"\n" {
		t.Errorf("text stderr %q, want the line %q", r.stderr, want)
	}
	rj := runBinary(t, example, "check", "-format", "json", "./...")
	var elems []struct {
		Rule     string                `json:"rule"`
		Message  string                `json:"message"`
		Coverage *diagnostics.Coverage `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(rj.stdout), &elems); err != nil {
		t.Fatal(err)
	}
	last := elems[len(elems)-1]
	if last.Rule != "COVERAGE" || last.Message != want || last.Coverage == nil || last.Coverage.Registrations != 4 || last.Coverage.Hosts != 2 {
		t.Errorf("json coverage element %+v", last)
	}
	rs := runBinary(t, example, "check", "-format", "sarif", "./...")
	var log struct {
		Runs []struct {
			Properties struct {
				Coverage     diagnostics.Coverage `json:"coverage"`
				CoverageText string               `json:"coverageText"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(rs.stdout), &log); err != nil {
		t.Fatal(err)
	}
	if p := log.Runs[0].Properties; p.CoverageText != want || p.Coverage.Registries != 1 || p.Coverage.Lookups != 2 {
		t.Errorf("sarif run properties %+v", p)
	}
	if err := validateSARIF(compileSARIFSchema(t), []byte(rs.stdout)); err != nil {
		t.Errorf("SARIF with coverage invalid: %v", err)
	}

	// No registry at all: a notice, not silence.
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module x\n\ngo 1.26\n", "main.go": "package main\n\nfunc main() {}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := runBinary(t, dir, "check", "./...")
	if !strings.Contains(e.stderr, "checked 0 registries, 0 registrations, 1 host, 0 lookups in 1 module\n") ||
		!strings.Contains(e.stderr, "notice: no plugin registry with registrations or lookups outside tests found") || !strings.Contains(e.stderr, "list -explain") {
		t.Errorf("no-registry stderr %q", e.stderr)
	}
}

func TestCheckEndToEnd(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, tc := range checkCases {
		t.Run(tc.name, func(t *testing.T) {
			ws := loadWorkspace(t, tc.archive)
			cwd := filepath.Join(ws.dir, filepath.FromSlash(tc.subdir))

			text := runBinary(t, cwd, append([]string{"check"}, tc.args...)...)
			if text.exit != tc.exit || !coverageLine.MatchString(text.stderr) {
				t.Fatalf("check %v: exit %d, stderr %q; want exit %d, only the coverage line on stderr\n%s", tc.args, text.exit, text.stderr, tc.exit, text.stdout)
			}
			want := ws.want(t, tc.name+".txt", text.stdout)
			if text.stdout != want {
				t.Fatalf("check %v text output:\n%s\nwant:\n%s", tc.args, text.stdout, want)
			}
			findings := parseText(t, want)
			if (len(findings) > 0) != (tc.exit == 1) {
				t.Fatalf("exit %d with %d findings", tc.exit, len(findings))
			}

			for _, format := range []string{"json", "sarif", "github"} {
				args := append([]string{"check", "-format", format}, tc.args...)
				r := runBinary(t, cwd, args...)
				if r.exit != tc.exit || stripCoverage(r.stderr) != "" {
					t.Fatalf("check -format %s: exit %d, stderr %q; want exit %d", format, r.exit, r.stderr, tc.exit)
				}
				switch format {
				case "json":
					assertJSON(t, r.stdout, findings)
				case "sarif":
					if err := validateSARIF(sch, []byte(r.stdout)); err != nil {
						t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
					}
					assertSARIF(t, r.stdout, findings, cwd, ws.dir)
				case "github":
					assertGitHub(t, r.stdout, findings, cwd, ws.dir)
				}
			}
		})
	}
}

func severityOf(t *testing.T, rule string) diagnostics.Severity {
	t.Helper()
	r, ok := diagnostics.RuleByID(rule)
	if !ok {
		t.Fatalf("finding of unknown rule %s", rule)
	}
	return r.Severity
}

func assertJSON(t *testing.T, out string, want []textFinding) {
	t.Helper()
	var got []report.JSONFinding
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("json output does not decode: %v\n%s", err, out)
	}
	if got == nil {
		t.Fatalf("json output is %q, want an array", out)
	}
	if n := len(got); n == 0 || got[n-1].Rule != report.CoverageRule || got[n-1].Coverage == nil {
		t.Fatalf("json output does not end with the coverage element:\n%s", out)
	}
	got = got[:len(got)-1]
	if len(got) != len(want) {
		t.Fatalf("json: %d findings, text: %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.File != filepath.ToSlash(w.file) || g.Range.Start.Line != w.line || g.Range.Start.Col != w.col || g.Rule != w.rule || g.Message != w.msg {
			t.Errorf("json finding %d = %s:%d:%d %s %q; text: %s", i, g.File, g.Range.Start.Line, g.Range.Start.Col, g.Rule, g.Message, w.sourceLine)
		}
		if g.Severity != severityOf(t, g.Rule).String() {
			t.Errorf("json finding %d severity %q, want %s", i, g.Severity, severityOf(t, g.Rule))
		}
		if g.Range.End.Line < g.Range.Start.Line || g.Range.End.Line == g.Range.Start.Line && g.Range.End.Col < g.Range.Start.Col ||
			g.Range.End.Offset < g.Range.Start.Offset {
			t.Errorf("json finding %d: range ends before it starts: %+v", i, g.Range)
		}
		if g.Related == nil || g.Configs == nil {
			t.Errorf("json finding %d: related or configs is null", i)
		}
		if g.Rule == "REG001" && len(g.Related) == 0 {
			t.Errorf("json REG001 finding %d has no related location (the other registration)", i)
		}
		for _, c := range g.Configs {
			if !regexp.MustCompile(`^[a-z0-9]+/[a-z0-9]+(\+.+)?$`).MatchString(c) {
				t.Errorf("json finding %d: config %q is not goos/goarch[+tags]", i, c)
			}
		}
	}
}

func assertSARIF(t *testing.T, out string, want []textFinding, cwd, root string) {
	t.Helper()
	var log report.SARIFLog
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("SARIF does not decode: %v", err)
	}
	if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 {
		t.Fatalf("SARIF version %q, $schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "plugin-lsp" || d.InformationURI == "" || d.Version == "" || len(d.Rules) == 0 {
		t.Fatalf("SARIF driver %q %q %q with %d rules", d.Name, d.InformationURI, d.Version, len(d.Rules))
	}
	for _, r := range d.Rules {
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" ||
			!strings.HasPrefix(r.HelpURI, "https://") || r.DefaultConfiguration.Level == "" {
			t.Errorf("SARIF rule %s lacks metadata: %+v", r.ID, r)
		}
	}
	if got := run.OriginalURIBaseIDs[report.SrcRoot].URI; got != "file://"+filepath.ToSlash(root)+"/" {
		t.Errorf("%%SRCROOT%% = %q, want the repository root %s", got, root)
	}
	if len(run.Results) != len(want) {
		t.Fatalf("SARIF: %d results, text: %d", len(run.Results), len(want))
	}
	seenFP := map[string]bool{}
	for i, r := range run.Results {
		w := want[i]
		if r.RuleID != w.rule || d.Rules[r.RuleIndex].ID != w.rule || r.Message.Text != w.msg {
			t.Errorf("SARIF result %d: %s (index → %s) %q; text: %s", i, r.RuleID, d.Rules[r.RuleIndex].ID, r.Message.Text, w.sourceLine)
		}
		wantLevel := map[diagnostics.Severity]string{diagnostics.Error: "error", diagnostics.Warning: "warning", diagnostics.Info: "note", diagnostics.Hint: "note"}[severityOf(t, w.rule)]
		if r.Level != wantLevel {
			t.Errorf("SARIF result %d level %q, want %q", i, r.Level, wantLevel)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("SARIF result %d has %d locations", i, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		abs := w.file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, abs)
		}
		wantURI, err := filepath.Rel(root, abs)
		if err != nil {
			t.Fatal(err)
		}
		if pl.ArtifactLocation.URI != filepath.ToSlash(wantURI) || pl.ArtifactLocation.URIBaseID != report.SrcRoot {
			t.Errorf("SARIF result %d artifact %+v, want %s relative to %%SRCROOT%%", i, pl.ArtifactLocation, wantURI)
		}
		// The fixtures are ASCII: UTF-16 columns equal byte columns.
		if pl.Region.StartLine != w.line || pl.Region.StartColumn != w.col || pl.Region.EndLine < pl.Region.StartLine {
			t.Errorf("SARIF result %d region %+v; text: %s", i, pl.Region, w.sourceLine)
		}
		fp := r.PartialFingerprints[report.FingerprintKey]
		if fp == "" || seenFP[fp] {
			t.Errorf("SARIF result %d fingerprint %q empty or repeated", i, fp)
		}
		seenFP[fp] = true
		for _, rel := range r.RelatedLocations {
			if rel.Message == nil || rel.Message.Text == "" || rel.PhysicalLocation.Region.StartLine < 1 {
				t.Errorf("SARIF result %d related location %+v", i, rel)
			}
		}
	}
}

func assertGitHub(t *testing.T, out string, want []textFinding, cwd, root string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	if len(lines) != len(want) {
		t.Fatalf("github: %d lines, text: %d\n%s", len(lines), len(want), out)
	}
	cmd := regexp.MustCompile(`^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([A-Z]+[0-9]+)::(.*)$`)
	for i, l := range lines {
		w := want[i]
		m := cmd.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("github line %q is not a workflow command", l)
			continue
		}
		abs := w.file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, abs)
		}
		rel, _ := filepath.Rel(root, abs)
		wantCmd := map[diagnostics.Severity]string{diagnostics.Error: "error", diagnostics.Warning: "warning", diagnostics.Info: "notice", diagnostics.Hint: "notice"}[severityOf(t, w.rule)]
		if m[1] != wantCmd || m[2] != filepath.ToSlash(rel) || m[3] != strconv.Itoa(w.line) || m[4] != strconv.Itoa(w.col) || m[7] != w.rule {
			t.Errorf("github line %q; text: %s (file relative to the repository root: %s)", l, w.sourceLine, rel)
		}
		// The fixtures' messages have nothing to escape but '%'.
		if m[8] != strings.ReplaceAll(w.msg, "%", "%25") {
			t.Errorf("github message %q, want %q", m[8], w.msg)
		}
	}
}

func TestCheckExactGitHubOutput(t *testing.T) {
	ws := loadWorkspace(t, "bugs")
	r := runBinary(t, filepath.Join(ws.dir, "plugins"), "check", "-format", "github", "-rules", "MF001,REG003", "../...")
	if r.exit != 1 || stripCoverage(r.stderr) != "" {
		t.Fatalf("exit %d stderr %q", r.exit, r.stderr)
	}
	if want := ws.want(t, "github-from-plugins.txt", r.stdout); r.stdout != want {
		t.Errorf("github output:\n%s\nwant:\n%s", r.stdout, want)
	}
}

// TestCheckCannotRun: exit 2 with a one-line reason on stderr and nothing
// on stdout.
func TestCheckCannotRun(t *testing.T) {
	ws := loadWorkspace(t, "clean")
	if err := os.WriteFile(filepath.Join(ws.dir, "file.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory whose Go files are all below it: dir is only its own package.
	if err := os.MkdirAll(filepath.Join(ws.dir, "tree", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws.dir, "tree", "sub", "sub.go"), []byte("package sub\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		reason string
	}{
		{[]string{"nosuchdir"}, "nosuchdir: no such directory"},
		{[]string{"nosuchdir/..."}, "nosuchdir/...: no such directory"},
		{[]string{"./...", "nosuchdir"}, "nosuchdir: no such directory"},
		{[]string{"file.txt"}, "file.txt: not a directory"},
		{[]string{"a/.../b"}, "unsupported pattern"},
		{[]string{"tree"}, "no Go files in tree; did you mean tree/...?"},
		{[]string{"tree/"}, "no Go files in tree/; did you mean tree/...?"},
		{[]string{"tree/sub", "tree"}, "no Go files in tree; did you mean tree/...?"},
		{[]string{"-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"-format", "xml"}, `unknown format "xml"`},
		{[]string{"-format"}, "flag needs an argument: -format"},
		{[]string{"-rules", "REG001,NOPE1"}, `-rules: unknown rule "NOPE1"`},
		{[]string{"-disable", "x"}, `-disable: unknown rule "x"`},
		{[]string{"-goos", "linux,beos"}, `-goos: unknown GOOS "beos"`},
		{[]string{"-goarch", "z80"}, `-goarch: unknown GOARCH "z80"`},
	} {
		r := runBinary(t, ws.dir, append([]string{"check"}, tc.args...)...)
		if r.exit != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 ||
			!strings.HasPrefix(r.stderr, "plugin-lsp check: ") || !strings.Contains(r.stderr, tc.reason) {
			t.Errorf("check %v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", tc.args, r.exit, r.stdout, r.stderr, tc.reason)
		}
	}
}

// TestCheckDirWithoutGoFiles: a workspace root without Go files of its own,
// given as a plain dir, is a could-not-run with the pattern to use; the
// recursive pattern checks it.
func TestCheckDirWithoutGoFiles(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, repo, "check", "testdata/example")
	if want := "plugin-lsp check: no Go files in testdata/example; did you mean testdata/example/...?\n"; r.exit != 2 || r.stdout != "" || r.stderr != want {
		t.Errorf("check testdata/example: exit %d, stdout %q, stderr %q; want exit 2 and %q", r.exit, r.stdout, r.stderr, want)
	}
	r = runBinary(t, repo, "check", "testdata/example/...")
	if r.exit != 1 || r.stdout == "" {
		t.Errorf("check testdata/example/...: exit %d, stderr %q; want the example's findings (exit 1)", r.exit, r.stderr)
	}
}

func TestCheckHelp(t *testing.T) {
	r := runBinary(t, ".", "check", "-h")
	if r.exit != 0 || !strings.HasPrefix(r.stdout, "usage: plugin-lsp check") || r.stderr != "" {
		t.Errorf("check -h: exit %d, stdout %q, stderr %q", r.exit, r.stdout, r.stderr)
	}
}

// TestCheckWithoutGitUsesDirAsRoot: outside a git work tree, SARIF URIs are
// relative to the directory given.
func TestCheckWithoutGitUsesDirAsRoot(t *testing.T) {
	ws := loadWorkspace(t, "bugs")
	if err := os.Remove(filepath.Join(ws.dir, ".git")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(ws.dir), ".git")); err == nil {
		t.Fatalf("temporary directory %s is inside a git work tree", ws.dir)
	}
	r := runBinary(t, ws.dir, "check", "-format", "sarif", "-rules", "MF001", "plugins/...")
	if r.exit != 1 {
		t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
	}
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 1 || res[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "cash/plugin-manifest.yaml" {
		t.Errorf("results %+v, want one MF001 at cash/plugin-manifest.yaml (relative to plugins/)", res)
	}
	if got, want := log.Runs[0].OriginalURIBaseIDs[report.SrcRoot].URI, "file://"+filepath.ToSlash(filepath.Join(ws.dir, "plugins"))+"/"; got != want {
		t.Errorf("%%SRCROOT%% = %q, want %q", got, want)
	}
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "check", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(report.SARIFSchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(report.SARIFSchemaURI)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(sch *jsonschema.Schema, out []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// Unit tests of the pieces check is made of.

func TestBuildMatrix(t *testing.T) {
	def := index.DefaultConfigs()
	str := func(cs []index.BuildConfig) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.String())
		}
		return strings.Join(s, " ")
	}
	defOS, defArch := []string{}, []string{}
	for _, c := range def {
		defOS = appendNew(defOS, c.GOOS)
		defArch = appendNew(defArch, c.GOARCH)
	}
	for _, tc := range []struct {
		goos, goarch, tags []string
		want               string
	}{
		{nil, nil, nil, ""}, // nil: the engine's default
		{[]string{"linux"}, []string{"amd64"}, nil, "linux/amd64+cgo"},
		{[]string{"linux", "windows"}, []string{"amd64", "arm64"}, []string{"integration"},
			"linux/amd64+cgo,integration linux/arm64+cgo,integration windows/amd64+cgo,integration windows/arm64+cgo,integration"},
		{[]string{"linux", "linux"}, []string{"386"}, nil, "linux/386+cgo"},
	} {
		got, err := buildMatrix(tc.goos, tc.goarch, tc.tags)
		if err != nil || str(got) != tc.want {
			t.Errorf("buildMatrix(%v, %v, %v) = %q, %v; want %q", tc.goos, tc.goarch, tc.tags, str(got), err, tc.want)
		}
	}
	// A missing dimension takes the default matrix's values.
	got, _ := buildMatrix([]string{"freebsd"}, nil, nil)
	if len(got) != len(defArch) {
		t.Errorf("-goos freebsd: %s; want one config per default GOARCH %v", str(got), defArch)
	}
	got, _ = buildMatrix(nil, []string{"riscv64"}, nil)
	if len(got) != len(defOS) {
		t.Errorf("-goarch riscv64: %s; want one config per default GOOS %v", str(got), defOS)
	}
	got, _ = buildMatrix(nil, nil, []string{"x"})
	if len(got) != len(def) {
		t.Errorf("-tags x: %s; want the default matrix", str(got))
	}
	for _, c := range got {
		if !slices.Contains(c.Tags, "x") || !slices.Contains(c.Tags, "cgo") {
			t.Errorf("-tags x: config %s lacks x or cgo", c)
		}
	}
}

func TestParsePatterns(t *testing.T) {
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		arg       string
		dir       string
		recursive bool
	}{
		{"./...", dir, true},
		{"...", dir, true},
		{".", dir, false},
		{"a", filepath.Join(dir, "a"), false},
		{"a/b/...", filepath.Join(dir, "a", "b"), true},
		{filepath.Join(dir, "a") + "/...", filepath.Join(dir, "a"), true},
	} {
		got, err := parsePatterns([]string{tc.arg})
		if err != nil || len(got) != 1 || got[0].dir != tc.dir || got[0].recursive != tc.recursive {
			t.Errorf("parsePatterns(%q) = %+v, %v; want dir %s recursive %v", tc.arg, got, err, tc.dir, tc.recursive)
		}
	}
}

func TestWorkspaceRoots(t *testing.T) {
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	for _, f := range []string{
		"mod/go.mod", "mod/pkg/x.go", "mod/testdata/ws/go.mod", "mod/testdata/plain/x.go",
		"work/go.work", "work/m1/go.mod", "work/m1/p/x.go", "loose/x.go",
	} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	for _, tc := range []struct {
		dirs []string
		want []string
	}{
		{[]string{"mod/pkg"}, []string{"mod"}},
		{[]string{"mod"}, []string{"mod"}},
		{[]string{"mod/testdata/ws"}, []string{"mod/testdata/ws"}},
		{[]string{"mod/testdata/plain"}, []string{"mod/testdata/plain"}}, // the go tool skips testdata: its own root
		{[]string{"work/m1/p"}, []string{"work"}},
		{[]string{"loose"}, []string{"loose"}},
		{[]string{"mod/pkg", "mod", "loose"}, []string{"loose", "mod"}},
		{[]string{"mod/pkg", "mod/testdata/plain"}, []string{"mod", "mod/testdata/plain"}}, // the walk of mod skips it: kept
	} {
		var pats []pattern
		for _, d := range tc.dirs {
			pats = append(pats, pattern{dir: j(d)})
		}
		var want []string
		for _, w := range tc.want {
			want = append(want, j(w))
		}
		if got := workspaceRoots(pats); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("workspaceRoots(%v) = %v, want %v", tc.dirs, got, want)
		}
	}
}

func TestFilterFindings(t *testing.T) {
	f := func(p string) diagnostics.Finding {
		return diagnostics.Finding{Location: diagnostics.Location{File: p}}
	}
	all := []diagnostics.Finding{f("/w/a/x.go"), f("/w/a/b/y.go"), f("/w/ab/z.go"), f("/w/c.go")}
	for _, tc := range []struct {
		pats []pattern
		want int
	}{
		{[]pattern{{dir: "/w", recursive: true}}, 4},
		{[]pattern{{dir: "/w/a", recursive: true}}, 2},
		{[]pattern{{dir: "/w/a"}}, 1},
		{[]pattern{{dir: "/w"}}, 1},
		{[]pattern{{dir: "/w/a"}, {dir: "/w/ab", recursive: true}}, 2},
		{[]pattern{{dir: "/x", recursive: true}}, 0},
	} {
		if got := filterFindings(all, tc.pats); len(got) != tc.want {
			t.Errorf("filterFindings(%+v) kept %d, want %d", tc.pats, len(got), tc.want)
		}
	}
}

// TestCheckExampleAllFormats runs check on the bundled example workspace
// (testdata/example, whose findings the diagnostics tests pin) from the
// repository root: exit 1, and every format reports the same findings, with
// SARIF valid against the schema and relative to the repository root.
func TestCheckExampleAllFormats(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if repo, err = filepath.EvalSymlinks(repo); err != nil {
		t.Fatal(err)
	}
	// The root the binary reports against: found from the pattern's directory,
	// so the test holds in a copy of the tree without .git too.
	root := repositoryRoot(filepath.Join(repo, "testdata", "example"))
	text := runBinary(t, repo, "check", "testdata/example/...")
	if text.exit != 1 || stripCoverage(text.stderr) != "" {
		t.Fatalf("check testdata/example/...: exit %d, stderr %q", text.exit, text.stderr)
	}
	findings := parseText(t, text.stdout)
	if len(findings) == 0 {
		t.Fatal("no findings in the example")
	}
	sch := compileSARIFSchema(t)
	for _, format := range []string{"json", "sarif", "github"} {
		r := runBinary(t, repo, "check", "-format", format, "testdata/example/...")
		if r.exit != 1 || stripCoverage(r.stderr) != "" {
			t.Fatalf("check -format %s: exit %d, stderr %q", format, r.exit, r.stderr)
		}
		switch format {
		case "json":
			assertJSON(t, r.stdout, findings)
		case "sarif":
			if err := validateSARIF(sch, []byte(r.stdout)); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
			assertSARIF(t, r.stdout, findings, repo, root)
		case "github":
			assertGitHub(t, r.stdout, findings, repo, root)
		}
	}
}

// TestCheckRealCode runs the binary on real code, where every finding is a
// false positive (docs/rules.md, ground truth): GOROOT/src (registries of
// the standard library and cmd), given as ./... and as an absolute path, and
// Go's native-plugin tests (testplugin with its testdata workspace beside
// it, so plugin_test.go's build commands and its copy of plugin2.so to
// plugin2-dup.so are seen) must give no findings at all, info included.
func TestCheckRealCode(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src")
	tp := filepath.Join(src, "cmd", "cgo", "internal", "testplugin")
	for _, tt := range []struct {
		dir, name string
		args      []string
	}{
		{src, "GOROOT/src", []string{"check", "./..."}},
		{t.TempDir(), "GOROOT/src", []string{"check", src + "/..."}},
		{tp, "testplugin", []string{"check", "./...", "testdata/..."}},
		{tp, "testplugin", []string{"check", "-format", "json", "./...", "testdata/..."}},
	} {
		r := runBinary(t, tt.dir, tt.args...)
		out := r.stdout
		if slices.Contains(tt.args, "json") {
			// Nothing but the coverage element.
			var elems []report.JSONFinding
			if err := json.Unmarshal([]byte(out), &elems); err != nil || len(elems) != 1 || elems[0].Rule != report.CoverageRule {
				t.Errorf("%s: json %q, want only the coverage element", tt.name, out)
			}
			out = ""
		}
		if r.exit != 0 || out != "" || stripCoverage(r.stderr) != "" {
			t.Errorf("%s: %s: exit %d, want 0 and no findings; stderr %q\n%s", tt.name, strings.Join(tt.args, " "), r.exit, r.stderr, r.stdout)
		}
	}
}

// TestListExplain: list -explain shows the candidate register functions,
// the accepted with what they store and the rejected with why, in text and
// json.
func TestListExplain(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "discovery", "any-value.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runBinary(t, dir, "list", "-explain", "-format", "json")
	var out struct {
		Candidates []struct {
			ID       string `json:"id"`
			Pos      string `json:"pos"`
			Accepted bool   `json:"accepted"`
			Reason   string `json:"reason"`
		} `json:"candidates"`
	}
	if r.exit != 0 {
		t.Fatalf("exit %d: %s", r.exit, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range out.Candidates {
		got[c.ID] = fmt.Sprintf("%v %s %s", c.Accepted, c.Pos, c.Reason)
	}
	if g := got["example.com/app/registry.Register"]; !strings.HasPrefix(g, "true registry/registry.go:11:6 stores its name parameter") {
		t.Errorf("registry.Register: %q", g)
	}
	if g := got["example.com/app/settings.Set"]; !strings.HasPrefix(g, "false settings/settings.go:8:6 ") || !strings.Contains(g, "settings table") {
		t.Errorf("settings.Set: %q", g)
	}
	text := runBinary(t, dir, "list", "-explain")
	if !strings.Contains(text.stdout, "Registry candidates (2):\n  accepted example.com/app/registry.Register  registry/registry.go:11:6: ") ||
		!strings.Contains(text.stdout, "  rejected example.com/app/settings.Set  settings/settings.go:8:6: ") {
		t.Errorf("text:\n%s", text.stdout)
	}
	if plain := runBinary(t, dir, "list"); strings.Contains(plain.stdout, "Registry candidates") {
		t.Errorf("list without -explain shows candidates:\n%s", plain.stdout)
	}
}
