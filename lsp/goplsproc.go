package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// goplsProc is one gopls child process (one generation).
type goplsProc struct {
	gen   int
	cmd   *exec.Cmd
	stdin io.WriteCloser
	w     *frameWriter
	done  chan struct{} // closed when the process has exited and its read loop ended
	spoke atomic.Bool   // gopls has sent at least one message
	err   error         // exit status, set before done closes
	once  sync.Once
}

// Pid returns the process id of gopls, or 0.
func (p *goplsProc) pid() int {
	if p == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// startGopls starts the first gopls.
func (s *Session) startGopls() error {
	_, err := s.spawn(0)
	return err
}

// spawn starts gopls generation gen and its read loop.
func (s *Session) spawn(gen int) (*goplsProc, error) {
	cmd := exec.Command(s.opts.GoplsPath, s.opts.GoplsArgs...)
	cmd.Stderr = s.goplsStderr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("starting gopls: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("starting gopls: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting gopls %s: %w", s.opts.GoplsPath, err)
	}
	growPipe(stdin)
	growPipe(stdout)
	p := &goplsProc{gen: gen, cmd: cmd, stdin: stdin, w: newFrameWriter(stdin), done: make(chan struct{})}
	// Become the session's gopls before the read loop can report an exit,
	// so that an early crash is seen as this generation's.
	s.seq.Lock()
	if s.closing.Load() || (gen > 0 && s.state != stateRestarting) {
		s.seq.Unlock()
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		return nil, errors.New("session is ending")
	}
	s.gopls = p
	s.seq.Unlock()
	s.Infof("started gopls (pid %d, generation %d): %s %s", cmd.Process.Pid, gen, s.opts.GoplsPath, strings.Join(s.opts.GoplsArgs, " "))
	go func() {
		// Owned by the session through p.done: stopGopls and the crash
		// path wait for it.
		r := newFrameReader(stdout)
		for {
			body, err := r.read()
			if err != nil {
				var fe *frameError
				if errors.As(err, &fe) {
					s.log.Printf("from gopls: %v", err)
					continue
				}
				break
			}
			p.spoke.Store(true)
			s.fromGopls(gen, body)
		}
		p.err = cmd.Wait()
		close(p.done)
		s.goplsExited(p)
	}()
	return p, nil
}

// sendGoplsLocked writes to the live gopls, or queues for the next one while
// gopls restarts. Called with s.seq held.
func (s *Session) sendGoplsLocked(body []byte) {
	switch s.state {
	case stateLive:
		if err := s.gopls.w.write(body); err != nil {
			// gopls is dying; its exit handler fails what is pending.
			s.log.Printf("writing to gopls: %v", err)
		}
	case stateRestarting:
		s.backlog = append(s.backlog, body)
	}
}

func (s *Session) deadError() *rpcError {
	return &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf(
		"plugin-lsp: gopls is not running: it crashed %d times within %s, so plugin-lsp stopped restarting it; restart the language server", s.opts.MaxCrashes, s.opts.CrashWindow)}
}

// stopGopls ends the session's gopls: it closes gopls's stdin (gopls exits
// on EOF, after exit it already has), waits ExitGrace, then kills it.
func (s *Session) stopGopls() {
	s.seq.Lock()
	p := s.gopls
	s.state = stateDead
	s.seq.Unlock()
	if p == nil {
		return
	}
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(s.opts.ExitGrace):
		s.log.Printf("gopls (pid %d) did not exit within %s; killing it", p.pid(), s.opts.ExitGrace)
		p.cmd.Process.Kill()
		<-p.done
	}
}

// goplsExited runs on p's read loop when p has exited.
func (s *Session) goplsExited(p *goplsProc) {
	if s.closing.Load() {
		return
	}
	s.seq.Lock()
	if p != s.gopls || s.state == stateDead {
		s.seq.Unlock()
		return
	}
	now := time.Now()
	s.crashes = append(s.crashes, now)
	recent := s.crashes[:0]
	for _, t := range s.crashes {
		if now.Sub(t) < s.opts.CrashWindow {
			recent = append(recent, t)
		}
	}
	s.crashes = recent
	why := "exited"
	if p.err != nil {
		why = p.err.Error()
	}
	s.log.Printf("gopls (pid %d) %s", p.pid(), why)
	if p.gen == 0 && !p.spoke.Load() {
		// The first gopls died before saying anything: a bad flag, a
		// broken binary. Restarting it would fail the same way.
		s.state = stateDead
		s.backlog = nil
		s.seq.Unlock()
		err := fmt.Errorf("gopls (%s %s) exited at start (%s); its stderr above says why (a flag gopls does not know?)", s.opts.GoplsPath, strings.Join(s.opts.GoplsArgs, " "), why)
		s.fatal.Store(&fatalErr{err})
		s.failPending(p.gen, &rpcError{Code: codeRequestFailed, Message: "plugin-lsp: " + err.Error()})
		s.cancel()
		return
	}
	crashErr := &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf(
		"plugin-lsp: gopls crashed (%s) while this request was in flight; plugin-lsp restarted it, retry the request", why)}
	// Requests queued for a gopls that crashed while being restarted are
	// failed below with the generation's other requests; its queued
	// notifications are dropped: the next replay snapshots the overlays
	// (which already include those edits) and the configuration again.
	s.backlog = nil
	if len(s.crashes) >= s.opts.MaxCrashes {
		s.state = stateDead
		s.seq.Unlock()
		s.failPending(p.gen, crashErr)
		msg := fmt.Sprintf("plugin-lsp: gopls crashed %d times within %s (last: %s); plugin-lsp stopped restarting it. Restart the language server to try again.", len(s.crashes), s.opts.CrashWindow, why)
		s.log.Print(msg)
		s.ShowMessage(1, msg)
		return
	}
	// Everything sent from now on is queued for the next generation; the
	// replay below snapshots the overlays atomically with that switch, so
	// each edit is either in the replayed text or in the backlog.
	s.state = stateRestarting
	s.gen = p.gen + 1
	gen := s.gen
	opens := s.overlays.replay()
	replay := restartReplay{init: s.initParms, initialized: s.initDone, config: s.config, folders: append([]json.RawMessage(nil), s.folders...), opens: opens}
	tell := !s.toldCrash
	s.toldCrash = true
	s.seq.Unlock()

	s.failPending(p.gen, crashErr)
	if tell {
		s.ShowMessage(2, fmt.Sprintf("plugin-lsp: gopls crashed (%s) and was restarted; requests in flight failed. Further restarts are not announced; plugin-lsp gives up after %d crashes within %s.", why, s.opts.MaxCrashes, s.opts.CrashWindow))
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.restart(gen, replay)
	}()
}

