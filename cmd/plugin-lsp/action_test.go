package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/yaml.v3"
)

// The GitHub Action (action.yml at the repository root) and its shell
// steps (scripts/action-check), run here against testdata/example the way
// the action runs them on GitHub.

// actionInputEnv maps each input of action.yml that the check step passes
// to scripts/action-check onto its environment variable.
var actionInputEnv = map[string]string{
	"patterns":   "PLUGIN_LSP_PATTERNS",
	"goos":       "PLUGIN_LSP_GOOS",
	"goarch":     "PLUGIN_LSP_GOARCH",
	"tags":       "PLUGIN_LSP_TAGS",
	"rules":      "PLUGIN_LSP_RULES",
	"disable":    "PLUGIN_LSP_DISABLE",
	"sarif-file": "PLUGIN_LSP_SARIF_FILE",
}

type actionStep struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
}

type actionFile struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// TestActionYAML: action.yml is a composite action whose inputs all reach
// scripts/action-check (as the environment variables the script reads) or
// the steps that use them, and whose steps set up Go, install plugin-lsp
// from the action's own checkout, check, and upload the SARIF.
func TestActionYAML(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "action-check"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Name == "" || a.Runs.Using != "composite" {
		t.Fatalf("action.yml: name %q, runs.using %q; want a named composite action", a.Name, a.Runs.Using)
	}
	for _, in := range []string{"patterns", "goos", "goarch", "tags", "rules", "disable", "working-directory", "upload"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml has no input %q", in)
		}
	}
	steps := map[string]actionStep{}
	var uses []string
	for _, s := range a.Runs.Steps {
		if s.ID != "" {
			steps[s.ID] = s
		}
		if s.Uses != "" {
			uses = append(uses, s.Uses)
		}
		if s.Run != "" && s.Shell != "bash" {
			t.Errorf("step %q runs a script without shell: bash", s.Name)
		}
	}
	allSteps, _ := yaml.Marshal(a.Runs.Steps)
	for name, in := range a.Inputs {
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %q needs a description and a default", name)
		}
		if !strings.Contains(string(allSteps), "inputs."+name+" ") {
			t.Errorf("input %q is used by no step", name)
		}
	}
	if !slices.ContainsFunc(uses, func(u string) bool { return strings.HasPrefix(u, "actions/setup-go@") }) ||
		!slices.ContainsFunc(uses, func(u string) bool { return strings.HasPrefix(u, "github/codeql-action/upload-sarif@") }) {
		t.Errorf("steps use %v; want actions/setup-go and github/codeql-action/upload-sarif", uses)
	}

	install, check := steps["install"], steps["check"]
	if !strings.Contains(install.Run, `"$GITHUB_ACTION_PATH/scripts/action-check" install`) {
		t.Errorf("install step runs %q; want scripts/action-check install from the action's path", install.Run)
	}
	if !strings.Contains(check.Run, `"$GITHUB_ACTION_PATH/scripts/action-check" check`) || check.WorkingDirectory != "${{ inputs.working-directory }}" {
		t.Errorf("check step runs %q in %q; want scripts/action-check check in inputs.working-directory", check.Run, check.WorkingDirectory)
	}
	for in, env := range actionInputEnv {
		if got, want := check.Env[env], "${{ inputs."+in+" }}"; got != want {
			t.Errorf("check step: %s = %q, want %q", env, got, want)
		}
	}
	// Every variable the script reads is set by the action, and the other
	// way round.
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{(PLUGIN_LSP_[A-Z_]+)`).FindAllStringSubmatch(string(script), -1) {
		read[m[1]] = true
	}
	for v := range read {
		if _, ok := check.Env[v]; !ok {
			t.Errorf("scripts/action-check reads %s, which the check step does not set", v)
		}
	}
	for v := range check.Env {
		if !read[v] {
			t.Errorf("the check step sets %s, which scripts/action-check does not read", v)
		}
	}
	if check.Env["PLUGIN_LSP_BIN_DIR"] != "${{ steps.install.outputs.bin-dir }}" {
		t.Errorf("check step: PLUGIN_LSP_BIN_DIR = %q, want the install step's output", check.Env["PLUGIN_LSP_BIN_DIR"])
	}
	// The step outputs the action refers to are ones the script writes.
	written := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*output ([a-z-]+) `).FindAllStringSubmatch(string(script), -1) {
		written[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`steps\.(install|check)\.outputs\.([a-z-]+)`).FindAllStringSubmatch(string(b), -1) {
		if !written[m[2]] {
			t.Errorf("action.yml uses steps.%s.outputs.%s, which scripts/action-check never writes", m[1], m[2])
		}
	}
	var upload actionStep
	for _, s := range a.Runs.Steps {
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
			upload = s
		}
	}
	if !strings.Contains(upload.If, "inputs.upload == 'true'") || upload.With["sarif_file"] != "${{ steps.check.outputs.sarif-file }}" {
		t.Errorf("upload step: if %q, sarif_file %q; want it conditional on inputs.upload and fed by the check step", upload.If, upload.With["sarif_file"])
	}
}

