package diagnostics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated files (docs/rules.md)")

// TestDocsUpToDate fails when docs/rules.md is not what DocsMarkdown renders;
// run `go generate ./diagnostics` to refresh it.
func TestDocsUpToDate(t *testing.T) {
	path := filepath.Join("..", "docs", "rules.md")
	want := DocsMarkdown()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading generated docs: %v (run go generate ./diagnostics)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate ./diagnostics", path)
	}
}

func TestRuleCatalogue(t *testing.T) {
	idRE := regexp.MustCompile(`^(REG|PL|MF|SEC)\d{3}$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !idRE.MatchString(r.ID) {
			t.Errorf("bad rule ID %q", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if r.Name == "" || r.Title == "" || r.Doc == "" || r.Before == "" || r.After == "" || r.HelpURI == "" {
			t.Errorf("%s: every field must be set: %+v", r.ID, r)
		}
		if r.check == nil {
			t.Errorf("%s: no check", r.ID)
		}
		if r.Severity < Error || r.Severity > Hint {
			t.Errorf("%s: bad severity %d", r.ID, r.Severity)
		}
	}
	// Each rule is one file, rule_<id>.go, holding its Rule value with its
	// check; Rules() must list every such file's rule (a rule left out of
	// it would never run and never be documented).
	files, err := filepath.Glob("rule_*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		id := strings.ToUpper(strings.TrimSuffix(strings.TrimPrefix(f, "rule_"), ".go"))
		if !seen[id] {
			t.Errorf("%s: rule %s is not in Rules() (run go generate ./diagnostics)", f, id)
		}
	}
	if len(files) != len(seen) {
		t.Errorf("%d rule_*.go files, %d rules in Rules(): each rule is one file rule_<id>.go", len(files), len(seen))
	}
}

func TestSeverityRoundTrip(t *testing.T) {
	for _, s := range []Severity{Error, Warning, Info, Hint} {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal): want error")
	}
}
