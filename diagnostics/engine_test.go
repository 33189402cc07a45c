package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
)

func TestOptions(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG001", "duplicate.txtar"))
	snap := buildSnapshot(t, dir)
	count := func(fs []Finding, rule string, sev Severity) int {
		n := 0
		for _, f := range fs {
			if f.Rule == rule && f.Severity == sev {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		opts Options
		want int // REG001 findings
		sev  Severity
	}{
		{"default", Options{}, 2, Error},
		{"disabled", Options{Disabled: map[string]bool{"REG001": true}}, 0, Error},
		{"only other rules", Options{Only: []string{"REG002"}}, 0, Error},
		{"only this rule", Options{Only: []string{"reg001"}}, 2, Error},
		{"severity", Options{Severity: map[string]Severity{"REG001": Hint}}, 2, Hint},
		{"configs without a host config", Options{Configs: []index.BuildConfig{{GOOS: "plan9", GOARCH: "386"}}}, 2, Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check(context.Background(), snap, tt.opts)
			if got := count(fs, "REG001", tt.sev); got != tt.want {
				t.Errorf("%d REG001 findings with severity %v, want %d: %v", got, tt.sev, tt.want, fs)
			}
		})
	}
}

func TestConfigsReported(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG001", "config.txtar"))
	snap := buildSnapshot(t, dir)
	fs := Check(context.Background(), snap, Options{})
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2: %v", len(fs), fs)
	}
	for _, f := range fs {
		for _, c := range f.Configs {
			if filepath.Dir(c) != "windows" && c[:7] != "windows" {
				t.Errorf("config %s listed for a windows-only duplicate", c)
			}
		}
		if len(f.Configs) == 0 || len(f.Related) != 1 {
			t.Errorf("finding without configs or related: %+v", f)
		}
	}
}

func TestDeterministic(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG002", "notlinked.txtar"))
	snap := buildSnapshot(t, dir)
	a := Check(context.Background(), snap, Options{})
	b := Check(context.Background(), buildSnapshot(t, dir), Options{})
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("two runs differ or find nothing:\n%v\n%v", a, b)
	}
}

func TestTypeCacheReuse(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG004", "contract.txtar"))
	snap := buildSnapshot(t, dir)
	cache := NewTypeCache()
	first := CheckTypes(context.Background(), snap, Options{}, cache)
	loads := cache.Loads()
	second := CheckTypes(context.Background(), buildSnapshot(t, dir), Options{}, cache)
	if cache.Loads() != loads {
		t.Errorf("unchanged module loaded again: %d loads, then %d", loads, cache.Loads())
	}
	if len(first) == 0 || !reflect.DeepEqual(first, second) {
		t.Errorf("cached results differ or are empty:\n%v\n%v", first, second)
	}
}

func TestCheckCancelled(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG002", "notlinked.txtar"))
	snap := buildSnapshot(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if fs := Check(ctx, snap, Options{}); len(fs) != 0 {
		t.Errorf("a cancelled Check returned %d findings", len(fs))
	}
	if fs := CheckTypes(ctx, snap, Options{}, nil); len(fs) != 0 {
		t.Errorf("a cancelled CheckTypes returned %d findings", len(fs))
	}
}

func TestIgnores(t *testing.T) {
	tests := []struct {
		line, rule string
		want       bool
	}{
		{"x() //pluginlsp:ignore REG001 reason", "REG001", true},
		{"x() // pluginlsp:ignore REG001,REG003 reason", "REG003", true},
		{"x() //pluginlsp:ignore REG001 reason", "REG003", false},
		{"# pluginlsp:ignore MF001", "MF001", true},
		{"x() //pluginlsp:ignore all", "PL001", true},
		{"x() // nothing", "REG001", false},
	}
	for _, tt := range tests {
		if got := ignores([]byte(tt.line), tt.rule); got != tt.want {
			t.Errorf("ignores(%q, %s) = %v, want %v", tt.line, tt.rule, got, tt.want)
		}
	}
}

func TestPanickingRuleIsIsolated(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG001", "duplicate.txtar"))
	snap := buildSnapshot(t, dir)
	var logged []string
	p := newPass(context.Background(), snap, Options{Logf: func(f string, a ...any) { logged = append(logged, f) }})
	p.runAll([]check{
		{"REG001", checkREG001},
		{"REG002", func(p *pass) {
			p.report(Finding{Message: "half done", Location: Location{File: "x"}})
			panic("boom")
		}},
	})
	fs := p.finish()
	if len(fs) != 2 || len(logged) != 1 {
		t.Errorf("got %d findings and %d log lines, want the 2 REG001 findings and 1 log line: %v", len(fs), len(logged), fs)
	}
}

// TestOverlayFixClearsBothSides edits one side of a duplicate in an editor
// overlay: the next snapshot's findings lose both sides, also the one in
// the file that was not edited; clearing the overlay brings them back.
func TestOverlayFixClearsBothSides(t *testing.T) {
	dir := extractTxtar(t, filepath.Join("..", "testdata", "rules", "REG001", "duplicate.txtar"))
	ix := index.New(index.Options{Roots: []string{dir}})
	snap, err := ix.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	count := func(s *index.Snapshot) int {
		n := 0
		for _, f := range Check(context.Background(), s, Options{Only: []string{"REG001"}}) {
			if strings.Contains(f.Message, `"logger"`) {
				n++
			}
		}
		return n
	}
	if n := count(snap); n != 2 {
		t.Fatalf("before the edit: %d REG001 findings, want 2", n)
	}
	b := filepath.Join(dir, "plugins", "b", "b.go")
	src, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(src), `"logger"`, `"logger-b"`, 1)
	if n := count(ix.SetOverlay(b, []byte(fixed))); n != 0 {
		t.Errorf("after fixing b.go in an overlay: %d findings, want 0", n)
	}
	if n := count(ix.ClearOverlay(b)); n != 2 {
		t.Errorf("after dropping the overlay: %d findings, want 2", n)
	}
}
