package index

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// configFile is the document .plugin-lsp.yaml holds. Decoding is strict:
// a key no field names is an error with its line, so a misspelt key
// (docs once showed `id:`/`allow:`) is reported instead of silently
// dropping the policy it was meant to set. New fields of ConfigRegistry or
// ConfigPlugin are accepted as soon as they have a yaml tag.
//
// The rules, severity and buildConfigs sections have the shape of the
// editor's plugin-lsp settings (lsp.Settings), so one document serves
// both; they are kept as nodes and read by decodeSettings, which knows
// their lines.
type configFile struct {
	Registries   []ConfigRegistry `yaml:"registries"`
	Plugins      []ConfigPlugin   `yaml:"plugins"`
	Rules        yaml.Node        `yaml:"rules"`
	Severity     yaml.Node        `yaml:"severity"`
	BuildConfigs yaml.Node        `yaml:"buildConfigs"`
}

// ConfigError is one error of a .plugin-lsp.yaml, at a 1-based line (0
// when the decoder gave none).
type ConfigError struct {
	Line int
	Msg  string
}

// parseConfig parses .plugin-lsp.yaml strictly. Errors are kept in Errors
// (and the first in Err); the whole config is ignored when there is one,
// and Snapshot.Problems reports it.
func parseConfig(b []byte) *Config {
	c := &Config{}
	var raw configFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(&raw)
	if err == nil {
		// A second document is not read by anyone: say so.
		var extra yaml.Node
		if e2 := dec.Decode(&extra); e2 == nil {
			err = fmt.Errorf("yaml: line %d: a second YAML document; .plugin-lsp.yaml holds one", max(extra.Line, 1))
		} else if !errors.Is(e2, io.EOF) {
			err = e2
		}
	} else if errors.Is(err, io.EOF) {
		err = nil // empty file: no configuration
	}
	if err != nil {
		c.Errors = configErrors(err)
		var te *yaml.TypeError
		if !errors.As(err, &te) && len(c.Errors) == 1 {
			if l := firstBadLine(b, c.Errors[0].Msg); l > 0 {
				c.Errors[0].Line = l
			}
		}
		c.Err = c.Errors[0].String()
		return c
	}
	errs := validateConfig(b, raw)
	rules, cfgs, serrs := decodeSettings(raw)
	if errs = append(errs, serrs...); len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		c.Errors, c.Err = errs, errs[0].String()
		return c
	}
	c.Registries, c.Plugins = raw.Registries, raw.Plugins
	c.Rules, c.BuildConfigs = rules, cfgs
	return c
}

// decodeSettings reads the rules, severity and buildConfigs sections.
// Rule IDs and severities are kept as written (index knows no rules; the
// diagnostics package validates them); build configurations are checked
// here, by NewBuildConfig, the one validator every surface uses.
func decodeSettings(raw configFile) ([]ConfigRule, []BuildConfig, []ConfigError) {
	var rules []ConfigRule
	var cfgs []BuildConfig
	var errs []ConfigError
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, ConfigError{Line: n.Line, Msg: fmt.Sprintf(format, args...)})
	}
	scalars := func(key string, n *yaml.Node) []*yaml.Node {
		if n.Kind != yaml.SequenceNode {
			bad(n, "%s: want a list", key)
			return nil
		}
		for _, x := range n.Content {
			if x.Kind != yaml.ScalarNode {
				bad(x, "%s: want a list of words", key)
				return nil
			}
		}
		return n.Content
	}
	if n := &raw.Rules; present(n) {
		if n.Kind != yaml.MappingNode {
			bad(n, "rules: want a mapping with disabled and enabled lists")
		} else {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value != "disabled" && k.Value != "enabled" {
					bad(k, "rules: unknown key %q (known keys: disabled, enabled)", k.Value)
					continue
				}
				key := "rules." + k.Value
				for _, x := range scalars(key, v) {
					rules = append(rules, ConfigRule{Key: key, ID: x.Value, Line: x.Line})
				}
			}
		}
	}
	if n := &raw.Severity; present(n) {
		if n.Kind != yaml.MappingNode {
			bad(n, "severity: want a mapping of rule IDs to error, warning, info or hint")
		} else {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					bad(v, "severity.%s: want error, warning, info or hint", k.Value)
					continue
				}
				rules = append(rules, ConfigRule{Key: "severity", ID: k.Value, Value: v.Value, Line: k.Line})
			}
		}
	}
	if n := &raw.BuildConfigs; present(n) {
		items := n.Content
		if n.Kind != yaml.SequenceNode {
			bad(n, "buildConfigs: want a list")
			items = nil
		}
		for i, x := range items {
			c, err := buildConfigNode(x)
			if err != nil {
				bad(x, "buildConfigs[%d]: %v", i, err)
				continue
			}
			cfgs = AppendConfig(cfgs, c)
		}
	}
	return rules, cfgs, errs
}

