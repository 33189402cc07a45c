package lsp

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/index/synth"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// BenchmarkKeystrokeDiagnostics measures keystroke to published diagnostics
// on the synthetic 10k-file workspace (index/synth), through plugin-lsp over
// stdio with the real gopls behind it, with the debounce set to 0
// (debounceMs: 0 in initializationOptions), so the figure excludes it.
//
//   - ours: a didChange of host/main.go that toggles contract.Lookup's name
//     between a registered one and a typo, until the publishDiagnostics for
//     main.go whose plugin-lsp REG003 matches the new text.
//   - baseline gopls: in the same run and session, a didChange of a plugin
//     file that toggles a type error, until the publishDiagnostics whose
//     gopls diagnostics match the new text (gopls's own keystroke to
//     diagnostics, through the same proxy).
//   - in-process: the engine part of ours (SetOverlay, Flush, link and
//     diagnostics.Check) on an index built directly, no LSP.
//
// One iteration takes wsBenchSamples samples of each and reports p50/p95 in
// milliseconds. Run with:
//
//	go test -run '^$' -bench BenchmarkKeystrokeDiagnostics -benchtime=1x ./lsp
func BenchmarkKeystrokeDiagnostics(b *testing.B) {
	dir := b.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	files := 10000
	if v, err := strconv.Atoi(os.Getenv("PLUGIN_LSP_BENCH_FILES")); err == nil && v > 0 {
		files = v // a quick run of the same code on a smaller workspace
	}
	res, err := synth.Generate(dir, synth.Spec{Files: files})
	if err != nil {
		b.Fatal(err)
	}
	host := filepath.Join(dir, "host", "main.go")
	plugin := filepath.Join(dir, "mod000", "p0001", "f01.go")
	hostText := readText(b, host)
	pluginText := readText(b, plugin)
	known := strings.Replace(hostText, `"p0000"`, `"p0042-5"`, 1)
	typo := strings.Replace(hostText, `"p0000"`, `"p0042-x"`, 1)
	broken := pluginText + "\nvar _ int = \"not an int\"\n"
	if known == hostText {
		b.Fatal("synth host has no contract.Lookup(\"p0000\")")
	}

	// In process: the engine's part.
	inproc := wsBenchInProcess(b, dir, host, known, typo)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	p := startProxy(b)
	p.call(ctx, "initialize", map[string]any{
		"processId":             os.Getpid(),
		"rootUri":               fileURI(dir),
		"workspaceFolders":      []any{map[string]any{"uri": fileURI(dir), "name": "synth"}},
		"capabilities":          editorCapabilities(),
		"initializationOptions": map[string]any{SettingsSection: map[string]any{"debounceMs": 0}},
	})
	p.notify("initialized", map[string]any{})
	defer wsShutdown(b, p)
	wsWaitIdle(b, ctx, p)
	hostURI, pluginURI := fileURI(host), fileURI(plugin)
	openDoc(p, hostURI, hostText, 1)
	openDoc(p, pluginURI, pluginText, 1)

	version := map[string]int{hostURI: 1, pluginURI: 1}
	// keystroke sends text as uri's new version and waits for the publish
	// that matches it; it returns the latency.
	keystroke := func(uri, text, what string, match func([]wsDiag) bool) time.Duration {
		p.mu.Lock()
		from := len(p.notes)
		p.mu.Unlock()
		version[uri]++
		t0 := time.Now()
		p.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version[uri]},
			"contentChanges": []any{map[string]any{"text": text}},
		})
		p.waitFor(ctx, what, func(notes, _ []*wire.Message) bool {
			ds, ok := wsLastPublish(notes[from:], uri)
			return ok && match(ds)
		})
		return time.Since(t0)
	}
	ours := func(i int) time.Duration {
		if i%2 == 0 {
			return keystroke(hostURI, known, "REG003 gone", func(ds []wsDiag) bool { return len(wsOurs(ds, "REG003")) == 0 })
		}
		return keystroke(hostURI, typo, "REG003 back", func(ds []wsDiag) bool { return len(wsOurs(ds, "REG003")) == 1 })
	}
	gopls := func(i int) time.Duration {
		if i%2 == 0 {
			return keystroke(pluginURI, broken, "gopls type error", func(ds []wsDiag) bool { return len(wsGoplsErrors(ds)) > 0 })
		}
		return keystroke(pluginURI, pluginText, "gopls clean", func(ds []wsDiag) bool { return len(wsGoplsErrors(ds)) == 0 })
	}
	for i := 0; i < 4; i++ { // warm up both paths
		ours(i)
		gopls(i)
	}
	b.ResetTimer()
	lat := map[string][]time.Duration{}
	for n := 0; n < b.N; n++ {
		for i := 0; i < wsBenchSamples; i++ {
			lat["ours: didChange→plugin-lsp diagnostics"] = append(lat["ours: didChange→plugin-lsp diagnostics"], ours(i))
			// What the proxy measured of it (outside the timed part).
			st := wsStatus(b, ctx, p)
			lat["ours, in the proxy: Check"] = append(lat["ours, in the proxy: Check"], time.Duration(st.LastCheckMs*1e6))
			lat["ours, in the proxy: Check→published"] = append(lat["ours, in the proxy: Check→published"], time.Duration(st.LastRecomputeMs*1e6))
			lat["ours, in the proxy: didChange seen→published"] = append(lat["ours, in the proxy: didChange seen→published"], time.Duration(st.LastChangeMs*1e6))
		}
		for i := 0; i < wsBenchSamples; i++ {
			lat["baseline: didChange→gopls diagnostics"] = append(lat["baseline: didChange→gopls diagnostics"], gopls(i))
		}
	}
	b.StopTimer()
	for k, v := range inproc {
		lat[k] = v
	}
	names := make([]string, 0, len(lat))
	for k := range lat {
		names = append(names, k)
	}
	sort.Strings(names)
	b.Logf("workspace: %d Go files, %d registrations; debounce 0 (excluded)", res.Files, res.Registrations)
	for _, k := range names {
		p50, p95 := percentile(lat[k], 50), percentile(lat[k], 95)
		b.Logf("%-48s n=%3d p50 %7.2fms p95 %7.2fms", k, len(lat[k]), ms(p50), ms(p95))
		metric := strings.NewReplacer(" ", "", ":", "-", "→", "-to-", "(", "-", ")", "", ",", "").Replace(k)
		b.ReportMetric(ms(p50), metric+"-p50-ms")
		b.ReportMetric(ms(p95), metric+"-p95-ms")
	}
}

