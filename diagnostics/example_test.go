package diagnostics

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// TestExampleWorkspace pins what `plugin-lsp check testdata/example/...`
// reports: exactly the deliberate bugs listed in testdata/example/README.md.
func TestExampleWorkspace(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "example"))
	if err != nil {
		t.Fatal(err)
	}
	snap := buildSnapshot(t, dir)
	fs := Check(context.Background(), snap, Options{})
	fs = append(fs, CheckTypes(context.Background(), snap, Options{}, NewTypeCache())...)
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+rel(dir, f.File)+":"+strconv.Itoa(f.Start.Line))
		t.Logf("%s", f)
	}
	sort.Strings(got)
	want := []string{
		"PL001 native/host/main.go:17",
		"PL002 native/host/main.go:26",
		"REG001 plugins/console/console.go:19",
		"REG001 plugins/syslog/syslog.go:19",
		"REG002 plugins/metrics/metrics.go:14",
		"REG003 host/main.go:16",
	}
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("got %d findings %q, want %q", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: got %s, want %s", i, got[i], want[i])
		}
	}
}
