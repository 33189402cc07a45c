package lsp

import (
	"context"
	"encoding/json"
)

// StatusCommand is the workspace/executeCommand command that reports the
// state of plugin-lsp: its version, gopls's process and the index.
const StatusCommand = "plugin-lsp.status"

// IndexStatusReporter is implemented by the index wiring: IndexStatus returns
// a JSON-encodable description of the index state (e.g. a struct with the
// state, file and plugin counts), reported by plugin-lsp.status.
type IndexStatusReporter interface {
	IndexStatus() any
}

type statusHolder struct{ r IndexStatusReporter }

// SetIndexStatus sets what plugin-lsp.status reports as the index state.
func (s *Session) SetIndexStatus(r IndexStatusReporter) {
	s.status.Store(&statusHolder{r: r})
}

// Status is the result of plugin-lsp.status.
type Status struct {
	Version string      `json:"version"`
	Gopls   GoplsStatus `json:"gopls"`
	Index   any         `json:"index"`
}

// GoplsStatus describes the gopls child process.
type GoplsStatus struct {
	Path       string `json:"path"`
	Pid        int    `json:"pid"`
	Generation int    `json:"generation"` // restarts so far
	State      string `json:"state"`      // running, restarting, stopped
}

func statusFeature(s *Session) Feature {
	return Feature{
		Name: "status",
		Commands: map[string]CommandHandler{
			StatusCommand: func(ctx context.Context, _ []json.RawMessage) (any, error) {
				return s.Status(), nil
			},
		},
	}
}

// Status returns the session's current status.
func (s *Session) Status() Status {
	st := Status{Version: s.opts.Version, Index: "not started"}
	if h := s.status.Load(); h != nil && h.r != nil {
		st.Index = h.r.IndexStatus()
	}
	s.seq.Lock()
	st.Gopls = GoplsStatus{Path: s.opts.GoplsPath, Pid: s.gopls.pid(), Generation: s.gen}
	switch s.state {
	case stateLive:
		st.Gopls.State = "running"
	case stateRestarting:
		st.Gopls.State = "restarting"
	default:
		st.Gopls.State = "stopped"
	}
	s.seq.Unlock()
	return st
}