// actionRun is one run of scripts/action-check.
type actionRun struct {
	exit           int
	stdout, stderr string
	outputs        map[string]string
}

// runAction runs scripts/action-check with verb in dir and env (the
// variables of the action's step), and reads back $GITHUB_OUTPUT.
func runAction(t *testing.T, dir, verb string, env ...string) actionRun {
	t.Helper()
	out := filepath.Join(t.TempDir(), "github-output")
	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", "action-check"), verb)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GITHUB_OUTPUT="+out, "GITHUB_PATH="+filepath.Join(t.TempDir(), "github-path")), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	r := actionRun{stdout: o.String(), stderr: e.String(), outputs: map[string]string{}}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	return r
}

// TestActionScript runs the action's steps against testdata/example: the
// install step builds plugin-lsp from this checkout, the check step writes
// SARIF that passes the 2.1.0 schema and GitHub's ingestion rules, prints
// one annotation per finding, and fails only when it cannot run (or on
// findings when asked to).
func TestActionScript(t *testing.T) {
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "bin")
	inst := runAction(t, root, "install", "PLUGIN_LSP_BIN_DIR="+bin)
	if inst.exit != 0 || inst.outputs["bin-dir"] != bin {
		t.Fatalf("install: exit %d, outputs %v, stderr %s", inst.exit, inst.outputs, inst.stderr)
	}
	if _, err := os.Stat(filepath.Join(bin, "plugin-lsp")); err != nil {
		t.Fatalf("install: %v", err)
	}
	sch := compileSARIFSchema(t)
	example := filepath.Join(root, "testdata", "example")
	for _, tc := range []struct {
		name     string
		dir      string // working-directory
		env      []string
		exit     int
		findings int      // -1: at least one
		rules    []string // the rules of the findings, when given
	}{
		{name: "defaults-from-root", dir: root, env: []string{"PLUGIN_LSP_PATTERNS=testdata/example/..."}, findings: -1},
		{name: "working-directory", dir: example, env: []string{"PLUGIN_LSP_PATTERNS=./..."}, findings: -1},
		{name: "two-patterns-newline", dir: example, env: []string{"PLUGIN_LSP_PATTERNS=host\nplugins/..."}, findings: -1},
		{name: "rules-and-matrix", dir: example, env: []string{"PLUGIN_LSP_RULES=REG003,PL001", "PLUGIN_LSP_GOOS=linux", "PLUGIN_LSP_GOARCH=amd64,arm64", "PLUGIN_LSP_TAGS=netgo"}, findings: 2, rules: []string{"PL001", "REG003"}},
		{name: "disable", dir: example, env: []string{"PLUGIN_LSP_DISABLE=REG001,REG002,REG003,PL001,PL002"}, findings: 0},
		{name: "fail-on-findings", dir: example, env: []string{"PLUGIN_LSP_RULES=REG003", "PLUGIN_LSP_FAIL_ON_FINDINGS=true"}, exit: 1, findings: 1, rules: []string{"REG003"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sarif := filepath.Join(t.TempDir(), "out", "plugin-lsp.sarif")
			env := append([]string{"PLUGIN_LSP_BIN_DIR=" + bin, "PLUGIN_LSP_SARIF_FILE=" + sarif}, tc.env...)
			r := runAction(t, tc.dir, "check", env...)
			if r.exit != tc.exit {
				t.Fatalf("exit %d, want %d; stderr %s", r.exit, tc.exit, r.stderr)
			}
			if r.outputs["sarif-file"] != sarif {
				t.Errorf("output sarif-file = %q, want %q", r.outputs["sarif-file"], sarif)
			}
			n, err := strconv.Atoi(r.outputs["findings"])
			if err != nil || tc.findings >= 0 && n != tc.findings || tc.findings < 0 && n == 0 {
				t.Errorf("output findings = %q, want %d (-1: some)", r.outputs["findings"], tc.findings)
			}
			b, err := os.ReadFile(sarif)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(sch, b); err != nil {
				t.Fatalf("SARIF does not pass the 2.1.0 schema: %v", err)
			}
			results, problems := githubSARIFProblems(b, root)
			for _, p := range problems {
				t.Error(p)
			}
			if results != n {
				t.Errorf("SARIF has %d results, the output says %d findings", results, n)
			}
			annotations, rules := githubAnnotations(t, r.stdout, root)
			if annotations != n {
				t.Errorf("%d annotations for %d findings:\n%s", annotations, n, r.stdout)
			}
			if tc.rules != nil {
				slices.Sort(rules)
				if !slices.Equal(rules, tc.rules) {
					t.Errorf("annotated rules %v, want %v", rules, tc.rules)
				}
			}
		})
	}

	// Could not check everything (a FIFO named x.go): the SARIF is
	// written with its notification, the warning is an annotation, the
	// findings are still counted (check exits 1: it has findings), and the
	// step fails with 3 even without PLUGIN_LSP_FAIL_ON_FINDINGS.
	partial := t.TempDir()
	if err := os.CopyFS(partial, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(partial, "host", "x.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	psarif := filepath.Join(t.TempDir(), "plugin-lsp.sarif")
	r := runAction(t, partial, "check", "PLUGIN_LSP_BIN_DIR="+bin, "PLUGIN_LSP_SARIF_FILE="+psarif, "PLUGIN_LSP_RULES=REG003")
	if r.exit != 3 || r.outputs["findings"] != "1" || r.outputs["exit-code"] != "1" ||
		!strings.Contains(r.stdout, "::warning file=host/x.go,title=plugin-lsp::skipped: not a regular file (named pipe)") {
		t.Errorf("partial check: exit %d, outputs %v, stdout %q, stderr %q", r.exit, r.outputs, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(psarif); err != nil || !strings.Contains(string(b), "toolExecutionNotifications") {
		t.Errorf("partial check: SARIF %v without the notification", err)
	} else if err := validateSARIF(sch, b); err != nil {
		t.Errorf("partial check: SARIF does not pass the 2.1.0 schema: %v", err)
	}

	// Could not run: exit 2, an error annotation, no SARIF left behind.
	sarif := filepath.Join(t.TempDir(), "plugin-lsp.sarif")
	for _, env := range [][]string{
		{"PLUGIN_LSP_PATTERNS=nosuchdir/..."},
		{"PLUGIN_LSP_RULES=NOPE1"},
		{"PLUGIN_LSP_PATTERNS=-format"}, // a pattern is never a flag
	} {
		r := runAction(t, example, "check", append([]string{"PLUGIN_LSP_BIN_DIR=" + bin, "PLUGIN_LSP_SARIF_FILE=" + sarif}, env...)...)
		if r.exit != 2 || !strings.HasPrefix(r.stdout, "::error title=plugin-lsp::") || !strings.Contains(r.stderr, "plugin-lsp check: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, an ::error:: annotation and check's reason", env, r.exit, r.stdout, r.stderr)
		}
		if _, err := os.Stat(sarif); err == nil {
			t.Errorf("%q: a SARIF file was left behind", env)
		}
	}
	if r := runAction(t, example, "check", "PLUGIN_LSP_BIN_DIR="+t.TempDir(), "PATH=/usr/bin:/bin"); r.exit != 2 || !strings.Contains(r.stderr, "not installed") {
		t.Errorf("without plugin-lsp: exit %d, stderr %q", r.exit, r.stderr)
	}
}

// githubAnnotations checks the workflow commands on stdout: one line per
// finding, on a file that exists relative to the repository root (where
// GitHub resolves them), with a 1-based line. It returns their number and
// their rules (the titles).
func githubAnnotations(t *testing.T, stdout, root string) (int, []string) {
	t.Helper()
	cmdLine := regexp.MustCompile(`^::(error|warning|notice) file=([^,]+),line=([0-9]+),col=([0-9]+),endLine=([0-9]+),endColumn=([0-9]+),title=([A-Z]+[0-9]+)::.+$`)
	n := 0
	var rules []string
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		line := sc.Text()
		m := cmdLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a workflow annotation: %q", line)
			continue
		}
		n++
		rules = append(rules, m[7])
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(m[2]))); err != nil {
			t.Errorf("annotation on %s, which is not a file relative to the repository root: %v", m[2], err)
		}
		if l, _ := strconv.Atoi(m[3]); l < 1 {
			t.Errorf("annotation line %s < 1: %q", m[3], line)
		}
	}
	return n, rules
}

