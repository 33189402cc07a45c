package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
)

// SettingsSection is the configuration section plugin-lsp reads: the key
// "plugin-lsp" of initializationOptions, and the section of the
// workspace/configuration request.
const SettingsSection = "plugin-lsp"

// Settings are plugin-lsp's own settings. The editor sends them as
// initializationOptions["plugin-lsp"] and as the answer to
// workspace/configuration for section "plugin-lsp", in this JSON shape (the
// one editors/vscode and editors/neovim send):
//
//	{
//	  "rules":        {"disabled": ["REG005"]},
//	  "severity":     {"REG007": "error"},
//	  "debounceMs":   150,
//	  "goplsTimeoutSeconds": 30,
//	  "buildConfigs": [{"goos": "linux", "goarch": "arm64", "tags": ["integration"]}],
//	  "maxFileSize":  "16M"
//	}
//
// Every key is optional. A workspace/configuration answer is read on top of
// initializationOptions["plugin-lsp"]: a key the answer has replaces the
// initial one, a key neither has means its default (never the value of an
// earlier answer). Unknown keys are
// ignored (editors send client-only settings in the same section); a known
// key with a bad value is an error, and the previous settings stay.
type Settings struct {
	// Disabled rule IDs are not reported.
	Disabled map[string]bool
	// Severity overrides a rule's default severity.
	Severity map[string]diagnostics.Severity
	// Configs is the build-configuration matrix; nil means
	// index.DefaultConfigs() (the host's GOOS/GOARCH plus linux, darwin and
	// windows on amd64 and arm64, all with cgo). A buildConfigs entry
	// without goos or goarch takes the host's; every entry gets the "cgo"
	// tag (native plugins need cgo) unless it lists "!cgo".
	Configs []index.BuildConfig
	// Debounce is the quiet period after the last change before diagnostics
	// are recomputed (default 150 ms; 0 recomputes at once).
	Debounce time.Duration
	// MaxFileSize is the largest file the index reads, in bytes; 0 means
	// $PLUGIN_LSP_MAX_FILE_SIZE, else index.DefaultMaxFileSize (16 MiB).
	// Larger files are skipped and shown as a warning. A change rebuilds
	// the index.
	MaxFileSize int64
	// GoplsTimeout, when set, replaces Options.GoplsTimeout: how long gopls
	// may answer nothing while requests wait for it before it is restarted.
	GoplsTimeout time.Duration
}

// DefaultSettings returns the settings used when the editor sends none.
func DefaultSettings() Settings {
	return Settings{Debounce: index.DefaultDebounce}
}

// options returns the rule engine's options for s.
func (s Settings) options() diagnostics.Options {
	return diagnostics.Options{Disabled: s.Disabled, Severity: s.Severity}
}

// configs returns the matrix the index is built with.
func (s Settings) configs() []index.BuildConfig {
	if len(s.Configs) == 0 {
		return index.DefaultConfigs()
	}
	return s.Configs
}

// sameConfigs reports whether a and b index the same matrix.
func sameConfigs(a, b []index.BuildConfig) bool {
	return slices.EqualFunc(a, b, func(x, y index.BuildConfig) bool { return x.String() == y.String() })
}

type rawSettings struct {
	Rules *struct {
		Disabled []string `json:"disabled"`
	} `json:"rules"`
	Severity     map[string]string `json:"severity"`
	DebounceMs   *float64          `json:"debounceMs"`
	GoplsTimeout *float64          `json:"goplsTimeoutSeconds"`
	BuildConfigs []json.RawMessage `json:"buildConfigs"`
	MaxFileSize  json.RawMessage   `json:"maxFileSize"` // bytes (number) or "64M"
}

type rawConfig struct {
	GOOS   string   `json:"goos"`
	GOARCH string   `json:"goarch"`
	Tags   []string `json:"tags"`
}

// maxDebounce bounds debounceMs: a longer quiet period is surely a mistake
// (diagnostics would seem never to update).
const maxDebounce = 10 * time.Second

var (
	osArchRe = regexp.MustCompile(`^[a-z0-9]+$`)
	tagRe    = regexp.MustCompile(`^!?[A-Za-z0-9_.]+$`)
)

// layerSettings returns the settings object base with the top-level keys of
// over replacing base's: a workspace/configuration answer is read on top of
// initializationOptions, so that a client that answers {} (it knows no
// plugin-lsp settings) keeps the ones it started the server with. A value
// that is not an object counts as {} (ParseSettings reports it).
func layerSettings(base, over json.RawMessage) json.RawMessage {
	var b, o map[string]json.RawMessage
	if json.Unmarshal(base, &b) != nil || b == nil {
		return over
	}
	if json.Unmarshal(over, &o) != nil {
		if len(bytes.TrimSpace(over)) == 0 || string(bytes.TrimSpace(over)) == "null" {
			return base
		}
		return over // not an object: let ParseSettings say so
	}
	for k, v := range o {
		b[k] = v
	}
	out, err := json.Marshal(b)
	if err != nil {
		return over
	}
	return out
}

