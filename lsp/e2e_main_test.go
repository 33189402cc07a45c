package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// The end-to-end tests run real processes: gopls itself, and plugin-lsp's
// proxy, which is this test binary re-executed with PLUGIN_LSP_TEST_PROXY=1
// (so that test-only features, such as a fake source of our diagnostics
// standing for the rules engine, can live inside the proxy process; the
// proxy code is the same lsp.Serve that cmd/plugin-lsp runs, and
// cmd/plugin-lsp's tests run the built binary end to end).

// goplsPath is the gopls the tests run, found once in TestMain.
var goplsPath string

func TestMain(m *testing.M) {
	if os.Getenv("PLUGIN_LSP_TEST_PROXY") == "1" {
		os.Exit(testProxyMain())
	}
	if p, err := exec.LookPath("gopls"); err == nil {
		goplsPath = p
	} else if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(filepath.SplitList(strings.TrimSpace(string(out)))[0], "bin", "gopls")
		if _, err := os.Stat(p); err == nil {
			goplsPath = p
		}
	}
	os.Exit(m.Run())
}

func needGopls(t testing.TB) string {
	t.Helper()
	if goplsPath == "" {
		t.Fatal("gopls not found on PATH or in $(go env GOPATH)/bin; install it with `go install tool`")
	}
	return goplsPath
}

// testProxyMain is the proxy process: lsp.Serve on stdio.
func testProxyMain() int {
	opts := Options{
		GoplsPath: os.Getenv("PLUGIN_LSP_TEST_GOPLS"),
		Stderr:    os.Stderr,
		Version:   "test",
	}
	if v := os.Getenv("PLUGIN_LSP_TEST_LOGFILE"); v != "" {
		f, err := os.OpenFile(v, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "proxy:", err)
			return 2
		}
		defer f.Close()
		opts.LogFile = f
	}
	if v := os.Getenv("PLUGIN_LSP_TEST_MAXCRASHES"); v != "" {
		opts.MaxCrashes, _ = strconv.Atoi(v)
	}
	// Liveness knobs for the hung-gopls tests (e2e_hang_test.go).
	if v := os.Getenv("PLUGIN_LSP_TEST_GOPLS_TIMEOUT"); v != "" {
		opts.GoplsTimeout, _ = time.ParseDuration(v)
	}
	if v := os.Getenv("PLUGIN_LSP_TEST_EXIT_GRACE"); v != "" {
		opts.ExitGrace, _ = time.ParseDuration(v)
	}
	if v := os.Getenv("PLUGIN_LSP_TEST_MAXQUEUE"); v != "" {
		opts.MaxQueue, _ = strconv.Atoi(v)
	}
	table := featureTable()
	switch os.Getenv("PLUGIN_LSP_TEST_PROXY_ONLY") {
	case "1":
		// The proxy alone (benchmarks): no index, no feature handlers.
		table = []FeatureFunc{statusFeature}
	case "middleware":
		// The proxy with handlers that only forward: the cost of the
		// interception machinery itself.
		table = []FeatureFunc{statusFeature, forwardOnlyFeature}
	}
	if os.Getenv("PLUGIN_LSP_TEST_FAKES") == "1" {
		// Only the proxy's own features and the fakes: the assertions about
		// merging must not depend on what the real features publish.
		table = []FeatureFunc{statusFeature, fakeFeature}
	}
	if os.Getenv("PLUGIN_LSP_TEST_COUNT_HANDLERS") == "1" {
		// Every handler counted (claims_e2e_test.go): which requests ran a
		// handler chain and which took the raw path.
		table = countingTable(table)
	}
	opts.Features = sessionFeatures(table)
	// SIGTERM ends the session as in cmd/plugin-lsp (main.go).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Serve(ctx, os.Stdin, os.Stdout, opts); err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	return 0
}

// startProxy starts the proxy process with extra environment.
func startProxy(t testing.TB, env ...string) *lspProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"PLUGIN_LSP_TEST_PROXY=1", "PLUGIN_LSP_TEST_GOPLS=" + needGopls(t)}, env...)...)
	return startProc(t, cmd)
}

func startGopls(t testing.TB) *lspProc {
	t.Helper()
	return startProc(t, exec.Command(needGopls(t)))
}

// fakeDiagnostics stands for plugin-lsp's rules engine: the test sets its
// diagnostics through the command plugin-lsp.test.setDiagnostics.
type fakeDiagnostics struct {
	mu    sync.Mutex
	diags map[protocol.DocumentURI][]protocol.Diagnostic
}

func (f *fakeDiagnostics) Diagnostics(uri protocol.DocumentURI) []protocol.Diagnostic {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.diags[uri]
}

