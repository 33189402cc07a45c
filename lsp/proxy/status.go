package proxy

import "time"

// GoplsStatus describes the gopls child process.
type GoplsStatus struct {
	Path       string `json:"path"`
	Pid        int    `json:"pid"`
	Generation int    `json:"generation"` // restarts so far
	State      string `json:"state"`      // running, restarting, stopped
}

// GoplsStatus returns the state of the gopls child process now.
func (s *Session) GoplsStatus() GoplsStatus {
	s.seq.Lock()
	defer s.seq.Unlock()
	st := GoplsStatus{Path: s.opts.GoplsPath, Pid: s.gopls.pid(), Generation: s.gen}
	switch s.state {
	case stateLive:
		st.State = "running"
	case stateRestarting:
		st.State = "restarting"
	default:
		st.State = "stopped"
	}
	return st
}

// GoplsHalfWait returns Options.GoplsHalfWait (defaulted): how long a
// feature that can answer on its own waits for gopls's part of the answer.
func (s *Session) GoplsHalfWait() time.Duration { return s.opts.GoplsHalfWait }

// Version returns Options.Version.
func (s *Session) Version() string { return s.opts.Version }
