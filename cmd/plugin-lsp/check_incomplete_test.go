//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckNeverCleanWhenIncomplete: check never exits 0 ("clean") when it
// could not check something. A broken .plugin-lsp.yaml is exit 2 with the
// file and line; skipped files (a FIFO named x.go, which used to hang
// check, a symlink to /dev/zero, which used to exhaust memory, a manifest
// symlink that leaves the workspace, whose version used to be echoed, a
// file over the size cap) and a failed type load (go.work asking for a Go
// that is not installed) are a warning line each and exit 3. Every format
// carries them: SARIF as toolExecutionNotifications (schema-valid), json as
// elements with rule CHECK, github as annotations.
func TestCheckNeverCleanWhenIncomplete(t *testing.T) {
	sch := compileSARIFSchema(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "plugin-manifest.yaml"), []byte("name: gzip\nversion: 6.6.6-secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, dir string)
		args   []string
		exit   int
		stderr []string // substrings, one line each
	}{
		{"clean", func(*testing.T, string) {}, nil, 0, nil},
		{"unknown config key", func(t *testing.T, dir string) {
			write(t, dir, ".plugin-lsp.yaml", "registries:\n  - register: example.com/clean/registry.Register\n    allow: [fmt]\n")
		}, nil, 2, []string{`error: .plugin-lsp.yaml:3: unknown key "allow"`}},
		{"config syntax error", func(t *testing.T, dir string) {
			write(t, dir, ".plugin-lsp.yaml", "registries:\n  - register: example.com/clean/registry.Register\n    capabilities: [fmt\n")
		}, nil, 2, []string{"error: .plugin-lsp.yaml:3: "}},
		{"fifo", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "codecs", "gzip", "x.go"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, 3, []string{"warning: codecs/gzip/x.go: skipped: not a regular file (named pipe)"}},
		{"dev zero", func(t *testing.T, dir string) {
			symlink(t, "/dev/zero", filepath.Join(dir, "codecs", "gzip", "z.go"))
		}, nil, 3, []string{"warning: codecs/gzip/z.go: skipped: symlink to /dev/zero, outside the workspace roots"}},
		{"manifest outside", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "plugin-manifest.yaml"), filepath.Join(dir, "codecs", "gzip", "plugin-manifest.yaml"))
		}, nil, 3, []string{"warning: codecs/gzip/plugin-manifest.yaml: skipped: symlink to "}},
		{"too big", func(t *testing.T, dir string) {
			write(t, dir, "codecs/gzip/big.go", "package gzip\n"+strings.Repeat("// x\n", 1000))
		}, []string{"-max-file-size", "4K"}, 3, []string{"warning: codecs/gzip/big.go: skipped: 5013 bytes, larger than the 4096-byte cap"}},
		{"type load fails", func(t *testing.T, dir string) {
			// A register function taking any (declared in the config, as
			// inference skips it): REG004 needs types.
			write(t, dir, "registry/registry.go", "package registry\n\ntype Codec interface{ Encode([]byte) []byte }\n\nvar codecs = map[string]any{}\n\nfunc Register(name string, c any) { codecs[name] = c }\n\nfunc Get(name string) Codec { return codecs[name].(Codec) }\n")
			write(t, dir, ".plugin-lsp.yaml", "registries:\n  - register: example.com/clean/registry.Register\n    lookup: [example.com/clean/registry.Get]\n    contract: example.com/clean/registry.Codec\n")
			write(t, dir, "go.work", "go 1.99.0\n\nuse .\n")
		}, []string{"-rules", "REG004"}, 3, []string{"warning: go.work: type information not loaded, so REG004 and PL002 did not run on module example.com/clean", "requires go >= 1.99.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := loadWorkspace(t, "clean")
			tc.setup(t, ws.dir)
			r := runBinary(t, ws.dir, append(append([]string{"check"}, tc.args...), "./...")...)
			if r.exit != tc.exit {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.exit, tc.exit, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if r.stderr == "" {
				lines = nil
			}
			// The coverage line ends stderr whenever the check ran as asked.
			if tc.exit != 2 {
				if n := len(lines); n == 0 || !strings.HasPrefix(lines[n-1], "plugin-lsp check: checked ") {
					t.Errorf("stderr %q does not end with the coverage line", r.stderr)
				} else {
					lines = lines[:n-1]
				}
			}
			if len(lines) != len(tc.stderr) && !(tc.name == "type load fails" && len(lines) == 1) {
				t.Errorf("stderr %q, want %d lines", r.stderr, len(tc.stderr))
			}
			for _, w := range tc.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			for _, l := range lines {
				if !strings.HasPrefix(l, "plugin-lsp check: ") {
					t.Errorf("stderr line %q", l)
				}
			}
			// SARIF: valid, one notification per warning line.
			rs := runBinary(t, ws.dir, append(append([]string{"check", "-format", "sarif"}, tc.args...), "./...")...)
			if err := validateSARIF(sch, []byte(rs.stdout)); err != nil {
				t.Fatalf("SARIF invalid: %v", err)
			}
			var log struct {
				Runs []struct {
					Invocations []struct {
						ExecutionSuccessful        bool `json:"executionSuccessful"`
						ToolExecutionNotifications []struct {
							Level string `json:"level"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(rs.stdout), &log); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, inv := range log.Runs[0].Invocations {
				n += len(inv.ToolExecutionNotifications)
				if inv.ExecutionSuccessful != (tc.exit != 2) {
					t.Errorf("executionSuccessful %v with exit %d", inv.ExecutionSuccessful, tc.exit)
				}
			}
			if n != len(lines) || rs.exit != tc.exit {
				t.Errorf("SARIF: %d notifications for %d warning lines, exit %d", n, len(lines), rs.exit)
			}
			// json: one CHECK element per line.
			rj := runBinary(t, ws.dir, append(append([]string{"check", "-format", "json"}, tc.args...), "./...")...)
			if c := strings.Count(rj.stdout, `"rule": "CHECK"`); c != len(lines) {
				t.Errorf("json: %d CHECK elements, want %d:\n%s", c, len(lines), rj.stdout)
			}
			// github: annotations, and nothing read from outside the roots.
			rg := runBinary(t, ws.dir, append(append([]string{"check", "-format", "github"}, tc.args...), "./...")...)
			if c := strings.Count(rg.stdout, "title=plugin-lsp::"); c != len(lines) {
				t.Errorf("github: %d annotations, want %d:\n%s", c, len(lines), rg.stdout)
			}
			if strings.Contains(rg.stdout+rg.stderr, "6.6.6-secret") {
				t.Errorf("content of a file outside the workspace was echoed:\n%s", rg.stdout)
			}
		})
	}
}

// TestCheckUnreadableGivenDir: a directory given on the command line that
// cannot be read, or an unreadable file of the package a plain dir names,
// is exit 2 (it used to be checked as empty: exit 0, no output); found by
// a recursive walk, it is a warning and exit 3. As root, permission bits do not stop reads, so the binary runs
// as nobody then.
func TestCheckUnreadableGivenDir(t *testing.T) {
	ws := loadWorkspace(t, "clean")
	for p := ws.dir; p != "/"; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o005 != 0o005 {
			if os.Getuid() != 0 {
				break
			}
			if err := os.Chmod(p, st.Mode().Perm()|0o005); err != nil {
				t.Skipf("cannot open %s to other users: %v", p, err)
			}
		}
	}
	if os.Getuid() == 0 {
		if err := os.Chmod(filepath.Dir(pluginLSP), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(ws.dir, "codecs"), 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Join(ws.dir, "codecs"), 0o755)
	if err := os.Chmod(filepath.Join(ws.dir, "registry", "registry.go"), 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"./codecs/..."}, 2, "error: codecs: skipped: unreadable: permission denied"},
		{[]string{"./codecs"}, 2, "codecs: open"},
		{[]string{"./..."}, 3, "warning: codecs: skipped: unreadable: permission denied"},
		// A plain dir names its package: an unreadable file of it is exit 2.
		{[]string{"./registry"}, 2, "error: registry/registry.go: skipped: unreadable: permission denied"},
		{[]string{"./registry/..."}, 3, "warning: registry/registry.go: skipped: unreadable: permission denied"},
	} {
		cmd := exec.Command(pluginLSP, append([]string{"check"}, tc.args...)...)
		cmd.Dir = ws.dir
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "GOCACHE="+t.TempDir())
		}
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.exit || !strings.Contains(string(out), tc.want) {
			t.Errorf("check %v: exit %d, output %q; want exit %d and %q", tc.args, code, out, tc.exit, tc.want)
		}
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestFindGoplsIgnoresWorkspaceToolchain: locating gopls in
// $(go env GOPATH)/bin from inside a module whose go.mod asks for a newer
// toolchain must not try to download it (offline that failed, and gopls
// was "not found").
func TestFindGoplsIgnoresWorkspaceToolchain(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	mod := t.TempDir()
	write(t, mod, "go.mod", "module example.com/future\n\ngo 1.99.0\n\ntoolchain go1.99.0\n")
	gopath := t.TempDir()
	write(t, gopath, "bin/gopls", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(gopath, "bin", "gopls"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(mod)
	t.Setenv("PATH", filepath.Dir(goBin))
	t.Setenv("GOPATH", gopath)
	t.Setenv("GOBIN", "")
	t.Setenv("GOTOOLCHAIN", "auto")
	t.Setenv("GOPROXY", "off")
	t.Setenv("PLUGIN_LSP_GOPLS", "")
	p, err := findGopls(t.Context(), "")
	if err != nil || p != filepath.Join(gopath, "bin", "gopls") {
		t.Fatalf("findGopls = %q, %v; want %s", p, err, filepath.Join(gopath, "bin", "gopls"))
	}
}

// TestListAndGraphWarnAboutSkippedFiles: list and graph say what they did
// not read (a FIFO named x.go) on stderr; their output stays as it was.
func TestListAndGraphWarnAboutSkippedFiles(t *testing.T) {
	ws := loadWorkspace(t, "clean")
	if err := syscall.Mkfifo(filepath.Join(ws.dir, "codecs", "gzip", "x.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"list", "graph"} {
		r := runBinary(t, ws.dir, cmd)
		if r.exit != 0 || r.stderr != "plugin-lsp "+cmd+": warning: codecs/gzip/x.go: skipped: not a regular file (named pipe)\n" {
			t.Errorf("%s: exit %d, stderr %q", cmd, r.exit, r.stderr)
		}
	}
}

// TestCheckHonoursSIGTERM: SIGTERM while check waits on a child (here a
// `go` that never answers `go list`) ends check with exit 2 and
// "interrupted"; nothing keeps it alive (a FIFO named x.go used to block it
// in open(2), where SIGTERM was ignored; the fifo case above shows that
// check no longer waits on one at all).
func TestCheckHonoursSIGTERM(t *testing.T) {
	ws := loadWorkspace(t, "clean")
	write(t, ws.dir, "registry/registry.go", "package registry\n\ntype Codec interface{ Encode([]byte) []byte }\n\nvar codecs = map[string]any{}\n\nfunc Register(name string, c any) { codecs[name] = c }\n\nfunc Get(name string) Codec { return codecs[name].(Codec) }\n")
	write(t, ws.dir, ".plugin-lsp.yaml", "registries:\n  - register: example.com/clean/registry.Register\n    lookup: [example.com/clean/registry.Get]\n    contract: example.com/clean/registry.Codec\n")
	if err := syscall.Mkfifo(filepath.Join(ws.dir, "codecs", "gzip", "x.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	marker := filepath.Join(bin, "go-started")
	write(t, bin, "go", "#!/bin/sh\ntouch "+marker+"\nexec sleep 600\n")
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pluginLSP, "check", "./...")
	cmd.Dir = ws.dir
	cmd.Env = append(os.Environ(), "PATH="+bin+":/usr/bin:/bin")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("check ended before go list started: %v, stderr %q", err, stderr.String())
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		default:
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 5e6}, nil)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := <-done
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("after SIGTERM: %v, stderr %q; want exit 2 and \"interrupted\"", err, stderr.String())
	}
}
