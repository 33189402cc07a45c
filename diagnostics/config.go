package diagnostics

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// Config is the part of plugin-lsp's configuration the engine reads: which
// rules run, at which severity, under which build matrix. Every surface
// fills one: the .plugin-lsp.yaml files of the workspace (WorkspaceConfig),
// check's flags and the editor's settings, each with the same parsers
// (ParseRuleID, ParseSeverity, index.NewBuildConfig). Layers are combined
// with Over: a flag or an editor setting is above the files, the files are
// above the defaults.
type Config struct {
	// Rules maps a rule ID to true (enabled) or false (disabled); a rule
	// absent here takes the state of the layer below (enabled at the
	// bottom).
	Rules map[string]bool
	// Severity overrides rules' default severities.
	Severity map[string]Severity
	// Configs is the build matrix; nil leaves the layer below's (at the
	// bottom index.DefaultConfigs).
	Configs []index.BuildConfig
}

// SetRule records the state of one rule.
func (c *Config) SetRule(id string, enabled bool) {
	if c.Rules == nil {
		c.Rules = map[string]bool{}
	}
	c.Rules[id] = enabled
}

// SetSeverity records the severity of one rule.
func (c *Config) SetSeverity(id string, sev Severity) {
	if c.Severity == nil {
		c.Severity = map[string]Severity{}
	}
	c.Severity[id] = sev
}

// Over returns c on top of base: per rule ID, c's state and severity win
// and base's stay for the rules c does not name; c's matrix, when set,
// replaces base's whole (a matrix is one choice, not a set of overrides).
func (c Config) Over(base Config) Config {
	out := Config{Configs: base.Configs}
	if c.Configs != nil {
		out.Configs = c.Configs
	}
	for _, l := range []Config{base, c} {
		for id, on := range l.Rules {
			out.SetRule(id, on)
		}
		for id, sev := range l.Severity {
			out.SetSeverity(id, sev)
		}
	}
	return out
}

// Options returns the engine's options for c.
func (c Config) Options() Options {
	o := Options{Severity: c.Severity, Configs: c.Configs}
	for id, on := range c.Rules {
		if !on {
			if o.Disabled == nil {
				o.Disabled = map[string]bool{}
			}
			o.Disabled[id] = true
		}
	}
	return o
}

// ParseRuleID is the one parser of a rule ID, for every surface: any case,
// surrounding space ignored; an unknown ID is an error that lists the known
// ones.
func ParseRuleID(s string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(s))
	if _, ok := RuleByID(id); ok {
		return id, nil
	}
	ids := make([]string, 0, len(Rules()))
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return "", fmt.Errorf("unknown rule %q (known: %s)", s, strings.Join(ids, ", "))
}

// RuleSettingsIgnored ends the message of a WorkspaceConfig problem: the
// file's registries still apply (the index read them), its rule settings
// do not.
const RuleSettingsIgnored = "(the file's rules and severity are ignored)"

// WorkspaceConfig is the layer the .plugin-lsp.yaml files of snap set:
// their rules.disabled, rules.enabled and severity entries, validated here
// (the index keeps them as written; it knows no rule IDs), and their
// buildConfigs (validated by the index: index.ConfiguredMatrix). Several
// files combine: the union of their settings; a rule set two ways, in one
// file or in two, is an error. A file with an error adds no rule settings
// (its problems are index.ProblemConfig with the file and line); a file
// the index could not decode counts for nothing (Snapshot.Problems reports
// it).
func WorkspaceConfig(snap *index.Snapshot) (Config, []index.Problem) {
	var out Config
	var problems []index.Problem
	seen := map[string]ruleOrigin{} // "rule:ID" or "severity:ID" → where it was set
	for _, m := range snap.Modules() {
		if m.Dep || m.Config == nil || m.Config.Err != "" {
			continue
		}
		path := filepath.Join(m.Dir, index.ConfigFile)
		layer, set, bad := fileConfig(path, m.Config, seen)
		if len(bad) > 0 {
			problems = append(problems, bad...)
			continue
		}
		for k, o := range set {
			seen[k] = o
		}
		out = layer.Over(out)
	}
	out.Configs = index.ConfiguredMatrix(snap.Modules())
	return out, problems
}

// FileConfig is the layer one decoded .plugin-lsp.yaml sets (its rules and
// severities, validated; its buildConfigs) and its problems, at path.
func FileConfig(path string, c *index.Config) (Config, []index.Problem) {
	layer, _, bad := fileConfig(path, c, nil)
	layer.Configs = c.BuildConfigs
	return layer, bad
}

// ruleOrigin is where a rule setting was made.
type ruleOrigin struct {
	path string
	line int
	what string // "rules.disabled", "rules.enabled", "severity warning"
}

// fileConfig validates the rule settings of one file; earlier holds the
// settings of the files read before it (a different value is a conflict).
func fileConfig(path string, c *index.Config, earlier map[string]ruleOrigin) (layer Config, set map[string]ruleOrigin, bad []index.Problem) {
	set = map[string]ruleOrigin{}
	for _, r := range c.Rules {
		fail := func(format string, args ...any) {
			bad = append(bad, index.Problem{Kind: index.ProblemConfig, Path: path, Line: r.Line,
				Msg: r.Key + ": " + fmt.Sprintf(format, args...) + " " + RuleSettingsIgnored})
		}
		id, err := ParseRuleID(r.ID)
		if err != nil {
			fail("%v", err)
			continue
		}
		key, what := "rule:"+id, r.Key
		if r.Key == "severity" {
			sev, err := ParseSeverity(r.Value)
			if err != nil {
				fail("%s: %v", id, err)
				continue
			}
			key, what = "severity:"+id, "severity "+sev.String()
			layer.SetSeverity(id, sev)
		} else {
			layer.SetRule(id, r.Key == "rules.enabled")
		}
		for _, prev := range []map[string]ruleOrigin{set, earlier} {
			if p, ok := prev[key]; ok && p.what != what {
				fail("%s is also %s at %s:%d", id, strings.TrimPrefix(p.what, "rules."), p.path, p.line)
			}
		}
		set[key] = ruleOrigin{path, r.Line, what}
	}
	return layer, set, bad
}
