package lsp

import (
	"context"
	"encoding/json"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// StatusCommand is the workspace/executeCommand command that reports the
// state of plugin-lsp: its version, gopls's process and the index.
const StatusCommand = "plugin-lsp.status"

// Status is the result of plugin-lsp.status.
type Status struct {
	Version string            `json:"version"`
	Gopls   proxy.GoplsStatus `json:"gopls"`
	Index   any               `json:"index"` // IndexStatus, or "not started" without the workspace feature
}

func statusFeature(w *Workspace) proxy.Feature {
	return proxy.Feature{
		Name: "status",
		Commands: map[string]proxy.CommandHandler{
			StatusCommand: func(ctx context.Context, _ []json.RawMessage) (any, error) {
				return w.status(), nil
			},
		},
	}
}

// status returns the session's current status.
func (w *Workspace) status() Status {
	st := Status{Version: w.s.Version(), Gopls: w.s.GoplsStatus(), Index: "not started"}
	if w.wired.Load() {
		st.Index = w.IndexStatus()
	}
	return st
}
