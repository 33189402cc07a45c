package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

// Formatter unit tests use findings constructed here (the engine's own
// output is covered end to end in cmd/plugin-lsp/check_test.go).

const root = "/repo"

type mapFiles map[string]string

func (m mapFiles) ReadFile(path string) ([]byte, error) {
	s, ok := m[path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

var files = mapFiles{
	"/repo/plugins/a/a.go":       "package a\n\nfunc init() { registry.Register(\"logger\", &A{}) }\n",
	"/repo/plugins/b/b.go":       "package b\n\n// ünïcode comment\nfunc init() { /* é */ registry.Register(\"logger\", &B{}) }\n",
	"/repo/plugin-manifest.yaml": "name: x\nversion: one\n",
}

func pos(off, line, col int) diagnostics.Pos {
	return diagnostics.Pos{Offset: off, Line: line, Col: col}
}

func loc(file string, line, col, endCol int) diagnostics.Location {
	return diagnostics.Location{File: file, Start: pos(0, line, col), End: pos(0, line, endCol)}
}

func sampleFindings() []diagnostics.Finding {
	b := loc("/repo/plugins/b/b.go", 4, 48, 56)
	b.Start.Offset, b.End.Offset = 71, 79
	a := loc("/repo/plugins/a/a.go", 3, 33, 41)
	a.Start.Offset, a.End.Offset = 43, 51
	return []diagnostics.Finding{
		{
			Rule: "REG001", Severity: diagnostics.Error,
			Message:  `plugin "logger" is also registered in plugins/a; rename one`,
			Location: b,
			Configs:  []string{"linux/amd64", "darwin/arm64"},
			Related:  []diagnostics.Related{{Location: a, Message: "first registration of \"logger\""}},
		},
		{
			Rule: "MF001", Severity: diagnostics.Error,
			Message:  "version \"one\" is not semver, e.g. 1.0.0",
			Location: loc("/repo/plugin-manifest.yaml", 2, 10, 13),
		},
		{
			Rule: "REG005", Severity: diagnostics.Info,
			Message:  "name is not a constant: 100%, a,b: x\nsecond line",
			Location: loc("/elsewhere/x.go", 1, 1, 2),
		},
	}
}

func render(t *testing.T, f Format, findings []diagnostics.Finding, opts Options) string {
	t.Helper()
	if opts.Files == nil {
		opts.Files = files
	}
	var buf bytes.Buffer
	if err := Write(&buf, f, findings, opts); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.String()
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"text", Text, false}, {"json", JSON, false}, {"sarif", SARIF, false}, {"github", GitHub, false},
		{"xml", "", true}, {"", "", true}, {"SARIF", "", true},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, cwd, want string
	}{
		{"cwd is root", "/repo", `/elsewhere/x.go:1:1: REG005 name is not a constant: 100%, a,b: x second line
plugin-manifest.yaml:2:10: MF001 version "one" is not semver, e.g. 1.0.0
plugins/b/b.go:4:48: REG001 plugin "logger" is also registered in plugins/a; rename one
`},
		{"cwd below root: relative when shorter", "/repo/plugins", `/elsewhere/x.go:1:1: REG005 name is not a constant: 100%, a,b: x second line
../plugin-manifest.yaml:2:10: MF001 version "one" is not semver, e.g. 1.0.0
b/b.go:4:48: REG001 plugin "logger" is also registered in plugins/a; rename one
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, Text, sampleFindings(), Options{Cwd: tc.cwd, Root: root})
			if got != tc.want {
				t.Errorf("text output:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestTextNoFindingsPrintsNothing(t *testing.T) {
	if got := render(t, Text, nil, Options{Cwd: root}); got != "" {
		t.Errorf("text output for no findings = %q, want empty", got)
	}
}

func TestJSON(t *testing.T) {
	got := render(t, JSON, sampleFindings(), Options{Cwd: root, Root: root})
	want := `[
  {
    "rule": "REG005",
    "severity": "info",
    "message": "name is not a constant: 100%, a,b: x\nsecond line",
    "file": "/elsewhere/x.go",
    "range": {
      "start": {
        "line": 1,
        "col": 1,
        "offset": 0
      },
      "end": {
        "line": 1,
        "col": 2,
        "offset": 0
      }
    },
    "related": [],
    "configs": []
  },
  {
    "rule": "MF001",
    "severity": "error",
    "message": "version \"one\" is not semver, e.g. 1.0.0",
    "file": "plugin-manifest.yaml",
    "range": {
      "start": {
        "line": 2,
        "col": 10,
        "offset": 0
      },
      "end": {
        "line": 2,
        "col": 13,
        "offset": 0
      }
    },
    "related": [],
    "configs": []
  },
  {
    "rule": "REG001",
    "severity": "error",
    "message": "plugin \"logger\" is also registered in plugins/a; rename one",
    "file": "plugins/b/b.go",
    "range": {
      "start": {
        "line": 4,
        "col": 48,
        "offset": 71
      },
      "end": {
        "line": 4,
        "col": 56,
        "offset": 79
      }
    },
    "related": [
      {
        "file": "plugins/a/a.go",
        "range": {
          "start": {
            "line": 3,
            "col": 33,
            "offset": 43
          },
          "end": {
            "line": 3,
            "col": 41,
            "offset": 51
          }
        },
        "message": "first registration of \"logger\""
      }
    ],
    "configs": [
      "linux/amd64",
      "darwin/arm64"
    ]
  }
]
`
	if got != want {
		t.Errorf("json output:\n%s\nwant:\n%s", got, want)
	}
	if got := render(t, JSON, nil, Options{Cwd: root}); got != "[]\n" {
		t.Errorf("json for no findings = %q, want \"[]\\n\"", got)
	}
}

func TestGitHub(t *testing.T) {
	got := render(t, GitHub, sampleFindings(), Options{Cwd: "/repo/plugins", Root: root})
	want := `::notice file=/elsewhere/x.go,line=1,col=1,endLine=1,endColumn=2,title=REG005::name is not a constant: 100%25, a,b: x%0Asecond line
::error file=plugin-manifest.yaml,line=2,col=10,endLine=2,endColumn=13,title=MF001::version "one" is not semver, e.g. 1.0.0
::error file=plugins/b/b.go,line=4,col=48,endLine=4,endColumn=56,title=REG001::plugin "logger" is also registered in plugins/a; rename one
`
	if got != want {
		t.Errorf("github output:\n%s\nwant:\n%s", got, want)
	}
}

func TestGitHubEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"a%b", "a%25b", "a%25b"},
		{"l1\r\nl2", "l1%0D%0Al2", "l1%0D%0Al2"},
		{"c:/x,y", "c:/x,y", "c%3A/x%2Cy"},
		{"%0A", "%250A", "%250A"}, // an already-escaped sequence is escaped again, not decoded
	} {
		if got := escapeData(tc.in); got != tc.data {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := escapeProperty(tc.in); got != tc.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
	f := diagnostics.Finding{Rule: "REG001", Severity: diagnostics.Warning, Message: "m", Location: loc("/repo/we,ird:name.go", 1, 1, 1)}
	got := render(t, GitHub, []diagnostics.Finding{f}, Options{Root: root})
	want := "::warning file=we%2Cird%3Aname.go,line=1,col=1,endLine=1,endColumn=1,title=REG001::m\n"
	if got != want {
		t.Errorf("github output = %q, want %q", got, want)
	}
}

// schemaPath is the official SARIF 2.1.0 schema (origin in SCHEMA-ORIGIN.md).
var schemaPath = filepath.Join("..", "..", "..", "..", "testdata", "check", "sarif-schema-2.1.0.json")

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SARIFSchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SARIFSchemaURI)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, out []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, tc := range []struct {
		name     string
		findings []diagnostics.Finding
	}{
		{"findings", sampleFindings()},
		{"no findings", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, SARIF, tc.findings, Options{Cwd: root, Root: root, Rules: diagnostics.Rules(), ToolVersion: "v0.0.0-test"})
			if err := validate(sch, []byte(out)); err != nil {
				t.Fatalf("SARIF does not validate: %v\n%s", err, out)
			}
		})
	}
}

// TestSARIFSchemaRejects shows that the validator is not vacuous: SARIF with
// a wrong level, a missing message or a wrong version is rejected.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := compileSARIFSchema(t)
	good := render(t, SARIF, sampleFindings(), Options{Root: root, Rules: diagnostics.Rules()})
	for _, tc := range []struct{ name, old, new string }{
		{"bad level", `"level": "error"`, `"level": "fatal"`},
		{"bad version", `"version": "2.1.0"`, `"version": "2.0.0"`},
		{"message without text", `"message": {`, `"message": {"x": 1, "y": {`},
		{"column zero", `"startColumn": 10`, `"startColumn": 0`},
	} {
		bad := strings.Replace(good, tc.old, tc.new, 1)
		if bad == good {
			t.Fatalf("%s: %q not in output", tc.name, tc.old)
		}
		if err := validate(sch, []byte(bad)); err == nil {
			t.Errorf("%s: invalid SARIF validated", tc.name)
		}
	}
}

func decodeSARIF(t *testing.T, out string) SARIFLog {
	t.Helper()
	var log SARIFLog
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	return log
}

func TestSARIFFields(t *testing.T) {
	out := render(t, SARIF, sampleFindings(), Options{Cwd: "/repo/plugins", Root: root, Rules: diagnostics.Rules(), ToolVersion: "v1.2.3"})
	log := decodeSARIF(t, out)
	if log.Version != "2.1.0" || log.Schema != SARIFSchemaURI || len(log.Runs) != 1 {
		t.Fatalf("version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "plugin-lsp" || d.InformationURI != ToolInfoURI || d.Version != "v1.2.3" {
		t.Errorf("driver = %q %q %q", d.Name, d.InformationURI, d.Version)
	}
	if len(d.Rules) != len(diagnostics.Rules()) {
		t.Errorf("%d rules, want %d", len(d.Rules), len(diagnostics.Rules()))
	}
	for i, r := range diagnostics.Rules() {
		sr := d.Rules[i]
		if sr.ID != r.ID || sr.Name != r.Name || sr.ShortDescription.Text != r.Title || sr.HelpURI != r.HelpURI {
			t.Errorf("rule %d = %+v, want metadata of %s", i, sr, r.ID)
		}
		if sr.FullDescription.Text == "" || sr.Help.Text == "" || !strings.Contains(sr.Help.Markdown, r.HelpURI) {
			t.Errorf("rule %s: empty description or help without its URI", r.ID)
		}
		if want := sarifLevel(r.Severity); sr.DefaultConfiguration.Level != want {
			t.Errorf("rule %s level %q, want %q", r.ID, sr.DefaultConfiguration.Level, want)
		}
	}
	if got := run.OriginalURIBaseIDs[SrcRoot].URI; got != "file:///repo/" {
		t.Errorf("originalUriBaseIds[%%SRCROOT%%] = %q", got)
	}
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3", len(run.Results))
	}
	type want struct {
		rule, level, uri, base string
		region                 SARIFRegion
		related                int
	}
	wants := []want{
		{"REG005", "note", "file:///elsewhere/x.go", "", SARIFRegion{1, 1, 1, 2}, 0},
		{"MF001", "error", "plugin-manifest.yaml", SrcRoot, SARIFRegion{2, 10, 2, 13}, 0},
		// Line 4 of b.go has "é" (2 bytes, 1 UTF-16 unit) before the
		// finding: byte columns 48..56 are UTF-16 columns 47..55.
		{"REG001", "error", "plugins/b/b.go", SrcRoot, SARIFRegion{4, 47, 4, 55}, 1},
	}
	for i, w := range wants {
		r := run.Results[i]
		if r.RuleID != w.rule || d.Rules[r.RuleIndex].ID != w.rule || r.Level != w.level {
			t.Errorf("result %d: rule %q index %d level %q, want %s %s", i, r.RuleID, r.RuleIndex, r.Level, w.rule, w.level)
		}
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != w.uri || pl.ArtifactLocation.URIBaseID != w.base || pl.Region != w.region {
			t.Errorf("result %d location = %+v, want %s %s %+v", i, pl, w.uri, w.base, w.region)
		}
		if len(r.RelatedLocations) != w.related {
			t.Errorf("result %d: %d related locations, want %d", i, len(r.RelatedLocations), w.related)
		}
		if fp := r.PartialFingerprints[FingerprintKey]; !strings.HasSuffix(fp, ":1") || len(fp) != 34 {
			t.Errorf("result %d fingerprint %q", i, fp)
		}
	}
	rel := run.Results[2].RelatedLocations[0]
	if *rel.ID != 1 || rel.Message.Text != `first registration of "logger"` ||
		rel.PhysicalLocation.ArtifactLocation.URI != "plugins/a/a.go" || rel.PhysicalLocation.Region != (SARIFRegion{3, 33, 3, 41}) {
		t.Errorf("related location = %+v", rel)
	}
	if p := run.Results[2].Properties; p == nil || strings.Join(p.Configs, " ") != "linux/amd64 darwin/arm64" {
		t.Errorf("result properties = %+v", p)
	}
}

// TestSARIFFingerprints: a finding keeps its fingerprint when lines are
// inserted above it, and changes it when its own line changes; identical
// findings get distinct fingerprints.
func TestSARIFFingerprints(t *testing.T) {
	const file = "/repo/p/p.go"
	fp := func(src string, line int, more ...diagnostics.Finding) []string {
		f := diagnostics.Finding{Rule: "REG003", Severity: diagnostics.Error, Message: `no plugin "loger"`, Location: loc(file, line, 5, 12)}
		log := ToSARIF(append([]diagnostics.Finding{f}, more...), Options{Root: root, Rules: diagnostics.Rules(), Files: mapFiles{file: src}})
		var out []string
		for _, r := range log.Runs[0].Results {
			out = append(out, r.PartialFingerprints[FingerprintKey])
		}
		return out
	}
	base := fp("package p\nvar x = Get(\"loger\")\n", 2)[0]
	moved := fp("package p\n\n// new comment\nvar x = Get(\"loger\")\n", 4)[0]
	edited := fp("package p\nvar y = Get(\"loger\")\n", 2)[0]
	if base != moved {
		t.Errorf("fingerprint changed when a line was inserted above: %s → %s", base, moved)
	}
	if base == edited {
		t.Errorf("fingerprint unchanged when the flagged line changed: %s", base)
	}
	twice := fp("package p\nvar x = Get(\"loger\")\nvar x = Get(\"loger\")\n", 2,
		diagnostics.Finding{Rule: "REG003", Severity: diagnostics.Error, Message: `no plugin "loger"`, Location: loc(file, 3, 5, 12)})
	if len(twice) != 2 || twice[0] == twice[1] || strings.TrimSuffix(twice[0], ":1") != strings.TrimSuffix(twice[1], ":2") {
		t.Errorf("identical findings: fingerprints %q, want same hash with :1 and :2", twice)
	}
	unreadable := ToSARIF([]diagnostics.Finding{{Rule: "REG003", Message: "m", Location: loc("/repo/gone.go", 1, 1, 1)}},
		Options{Root: root, Files: mapFiles{}})
	if len(unreadable.Runs[0].Results[0].PartialFingerprints[FingerprintKey]) == 0 {
		t.Error("no fingerprint for an unreadable file")
	}
}

func TestUTF16Col(t *testing.T) {
	fc := newFileCache(mapFiles{"/f": "aé😀b\nx\r\n"})
	for _, tc := range []struct{ line, col, want int }{
		{1, 1, 1},  // before a
		{1, 2, 2},  // before é
		{1, 4, 3},  // before 😀 (é is 2 bytes, 1 unit)
		{1, 8, 5},  // before b (😀 is 4 bytes, 2 units)
		{1, 9, 6},  // end of line
		{1, 10, 6}, // past the end: the end of the line
		{2, 2, 2},  // CRLF line
		{9, 3, 3},  // no such line: byte column kept
	} {
		if got := utf16Col(fc, "/f", pos(0, tc.line, tc.col)); got != tc.want {
			t.Errorf("utf16Col(line %d, col %d) = %d, want %d", tc.line, tc.col, got, tc.want)
		}
	}
	if got := utf16Col(newFileCache(mapFiles{}), "/missing", pos(0, 1, 7)); got != 7 {
		t.Errorf("utf16Col of unreadable file = %d, want 7", got)
	}
}

func TestRelPath(t *testing.T) {
	for _, tc := range []struct{ base, path, want string }{
		{"/repo", "/repo/a/b.go", "a/b.go"},
		{"/repo", "/repo", "."},
		{"/repo", "/repository/x.go", "/repository/x.go"},
		{"/repo/a", "/repo/b.go", "/repo/b.go"},
		{"", "/repo/b.go", "/repo/b.go"},
		{"/repo", "rel.go", "rel.go"},
	} {
		if got := RelPath(tc.base, tc.path); got != tc.want {
			t.Errorf("RelPath(%q, %q) = %q, want %q", tc.base, tc.path, got, tc.want)
		}
	}
}

func TestShortPath(t *testing.T) {
	for _, tc := range []struct{ cwd, path, want string }{
		{"/repo", "/repo/a/b.go", "a/b.go"},
		{"/repo/a", "/repo/b.go", "../b.go"},
		{"/repo/a/b/c", "/x.go", "/x.go"}, // ../../../../x.go is longer
		{"", "/repo/b.go", "/repo/b.go"},
		{"/repo", "rel.go", "rel.go"},
	} {
		if got := ShortPath(tc.cwd, tc.path); got != tc.want {
			t.Errorf("ShortPath(%q, %q) = %q, want %q", tc.cwd, tc.path, got, tc.want)
		}
	}
}

// TestFingerprintIgnoresOtherPositions: a message naming the other side of
// a finding with its line ("also registered at a.go:9") keeps its
// fingerprint when that line moves.
func TestFingerprintIgnoresOtherPositions(t *testing.T) {
	const file = "/repo/b.go"
	fc := newFileCache(mapFiles{file: "package b\nfunc init() { Register(\"x\", B{}) }\n"})
	f := diagnostics.Finding{Rule: "REG001", Location: loc(file, 2, 24, 27)}
	fpOf := func(msg string) string { f.Message = msg; return fingerprint(f, root, fc) }
	if a, b := fpOf("duplicate \"x\": also registered at plugins/a/a.go:9; rename one"), fpOf("duplicate \"x\": also registered at plugins/a/a.go:12; rename one"); a != b {
		t.Errorf("fingerprint depends on the other side's line: %s vs %s", a, b)
	}
	if a, b := fpOf("duplicate \"x\": also registered at plugins/a/a.go:9"), fpOf("duplicate \"x\": also registered at plugins/c/c.go:9"); a == b {
		t.Errorf("fingerprint ignores the other side's file: %s", a)
	}
	// Today any ":N" after a dotted word counts as a position ("1.2:3"
	// hashes like "1.2:4"); no rule message has that form.
	if a, b := fpOf("version 1.2:3 is bad"), fpOf("version 1.2:4 is bad"); a != b {
		t.Errorf("\":N\" after a dotted word is no longer dropped: update this test and docs/check.md")
	}
}

func TestWriteError(t *testing.T) {
	if err := Write(failWriter{}, Text, sampleFindings(), Options{Files: files}); err == nil {
		t.Error("Write to a failing writer returned nil")
	}
	if err := Write(&bytes.Buffer{}, Format("xml"), nil, Options{}); err == nil {
		t.Error("Write with an unknown format returned nil")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