// ParseSettings parses the "plugin-lsp" settings object. null or an absent
// object gives DefaultSettings. The error names the offending key.
func ParseSettings(raw json.RawMessage) (Settings, error) {
	st := DefaultSettings()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return st, nil
	}
	var r rawSettings
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&r); err != nil {
		return st, fmt.Errorf("plugin-lsp settings: %w", err)
	}
	if r.Rules != nil {
		for _, id := range r.Rules.Disabled {
			rule, err := ruleID(id)
			if err != nil {
				return st, fmt.Errorf("plugin-lsp settings: rules.disabled: %w", err)
			}
			if st.Disabled == nil {
				st.Disabled = map[string]bool{}
			}
			st.Disabled[rule] = true
		}
	}
	ids := make([]string, 0, len(r.Severity))
	for id := range r.Severity {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rule, err := ruleID(id)
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: severity: %w", err)
		}
		sev, err := diagnostics.ParseSeverity(r.Severity[id])
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: severity.%s: %w", id, err)
		}
		if st.Severity == nil {
			st.Severity = map[string]diagnostics.Severity{}
		}
		st.Severity[rule] = sev
	}
	if r.DebounceMs != nil {
		ms := *r.DebounceMs
		d := time.Duration(ms * float64(time.Millisecond))
		if math.IsNaN(ms) || ms < 0 || d > maxDebounce {
			return st, fmt.Errorf("plugin-lsp settings: debounceMs: %v is outside 0..%d", ms, maxDebounce.Milliseconds())
		}
		st.Debounce = d
	}
	if len(r.MaxFileSize) > 0 && string(r.MaxFileSize) != "null" {
		var text string
		if json.Unmarshal(r.MaxFileSize, &text) != nil {
			text = string(r.MaxFileSize)
		}
		n, err := index.ParseSize(text)
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: maxFileSize: %w", err)
		}
		st.MaxFileSize = n
	}
	if r.GoplsTimeout != nil {
		sec := *r.GoplsTimeout
		if math.IsNaN(sec) || sec < 1 || sec > 3600 {
			return st, fmt.Errorf("plugin-lsp settings: goplsTimeoutSeconds: %v is outside 1..3600", sec)
		}
		st.GoplsTimeout = time.Duration(sec * float64(time.Second))
	}
	seen := map[string]bool{}
	for i, b := range r.BuildConfigs {
		cfg, err := parseBuildConfig(b)
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: buildConfigs[%d]: %w", i, err)
		}
		if k := cfg.String(); !seen[k] {
			seen[k] = true
			st.Configs = append(st.Configs, cfg)
		}
	}
	return st, nil
}

// ruleID checks a rule ID against the catalogue (case-insensitive).
func ruleID(id string) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(id))
	if _, ok := diagnostics.RuleByID(up); !ok {
		return "", fmt.Errorf("unknown rule %q (rules are REG001…, PL001…, MF001…, SEC001; see docs/rules.md)", id)
	}
	return up, nil
}

// parseBuildConfig reads {"goos","goarch","tags"} or "goos/goarch[+tag,…]".
func parseBuildConfig(b json.RawMessage) (index.BuildConfig, error) {
	var rc rawConfig
	var s string
	if json.Unmarshal(b, &s) == nil {
		spec, tags, _ := strings.Cut(s, "+")
		goos, goarch, ok := strings.Cut(spec, "/")
		if !ok {
			return index.BuildConfig{}, fmt.Errorf("%q: want \"goos/goarch\" or {\"goos\": …, \"goarch\": …}", s)
		}
		rc.GOOS, rc.GOARCH = goos, goarch
		if tags != "" {
			rc.Tags = strings.Split(tags, ",")
		}
	} else if err := json.Unmarshal(b, &rc); err != nil {
		return index.BuildConfig{}, fmt.Errorf("want {\"goos\": …, \"goarch\": …, \"tags\": […]}: %w", err)
	}
	if rc.GOOS == "" {
		rc.GOOS = runtime.GOOS
	}
	if rc.GOARCH == "" {
		rc.GOARCH = runtime.GOARCH
	}
	if !osArchRe.MatchString(rc.GOOS) {
		return index.BuildConfig{}, fmt.Errorf("bad goos %q", rc.GOOS)
	}
	if !osArchRe.MatchString(rc.GOARCH) {
		return index.BuildConfig{}, fmt.Errorf("bad goarch %q", rc.GOARCH)
	}
	cfg := index.BuildConfig{GOOS: rc.GOOS, GOARCH: rc.GOARCH}
	noCgo := false
	for _, t := range rc.Tags {
		t = strings.TrimSpace(t)
		if !tagRe.MatchString(t) {
			return index.BuildConfig{}, fmt.Errorf("bad build tag %q", t)
		}
		if t == "!cgo" {
			noCgo = true
			continue
		}
		if !slices.Contains(cfg.Tags, t) {
			cfg.Tags = append(cfg.Tags, t)
		}
	}
	if !noCgo && !slices.Contains(cfg.Tags, "cgo") {
		cfg.Tags = append([]string{"cgo"}, cfg.Tags...)
	}
	return cfg, nil
}

// goplsInitializeParams returns the initialize params gopls gets: the
// editor's, without initializationOptions["plugin-lsp"]. gopls reads
// initializationOptions as its own settings and shows "Invalid settings:
// unexpected setting" for a key it does not know. Params without our key
// are returned as they are; otherwise only initializationOptions is
// re-encoded (its other members' values byte for byte).
func goplsInitializeParams(params json.RawMessage) json.RawMessage {
	opts := getMember(params, "initializationOptions")
	if opts == nil || getMember(opts, SettingsSection) == nil {
		return params
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(opts, &members); err != nil {
		return params
	}
	delete(members, SettingsSection)
	b, err := json.Marshal(members)
	if err != nil {
		return params
	}
	out, err := setMember(params, "initializationOptions", b)
	if err != nil {
		return params
	}
	return out
}
