package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRulesListUpToDate fails when diagnostics/rules_gen.go does not list
// exactly the rule_*.go files' rules; `go generate ./diagnostics` rewrites
// it.
func TestRulesListUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..")
	want, err := rulesGoSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, rulesGenFile))
	if err != nil {
		t.Fatalf("%v (run go generate ./diagnostics)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate ./diagnostics", rulesGenFile)
	}
}

// TestRulesOrder: families in their fixed order, then number; a Rule
// variable per file.
func TestRulesOrder(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"rule_sec001.go": "package diagnostics\n\nvar ruleSEC001 = Rule{}\n",
		"rule_reg010.go": "package diagnostics\n\nvar ruleREG010 = Rule{}\n",
		"rule_reg002.go": "package diagnostics\n\nvar ruleREG002 = Rule{}\n",
		"rule_pl001.go":  "package diagnostics\n\nvar rulePL001 = Rule{}\n",
		"rule_abc001.go": "package diagnostics\n\nvar ruleABC001 = Rule{}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := rulesGoSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "ruleREG002,\n\t\truleREG010,\n\t\trulePL001,\n\t\truleSEC001,\n\t\truleABC001,\n"
	if !bytes.Contains(b, []byte(want)) {
		t.Errorf("order:\n%s\nwant the list %q", b, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "rule_mf001.go"), []byte("package diagnostics\n\nvar x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rulesGoSource(dir); err == nil {
		t.Error("a rule_*.go file without a Rule variable: no error")
	}
}