const wsBenchSamples = 40

// wsBenchInProcess times the engine's part of a keystroke on an index built
// directly: SetOverlay + Flush + diagnostics.Check (linking included, since
// every snapshot links afresh), and Check alone on an already linked
// snapshot.
func wsBenchInProcess(b *testing.B, dir, host, known, typo string) map[string][]time.Duration {
	b.Helper()
	ix := index.New(index.Options{Roots: []string{dir}})
	if _, err := ix.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	out := map[string][]time.Duration{}
	for i := 0; i < wsBenchSamples+4; i++ {
		text := known
		if i%2 == 1 {
			text = typo
		}
		t0 := time.Now()
		ix.SetOverlay(host, []byte(text))
		snap := ix.Flush()
		t1 := time.Now()
		snap.Registrations() // links
		t2 := time.Now()
		diagnostics.Check(context.Background(), snap, diagnostics.Options{})
		t3 := time.Now()
		diagnostics.Check(context.Background(), snap, diagnostics.Options{})
		t4 := time.Now()
		if i < 4 {
			continue // warm-up
		}
		out["in-process: overlay+flush"] = append(out["in-process: overlay+flush"], t1.Sub(t0))
		out["in-process: link"] = append(out["in-process: link"], t2.Sub(t1))
		out["in-process: overlay→Check (total)"] = append(out["in-process: overlay→Check (total)"], t3.Sub(t0))
		out["in-process: Check on a linked snapshot"] = append(out["in-process: Check on a linked snapshot"], t4.Sub(t3))
	}
	return out
}

// wsWaitIdle waits until the index is built and no type check runs.
func wsWaitIdle(b testing.TB, ctx context.Context, p *lspProc) {
	b.Helper()
	for {
		st := wsStatus(b, ctx, p)
		if st.State == "ready" && st.TypeChecks == "idle" && st.Generation > 0 {
			return
		}
		select {
		case <-ctx.Done():
			b.Fatalf("index not idle: %+v", st)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
