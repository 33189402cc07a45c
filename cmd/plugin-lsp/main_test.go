package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the plugin-lsp binary built once by TestMain (check_test.go)
// against the real gopls.

func goplsForTest(t *testing.T) string {
	t.Helper()
	p, err := findGopls(context.Background(), "")
	if err != nil {
		t.Fatalf("these tests need gopls: %v", err)
	}
	return p
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want invocation
	}{
		{nil, invocation{}},
		{[]string{"--stdio"}, invocation{}},
		{[]string{"-mode=stdio"}, invocation{flags: []string{"-mode=stdio"}}},
		{[]string{"serve", "-rpc.trace", "--stdio"}, invocation{sub: "serve", subArgs: []string{"-rpc.trace", "--stdio"}}},
		{[]string{"-rpc.trace", "-logfile", "/tmp/x", "serve"}, invocation{flags: []string{"-rpc.trace", "-logfile", "/tmp/x"}, sub: "serve", subArgs: []string{}}},
		{[]string{"-remote=auto", "-v"}, invocation{flags: []string{"-remote=auto", "-v"}}},
		{[]string{"-gopls", "/opt/gopls", "version", "-json"}, invocation{goplsFlag: "/opt/gopls", sub: "version", subArgs: []string{"-json"}}},
		{[]string{"--gopls=/opt/gopls", "check", "./..."}, invocation{goplsFlag: "/opt/gopls", sub: "check", subArgs: []string{"./..."}}},
		{[]string{"api-json"}, invocation{sub: "api-json", subArgs: []string{}}},
		{[]string{"-gopls-timeout", "45s", "serve"}, invocation{goplsTimeout: 45 * time.Second, sub: "serve", subArgs: []string{}}},
		{[]string{"--gopls-timeout=2m"}, invocation{goplsTimeout: 2 * time.Minute}},
		{[]string{"-version"}, invocation{version: true}},
		{[]string{"--version", "-v"}, invocation{version: true, flags: []string{"-v"}}},
		{[]string{"-profile.cpu", "x", "-listen.timeout=1m", "-rpc.trace", "serve", "-listen", ":0"}, invocation{flags: []string{"-profile.cpu", "x", "-listen.timeout=1m", "-rpc.trace"}, sub: "serve", subArgs: []string{"-listen", ":0"}}},
		{[]string{"check", "-nosuch", "./..."}, invocation{sub: "check", subArgs: []string{"-nosuch", "./..."}}}, // check's own flags are check's
	}
	for _, tt := range tests {
		got, err := parseArgs(tt.args)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.args, err)
			continue
		}
		if got.subArgs == nil && tt.want.subArgs != nil && len(tt.want.subArgs) == 0 {
			got.subArgs = []string{}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-nosuch"}, "flag provided but not defined: -nosuch"},
		{[]string{"--nosuch=1", "serve"}, "flag provided but not defined: -nosuch"},
		{[]string{"-w"}, "flag provided but not defined: -w"}, // a flag of gopls's format, not of gopls
		{[]string{"-logfile"}, "flag needs an argument: -logfile"},
		{[]string{"-gopls"}, "flag needs an argument: -gopls"},
		{[]string{"-gopls-timeout"}, "flag needs an argument: -gopls-timeout"},
		{[]string{"-gopls-timeout=soon"}, `-gopls-timeout: "soon" is not a positive duration (e.g. 30s, 2m)`},
		{[]string{"-gopls-timeout=-1s"}, `-gopls-timeout: "-1s" is not a positive duration (e.g. 30s, 2m)`},
		{[]string{"serve", "-remote=auto"}, "serve: flag provided but not defined: -remote"}, // an app flag, not a serve flag
		{[]string{"serve", "-nosuch"}, "serve: flag provided but not defined: -nosuch"},
		{[]string{"serve", "-logfile"}, "serve: flag needs an argument: -logfile"},
		{[]string{"serve", "-rpc.trace", "dir"}, `serve takes no arguments, got "dir"`},
	} {
		if _, err := parseArgs(tt.args); err == nil || err.Error() != tt.err {
			t.Errorf("parseArgs(%q) error = %v, want %q", tt.args, err, tt.err)
		}
	}
	for _, tt := range []struct {
		args []string
		file string
		rest []string
	}{
		{[]string{"-rpc.trace"}, "", []string{"-rpc.trace"}},
		{[]string{"-logfile", "a.log", "-rpc.trace"}, "a.log", []string{"-rpc.trace"}},
		{[]string{"--logfile=a.log", "serve", "-logfile", "b.log"}, "b.log", []string{"serve"}},
		{[]string{"-logfile=auto", "-remote.logfile", "-logfile"}, "", []string{"-logfile=auto", "-remote.logfile", "-logfile"}}, // auto is gopls's; a value that looks like a flag
		{[]string{"-remote=auto", "serve", "-listen", ":0", "-logfile=c.log"}, "c.log", []string{"-remote=auto", "serve", "-listen", ":0"}},
	} {
		file, rest := splitLogfile(tt.args)
		if file != tt.file || !reflect.DeepEqual(rest, tt.rest) {
			t.Errorf("splitLogfile(%q) = %q, %q; want %q, %q", tt.args, file, rest, tt.file, tt.rest)
		}
	}
	inv, _ := parseArgs([]string{"-rpc.trace", "serve", "-logfile=x", "--stdio"})
	if got, want := inv.goplsArgs(), []string{"-rpc.trace", "serve", "-logfile=x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("goplsArgs = %q, want %q", got, want)
	}
}