// GitHub's limits for SARIF uploads to code scanning ("SARIF support for
// code scanning" and "SARIF results exceed limit" in GitHub's docs):
// uploads over a hard limit are rejected.
const (
	sarifMaxBytes         = 25 << 20 // the file as written
	sarifMaxGzipBytes     = 10 << 20 // the upload, gzip-compressed
	sarifMaxRuns          = 20
	sarifMaxResultsPerRun = 25000
	sarifMaxRulesPerRun   = 25000
	sarifMaxLocations     = 1000 // per result
	sarifMaxTagsPerRule   = 20
)

// githubSARIFProblems checks a SARIF log against what GitHub code scanning
// needs to ingest every result as an alert (beyond the schema): sizes and
// counts within its limits; each result with a ruleId that names a rule
// of its run (and a matching ruleIndex), a message, a level GitHub knows,
// partialFingerprints, and a location whose uri, relative to %SRCROOT% (the
// repository root, which GitHub's checkout path maps it to), names an
// existing file, with a region that starts at line 1 or later. It returns
// the number of results.
func githubSARIFProblems(b []byte, root string) (results int, problems []string) {
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if len(b) > sarifMaxBytes {
		bad("SARIF is %d bytes, over %d", len(b), sarifMaxBytes)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(b)
	w.Close()
	if gz.Len() > sarifMaxGzipBytes {
		bad("SARIF is %d bytes gzip-compressed, over %d", gz.Len(), sarifMaxGzipBytes)
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine   int `json:"startLine"`
				StartColumn int `json:"startColumn"`
				EndLine     int `json:"endLine"`
				EndColumn   int `json:"endColumn"`
			} `json:"region"`
		} `json:"physicalLocation"`
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
						Properties struct {
							Tags []string `json:"tags"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			OriginalURIBaseIDs map[string]struct {
				URI string `json:"uri"`
			} `json:"originalUriBaseIds"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations           []location        `json:"locations"`
				RelatedLocations    []location        `json:"relatedLocations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		bad("SARIF is not JSON: %v", err)
		return 0, problems
	}
	if log.Version != "2.1.0" || log.Schema == "" {
		bad("version %q, $schema %q; want 2.1.0 and the schema URI", log.Version, log.Schema)
	}
	if len(log.Runs) == 0 || len(log.Runs) > sarifMaxRuns {
		bad("%d runs, want 1 to %d", len(log.Runs), sarifMaxRuns)
	}
	rootURI := (&url.URL{Scheme: "file", Path: filepath.ToSlash(root) + "/"}).String()
	for _, run := range log.Runs {
		d := run.Tool.Driver
		if d.Name == "" {
			bad("run without tool.driver.name")
		}
		if len(run.Results) > sarifMaxResultsPerRun || len(d.Rules) > sarifMaxRulesPerRun {
			bad("%d results, %d rules in a run; the limits are %d and %d", len(run.Results), len(d.Rules), sarifMaxResultsPerRun, sarifMaxRulesPerRun)
		}
		if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != rootURI {
			bad("originalUriBaseIds[%%SRCROOT%%] = %q, want the repository root %q", got, rootURI)
		}
		ruleIndex := map[string]int{}
		for i, r := range d.Rules {
			ruleIndex[r.ID] = i
			if r.ShortDescription.Text == "" {
				bad("rule %s without shortDescription", r.ID)
			}
			if len(r.Properties.Tags) > sarifMaxTagsPerRule {
				bad("rule %s has %d tags, over %d", r.ID, len(r.Properties.Tags), sarifMaxTagsPerRule)
			}
		}
		for _, res := range run.Results {
			results++
			i, ok := ruleIndex[res.RuleID]
			switch {
			case res.RuleID == "":
				bad("result without ruleId: %q", res.Message.Text)
			case !ok:
				bad("result ruleId %s names no rule of tool.driver.rules", res.RuleID)
			case res.RuleIndex != nil && *res.RuleIndex != i:
				bad("result %s: ruleIndex %d, but the rule is at %d", res.RuleID, *res.RuleIndex, i)
			}
			if res.Message.Text == "" {
				bad("result %s without message.text", res.RuleID)
			}
			if !slices.Contains([]string{"error", "warning", "note", "none"}, res.Level) {
				bad("result %s: level %q", res.RuleID, res.Level)
			}
			if len(res.PartialFingerprints) == 0 {
				bad("result %s without partialFingerprints (re-uploads would duplicate alerts)", res.RuleID)
			}
			if len(res.Locations) == 0 || len(res.Locations) > sarifMaxLocations || len(res.RelatedLocations) > sarifMaxLocations {
				bad("result %s: %d locations, %d related; want 1 to %d", res.RuleID, len(res.Locations), len(res.RelatedLocations), sarifMaxLocations)
			}
			for _, loc := range append(append([]location(nil), res.Locations...), res.RelatedLocations...) {
				al := loc.PhysicalLocation.ArtifactLocation
				if al.URIBaseID != "%SRCROOT%" || al.URI == "" || strings.HasPrefix(al.URI, "/") || strings.Contains(al.URI, "://") || strings.HasPrefix(al.URI, "../") {
					bad("result %s: uri %q base %q; want a path relative to %%SRCROOT%%", res.RuleID, al.URI, al.URIBaseID)
					continue
				}
				p, err := url.PathUnescape(al.URI)
				if err != nil {
					bad("result %s: uri %q: %v", res.RuleID, al.URI, err)
				} else if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
					bad("result %s: uri %q is not a file of the repository: %v", res.RuleID, al.URI, err)
				}
				reg := loc.PhysicalLocation.Region
				if reg == nil || reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine != 0 && reg.EndLine < reg.StartLine {
					bad("result %s: region %+v; want startLine ≥ 1, startColumn ≥ 1, endLine ≥ startLine", res.RuleID, reg)
				}
			}
		}
	}
	return results, problems
}

// TestGitHubSARIFRulesCatchProblems: the ingestion checks above reject
// what GitHub would reject or mangle (each mutation of check's own SARIF
// for testdata/example gives a problem; the SARIF itself none).
func TestGitHubSARIFRulesCatchProblems(t *testing.T) {
	root := repoRoot(t)
	r := runBinary(t, root, "check", "-format", "sarif", "testdata/example/...")
	if r.exit != 1 {
		t.Fatalf("exit %d: %s", r.exit, r.stderr)
	}
	if n, problems := githubSARIFProblems([]byte(r.stdout), root); n == 0 || len(problems) > 0 {
		t.Fatalf("%d results, problems %v", n, problems)
	}
	for _, tc := range []struct {
		name   string
		mutate func(res map[string]any)
		want   string
	}{
		{"no ruleId", func(res map[string]any) { delete(res, "ruleId") }, "without ruleId"},
		{"unknown ruleId", func(res map[string]any) { res["ruleId"] = "XYZ999" }, "names no rule"},
		{"no fingerprints", func(res map[string]any) { delete(res, "partialFingerprints") }, "without partialFingerprints"},
		{"no locations", func(res map[string]any) { res["locations"] = []any{} }, "locations"},
		{"absolute uri", func(res map[string]any) { artifact(res)["uri"] = "file:///etc/passwd" }, "relative to %SRCROOT%"},
		{"no base", func(res map[string]any) { delete(artifact(res), "uriBaseId") }, "relative to %SRCROOT%"},
		{"missing file", func(res map[string]any) { artifact(res)["uri"] = "testdata/example/nope.go" }, "not a file of the repository"},
		{"line 0", func(res map[string]any) { region(res)["startLine"] = 0 }, "startLine ≥ 1"},
		{"bad level", func(res map[string]any) { res["level"] = "fatal" }, `level "fatal"`},
	} {
		var log map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
			t.Fatal(err)
		}
		res := log["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
		tc.mutate(res)
		b, _ := json.Marshal(log)
		_, problems := githubSARIFProblems(b, root)
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
			t.Errorf("%s: problems %q, want one with %q", tc.name, problems, tc.want)
		}
	}
	big := bytes.Repeat([]byte(" "), sarifMaxBytes+1)
	if _, problems := githubSARIFProblems(append([]byte(r.stdout), big...), root); !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "bytes, over") }) {
		t.Errorf("a SARIF over %d bytes passed: %q", sarifMaxBytes, problems)
	}
}

func artifact(res map[string]any) map[string]any {
	return res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)
}

func region(res map[string]any) map[string]any {
	return res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
}
