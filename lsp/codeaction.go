package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// codeActionFeature answers textDocument/codeAction with gopls's actions,
// unchanged, followed by our quick fixes (kind quickfix, the diagnostic
// attached) for our diagnostics in the requested range.
func codeActionFeature(w *Workspace) proxy.Feature {
	return proxy.Feature{
		Name: "codeAction",
		Requests: map[string]proxy.RequestHandler{
			"textDocument/codeAction": func(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
				res, err := forward(ctx)
				ours := w.quickFixes(params)
				if len(ours) == 0 {
					return res, err
				}
				if err != nil {
					// gopls failed; our fixes still help.
					w.s.Logf("codeAction from gopls: %v; answering with ours", err)
					res = nil
				}
				return appendActions(res, ours)
			},
		},
	}
}

type codeActionParams struct {
	TextDocument struct {
		URI protocol.DocumentURI `json:"uri"`
	} `json:"textDocument"`
	Range   protocol.Range `json:"range"`
	Context struct {
		Diagnostics []json.RawMessage `json:"diagnostics"`
		Only        []string          `json:"only"`
	} `json:"context"`
}

// codeActionOut is a CodeAction as we send it (protocol.CodeAction without
// the fields we never set, and the client's diagnostic kept as sent).
type codeActionOut struct {
	Title       string                 `json:"title"`
	Kind        string                 `json:"kind"`
	Diagnostics []json.RawMessage      `json:"diagnostics"`
	IsPreferred bool                   `json:"isPreferred,omitempty"`
	Edit        protocol.WorkspaceEdit `json:"edit"`
}

// quickFixes returns our quick fixes for the request.
func (w *Workspace) quickFixes(params json.RawMessage) []codeActionOut {
	var p codeActionParams
	if json.Unmarshal(params, &p) != nil {
		return nil
	}
	if len(p.Context.Only) > 0 && !kindWanted("quickfix", p.Context.Only) {
		return nil
	}
	if info := w.s.Info(); info != nil && !info.ClientSupports("textDocument", "codeAction", "codeActionLiteralSupport") {
		return nil // the client takes only Commands
	}
	// The client's copies of our diagnostics, by key, to attach as sent.
	sent := map[string]json.RawMessage{}
	for _, raw := range p.Context.Diagnostics {
		var d struct {
			Source string   `json:"source"`
			Data   diagData `json:"data"`
		}
		if json.Unmarshal(raw, &d) == nil && d.Source == DiagnosticSource && d.Data.Key != "" {
			sent[d.Data.Key] = raw
		}
	}
	var out []codeActionOut
	for _, od := range w.diags.find(p.TextDocument.URI) {
		if len(od.fixes) == 0 {
			continue
		}
		attach, ok := sent[od.key]
		if !ok {
			if !overlaps(od.diag.Range, p.Range) {
				continue
			}
			b, err := json.Marshal(od.diag)
			if err != nil {
				continue
			}
			attach = b
		}
		for i, fx := range od.fixes {
			out = append(out, codeActionOut{
				Title:       fx.title,
				Kind:        "quickfix",
				Diagnostics: []json.RawMessage{attach},
				IsPreferred: i == 0 && len(od.fixes) == 1,
				Edit:        fx.edit,
			})
		}
	}
	return out
}

// kindWanted reports whether kind is selected by only (a kind selects
// itself and its sub-kinds: "quickfix" selects "quickfix.x").
func kindWanted(kind string, only []string) bool {
	for _, o := range only {
		if o == "" || kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

// overlaps reports whether two ranges share a position (an empty request
// range at a diagnostic's edge counts, as editors ask at the cursor).
func overlaps(a, b protocol.Range) bool {
	return !posLess(a.End, b.Start) && !posLess(b.End, a.Start)
}

func posLess(a, b protocol.Position) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Character < b.Character)
}

// appendActions appends ours to gopls's result array (null counts as empty),
// keeping gopls's elements byte for byte.
func appendActions(res json.RawMessage, ours []codeActionOut) (json.RawMessage, error) {
	var elems []json.RawMessage
	if len(res) > 0 && string(res) != "null" {
		if err := json.Unmarshal(res, &elems); err != nil {
			return res, nil // not an array: leave gopls's answer alone
		}
	}
	for _, a := range ours {
		b, err := json.Marshal(a)
		if err != nil {
			continue
		}
		elems = append(elems, b)
	}
	return wire.JoinArray(elems), nil
}