func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pluginLSP, args...)
	if env != nil {
		cmd.Env = env
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running plugin-lsp %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return o.String(), e.String(), code
}

func TestVersion(t *testing.T) {
	gopls := goplsForTest(t)
	want, err := exec.Command(gopls, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, nil, "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, string(want)) {
		t.Errorf("plugin-lsp version does not start with gopls's output unchanged:\n got %q\nwant prefix %q", out, want)
	}
	rest := strings.TrimPrefix(out, string(want))
	if !strings.HasPrefix(rest, "plugin-lsp ") || strings.Count(rest, "\n") != 1 {
		t.Errorf("after gopls's output: %q, want one line naming plugin-lsp's version", rest)
	}
	if !strings.Contains(out, "golang.org/x/tools/gopls v0.23.0") {
		t.Errorf("version output does not name gopls v0.23.0:\n%s", out)
	}

	wantJSON, err := exec.Command(gopls, "version", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code = runCLI(t, nil, "version", "-json")
	if code != 0 || out != string(wantJSON) {
		t.Errorf("version -json = %q (exit %d), want gopls's JSON unchanged %q", out, code, wantJSON)
	}
}

// TestOtherSubcommandsRunGopls: a subcommand plugin-lsp does not own prints
// exactly what gopls prints.
func TestOtherSubcommandsRunGopls(t *testing.T) {
	want, err := exec.Command(goplsForTest(t), "api-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, nil, "api-json")
	if code != 0 || out != string(want) {
		t.Errorf("api-json: exit %d, %d bytes (gopls: %d); stderr %s", code, len(out), len(want), stderr)
	}
}

// TestMissingGopls: no gopls anywhere gives one clear error naming the
// install command, and exit code 2, for every mode.
func TestMissingGopls(t *testing.T) {
	empty := t.TempDir()
	env := []string{"PATH=" + empty, "HOME=" + empty, "GOPATH=" + empty}
	for _, args := range [][]string{nil, {"serve"}, {"--stdio"}, {"version"}, {"-version"}, {"api-json"}} {
		_, stderr, code := runCLI(t, env, args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "go install golang.org/x/tools/gopls@v0.23.0") {
			t.Errorf("%q: stderr %q, want one line with the install command", args, stderr)
		}
	}
	// Help needs no gopls: plugin-lsp's part is printed, a line says why
	// gopls's is missing, and help still exits 0.
	for _, args := range [][]string{{"help"}, {"-h"}, {"help", "check"}, {"list", "-h"}} {
		out, stderr, code := runCLI(t, env, args...)
		if code != 0 || !strings.HasPrefix(out, "plugin-lsp is gopls") && !strings.HasPrefix(out, "usage: plugin-lsp ") {
			t.Errorf("%q without gopls: exit %d, stdout %.100q", args, code, out)
		}
		if args[0] == "help" && len(args) == 1 || args[0] == "-h" {
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "gopls's help is not shown") {
				t.Errorf("%q without gopls: stderr %q, want one line saying gopls's help is missing", args, stderr)
			}
		} else if stderr != "" {
			t.Errorf("%q without gopls: stderr %q", args, stderr)
		}
	}
	_, stderr, code := runCLI(t, nil, "-gopls", filepath.Join(empty, "nope"), "version")
	if code != 2 || !strings.Contains(stderr, "nope") || !strings.Contains(stderr, "go install") {
		t.Errorf("-gopls pointing nowhere: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI(t, append(os.Environ(), "PLUGIN_LSP_GOPLS="+filepath.Join(empty, "nope")), "version")
	if code != 2 || !strings.Contains(stderr, "PLUGIN_LSP_GOPLS") {
		t.Errorf("PLUGIN_LSP_GOPLS pointing nowhere: exit %d, stderr %q", code, stderr)
	}
}

// TestServeModes: every way of asking for the server serves LSP on stdio,
// through the proxy (initialize merges plugin-lsp.status in), and gopls's
// flags reach gopls. -logfile (before or after serve) gets gopls's log
// (-rpc.trace: the initialize request) and plugin-lsp's informational
// lines; stderr never gets those lines (editors show stderr as errors).
func TestServeModes(t *testing.T) {
	ws, err := filepath.Abs(filepath.Join("..", "..", "testdata", "proxy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{nil, {"serve"}, {"-mode=stdio"}, {"--stdio"}, {"serve", "--stdio", "-rpc.trace"}, {"-logfile=LOG", "-rpc.trace"}, {"serve", "-rpc.trace", "-logfile", "LOG", "--stdio"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			logfile := filepath.Join(t.TempDir(), "gopls.log")
			var a []string
			for _, x := range args {
				a = append(a, strings.ReplaceAll(x, "LOG", logfile))
			}
			res, stderr := serveSession(t, ws, a...)
			if !bytes.Contains(res, []byte(`"plugin-lsp.status"`)) || !bytes.Contains(res, []byte(`"name":"gopls"`)) {
				t.Errorf("initialize result lacks gopls's serverInfo or our command: %.300s", res)
			}
			if strings.Contains(stderr, "started gopls") {
				t.Errorf("stderr has the informational line of gopls's start:\n%s", stderr)
			}
			if strings.Contains(strings.Join(args, " "), "-logfile") {
				b, err := os.ReadFile(logfile)
				if err != nil || !bytes.Contains(b, []byte("initialize")) {
					t.Errorf("gopls did not log to the -logfile given to plugin-lsp (rpc trace expected): %v, %d bytes", err, len(b))
				}
				if !bytes.Contains(b, []byte(" started gopls (pid ")) {
					t.Errorf("the -logfile lacks plugin-lsp's line of gopls's start:\n%s", b)
				}
			}
		})
	}
}

// TestServeSIGTERM: SIGTERM ends the server and its gopls even though the
// editor keeps stdin open.
func TestServeSIGTERM(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pluginLSP)
	in, _ := cmd.StdinPipe()
	defer in.Close()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(outPipe)
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`
	fmt.Fprintf(in, "Content-Length: %d\r\n\r\n%s", len(body), body)
	if _, err := readFrame(out); err != nil { // gopls is up once it answers
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	kids := children(t, cmd.Process.Pid)
	if len(kids) != 1 {
		t.Fatalf("plugin-lsp has children %v, want one gopls", kids)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil && ctx.Err() != nil {
		t.Fatalf("plugin-lsp did not exit on SIGTERM: %v", err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", kids[0])); !os.IsNotExist(err) {
		t.Errorf("gopls (pid %d) outlived plugin-lsp", kids[0])
	}
}

// children returns the pids whose parent is pid, from /proc.
func children(t *testing.T, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(e.Name())
			out = append(out, n)
		}
	}
	return out
}

// TestHelpAndBadFlags: -h prints plugin-lsp's usage and gopls's help, on
// stdout, instead of serving; a flag gopls knows but whose value gopls
// rejects ends the server with a clear error instead of restarting gopls in
// a loop (stdin stays open: no EOF helps). Flags nobody knows:
// TestCLIErrors.
func TestHelpAndBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"serve", "-help"}} {
		out, stderr, code := runCLI(t, nil, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "plugin-lsp is gopls") || !strings.Contains(out, "Usage:") {
			t.Errorf("%q: exit %d, stderr %q, stdout %.300q; want exit 0 and plugin-lsp's usage then gopls's on stdout", args, code, stderr, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pluginLSP, "-listen.timeout=notaduration")
	in, _ := cmd.StdinPipe()
	defer in.Close()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("plugin-lsp with a bad gopls flag value did not exit: %s", stderr.String())
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "exited at start") {
		t.Errorf("bad gopls flag value: %v, stderr %s; want exit 1 saying gopls exited at start", err, stderr.String())
	}
	if n := strings.Count(stderr.String(), "exited at start"); n != 1 {
		t.Errorf("gopls exited at start %d times, want once (no restart loop)", n)
	}
}

// serveSession runs initialize, shutdown and exit against the binary and
// returns the initialize result and the server's stderr.
func serveSession(t *testing.T, ws string, args ...string) ([]byte, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pluginLSP, args...)
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(outPipe)
	send := func(s string) {
		fmt.Fprintf(in, "Content-Length: %d\r\n\r\n%s", len(s), s)
	}
	// reply reads frames until the response with id, answering server requests with null.
	reply := func(id int) []byte {
		for {
			body, err := readFrame(out)
			if err != nil {
				t.Fatalf("reading from plugin-lsp: %v\nstderr: %s", err, stderr.String())
			}
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
				Result json.RawMessage `json:"result"`
			}
			_ = json.Unmarshal(body, &m)
			if m.Method != "" && m.ID != nil {
				send(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":null}`)
				continue
			}
			if m.Method == "" && string(m.ID) == strconv.Itoa(id) {
				return m.Result
			}
		}
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file://` + ws + `","capabilities":{}}}`)
	res := reply(1)
	send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	reply(2)
	send(`{"jsonrpc":"2.0","method":"exit"}`)
	go io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("plugin-lsp %q did not exit cleanly: %v\nstderr: %s", args, err, stderr.String())
	}
	return res, stderr.String()
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, n)
	_, err := io.ReadFull(r, body)
	return body, err
}
