package diagnostics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/index/synth"
)

// BenchmarkCheckGOROOT measures Check on a warm GOROOT/src snapshot (its
// linking already done, as in the editor after the first query) and
// reports it as a ratio to the cold index build measured in the same run.
// Run: go test -run ^$ -bench CheckGOROOT -benchtime 5x ./diagnostics
func BenchmarkCheckGOROOT(b *testing.B) {
	out := goroot(b)
	start := time.Now()
	snap, err := index.New(index.Options{Roots: []string{filepath.Join(out, "src")}}).Build(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	_ = snap.Registrations() // link
	baseline := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		Check(context.Background(), snap, Options{})
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(baseline), "check/index-build")
	b.ReportMetric(float64(baseline.Milliseconds()), "index-build-ms")
}

// BenchmarkRules measures each syntax rule alone on GOROOT/src.
func BenchmarkRules(b *testing.B) {
	snap, err := index.New(index.Options{Roots: []string{filepath.Join(goroot(b), "src")}}).Build(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	_ = snap.Registrations()
	for _, c := range syntaxChecks {
		b.Run(c.id, func(b *testing.B) {
			for b.Loop() {
				Check(context.Background(), snap, Options{Only: []string{c.id}})
			}
		})
	}
}

// BenchmarkCheckSynth10k measures Check on the synthetic 10k-file
// workspace (index/synth) after linking, as a ratio to the cold index build
// of the same run: the syntax rules' share of keystroke-to-diagnostics.
// Run: go test -run ^$ -bench CheckSynth10k -benchtime 5x ./diagnostics
func BenchmarkCheckSynth10k(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.Generate(dir, synth.Spec{Files: 10000}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	snap, err := index.New(index.Options{Roots: []string{dir}}).Build(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	_ = snap.Registrations()
	baseline := time.Since(start)
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = len(Check(context.Background(), snap, Options{}))
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(baseline), "check/index-build")
	b.ReportMetric(float64(baseline.Milliseconds()), "index-build-ms")
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkKeystrokeCheckSynth10k measures what the editor pays per
// debounced keystroke on the synthetic 10k-file workspace: an overlay of one
// plugin file that changes a function body (imports unchanged), linking of
// the new snapshot, and Check. The baseline, measured in the same run, is
// Check alone on an already linked snapshot that was checked before.
// Run: go test -run ^$ -bench KeystrokeCheckSynth10k -benchtime 40x ./diagnostics
func BenchmarkKeystrokeCheckSynth10k(b *testing.B) {
	dir := b.TempDir()
	res, err := synth.Generate(dir, synth.Spec{Files: 10000})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ix := index.New(index.Options{Roots: []string{dir}})
	snap, err := ix.Build(ctx)
	if err != nil {
		b.Fatal(err)
	}
	Check(ctx, snap, Options{})
	var edited string
	for _, p := range res.Paths {
		if strings.HasSuffix(p, "f05.go") {
			edited = p
			break
		}
	}
	text, err := os.ReadFile(edited)
	if err != nil {
		b.Fatal(err)
	}
	base := time.Now()
	for range 5 {
		Check(ctx, snap, Options{})
	}
	baseline := time.Since(base) / 5
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		s := ix.SetOverlay(edited, append(append([]byte{}, text...), fmt.Sprintf("\nfunc edit%d() {}\n", i%2)...))
		Check(ctx, s, Options{})
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(baseline.Microseconds())/1000, "check-linked-ms")
	b.ReportMetric(float64(per)/float64(baseline), "keystroke/check-linked")
}