// fakeFeature is the test-only feature: a fake diagnostics source and
// handlers that exercise the extension points (panics, cancellation, our own
// requests to the editor).
func fakeFeature(w *Workspace) proxy.Feature {
	s := w.s
	src := &fakeDiagnostics{diags: map[protocol.DocumentURI][]protocol.Diagnostic{}}
	s.SetDiagnosticsSource(src)
	return proxy.Feature{
		Name: "test-fakes",
		Requests: map[string]proxy.RequestHandler{
			"test/panic": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				panic("deliberate test panic")
			},
			"test/badJSON": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				return json.RawMessage(`{"broken":`), nil
			},
			// test/block blocks without deciding (a buggy feature).
			"test/block": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			},
			"test/wait": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				proxy.Detach(ctx)
				<-ctx.Done()
				return nil, ctx.Err()
			},
			// hover passes through a middleware that forwards untouched.
			"textDocument/hover": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				return forward(ctx)
			},
		},
		Commands: map[string]proxy.CommandHandler{
			"plugin-lsp.test.setDiagnostics": func(ctx context.Context, args []json.RawMessage) (any, error) {
				var uri protocol.DocumentURI
				var diags []protocol.Diagnostic
				if len(args) != 2 || json.Unmarshal(args[0], &uri) != nil || json.Unmarshal(args[1], &diags) != nil {
					return nil, proxy.NewError(-32602, "want [uri, diagnostics]")
				}
				src.mu.Lock()
				src.diags[uri] = diags
				src.mu.Unlock()
				s.DiagnosticsChanged(uri)
				return "ok", nil
			},
			// overlayText returns the proxy's text of an open document
			// (e2e_overlay_test.go compares it with gopls's).
			"plugin-lsp.test.overlayText": func(ctx context.Context, args []json.RawMessage) (any, error) {
				var uri protocol.DocumentURI
				if len(args) != 1 || json.Unmarshal(args[0], &uri) != nil {
					return nil, proxy.NewError(-32602, "want [uri]")
				}
				d, ok := s.Overlays().Get(uri)
				if !ok {
					return nil, proxy.NewError(-32602, "%s is not open", uri)
				}
				return string(d.Text), nil
			},
			"plugin-lsp.test.askEditor": func(ctx context.Context, args []json.RawMessage) (any, error) {
				ctx, cancel := context.WithTimeout(ctx, testTimeout)
				defer cancel()
				res, err := s.CallClient(ctx, "window/showMessageRequest", map[string]any{
					"type": 3, "message": "pick one", "actions": []any{map[string]string{"title": "a"}, map[string]string{"title": "b"}},
				})
				if err != nil {
					return nil, err
				}
				return res, nil
			},
		},
		Notifications: map[string]proxy.NotificationObserver{
			"textDocument/didSave": func(ctx context.Context, params json.RawMessage) {
				panic("deliberate observer panic")
			},
		},
		Capabilities: proxy.Capabilities{
			CompletionTriggers: []string{`"`},
			Set:                map[string]json.RawMessage{"codeLensProvider": json.RawMessage(`{"resolveProvider":false}`), "pluginLspTest": json.RawMessage(`true`)},
		},
	}
}

// forwardOnlyFeature intercepts the benchmarked methods and forwards them
// untouched.
func forwardOnlyFeature(*Workspace) proxy.Feature {
	fwd := func(ctx context.Context, _ json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
		return forward(ctx)
	}
	return proxy.Feature{Name: "forward-only", Requests: map[string]proxy.RequestHandler{
		"textDocument/definition": fwd, "textDocument/hover": fwd, "textDocument/completion": fwd,
	}}
}

// workspace is testdata/proxy, absolute.
func workspace(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "proxy"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// at returns the UTF-16 position of the n-th (0-based) occurrence of marker
// in text, moved by delta bytes.
func at(t testing.TB, text, marker string, n, delta int) protocol.Position {
	t.Helper()
	off := -1
	from := 0
	for i := 0; i <= n; i++ {
		j := strings.Index(text[from:], marker)
		if j < 0 {
			t.Fatalf("marker %q #%d not found", marker, n)
		}
		off = from + j
		from = off + 1
	}
	p, err := proxy.NewMapper([]byte(text), proxy.UTF16).Position(off + delta)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func openDoc(p *lspProc, uri, text string, version int) {
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": version, "text": text}})
}

// hasDiagnosticsFor reports whether a publishDiagnostics for uri arrived.
func hasDiagnosticsFor(uri string) func(notes, _ []*wire.Message) bool {
	return func(notes, _ []*wire.Message) bool {
		return lastPublish(notes, uri) != nil
	}
}

// lastPublish returns the last publishDiagnostics for uri among notes, or nil.
func lastPublish(notes []*wire.Message, uri string) *wire.Message {
	var last *wire.Message
	for _, n := range notes {
		if n.Method == "textDocument/publishDiagnostics" && string(wire.GetMember(n.Params, "uri")) == strconv.Quote(uri) {
			last = n
		}
	}
	return last
}

// lastDiagnostics returns the diagnostics of the last publish for uri.
func lastDiagnostics(p *lspProc, uri string) ([]protocol.Diagnostic, bool) {
	return lastDiagnosticsIn(p.notifications("textDocument/publishDiagnostics"), uri)
}

// lastDiagnosticsIn is lastDiagnostics over notes (for waitFor conditions,
// which run with the client's lock held).
func lastDiagnosticsIn(notes []*wire.Message, uri string) ([]protocol.Diagnostic, bool) {
	last := lastPublish(notes, uri)
	if last == nil {
		return nil, false
	}
	var pp struct {
		Diagnostics []protocol.Diagnostic `json:"diagnostics"`
	}
	_ = json.Unmarshal(last.Params, &pp)
	return pp.Diagnostics, true
}

var _ = time.Second
