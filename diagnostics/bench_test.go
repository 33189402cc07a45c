package diagnostics

import (
	"context"
	"path/filepath"
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
