package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index/synth"
)

// The check benchmark runs whole processes, so it is a flag-gated test
// rather than a testing.B (whose timing loop would fork hundreds of times):
//
//	go test ./cmd/plugin-lsp -run TestCheckBenchmark -checkbench -v
//
// It measures `plugin-lsp check` on $(go env GOROOT)/src/... and on the
// synthetic 10k-file workspace of index/synth (or -checkbench.synth DIR),
// and in the same run `go vet` on the same trees as the baseline. go vet
// runs with the compile cache warmed (go list -export -deps first) and a
// vet flag value unique to the run (-printf.funcs=…), so that every package
// is vetted again instead of replayed from the cache: the fair "analysis
// only" cost. (With an empty GOCACHE, go vet std did not finish in 5
// minutes on the benchmark machine.) Figures are logged; nothing is
// asserted about time (docs/check.md has the numbers and the machine).
var (
	checkBench      = flag.Bool("checkbench", false, "run the check-vs-vet process benchmark (slow)")
	checkBenchRuns  = flag.Int("checkbench.runs", 3, "runs of plugin-lsp check per tree")
	checkBenchSynth = flag.String("checkbench.synth", "", "a synthetic workspace to benchmark besides GOROOT/src (default: generate 10k files with index/synth)")
	checkBenchFiles = flag.Int("checkbench.files", 10000, "Go files of the generated synthetic workspace")
	checkBenchVet   = flag.Duration("checkbench.vetcap", 10*time.Minute, "time cap of each go vet baseline run")
	checkBenchVetPk = flag.String("checkbench.vetpkgs", "std", "packages of the GOROOT go vet baseline (run in GOROOT/src)")
)

// procStats are the resources one finished process used.
type procStats struct {
	wall     time.Duration
	cpu      time.Duration // user + system, children included
	maxRSSKB int64         // peak resident set of the process or its largest waited-for child
	exit     int
	capped   bool   // killed at the time cap
	stderr   string // the first 64 KiB of standard error
}

func (s procStats) String() string {
	capped := ""
	if s.capped {
		capped = " (killed at the time cap)"
	}
	return fmt.Sprintf("wall %.2fs, cpu %.2fs, peak RSS %d MB, exit %d%s",
		s.wall.Seconds(), s.cpu.Seconds(), s.maxRSSKB/1024, s.exit, capped)
}

// measure runs a command to completion (or to the cap) and reads its
// rusage from the wait status, as /usr/bin/time does.
func measure(t *testing.T, dir string, env []string, limit time.Duration, name string, args ...string) procStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = nil, &stderr // stdout discarded: we measure, the tests check output
	start := time.Now()
	err := cmd.Run()
	st := procStats{wall: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		st.exit = ee.ExitCode()
	default:
		t.Fatalf("%s %v: %v", name, args, err)
	}
	st.capped = ctx.Err() != nil
	st.stderr = string(stderr.buf)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		st.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		st.maxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return st
}

func median(ds []procStats) procStats {
	s := append([]procStats(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i].wall < s[j].wall })
	return s[len(s)/2]
}

