package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/index/synth"
)

// TestCheckIncrementalEqualsCold checks that Check on a snapshot updated by
// overlays and disk changes (which shares derived data such as the reverse
// import graph with its predecessors) finds exactly what Check on a cold
// build of the same files finds, step after step.
func TestCheckIncrementalEqualsCold(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(dir, synth.Spec{Files: 200, PkgsPerModule: 10}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ix := index.New(index.Options{Roots: []string{dir}})
	if _, err := ix.Build(ctx); err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	agg := "mod000/all/all.go"
	aggText := read(agg)
	const p1 = "\t_ \"example.com/mod000/p0001\"\n"
	if !strings.Contains(aggText, p1) {
		t.Fatalf("synth layout changed: %s has no %q", agg, p1)
	}
	// overlay: the editor's text, also written to disk for the cold build.
	overlay := func(rel, text string) *index.Snapshot {
		p := filepath.Join(dir, rel)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return ix.SetOverlay(p, []byte(text))
	}
	disk := func(rel, text string) *index.Snapshot {
		p := filepath.Join(dir, rel)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		ix.DiskChanged(p)
		return ix.Flush()
	}
	steps := []struct {
		name  string
		apply func() *index.Snapshot
	}{
		{"body edit keeps imports", func() *index.Snapshot {
			return overlay("mod000/p0000/f01.go", read("mod000/p0000/f01.go")+"\nfunc extra() int { return 1 }\n")
		}},
		{"aggregator drops a plugin (REG002)", func() *index.Snapshot {
			return overlay(agg, strings.Replace(aggText, p1, "", 1))
		}},
		{"another body edit after an import change", func() *index.Snapshot {
			return overlay("mod001/p0010/f03.go", read("mod001/p0010/f03.go")+"\n// edited\n")
		}},
		{"a registering file only on linux", func() *index.Snapshot {
			return overlay("mod000/p0003/f05.go", "//go:build linux\n\n"+read("mod000/p0003/f05.go"))
		}},
		{"aggregator only on windows (REG006)", func() *index.Snapshot {
			return overlay(agg, "//go:build windows\n\n"+aggText)
		}},
		{"a test in another directory imports a plugin", func() *index.Snapshot {
			return disk("mod000/all/all_test.go", "package all\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/mod000/p0001\"\n)\n\nfunc TestX(t *testing.T) {}\n")
		}},
		{"aggregator restored", func() *index.Snapshot {
			ix.ClearOverlay(filepath.Join(dir, agg))
			return disk(agg, aggText)
		}},
	}
	sawFindings := false
	for _, st := range steps {
		inc := st.apply()
		cold, err := index.New(index.Options{Roots: []string{dir}}).Build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, want := Check(ctx, inc, Options{}), Check(ctx, cold, Options{})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: incremental Check differs from cold:\nincremental: %+v\ncold:        %+v", st.name, got, want)
		}
		if len(want) > 0 {
			sawFindings = true
		}
		t.Logf("%s: %d findings", st.name, len(want))
	}
	if !sawFindings {
		t.Fatal("no step produced a finding: the test compares nothing interesting")
	}
}