type restartReplay struct {
	init, initialized, config json.RawMessage
	folders, opens            []json.RawMessage
}

// trackRegistrations records gopls generation gen's capability
// registrations at the editor (client/registerCapability and
// client/unregisterCapability requests), so that they can be withdrawn when
// that gopls dies: the restarted gopls registers again, with the same ids.
func (s *Session) trackRegistrations(gen int, m *message) {
	var p struct {
		Registrations []struct {
			ID     string `json:"id"`
			Method string `json:"method"`
		} `json:"registrations"`
		// The protocol spells it so.
		Unregisterations []struct {
			ID     string `json:"id"`
			Method string `json:"method"`
		} `json:"unregisterations"`
	}
	if json.Unmarshal(m.params, &p) != nil {
		return
	}
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.registrations == nil || s.regGen != gen {
		s.registrations = make(map[string]string)
		s.regGen = gen
	}
	for _, r := range p.Registrations {
		s.registrations[r.ID] = r.Method
	}
	for _, r := range p.Unregisterations {
		delete(s.registrations, r.ID)
	}
}

// withdrawRegistrations asks the editor to drop the registrations of gopls
// generation gen (which died), waiting a bounded time for its answer.
func (s *Session) withdrawRegistrations(gen int) {
	s.regMu.Lock()
	var un []map[string]string
	if s.regGen == gen {
		for id, method := range s.registrations {
			un = append(un, map[string]string{"id": id, "method": method})
		}
		s.registrations = nil
	}
	s.regMu.Unlock()
	if len(un) == 0 {
		return
	}
	sort.Slice(un, func(i, j int) bool { return un[i]["id"] < un[j]["id"] })
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	if _, err := s.CallClient(ctx, "client/unregisterCapability", map[string]any{"unregisterations": un}); err != nil {
		s.log.Printf("withdrawing the crashed gopls's registrations: %v", err)
	}
}

// restart starts gopls generation gen, replays the session state to it and
// then sends what was queued meanwhile.
func (s *Session) restart(gen int, rp restartReplay) {
	s.withdrawRegistrations(gen - 1)
	p, err := s.spawn(gen)
	if err != nil {
		if s.closing.Load() {
			return
		}
		s.seq.Lock()
		s.state = stateDead
		s.backlog = nil
		s.seq.Unlock()
		s.failPending(gen, &rpcError{Code: codeRequestFailed, Message: "plugin-lsp: could not restart gopls: " + err.Error()})
		s.ShowMessage(1, "plugin-lsp: could not restart gopls: "+err.Error())
		return
	}

	if rp.init != nil {
		// initialize is answered before anything else is sent; the result
		// (capabilities) was merged for the editor already and is dropped.
		id := s.nextID.Add(1)
		ch := make(chan reply, 1)
		s.pend.Lock()
		s.toGopls[id] = &pendingGopls{gen: gen, ch: ch, method: "initialize"}
		s.pend.Unlock()
		if err := p.w.write(encodeRequest(strconv.AppendInt(nil, id, 10), "initialize", rp.init)); err != nil {
			return // p's exit handler takes over
		}
		select {
		case r := <-ch:
			if r.err != nil {
				s.log.Printf("restarted gopls refused initialize: %v", r.err)
			}
		case <-p.done:
			return
		case <-s.ctx.Done():
			return
		}
		if rp.initialized != nil {
			p.w.write(encodeNotification("initialized", rp.initialized))
		}
		if rp.config != nil {
			p.w.write(encodeNotification("workspace/didChangeConfiguration", rp.config))
		}
		for _, f := range rp.folders {
			p.w.write(encodeNotification("workspace/didChangeWorkspaceFolders", f))
		}
		for _, o := range rp.opens {
			p.w.write(encodeNotification("textDocument/didOpen", o))
		}
	}
	s.seq.Lock()
	if s.state == stateRestarting && s.gen == gen && s.gopls == p {
		for _, b := range s.backlog {
			p.w.write(b)
		}
		s.backlog = nil
		s.state = stateLive
	}
	s.seq.Unlock()
	s.Infof("gopls restarted (pid %d, generation %d); replayed %d open documents", p.pid(), gen, len(rp.opens))
	s.diags.republishAll()
}

// GoplsPid returns the process id of the current gopls (0 if none).
func (s *Session) GoplsPid() int {
	s.seq.Lock()
	defer s.seq.Unlock()
	return s.gopls.pid()
}
