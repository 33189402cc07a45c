package lsp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkProxyLatency sends the same requests to gopls directly and
// through the proxy, interleaved in one run (alternating which goes first),
// and reports per-request latency percentiles of both and their ratio, and
// the proxy process's resident memory (gopls's not counted). Workspaces:
// testdata/proxy and $(go env GOROOT)/src (definition, hover, completion in
// net/http/server.go).
//
//	go test ./lsp -run '^$' -bench BenchmarkProxyLatency -benchtime 200x
//
// PLUGIN_LSP_BENCH_FEATURES=all runs the proxy with every feature (index
// included) instead of the proxy alone; =middleware with handlers that only
// forward (the cost of interception itself).
func BenchmarkProxyLatency(b *testing.B) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	type target struct {
		name, root, file string
		requests         func(b *testing.B, text string) map[string]map[string]any // method → position params
	}
	proxyWS := workspace(b)
	targets := []target{
		{"testdata-proxy", proxyWS, filepath.Join(proxyWS, "main.go"), func(b *testing.B, text string) map[string]map[string]any {
			return map[string]map[string]any{
				"definition": {"position": at(b, text, "Greet(name)", 0, 0)},
				"hover":      {"position": at(b, text, "Greet(name)", 0, 0)},
				"completion": {"position": at(b, text, "ToUpper", 0, 0)},
			}
		}},
		{"goroot-src", filepath.Join(strings.TrimSpace(string(goroot)), "src"), filepath.Join(strings.TrimSpace(string(goroot)), "src", "net", "http", "server.go"), func(b *testing.B, text string) map[string]map[string]any {
			return map[string]map[string]any{
				"definition": {"position": at(b, text, "ServeHTTP(w ResponseWriter, r *Request)", 0, len("ServeHTTP(w "))},
				"hover":      {"position": at(b, text, "ServeHTTP(w ResponseWriter, r *Request)", 0, len("ServeHTTP(w "))},
				"completion": {"position": at(b, text, "r.URL.Path", 0, len("r."))},
			}
		}},
	}
	env := []string{"PLUGIN_LSP_TEST_FAKES=0"}
	switch os.Getenv("PLUGIN_LSP_BENCH_FEATURES") {
	case "all":
	case "middleware":
		env = append(env, "PLUGIN_LSP_TEST_PROXY_ONLY=middleware")
	default:
		env = append(env, "PLUGIN_LSP_TEST_PROXY_ONLY=1")
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			direct, srv := startGopls(b), startProxy(b, env...)
			text := readText(b, tg.file)
			uri := fileURI(tg.file)
			for _, p := range []*lspProc{direct, srv} {
				p.initialize(ctx, tg.root, nil)
				openDoc(p, uri, text, 1)
			}
			reqs := tg.requests(b, text)
			methods := []string{"definition", "hover", "completion"}
			// Warm up: the first answers wait for the workspace to load.
			for _, m := range methods {
				params := map[string]any{"textDocument": map[string]any{"uri": uri}, "position": reqs[m]["position"]}
				for _, p := range []*lspProc{direct, srv} {
					for i := 0; i < 3; i++ {
						p.call(ctx, "textDocument/"+m, params)
					}
				}
			}
			// gopls diagnoses the whole workspace in the background after
			// loading it (minutes for GOROOT on 2 cores); the gopls started
			// first finishes first. Measure once both are idle, so that
			// neither side pays for the other's background work.
			waitIdle(b, ctx, direct.cmd.Process.Pid, onlyChild(b, srv))
			for _, m := range methods {
				params := map[string]any{"textDocument": map[string]any{"uri": uri}, "position": reqs[m]["position"]}
				b.Run(m, func(b *testing.B) {
					var d, p []time.Duration
					timeOne := func(c *lspProc) time.Duration {
						start := time.Now()
						c.call(ctx, "textDocument/"+m, params)
						return time.Since(start)
					}
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if i%2 == 0 {
							d = append(d, timeOne(direct))
							p = append(p, timeOne(srv))
						} else {
							p = append(p, timeOne(srv))
							d = append(d, timeOne(direct))
						}
					}
					b.StopTimer()
					reportPercentiles(b, d, p)
					rss, hwm := procMemory(b, srv.cmd.Process.Pid)
					b.ReportMetric(rss, "proxy-RSS-MB")
					b.ReportMetric(hwm, "proxy-peakRSS-MB")
				})
			}
		})
	}
}

func latencyPercentile(ds []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(q*float64(len(s)-1) + 0.5)
	return s[i]
}

func reportPercentiles(b *testing.B, direct, srv []time.Duration) {
	var line []string
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}} {
		d, p := latencyPercentile(direct, q.q), latencyPercentile(srv, q.q)
		b.ReportMetric(ms(d), q.name+"-gopls-ms")
		b.ReportMetric(ms(p), q.name+"-proxy-ms")
		b.ReportMetric(float64(p)/float64(d), q.name+"-ratio")
		line = append(line, fmt.Sprintf("%s gopls %.3f ms proxy %.3f ms ratio %.3f", q.name, ms(d), ms(p), float64(p)/float64(d)))
	}
	b.ReportMetric(ms(latencyPercentile(srv, 0.5)-latencyPercentile(direct, 0.5)), "p50-added-ms")
	b.Logf("n=%d: %s", len(direct), strings.Join(line, "; "))
}

// cpuTicks returns the user+system CPU time of pid in clock ticks.
func cpuTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

// waitIdle waits until every pid used under 10% of a CPU over one second
// (bounded by ctx and 5 minutes).
func waitIdle(b *testing.B, ctx context.Context, pids ...int) {
	start := time.Now()
	for time.Since(start) < 5*time.Minute && ctx.Err() == nil {
		before := make([]int64, len(pids))
		for i, p := range pids {
			before[i] = cpuTicks(p)
		}
		time.Sleep(time.Second)
		idle := true
		for i, p := range pids {
			if cpuTicks(p)-before[i] > 10 { // ticks are 10 ms: 10% of 1 s
				idle = false
			}
		}
		if idle {
			b.Logf("gopls processes idle after %s", time.Since(start).Round(time.Second))
			return
		}
	}
	b.Logf("gopls processes still busy after %s; measuring anyway", time.Since(start).Round(time.Second))
}

// procMemory returns VmRSS and VmHWM of pid in MB.
func procMemory(b *testing.B, pid int) (rss, hwm float64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}
