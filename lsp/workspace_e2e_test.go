package lsp

import (
	"context"
	"encoding/json"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index/synth"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// The editor path of the rules engine, end to end: the plugin-lsp proxy
// process (lsp.Serve with the real feature table) in front of the real
// gopls, on a copy of testdata/lsp/multi (a go.work of three modules: the
// contract, plugins alpha/beta/gamma, a host linking all three). Every wait
// is bounded by testTimeout; nothing asserts timing.

// wsCopy copies testdata/lsp/<name> to a temporary directory (the tests
// edit files on disk) and returns it.
func wsCopy(t testing.TB, name string) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("..", "testdata", "lsp", name))
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// wsDiag is a published diagnostic, decoded and raw (to send back as is).
type wsDiag struct {
	protocol.Diagnostic
	raw json.RawMessage
}

func (d wsDiag) code() string { s, _ := d.Code.(string); return s }

// wsLastPublish returns the diagnostics of the last publishDiagnostics for
// uri among notes.
func wsLastPublish(notes []*wire.Message, uri string) ([]wsDiag, bool) {
	last := lastPublish(notes, uri)
	if last == nil {
		return nil, false
	}
	var pp struct {
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	_ = json.Unmarshal(last.Params, &pp)
	out := make([]wsDiag, 0, len(pp.Diagnostics))
	for _, raw := range pp.Diagnostics {
		var d protocol.Diagnostic
		_ = json.Unmarshal(raw, &d)
		out = append(out, wsDiag{Diagnostic: d, raw: raw})
	}
	return out, true
}

// wsWaitDiags waits until the last publish for uri satisfies cond.
func wsWaitDiags(t testing.TB, ctx context.Context, p *lspProc, uri, what string, cond func([]wsDiag) bool) []wsDiag {
	t.Helper()
	var got []wsDiag
	p.waitFor(ctx, what+" in "+filepath.Base(uri), func(notes, _ []*wire.Message) bool {
		ds, ok := wsLastPublish(notes, uri)
		if ok && cond(ds) {
			got = ds
			return true
		}
		return false
	})
	return got
}

func wsOurs(ds []wsDiag, rule string) []wsDiag {
	var out []wsDiag
	for _, d := range ds {
		if d.Source == DiagnosticSource && (rule == "" || d.code() == rule) {
			out = append(out, d)
		}
	}
	return out
}

func wsGoplsErrors(ds []wsDiag) []wsDiag {
	var out []wsDiag
	for _, d := range ds {
		if d.Source != DiagnosticSource {
			out = append(out, d)
		}
	}
	return out
}

// wsSettings is the editor's "plugin-lsp" configuration section, answered
// to workspace/configuration.
type wsSettings struct {
	mu  sync.Mutex
	raw json.RawMessage
}

func (s *wsSettings) set(raw string) {
	s.mu.Lock()
	s.raw = json.RawMessage(raw)
	s.mu.Unlock()
}

func (s *wsSettings) answer(m *wire.Message) (json.RawMessage, *wire.Error) {
	if m.Method != "workspace/configuration" {
		return defaultAnswer(m)
	}
	s.mu.Lock()
	raw := s.raw
	s.mu.Unlock()
	return configurationReply(m, func(section string) json.RawMessage {
		if section == SettingsSection {
			return raw
		}
		return nil
	})
}

func TestWorkspaceDiagnosticsEndToEnd(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "multi")
	alpha := filepath.Join(root, "plugins", "alpha", "alpha.go")
	beta := filepath.Join(root, "plugins", "beta", "beta.go")
	gamma := filepath.Join(root, "plugins", "gamma", "gamma.go")
	host := filepath.Join(root, "host", "main.go")
	alphaURI, betaURI, gammaURI, hostURI := fileURI(alpha), fileURI(beta), fileURI(gamma), fileURI(host)

	settings := &wsSettings{}
	p := startProxy(t)
	p.setAnswer(settings.answer)
	// Our settings in initializationOptions, as editors/vscode sends them.
	p.call(ctx, "initialize", map[string]any{
		"processId":             os.Getpid(),
		"rootUri":               fileURI(root),
		"workspaceFolders":      []any{map[string]any{"uri": fileURI(root), "name": "multi"}},
		"capabilities":          editorCapabilities(),
		"initializationOptions": map[string]any{SettingsSection: map[string]any{"debounceMs": 50, "rules": map[string]any{"disabled": []string{}}}},
	})
	p.notify("initialized", map[string]any{})
	t.Cleanup(func() { wsShutdown(t, p) })
	t.Cleanup(func() {
		// gopls never saw our settings (it would show "Invalid settings").
		for _, n := range p.notifications("window/showMessage") {
			if strings.Contains(string(n.Params), "Invalid settings") {
				t.Errorf("gopls complained about settings: %s", n.Params)
			}
		}
	})

	betaText := readText(t, beta)
	openDoc(p, betaURI, betaText, 1)

	t.Run("REG001 next to a gopls type error, both sides", func(t *testing.T) {
		ds := wsWaitDiags(t, ctx, p, betaURI, "REG001 and a gopls type error", func(ds []wsDiag) bool {
			return len(wsOurs(ds, "REG001")) == 1 && len(wsGoplsErrors(ds)) > 0
		})
		reg := wsOurs(ds, "REG001")[0]
		if reg.Source != "plugin-lsp" || reg.Severity != protocol.DiagnosticSeverityError {
			t.Errorf("REG001 source %q severity %v", reg.Source, reg.Severity)
		}
		if want := at(t, betaText, `"logger"`, 0, 0); reg.Range.Start != want {
			t.Errorf("REG001 at %v, want %v (the name)", reg.Range.Start, want)
		}
		if reg.CodeDescription == nil || !strings.Contains(string(reg.CodeDescription.Href), "reg001") {
			t.Errorf("REG001 codeDescription %+v, want the rule's help URI", reg.CodeDescription)
		}
		alphaText := readText(t, alpha)
		if len(reg.RelatedInformation) == 0 || string(reg.RelatedInformation[0].Location.URI) != alphaURI ||
			reg.RelatedInformation[0].Location.Range.Start != at(t, alphaText, `"logger"`, 0, 0) {
			t.Errorf("REG001 relatedInformation %+v, want the first registration in %s", reg.RelatedInformation, alphaURI)
		}
		if g := wsGoplsErrors(ds); !strings.Contains(g[0].Message, "cannot use") {
			t.Errorf("gopls's diagnostic %q, want the type error", g[0].Message)
		}
		// The other side, in a file the editor has not opened.
		wsWaitDiags(t, ctx, p, alphaURI, "REG001 on the first registration", func(ds []wsDiag) bool {
			return len(wsOurs(ds, "REG001")) == 1
		})
	})

	t.Run("watched files registered dynamically", func(t *testing.T) {
		p.waitFor(ctx, "client/registerCapability for our globs", func(_, reqs []*wire.Message) bool {
			for _, r := range reqs {
				if r.Method == "client/registerCapability" && strings.Contains(string(r.Params), `"plugin-lsp-watched-files"`) &&
					strings.Contains(string(r.Params), `**/plugin-manifest.yaml`) {
					return true
				}
			}
			return false
		})
	})

	hostText := readText(t, host)
	openDoc(p, hostURI, hostText, 1)

	t.Run("REG003 quick fix", func(t *testing.T) {
		ds := wsWaitDiags(t, ctx, p, hostURI, "REG003", func(ds []wsDiag) bool { return len(wsOurs(ds, "REG003")) == 1 })
		d := wsOurs(ds, "REG003")[0]
		res := p.call(ctx, "textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": hostURI},
			"range":        d.Range,
			"context":      map[string]any{"diagnostics": []json.RawMessage{d.raw}},
		})
		var actions []struct {
			Title       string                 `json:"title"`
			Kind        string                 `json:"kind"`
			Diagnostics []json.RawMessage      `json:"diagnostics"`
			Edit        protocol.WorkspaceEdit `json:"edit"`
		}
		if err := json.Unmarshal(res, &actions); err != nil {
			t.Fatalf("codeAction result %s: %v", res, err)
		}
		var fix *protocol.WorkspaceEdit
		for i, a := range actions {
			if a.Title == `Replace with "logger"` {
				if a.Kind != "quickfix" || len(a.Diagnostics) != 1 || string(a.Diagnostics[0]) != string(d.raw) {
					t.Errorf("quick fix %+v: want kind quickfix with the diagnostic attached as sent", a)
				}
				fix = &actions[i].Edit
			}
		}
		if fix == nil {
			t.Fatalf("no REG003 quick fix among %s", res)
		}
		edits := fix.Changes[protocol.DocumentURI(hostURI)]
		want := protocol.Range{Start: at(t, hostText, `"loger"`, 0, 0), End: at(t, hostText, `"loger"`, 0, len(`"loger"`))}
		if len(fix.Changes) != 1 || len(edits) != 1 || edits[0].Range != want || edits[0].NewText != `"logger"` {
			t.Fatalf("quick fix edit %+v, want %q at %v", fix.Changes, `"logger"`, want)
		}
		fixed := wsApply(t, hostText, edits)
		if out, err := format.Source([]byte(fixed)); err != nil || string(out) != fixed {
			t.Errorf("the fixed file is not gofmt-clean (err %v):\n%s", err, fixed)
		}
		// Applying it (unsaved) clears the diagnostic.
		p.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": hostURI, "version": 2},
			"contentChanges": []any{map[string]any{"range": edits[0].Range, "text": edits[0].NewText}},
		})
		wsWaitDiags(t, ctx, p, hostURI, "no REG003", func(ds []wsDiag) bool { return len(wsOurs(ds, "")) == 0 })
	})

	t.Run("fixed via didChange, both sides disappear", func(t *testing.T) {
		fixed := strings.Replace(betaText, `registry.Register("logger"`, `registry.Register("beta"`, 1)
		fixed = strings.Replace(fixed, `var retries int = "three"`, `var retries int = 3`, 1)
		p.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": betaURI, "version": 2},
			"contentChanges": []any{map[string]any{"text": fixed}},
		})
		wsWaitDiags(t, ctx, p, betaURI, "no diagnostics", func(ds []wsDiag) bool { return len(ds) == 0 })
		wsWaitDiags(t, ctx, p, alphaURI, "no diagnostics in the file that is not open", func(ds []wsDiag) bool { return len(ds) == 0 })
	})

	t.Run("disk change via didChangeWatchedFiles", func(t *testing.T) {
		// alpha now takes gamma's name: a new duplicate across two files
		// that are not open.
		alphaText := strings.Replace(readText(t, alpha), `"logger"`, `"metrics"`, 1)
		if err := os.WriteFile(alpha, []byte(alphaText), 0o644); err != nil {
			t.Fatal(err)
		}
		p.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": alphaURI, "type": 2}}})
		for _, uri := range []string{alphaURI, gammaURI} {
			ds := wsWaitDiags(t, ctx, p, uri, "REG001 for metrics", func(ds []wsDiag) bool { return len(wsOurs(ds, "REG001")) == 1 })
			if m := ds[0].Message; !strings.Contains(m, `"metrics"`) {
				t.Errorf("%s: %q, want the duplicate metrics", filepath.Base(uri), m)
			}
		}
	})

	t.Run("settings disable a rule; bad settings keep the old ones", func(t *testing.T) {
		settings.set(`{"rules": {"disabled": ["REG001"]}}`)
		p.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
		wsWaitDiags(t, ctx, p, alphaURI, "REG001 disabled", func(ds []wsDiag) bool { return len(wsOurs(ds, "")) == 0 })
		wsWaitDiags(t, ctx, p, gammaURI, "REG001 disabled", func(ds []wsDiag) bool { return len(wsOurs(ds, "")) == 0 })

		settings.set(`{"rules": {"disabled": ["REG999"]}, "debounceMs": -1}`)
		p.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
		p.waitFor(ctx, "an error message about the settings", func(notes, _ []*wire.Message) bool {
			for _, n := range notes {
				if n.Method == "window/showMessage" && strings.Contains(string(n.Params), "REG999") {
					return true
				}
			}
			return false
		})
		st := wsStatus(t, ctx, p)
		if len(st.Errors) == 0 {
			t.Errorf("status has no error after bad settings: %+v", st)
		}

		// Back to the defaults (severity changed): REG001 is back, as a warning.
		settings.set(`{"severity": {"REG001": "warning"}}`)
		p.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
		wsWaitDiags(t, ctx, p, gammaURI, "REG001 back as a warning", func(ds []wsDiag) bool {
			o := wsOurs(ds, "REG001")
			return len(o) == 1 && o[0].Severity == protocol.DiagnosticSeverityWarning
		})
	})

	t.Run("status", func(t *testing.T) {
		st := wsStatus(t, ctx, p)
		if st.LastCheckMs <= 0 || st.Recomputes == 0 {
			t.Errorf("no recompute in the status: %+v", st)
		}
		if st.State != "ready" || st.Files < 7 || st.Modules != 3 || st.Registries < 1 || st.Plugins != 3 || st.Hosts != 1 {
			t.Errorf("index status %+v", st)
		}
	})
}