// present reports whether a section node was written with a value.
func present(n *yaml.Node) bool {
	return n.Kind != 0 && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// buildConfigNode reads one buildConfigs item: "goos/goarch[+tags]" or a
// mapping with goos, goarch and tags.
func buildConfigNode(n *yaml.Node) (BuildConfig, error) {
	if n.Kind == yaml.ScalarNode {
		return ParseBuildConfig(n.Value)
	}
	if n.Kind != yaml.MappingNode {
		return BuildConfig{}, fmt.Errorf("want \"goos/goarch\" or {goos: …, goarch: …, tags: […]}")
	}
	var goos, goarch string
	var tags []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "goos", "goarch":
			if v.Kind != yaml.ScalarNode {
				return BuildConfig{}, fmt.Errorf("%s: want a word", k.Value)
			}
			if k.Value == "goos" {
				goos = v.Value
			} else {
				goarch = v.Value
			}
		case "tags":
			if v.Kind != yaml.SequenceNode {
				return BuildConfig{}, fmt.Errorf("tags: want a list")
			}
			for _, t := range v.Content {
				tags = append(tags, t.Value)
			}
		default:
			return BuildConfig{}, fmt.Errorf("unknown key %q (known keys: goos, goarch, tags)", k.Value)
		}
	}
	return NewBuildConfig(goos, goarch, tags)
}

// ConfiguredMatrix is the build matrix the .plugin-lsp.yaml files of mods
// set: the union, in module order, of their buildConfigs. A file with
// errors counts for nothing (Snapshot.Problems reports it); nil when no
// file sets buildConfigs.
func ConfiguredMatrix(mods []*Module) []BuildConfig {
	var out []BuildConfig
	for _, m := range mods {
		if m.Dep || m.Config == nil || m.Config.Err != "" || m.Config.BuildConfigs == nil {
			continue
		}
		for _, c := range m.Config.BuildConfigs {
			out = AppendConfig(out, c)
		}
	}
	return out
}

// validateConfig checks the values the YAML types do not: the duplicates
// semantics and that a registry names its values one way.
func validateConfig(b []byte, raw configFile) []ConfigError {
	var errs []ConfigError
	var doc yaml.Node
	_ = yaml.Unmarshal(b, &doc)
	line := func(i int, key string) int {
		// registries[i].key's line in the document, 0 if not found.
		if len(doc.Content) == 0 {
			return 0
		}
		m := doc.Content[0]
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value != "registries" || i >= len(m.Content[j+1].Content) {
				continue
			}
			item := m.Content[j+1].Content[i]
			for k := 0; k+1 < len(item.Content); k += 2 {
				if item.Content[k].Value == key {
					return item.Content[k].Line
				}
			}
			return item.Line
		}
		return 0
	}
	for i, r := range raw.Registries {
		if r.Duplicates != "" {
			if _, ok := ParseDuplicates(r.Duplicates); !ok {
				errs = append(errs, ConfigError{Line: line(i, "duplicates"),
					Msg: fmt.Sprintf("duplicates: %q is not one of panics, overwrites, error, firstWins, appends", r.Duplicates)})
			}
		}
		if r.NameField != "" && r.NameMethod != "" {
			errs = append(errs, ConfigError{Line: line(i, "nameMethod"), Msg: "nameField and nameMethod both set: a registry names its values one way"})
		}
	}
	return errs
}

// firstBadLine returns the line of a syntax error msg: the end of the
// shortest prefix of whole lines that fails with the same message. yaml.v3
// reports a syntax error at the line where the enclosing block starts (its
// context mark), which for a misindented key or an unclosed bracket is
// lines above the mistake. 0 when the file is too long to search or no
// prefix fails that way.
func firstBadLine(b []byte, msg string) int {
	const maxLines = 500
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > maxLines {
		return 0
	}
	n := 0
	for i, l := range lines {
		n += len(l)
		var node yaml.Node
		if err := yaml.Unmarshal(b[:n], &node); err != nil && configErrors(err)[0].Msg == msg {
			return i + 1
		}
	}
	return 0
}

// String formats the error as "line N: msg".
func (e ConfigError) String() string {
	if e.Line > 0 {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.Msg
}

var (
	yamlLineMsg  = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknown  = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	configTypes  = map[string]reflect.Type{}
	configPrefix = "index."
)

func init() {
	for _, v := range []any{configFile{}, ConfigRegistry{}, ConfigPlugin{}} {
		t := reflect.TypeOf(v)
		configTypes[configPrefix+t.Name()] = t
	}
}

// configErrors turns a yaml.v3 error into line-numbered messages in the
// config's own words ("unknown key").
func configErrors(err error) []ConfigError {
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	var out []ConfigError
	for _, l := range lines {
		ce := ConfigError{Msg: strings.TrimPrefix(l, "yaml: ")}
		if m := yamlLineMsg.FindStringSubmatch(l); m != nil {
			ce.Line, _ = strconv.Atoi(m[1])
			ce.Msg = m[2]
		}
		if m := yamlUnknown.FindStringSubmatch(ce.Msg); m != nil {
			ce.Msg = fmt.Sprintf("unknown key %q", m[1])
			if t, ok := configTypes[m[2]]; ok {
				ce.Msg += " (known keys: " + strings.Join(yamlKeys(t), ", ") + ")"
			}
		}
		out = append(out, ce)
	}
	return out
}

// yamlKeys lists the yaml keys of a struct type, in field order.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}

// ParseConfig parses the text of a .plugin-lsp.yaml as the index does:
// strictly (an unknown key is an error with its line). For tests and tools
// that check documented examples.
func ParseConfig(b []byte) *Config { return parseConfig(b) }