func TestCheckBenchmark(t *testing.T) {
	if !*checkBench {
		t.Skip("process benchmark; enable with -checkbench")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	src := filepath.Join(goroot, "src")
	t.Logf("machine: %s/%s, %d CPUs (GOMAXPROCS %d), %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())

	type tree struct {
		name, dir, pattern string
		vetDir             string
		vetArgs            []string
	}
	trees := []tree{{
		name: "GOROOT/src", dir: src, pattern: "./...",
		vetDir: src, vetArgs: append([]string{"vet"}, strings.Fields(*checkBenchVetPk)...),
	}}
	synthDir := *checkBenchSynth
	if synthDir == "" {
		synthDir = t.TempDir()
		res, err := synth.Generate(synthDir, synth.Spec{Files: *checkBenchFiles})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("synthetic workspace: %d Go files, %d registrations, %d modules (index/synth)", res.Files, res.Registrations, len(res.Modules))
		// The go command (not plugin-lsp) needs this to build the
		// workspace offline: the plugin modules require
		// example.com/contract v0.0.0, which exists only in the go.work.
		f, err := os.OpenFile(filepath.Join(synthDir, "go.work"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString("\nreplace example.com/contract v0.0.0 => ./contract\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	// The synthetic workspace is a go.work of example.com/... modules.
	trees = append(trees, tree{name: "synthetic", dir: abs, pattern: "./...",
		vetDir: abs, vetArgs: []string{"vet", "example.com/..."}})
	for _, tr := range trees {
		files := countGoFiles(tr.dir)
		var runs []procStats
		findings := -1
		for i := 0; i < *checkBenchRuns; i++ {
			st := measure(t, tr.dir, nil, 10*time.Minute, pluginLSP, "check", tr.pattern)
			if st.exit == 2 {
				t.Fatalf("plugin-lsp check on %s could not run", tr.name)
			}
			runs = append(runs, st)
			t.Logf("%s: check run %d: %s", tr.name, i+1, st)
		}
		if out, err := exec.Command(pluginLSP, "check", "-format", "json", tr.dir+"/...").Output(); err == nil || len(out) > 0 {
			findings = strings.Count(string(out), `"rule":`)
		}
		med := median(runs)
		peak := int64(0)
		for _, r := range runs {
			peak = max(peak, r.maxRSSKB)
		}
		// Warm the compile cache (export data), then vet with a flag value
		// no earlier run used, so vet results cannot be replayed.
		pkgs := tr.vetArgs[1:]
		warm := exec.Command("go", append([]string{"list", "-export", "-deps", "-e", "-f", "{{.ImportPath}}"}, pkgs...)...)
		warm.Dir = tr.vetDir
		if out, err := warm.CombinedOutput(); err != nil {
			t.Logf("%s: warming the compile cache: %v\n%.500s", tr.name, err, out)
		}
		vetArgs := append([]string{"vet", fmt.Sprintf("-printf.funcs=pluginlspbench%d", time.Now().UnixNano())}, pkgs...)
		vet := measure(t, tr.vetDir, nil, *checkBenchVet, "go", vetArgs...)
		if !vetRan(vet) {
			t.Errorf("%s: go %s failed (exit %d), the baseline is not valid:\n%.1000s", tr.name, strings.Join(vetArgs, " "), vet.exit, vet.stderr)
		}
		t.Logf("%s: go %s (compile cache warm, vet results not cached): %s", tr.name, strings.Join(tr.vetArgs, " "), vet)
		ratio := vet.wall.Seconds() / med.wall.Seconds()
		t.Logf("RESULT %s (%d .go files, %d findings): check median wall %.2fs (min %.2fs), peak RSS %d MB; go %s %.1fs%s, peak RSS %d MB; vet/check wall ratio %.1fx",
			tr.name, files, findings, med.wall.Seconds(), minWall(runs).Seconds(), peak/1024,
			strings.Join(tr.vetArgs, " "), vet.wall.Seconds(), map[bool]string{true: " (capped)"}[vet.capped], vet.maxRSSKB/1024, ratio)
	}
}

// vetFinding is a line of go vet's report of a finding.
var vetFinding = regexp.MustCompile(`(?m)^(# \S+|\S+\.go:\d+:\d+: .*)$`)

// vetRan reports whether go vet analysed the packages: exit 0, or exit 1
// with every line of stderr a package header or a finding (go vet also
// exits 1 when it cannot load the packages).
func vetRan(s procStats) bool {
	if s.capped || s.exit == 0 {
		return true
	}
	if s.exit != 1 {
		return false
	}
	for _, l := range strings.Split(strings.TrimSpace(s.stderr), "\n") {
		if !vetFinding.MatchString(l) && !strings.HasPrefix(l, "\t") {
			return false
		}
	}
	return true
}

// limitedBuffer keeps the first 64 KiB written to it.
type limitedBuffer struct{ buf []byte }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func minWall(rs []procStats) time.Duration {
	m := rs[0].wall
	for _, r := range rs {
		m = min(m, r.wall)
	}
	return m
}

func countGoFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			n++
		}
		return nil
	})
	return n
}

func TestVetRan(t *testing.T) {
	for _, tc := range []struct {
		st   procStats
		want bool
	}{
		{procStats{exit: 0}, true},
		{procStats{exit: 1, stderr: "# runtime\nruntime/alg.go:53:22: possible misuse of unsafe.Pointer\n"}, true},
		{procStats{exit: 1, stderr: "example.com/contract@v0.0.0: reading https://proxy.golang.org/…: 400 Bad Request\n"}, false},
		{procStats{exit: 2, stderr: "x.go:1:1: y\n"}, false},
		{procStats{exit: -1, capped: true}, true},
	} {
		if got := vetRan(tc.st); got != tc.want {
			t.Errorf("vetRan(%+v) = %v, want %v", tc.st, got, tc.want)
		}
	}
}