// wsShutdown ends the session and fails the test if the proxy did not
// exit cleanly or the race detector reported in it.
func wsShutdown(t testing.TB, p *lspProc) {
	t.Helper()
	if err := p.shutdown(ctxT(t)); err != nil {
		t.Errorf("proxy exit: %v", err)
	}
	if strings.Contains(p.stderr.String(), "DATA RACE") {
		t.Errorf("data race in the proxy:\n%s", tail(p.stderr.String(), 6000))
	}
}

func wsStatus(t testing.TB, ctx context.Context, p *lspProc) IndexStatus {
	t.Helper()
	res := p.call(ctx, "workspace/executeCommand", map[string]any{"command": StatusCommand})
	var st struct {
		Index IndexStatus `json:"index"`
	}
	if err := json.Unmarshal(res, &st); err != nil {
		t.Fatalf("status %s: %v", res, err)
	}
	return st.Index
}

// wsApply applies non-overlapping edits (UTF-16 positions) to text.
func wsApply(t testing.TB, text string, edits []protocol.TextEdit) string {
	t.Helper()
	m := proxy.NewMapper([]byte(text), proxy.UTF16)
	type span struct {
		s, e int
		txt  string
	}
	var spans []span
	for _, e := range edits {
		s, end, err := m.Offsets(e.Range)
		if err != nil {
			t.Fatal(err)
		}
		spans = append(spans, span{s, end, e.NewText})
	}
	for i := len(spans) - 1; i >= 0; i-- { // edits come in file order
		sp := spans[i]
		text = text[:sp.s] + sp.txt + text[sp.e:]
	}
	return text
}

