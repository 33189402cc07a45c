package diagnostics

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index"
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
