package lsp

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

func TestParseSettings(t *testing.T) {
	host := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name    string
		in      string
		wantErr string // substring; "" means no error
		check   func(t *testing.T, s Settings)
	}{
		{name: "null means defaults", in: `null`, check: func(t *testing.T, s Settings) {
			if s.Debounce != 150*time.Millisecond || s.Rules != nil || s.Configs != nil {
				t.Errorf("%+v, want defaults", s)
			}
		}},
		{name: "editor shape", in: `{"rules": {"disabled": ["reg005", "PL001"]}, "severity": {"REG007": "error"}, "debounceMs": 0,
			"buildConfigs": [{"goos": "linux", "goarch": "arm64", "tags": ["integration"]}], "path": "ignored"}`,
			check: func(t *testing.T, s Settings) {
				if on, set := s.Rules["REG005"]; on || !set || s.Rules["PL001"] || len(s.Rules) != 2 {
					t.Errorf("rules %v", s.Rules)
				}
				if s.Severity["REG007"] != diagnostics.Error {
					t.Errorf("severity %v", s.Severity)
				}
				if s.Debounce != 0 {
					t.Errorf("debounce %v, want 0", s.Debounce)
				}
				if len(s.Configs) != 1 || s.Configs[0].String() != "linux/arm64+cgo,integration" {
					t.Errorf("configs %v", s.Configs)
				}
				o := s.Options()
				if o.Enabled("REG005") || !o.Enabled("REG001") {
					t.Errorf("options %+v", o)
				}
			}},
		{name: "config strings, defaults from the host, !cgo, duplicates dropped",
			in: `{"buildConfigs": ["windows/amd64", {"tags": ["!cgo"]}, "windows/amd64+cgo"]}`,
			check: func(t *testing.T, s Settings) {
				var got []string
				for _, c := range s.Configs {
					got = append(got, c.String())
				}
				if strings.Join(got, " ") != "windows/amd64+cgo "+host {
					t.Errorf("configs %v", got)
				}
			}},
		{name: "maxFileSize as a string", in: `{"maxFileSize": "64M"}`, check: func(t *testing.T, s Settings) {
			if s.MaxFileSize != 64<<20 {
				t.Errorf("maxFileSize %d", s.MaxFileSize)
			}
		}},
		{name: "maxFileSize in bytes", in: `{"maxFileSize": 1048576}`, check: func(t *testing.T, s Settings) {
			if s.MaxFileSize != 1<<20 {
				t.Errorf("maxFileSize %d", s.MaxFileSize)
			}
		}},
		{name: "bad maxFileSize", in: `{"maxFileSize": "lots"}`, wantErr: `maxFileSize: invalid size "lots"`},
		{name: "unknown rule", in: `{"rules": {"disabled": ["REG999"]}}`, wantErr: `rules.disabled: unknown rule "REG999" (known: MF001,`},
		{name: "bad severity", in: `{"severity": {"REG001": "fatal"}}`, wantErr: `severity.REG001: unknown severity "fatal"`},
		{name: "negative debounce", in: `{"debounceMs": -1}`, wantErr: "debounceMs: -1 is outside 0..10000"},
		{name: "gopls timeout", in: `{"goplsTimeoutSeconds": 90}`, check: func(t *testing.T, s Settings) {
			if s.GoplsTimeout != 90*time.Second {
				t.Errorf("gopls timeout %v, want 90s", s.GoplsTimeout)
			}
		}},
		{name: "gopls timeout too short", in: `{"goplsTimeoutSeconds": 0.5}`, wantErr: "goplsTimeoutSeconds: 0.5 is outside 1..3600"},
		{name: "huge debounce", in: `{"debounceMs": 60000}`, wantErr: "debounceMs"},
		{name: "wrong type", in: `{"rules": {"disabled": "REG001"}}`, wantErr: "plugin-lsp settings"},
		{name: "bad config string", in: `{"buildConfigs": ["linux"]}`, wantErr: `buildConfigs[0]: "linux": want "goos/goarch[+tag,…]"`},
		{name: "bad goos", in: `{"buildConfigs": [{"goos": "Linux!"}]}`, wantErr: `unknown GOOS "Linux!" (known: aix,`},
		{name: "unknown goos", in: `{"buildConfigs": ["haiku/amd64"]}`, wantErr: `buildConfigs[0]: unknown GOOS "haiku"`},
		{name: "unknown build config key", in: `{"buildConfigs": [{"os": "linux"}]}`, wantErr: `buildConfigs[0]: want {"goos"`},
		{name: "enabled", in: `{"rules": {"enabled": ["reg005"]}}`, check: func(t *testing.T, s Settings) {
			if on, set := s.Rules["REG005"]; !on || !set {
				t.Errorf("rules %v", s.Rules)
			}
		}},
		{name: "disabled and enabled", in: `{"rules": {"disabled": ["REG005"], "enabled": ["REG005"]}}`, wantErr: "REG005 is both disabled and enabled"},
		{name: "bad tag", in: `{"buildConfigs": [{"tags": ["a b"]}]}`, wantErr: `bad build tag "a b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSettings(json.RawMessage(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

func TestLayerSettings(t *testing.T) {
	tests := []struct {
		base, over string
		want       time.Duration
		disabled   bool // REG005 disabled
		wantErr    bool
	}{
		{base: `{"debounceMs": 0, "rules": {"disabled": ["REG005"]}}`, over: `{}`, want: 0, disabled: true},
		{base: `{"debounceMs": 0, "rules": {"disabled": ["REG005"]}}`, over: `null`, want: 0, disabled: true},
		{base: `{"debounceMs": 0, "rules": {"disabled": ["REG005"]}}`, over: `{"debounceMs": 20}`, want: 20 * time.Millisecond, disabled: true},
		{base: `{"debounceMs": 0, "rules": {"disabled": ["REG005"]}}`, over: `{"rules": {"disabled": []}}`, want: 0},
		{base: ``, over: `{"debounceMs": 20}`, want: 20 * time.Millisecond},
		{base: `null`, over: `{}`, want: 150 * time.Millisecond},
		{base: `{"debounceMs": 0}`, over: `[1]`, wantErr: true},
	}
	for _, tt := range tests {
		s, err := ParseSettings(layerSettings(json.RawMessage(tt.base), json.RawMessage(tt.over)))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s over %s: err %v", tt.over, tt.base, err)
			continue
		}
		if err == nil && (s.Debounce != tt.want || s.Options().Disabled["REG005"] != tt.disabled) {
			t.Errorf("%s over %s: debounce %v rules %v, want %v REG005 disabled %v", tt.over, tt.base, s.Debounce, s.Rules, tt.want, tt.disabled)
		}
	}
}

func TestGoplsInitializeParams(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"processId":1,"initializationOptions":{"plugin-lsp":{"debounceMs":0},"ui.semanticTokens":true}}`,
			`{"processId":1,"initializationOptions":{"ui.semanticTokens":true}}`},
		{`{"processId":1,"initializationOptions":{"plugin-lsp":{}}}`, `{"processId":1,"initializationOptions":{}}`},
		// Unchanged, byte for byte, when there is nothing of ours.
		{`{"processId": 1, "initializationOptions": {"ui.semanticTokens": true}}`, `{"processId": 1, "initializationOptions": {"ui.semanticTokens": true}}`},
		{`{"processId": 1}`, `{"processId": 1}`},
		{`{"initializationOptions": null}`, `{"initializationOptions": null}`},
	}
	for _, tt := range tests {
		if got := string(goplsInitializeParams(json.RawMessage(tt.in))); got != tt.want {
			t.Errorf("goplsInitializeParams(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestAllTypeRulesDisabled: the type loop skips loading packages only when
// every rule that needs types is disabled, whichever rules those are.
func TestAllTypeRulesDisabled(t *testing.T) {
	var typeIDs []string
	for _, r := range diagnostics.Rules() {
		if r.NeedsTypes {
			typeIDs = append(typeIDs, r.ID)
		}
	}
	if len(typeIDs) == 0 {
		t.Fatal("no rule needs types")
	}
	all := map[string]bool{"REG001": true}
	for _, id := range typeIDs {
		all[id] = true
	}
	if !allTypeRulesDisabled(diagnostics.Options{Disabled: all}) {
		t.Errorf("all of %v disabled: want true", typeIDs)
	}
	for _, id := range typeIDs {
		some := map[string]bool{}
		for k, v := range all {
			some[k] = v
		}
		delete(some, id)
		if allTypeRulesDisabled(diagnostics.Options{Disabled: some}) {
			t.Errorf("%s enabled: want false", id)
		}
	}
	if allTypeRulesDisabled(diagnostics.Options{}) {
		t.Error("nothing disabled: want false")
	}
}
