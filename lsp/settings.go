package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
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
//	  "rules":        {"disabled": ["REG005"], "enabled": ["REG003"]},
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
//
// rules, severity and buildConfigs are also keys of .plugin-lsp.yaml, in
// the same shape and through the same parsers (diagnostics.ParseRuleID,
// diagnostics.ParseSeverity, index.NewBuildConfig); the editor's settings
// are a layer above the files (engineOptions).
type Settings struct {
	// Config is the editor's layer of rule states, severities and the
	// build matrix. A buildConfigs entry without goos or goarch takes the
	// host's; every entry gets the "cgo" tag (native plugins need cgo)
	// unless it lists "!cgo" (index.NewBuildConfig).
	diagnostics.Config
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

// sameConfigs reports whether a and b index the same matrix.
func sameConfigs(a, b []index.BuildConfig) bool {
	return slices.EqualFunc(a, b, func(x, y index.BuildConfig) bool { return x.String() == y.String() })
}

// engineOptions returns the rule engine's options for snap: the editor's
// settings over the .plugin-lsp.yaml files over the defaults, per rule ID
// (diagnostics.Config.Over), and the files' problems. While a file is
// broken the last good files' layer stays in effect (its problems are
// shown). With current (snap is the index's latest), a matrix that is not
// the one snap was linked under (a file's buildConfigs changed) rebuilds
// the index.
func (w *Workspace) engineOptions(snap *index.Snapshot, current bool) (diagnostics.Options, []index.Problem) {
	files, problems := diagnostics.WorkspaceConfig(snap)
	broken := len(problems) > 0
	for _, m := range snap.Modules() {
		broken = broken || m.Config != nil && m.Config.Err != "" // the index's errors of the file
	}
	w.mu.Lock()
	if !broken {
		w.files = files
	}
	cfg := w.settings.Config.Over(w.files)
	if m := w.matrixLocked(); current && w.state == "ready" && !sameConfigs(m, snap.Configs()) {
		w.rebuild = true
		w.signal(w.now)
	}
	w.mu.Unlock()
	return cfg.Options(), problems
}

// matrixLocked is the matrix the index should be linked under: the
// editor's, else the files' (the last good), else the default.
func (w *Workspace) matrixLocked() []index.BuildConfig {
	switch {
	case w.settings.Configs != nil:
		return w.settings.Configs
	case w.files.Configs != nil:
		return w.files.Configs
	}
	return index.DefaultConfigs()
}

// indexMatrixLocked is index.Options.Configs of a new index. For the
// first index, without an editor matrix, nil: the index reads the files'
// matrix itself at its first Build (no second build at start). After that
// always matrixLocked, explicit: a rebuild must link under the matrix
// engineOptions compared with, or a file the index reads but
// engineOptions rejects would rebuild for ever.
func (w *Workspace) indexMatrixLocked() []index.BuildConfig {
	if w.settings.Configs == nil && w.ix.Load() == nil {
		return nil
	}
	return w.matrixLocked()
}

type rawSettings struct {
	Rules *struct {
		Disabled []string `json:"disabled"`
		Enabled  []string `json:"enabled"`
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
		for _, l := range []struct {
			key string
			ids []string
		}{{"disabled", r.Rules.Disabled}, {"enabled", r.Rules.Enabled}} {
			for _, id := range l.ids {
				rule, err := diagnostics.ParseRuleID(id)
				if err != nil {
					return st, fmt.Errorf("plugin-lsp settings: rules.%s: %w", l.key, err)
				}
				if on, set := st.Rules[rule]; set && on != (l.key == "enabled") {
					return st, fmt.Errorf("plugin-lsp settings: rules: %s is both disabled and enabled", rule)
				}
				st.SetRule(rule, l.key == "enabled")
			}
		}
	}
	ids := make([]string, 0, len(r.Severity))
	for id := range r.Severity {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rule, err := diagnostics.ParseRuleID(id)
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: severity: %w", err)
		}
		sev, err := diagnostics.ParseSeverity(r.Severity[id])
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: severity.%s: %w", id, err)
		}
		st.SetSeverity(rule, sev)
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
	for i, b := range r.BuildConfigs {
		cfg, err := parseBuildConfig(b)
		if err != nil {
			return st, fmt.Errorf("plugin-lsp settings: buildConfigs[%d]: %w", i, err)
		}
		st.Configs = index.AppendConfig(st.Configs, cfg)
	}
	return st, nil
}

// parseBuildConfig reads {"goos","goarch","tags"} or "goos/goarch[+tag,…]"
// (index.ParseBuildConfig, index.NewBuildConfig: the validators of every
// surface).
func parseBuildConfig(b json.RawMessage) (index.BuildConfig, error) {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return index.ParseBuildConfig(s)
	}
	var rc rawConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rc); err != nil {
		return index.BuildConfig{}, fmt.Errorf("want {\"goos\": …, \"goarch\": …, \"tags\": […]}: %w", err)
	}
	return index.NewBuildConfig(rc.GOOS, rc.GOARCH, rc.Tags)
}

// goplsInitializeParams returns the initialize params gopls gets: the
// editor's, without initializationOptions["plugin-lsp"]. gopls reads
// initializationOptions as its own settings and shows "Invalid settings:
// unexpected setting" for a key it does not know. Params without our key
// are returned as they are; otherwise only initializationOptions is
// re-encoded (its other members' values byte for byte).
func goplsInitializeParams(params json.RawMessage) json.RawMessage {
	opts := wire.GetMember(params, "initializationOptions")
	if opts == nil || wire.GetMember(opts, SettingsSection) == nil {
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
	out, err := wire.SetMember(params, "initializationOptions", b)
	if err != nil {
		return params
	}
	return out
}