// A client without dynamic registration of watched files and with
// work-done progress: the first build of a 2,000-file workspace reports
// $/progress (begin … end), and disk changes reach the index through
// fsnotify, without any didChangeWatchedFiles.
func TestWorkspaceProgressAndFSNotify(t *testing.T) {
	ctx := ctxT(t)
	dir := t.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if _, err := synth.Generate(dir, synth.Spec{Files: 2000}); err != nil {
		t.Fatal(err)
	}
	host := filepath.Join(dir, "host", "main.go")
	hostURI := fileURI(host)
	caps := editorCapabilities()
	caps["workspace"].(map[string]any)["didChangeWatchedFiles"] = map[string]any{"dynamicRegistration": false}
	p := startProxy(t)
	p.initialize(ctx, dir, caps)
	t.Cleanup(func() { wsShutdown(t, p) })

	var token string
	p.waitFor(ctx, "our progress token", func(_, reqs []*wire.Message) bool {
		for _, r := range reqs {
			if r.Method == "window/workDoneProgress/create" && strings.Contains(string(r.Params), `"plugin-lsp-`) {
				token = string(wire.GetMember(r.Params, "token"))
				return true
			}
		}
		return false
	})
	progress := func(kind string) func(notes, _ []*wire.Message) bool {
		return func(notes, _ []*wire.Message) bool {
			for _, n := range notes {
				if n.Method == "$/progress" && string(wire.GetMember(n.Params, "token")) == token &&
					string(wire.GetPath(n.Params, "value", "kind")) == strconv.Quote(kind) {
					return true
				}
			}
			return false
		}
	}
	p.waitFor(ctx, "progress begin", progress("begin"))
	p.waitFor(ctx, "progress end", progress("end"))

	// The synthetic host looks up "p0000"; make it a typo of a registered
	// name, then the name itself, on disk only.
	orig := readText(t, host)
	for _, step := range []struct {
		name string
		want int
	}{{`"p0042-x"`, 1}, {`"p0042-5"`, 0}} {
		text := strings.Replace(orig, `"p0000"`, step.name, 1)
		if err := os.WriteFile(host, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		wsWaitDiags(t, ctx, p, hostURI, "REG003 after writing "+step.name, func(ds []wsDiag) bool { return len(wsOurs(ds, "REG003")) == step.want })
	}
	for _, r := range p.serverRequests("client/registerCapability") {
		if strings.Contains(string(r.Params), "plugin-lsp-watched-files") {
			t.Errorf("registered watched files with a client that cannot: %s", r.Params)
		}
	}
	if n := len(p.notifications("workspace/didChangeWatchedFiles")); n != 0 {
		t.Errorf("%d didChangeWatchedFiles", n)
	}
}

// The type rules run in the background (go/packages) and are published
// when they arrive: PL002 on a Lookup of a var asserted as its own type,
// with the quick fix v.(int) → v.(*int), which clears it once applied.
func TestWorkspaceTypeRulesEndToEnd(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "native")
	host := filepath.Join(root, "host", "main.go")
	hostURI := fileURI(host)
	p := startProxy(t)
	p.initialize(ctx, root, nil)
	t.Cleanup(func() { wsShutdown(t, p) })
	text := readText(t, host)
	openDoc(p, hostURI, text, 1)

	ds := wsWaitDiags(t, ctx, p, hostURI, "PL002", func(ds []wsDiag) bool { return len(wsOurs(ds, "PL002")) == 1 })
	d := wsOurs(ds, "PL002")[0]
	if !strings.Contains(d.Message, "*int") || d.Range.Start != at(t, text, "v.(int)", 0, len("v."+"(")) {
		t.Errorf("PL002 %q at %v", d.Message, d.Range)
	}
	res := p.call(ctx, "textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": hostURI},
		"range":        d.Range,
		"context":      map[string]any{"diagnostics": []json.RawMessage{d.raw}, "only": []string{"quickfix"}},
	})
	var actions []struct {
		Title string                 `json:"title"`
		Kind  string                 `json:"kind"`
		Edit  protocol.WorkspaceEdit `json:"edit"`
	}
	if err := json.Unmarshal(res, &actions); err != nil {
		t.Fatalf("codeAction result %s: %v", res, err)
	}
	var edits []protocol.TextEdit
	for _, a := range actions {
		if a.Kind == "quickfix" && len(a.Edit.Changes[protocol.DocumentURI(hostURI)]) > 0 {
			edits = a.Edit.Changes[protocol.DocumentURI(hostURI)]
		}
	}
	if edits == nil {
		t.Fatalf("no PL002 quick fix among %s", res)
	}
	fixed := wsApply(t, text, edits)
	if !strings.Contains(fixed, "v.(*int)") {
		t.Fatalf("fixed text:\n%s", fixed)
	}
	if out, err := format.Source([]byte(fixed)); err != nil || string(out) != fixed {
		t.Errorf("the fixed file is not gofmt-clean (err %v)", err)
	}
	p.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": hostURI, "version": 2},
		"contentChanges": []any{map[string]any{"text": fixed}},
	})
	wsWaitDiags(t, ctx, p, hostURI, "PL002 gone", func(ds []wsDiag) bool { return len(wsOurs(ds, "")) == 0 })
}
