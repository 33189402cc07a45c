package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// TestNavigationEndToEnd runs every marker of testdata/nav/*.txtar through
// plugin-lsp (this test binary as the proxy, in front of the real gopls)
// over stdio, first on the saved files, then after a didChange that moves
// every line of each Go file (unsaved editor text). Markers that expect
// "not ours" are compared with the answer of a plain gopls on the same
// workspace, in the same state.
func TestNavigationEndToEnd(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "testdata", "nav", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no testdata/nav/*.txtar: %v", err)
	}
	for _, a := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(a), ".txtar"), func(t *testing.T) {
			ctx := ctxT(t)
			ws := navtest.Load(t, a)
			srv, gopls := startNavPair(t)
			srv.initialize(ctx, ws.Dir, nil)
			gopls.initialize(ctx, ws.Dir, nil)
			waitIndexReady(ctx, t, srv)
			texts := map[string]string{}
			for name, data := range ws.Files {
				texts[name] = string(data)
				if strings.HasSuffix(name, ".go") {
					for _, p := range []*lspProc{srv, gopls} {
						openDoc(p, fileURI(ws.Path(name)), string(data), 1)
					}
				}
			}
			t.Run("saved", func(t *testing.T) {
				for _, m := range ws.Markers {
					checkE2EMarker(ctx, t, ws, texts, srv, gopls, m, 0)
				}
			})
			// Unsaved: every Go file gets a new first line in the editor
			// only; every position moves by one line.
			const prefix = "// edited, not saved\n"
			for name := range ws.Files {
				if strings.HasSuffix(name, ".go") {
					texts[name] = prefix + string(ws.Files[name])
					for _, p := range []*lspProc{srv, gopls} {
						p.notify("textDocument/didChange", map[string]any{
							"textDocument":   map[string]any{"uri": fileURI(ws.Path(name)), "version": 2},
							"contentChanges": []any{map[string]any{"range": protocol.Range{}, "text": prefix}},
						})
					}
				}
			}
			t.Run("unsaved", func(t *testing.T) {
				for _, m := range ws.Markers {
					// Every Go location moves, whichever file the marker is in
					// (a config mention's definition is in Go).
					checkE2EMarker(ctx, t, ws, texts, srv, gopls, m, len(prefix))
				}
			})
		})
	}
}

// startNavPair starts plugin-lsp (in front of its gopls) and a plain gopls,
// both answering the editor's side with deterministicGopls.
func startNavPair(t testing.TB) (srv, gopls *lspProc) {
	t.Helper()
	srv, gopls = startProxy(t), startGopls(t)
	for _, p := range []*lspProc{srv, gopls} {
		p.setAnswer(deterministicGopls)
	}
	return srv, gopls
}

// deterministicGopls answers the editor's side like defaultAnswer, but
// gives gopls an unlimited completion budget, so that two gopls processes
// (one behind plugin-lsp, one alone) complete identically.
func deterministicGopls(m *wire.Message) (json.RawMessage, *wire.Error) {
	if m.Method != "workspace/configuration" {
		return defaultAnswer(m)
	}
	return configurationReply(m, func(section string) json.RawMessage {
		if section == "gopls" {
			return json.RawMessage(`{"completionBudget":"0s"}`)
		}
		return nil
	})
}

// waitIndexReady polls plugin-lsp.status until the index is built.
func waitIndexReady(ctx context.Context, t testing.TB, p *lspProc) {
	t.Helper()
	for {
		res := p.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.status", "arguments": []any{}})
		var st struct {
			Index struct {
				State string `json:"state"`
			} `json:"index"`
		}
		_ = json.Unmarshal(res, &st)
		switch st.Index.State {
		case "ready":
			return
		case "failed":
			t.Fatalf("index failed: %s", res)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("index not ready: %s", res)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// e2eLocKey renders a location of a named marker in the editor's text.
func e2eLocKey(t testing.TB, ws *navtest.Workspace, texts map[string]string, file string, start, end int) string {
	t.Helper()
	r, err := proxy.NewMapper([]byte(texts[file]), proxy.UTF16).Range(start, end)
	if err != nil {
		t.Fatal(err)
	}
	return locKey(protocol.DocumentURI(fileURI(ws.Path(file))), r)
}

// expectedKeys maps @loc names to location keys in the current texts; shift
// is added to offsets in Go files (the unsaved prefix).
func expectedKeys(t testing.TB, ws *navtest.Workspace, texts map[string]string, names []string, shift int, contents bool) []string {
	t.Helper()
	out := []string{}
	for _, n := range names {
		l, ok := ws.Locs[n]
		if !ok {
			t.Fatalf("no @loc(%s)", n)
		}
		s, e := l.Start, l.End
		if contents && ws.Files[l.File][s] == '"' {
			s, e = s+1, e-1
		}
		if strings.HasSuffix(l.File, ".go") {
			s, e = s+shift, e+shift
		}
		out = append(out, e2eLocKey(t, ws, texts, l.File, s, e))
	}
	sort.Strings(out)
	return out
}

func resultKeys(t testing.TB, res json.RawMessage) []string {
	t.Helper()
	var locs []protocol.Location
	if s := strings.TrimSpace(string(res)); s != "null" {
		if err := json.Unmarshal(res, &locs); err != nil {
			t.Fatalf("locations %s: %v", res, err)
		}
	}
	out := []string{}
	for _, l := range locs {
		out = append(out, locKey(l.URI, l.Range))
	}
	sort.Strings(out)
	return out
}

func checkE2EMarker(ctx context.Context, t *testing.T, ws *navtest.Workspace, texts map[string]string, srv, gopls *lspProc, m navtest.Marker, shift int) {
	t.Helper()
	uri := fileURI(ws.Path(m.File))
	cursor := m.Cursor
	if strings.HasSuffix(m.File, ".go") {
		cursor += shift
	}
	pos, err := proxy.NewMapper([]byte(texts[m.File]), proxy.UTF16).Position(cursor)
	if err != nil {
		t.Fatal(err)
	}
	tdp := map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos}
	method := map[string]string{"def": "textDocument/definition", "refs": "textDocument/references", "impl": "textDocument/implementation",
		"hover": "textDocument/hover", "complete": "textDocument/completion", "rename": "textDocument/rename", "norename": "textDocument/prepareRename"}[m.Op]
	params := tdp
	switch m.Op {
	case "refs":
		params = map[string]any{"textDocument": tdp["textDocument"], "position": pos, "context": map[string]any{"includeDeclaration": true}}
	case "rename":
		params = map[string]any{"textDocument": tdp["textDocument"], "position": pos, "newName": m.Args[0]}
	}
	if m.Op == "gopls" {
		// Outside plugin strings every feature is gopls's, unchanged.
		for _, meth := range []string{"textDocument/definition", "textDocument/hover", "textDocument/implementation", "textDocument/prepareRename", "textDocument/completion"} {
			compareWithGopls(ctx, t, srv, gopls, meth, tdp, m.String())
		}
		compareWithGopls(ctx, t, srv, gopls, "textDocument/references",
			map[string]any{"textDocument": tdp["textDocument"], "position": pos, "context": map[string]any{"includeDeclaration": true}}, m.String())
		return
	}
	if len(m.Args) == 0 || m.Op == "norename" && m.Args[0] == "gopls" {
		if strings.HasSuffix(m.File, ".go") {
			compareWithGopls(ctx, t, srv, gopls, method, params, m.String())
		}
		return
	}
	msg, err := srv.send(ctx, method, params)
	if err != nil {
		t.Fatalf("%s: %v", m, err)
	}
	if m.Op == "norename" {
		switch m.Args[0] {
		case "error":
			if msg.Error == nil {
				t.Errorf("%s: prepareRename answered %s, want an error", m, msg.Result)
			}
		case "ours":
			if msg.Error != nil || string(msg.Result) == "null" {
				t.Errorf("%s: prepareRename %s %v, want a range", m, msg.Result, msg.Error)
			}
		}
		return
	}
	if msg.Error != nil {
		t.Errorf("%s: error %s", m, msg.Error)
		return
	}
	res := msg.Result
	switch m.Op {
	case "def", "refs", "impl":
		if got, want := resultKeys(t, res), expectedKeys(t, ws, texts, m.Args, shift, false); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", m, got, want)
		}
	case "hover":
		var h struct {
			Contents protocol.MarkupContent `json:"contents"`
		}
		_ = json.Unmarshal(res, &h)
		for _, want := range m.Args {
			if !strings.Contains(h.Contents.Value, want) {
				t.Errorf("%s: hover lacks %q:\n%s", m, want, h.Contents.Value)
			}
		}
	case "complete":
		var cl struct {
			Items []struct {
				Label    string            `json:"label"`
				TextEdit protocol.TextEdit `json:"textEdit"`
			} `json:"items"`
		}
		if err := json.Unmarshal(res, &cl); err != nil {
			t.Fatalf("%s: %s: %v", m, res, err)
		}
		var got []string
		for _, it := range cl.Items {
			got = append(got, it.Label)
			// The edit replaces the whole string contents.
			s, e, err := proxy.NewMapper([]byte(texts[m.File]), proxy.UTF16).Offsets(it.TextEdit.Range)
			if err != nil || texts[m.File][s-1] != '"' || texts[m.File][e] != '"' {
				t.Errorf("%s: item %s edits %v, not the string contents", m, it.Label, it.TextEdit.Range)
			}
		}
		if !reflect.DeepEqual(got, m.Args) {
			t.Errorf("%s: completion %v, want %v", m, got, m.Args)
		}
	case "rename":
		var we struct {
			Changes map[protocol.DocumentURI][]protocol.TextEdit `json:"changes"`
		}
		_ = json.Unmarshal(res, &we)
		got := []string{}
		for u, edits := range we.Changes {
			for _, e := range edits {
				if e.NewText != m.Args[0] && !strings.HasSuffix(m.Args[0], "."+e.NewText) { // a Caddy handler mention is written without its namespace
					t.Errorf("%s: new text %q", m, e.NewText)
				}
				got = append(got, locKey(u, e.Range))
			}
		}
		sort.Strings(got)
		if want := expectedKeys(t, ws, texts, m.Args[1:], shift, true); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", m, got, want)
		}
	}
}

// compareWithGopls sends one request to plugin-lsp and to gopls and wants
// the same answer (JSON-equal).
func compareWithGopls(ctx context.Context, t *testing.T, srv, gopls *lspProc, method string, params any, what string) {
	t.Helper()
	pm, err := srv.send(ctx, method, params)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	gm, err := gopls.send(ctx, method, params)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got, want := normJSON(pm.Result, pm.Error), normJSON(gm.Result, gm.Error); got != want {
		t.Errorf("%s %s: plugin-lsp answered\n%s\ngopls answered\n%s", what, method, got, want)
	}
}

func normJSON(res json.RawMessage, rerr json.RawMessage) string {
	if rerr != nil {
		var e struct {
			Code int `json:"code"`
		}
		_ = json.Unmarshal(rerr, &e)
		return fmt.Sprintf("error %d", e.Code)
	}
	var v any
	if err := json.Unmarshal(res, &v); err != nil {
		return string(res)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestNavLensSymbolsUnsavedEndToEnd checks code lenses (ours resolved
// lazily, gopls's kept), workspace symbols (gopls's first, then ours) and a
// registration that exists only in the editor's unsaved text.
func TestNavLensSymbolsUnsavedEndToEnd(t *testing.T) {
	ctx := ctxT(t)
	ws := navtest.Load(t, filepath.Join("..", "testdata", "nav", "loggers.txtar"))
	srv, gopls := startNavPair(t)
	init := srv.initialize(ctx, ws.Dir, nil)
	if string(wire.GetPath(wire.GetMember(init, "capabilities"), "codeLensProvider", "resolveProvider")) != "true" {
		t.Errorf("codeLensProvider.resolveProvider not set: %s", wire.GetPath(wire.GetMember(init, "capabilities"), "codeLensProvider"))
	}
	if !strings.Contains(string(wire.GetPath(wire.GetMember(init, "capabilities"), "completionProvider", "triggerCharacters")), `"\""`) {
		t.Errorf(`completion trigger " not declared`)
	}
	gopls.initialize(ctx, ws.Dir, nil)
	waitIndexReady(ctx, t, srv)

	// Code lenses: gopls's (none on these files) and ours, resolved lazily.
	lensTitles := func(file string) []string {
		uri := fileURI(ws.Path(file))
		doc := map[string]any{"textDocument": map[string]any{"uri": uri}}
		res := srv.call(ctx, "textDocument/codeLens", doc)
		gres := gopls.call(ctx, "textDocument/codeLens", doc)
		var lenses, glenses []json.RawMessage
		_ = json.Unmarshal(res, &lenses)
		_ = json.Unmarshal(gres, &glenses)
		if len(lenses) < len(glenses) {
			t.Fatalf("%s: lenses %s lost gopls's %s", file, res, gres)
		}
		for i := range glenses {
			if normJSON(lenses[i], nil) != normJSON(glenses[i], nil) {
				t.Errorf("%s: gopls lens %s became %s", file, glenses[i], lenses[i])
			}
		}
		var titles []string
		for _, l := range lenses[len(glenses):] {
			if wire.GetMember(l, "command") != nil {
				t.Errorf("%s: our lens %s is not lazy", file, l)
			}
			r := srv.call(ctx, "codeLens/resolve", l)
			var cl struct {
				Command protocol.Command `json:"command"`
			}
			_ = json.Unmarshal(r, &cl)
			titles = append(titles, cl.Command.Title)
		}
		return titles
	}
	if got, want := lensTitles("plugins/stdout/stdout.go"), []string{"linked by cmd/agent, cmd/server"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stdout lenses %q, want %q", got, want)
	}
	if got := lensTitles("plugins/file/file.go"); len(got) != 1 || !strings.HasPrefix(got[0], "linked by cmd/server (linux/") {
		t.Errorf("file lenses %q, want linked by cmd/server on linux only", got)
	}
	if got, want := lensTitles("core/registry/registry.go"), []string{"2 plugins"}; !reflect.DeepEqual(got, want) {
		t.Errorf("contract lenses %q, want %q", got, want)
	}

	// Workspace symbols: gopls's answer first and unchanged, then ours.
	q := map[string]any{"query": "stdout"}
	res, gres := srv.call(ctx, "workspace/symbol", q), gopls.call(ctx, "workspace/symbol", q)
	var syms, gsyms []json.RawMessage
	_ = json.Unmarshal(res, &syms)
	_ = json.Unmarshal(gres, &gsyms)
	if len(syms) != len(gsyms)+1 {
		t.Fatalf("workspace/symbol: %s\ngopls: %s", res, gres)
	}
	for i := range gsyms {
		if normJSON(syms[i], nil) != normJSON(gsyms[i], nil) {
			t.Errorf("gopls symbol %s became %s", gsyms[i], syms[i])
		}
	}
	var si struct {
		Name          string            `json:"name"`
		Location      protocol.Location `json:"location"`
		ContainerName string            `json:"containerName"`
	}
	_ = json.Unmarshal(syms[len(gsyms)], &si)
	texts := map[string]string{}
	for n, d := range ws.Files {
		texts[n] = string(d)
	}
	if want := expectedKeys(t, ws, texts, []string{"regStdout"}, 0, false); si.Name != "stdout" ||
		si.ContainerName != "plugin in registry example.com/core/registry.Register" || locKey(si.Location.URI, si.Location.Range) != want[0] {
		t.Errorf("our symbol %+v, want stdout at %s in registry example.com/core/registry.Register", si, want[0])
	}

	// An unsaved registration: the editor adds "console" to stdout.go.
	stdout := "plugins/stdout/stdout.go"
	server := "app/cmd/server/main.go"
	openDoc(srv, fileURI(ws.Path(stdout)), texts[stdout], 1)
	openDoc(srv, fileURI(ws.Path(server)), texts[server], 1)
	added := "\nfunc init() { registry.Register(\"console\", Stdout{}) }\n"
	end, _ := proxy.NewMapper([]byte(texts[stdout]), proxy.UTF16).Position(len(texts[stdout]))
	srv.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": fileURI(ws.Path(stdout)), "version": 2},
		"contentChanges": []any{map[string]any{"range": protocol.Range{Start: end, End: end}, "text": added}},
	})
	texts[stdout] += added
	// The user writes `registry.Get("console")` in server/main.go.
	line := "\tregistry.Get(\"console\")\n"
	at := strings.Index(texts[server], "\tregistry.Get(\"x\")")
	p0, _ := proxy.NewMapper([]byte(texts[server]), proxy.UTF16).Position(at)
	srv.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": fileURI(ws.Path(server)), "version": 2},
		"contentChanges": []any{map[string]any{"range": protocol.Range{Start: p0, End: p0}, "text": line}},
	})
	texts[server] = texts[server][:at] + line + texts[server][at:]
	cur, _ := proxy.NewMapper([]byte(texts[server]), proxy.UTF16).Position(at + len("\tregistry.Get(\"co"))
	tdp := map[string]any{"textDocument": map[string]any{"uri": fileURI(ws.Path(server))}, "position": cur}
	// Completion answers from the snapshot it has; the registration made
	// in the other buffer arrives with the next snapshot, so ask until the
	// index has caught up (bounded by the test's context).
	var labels []string
	for {
		var cl struct {
			Items []struct {
				Label string `json:"label"`
			} `json:"items"`
		}
		_ = json.Unmarshal(srv.call(ctx, "textDocument/completion", tdp), &cl)
		labels = labels[:0]
		for _, it := range cl.Items {
			labels = append(labels, it.Label)
		}
		if len(labels) > 0 && labels[0] == "console" || ctx.Err() != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if want := []string{"console"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("completion after unsaved registration: %v, want %v", labels, want)
	}
	// Definition of the unsaved name goes to the unsaved registration.
	got := resultKeys(t, srv.call(ctx, "textDocument/definition", tdp))
	cs := strings.Index(texts[stdout], `"console"`)
	want := []string{e2eLocKey(t, ws, texts, stdout, cs, cs+len(`"console"`)), expectedKeys(t, ws, texts, []string{"Stdout"}, 0, false)[0]}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("definition of unsaved plugin:\n got %v\nwant %v", got, want)
	}
}
