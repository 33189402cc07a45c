package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// goplsProc is one gopls child process (one generation).
type goplsProc struct {
	gen   int
	cmd   *exec.Cmd
	out   *sendQueue    // everything sent to this gopls goes through here
	done  chan struct{} // closed when the process has exited and its read loop ended
	spoke atomic.Bool   // gopls has sent at least one message
	err   error         // exit status, set before done closes

	// lastHeard is when gopls last sent a well-formed message (unix nanos);
	// pingAt when the watchdog's ping went out (0: none in flight).
	lastHeard atomic.Int64
	pingAt    atomic.Int64
	// hung is why the watchdog killed this gopls (nil: it was not).
	hung atomic.Pointer[string]
}

// send queues one frame for this gopls; false means its queue is full.
func (p *goplsProc) send(parts ...[]byte) bool { return p.out.push(parts...) }

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
	p := &goplsProc{gen: gen, cmd: cmd, out: newSendQueue(stdin, stdin, s.opts.MaxQueue), done: make(chan struct{})}
	p.lastHeard.Store(time.Now().UnixNano())
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
	// The writer and the read loop are owned by the session through
	// p.done: stopGopls and the crash path wait for it, and it is closed
	// only once both have returned.
	go p.out.run()
	go func() {
		r := wire.NewReader(stdout)
		for {
			body, err := r.Read()
			if err != nil {
				if wire.Recoverable(err) {
					s.log.Printf("from gopls: %v", err)
					continue
				}
				break
			}
			if s.fromGopls(gen, body) {
				p.spoke.Store(true)
				p.lastHeard.Store(time.Now().UnixNano())
			}
		}
		p.err = cmd.Wait()
		p.out.close()
		<-p.out.drained
		close(p.done)
		s.goplsExited(p)
	}()
	return p, nil
}

// sendGoplsLocked queues body (as parts) for the live gopls, or keeps it for
// the next one while gopls restarts. It never blocks. Called with s.seq
// held. It reports false when the message was dropped: the restart backlog
// is full (the caller answers a request it registered with an error).
// A live gopls whose queue is full is treated as hung: it is killed, and
// the crash path answers what is pending and replays the open documents,
// so the message counts as sent.
func (s *Session) sendGoplsLocked(parts ...[]byte) bool {
	switch s.state {
	case stateLive:
		if !s.gopls.send(parts...) {
			s.goplsHung(s.gopls, fmt.Sprintf("it read none of the last %d MiB sent to it", s.opts.MaxQueue>>20))
		}
	case stateRestarting:
		n := 0
		for _, p := range parts {
			n += len(p)
		}
		if s.backlogBytes+n > s.opts.MaxQueue {
			return false
		}
		s.backlogBytes += n
		s.backlog = append(s.backlog, parts)
	}
	return true
}

func (s *Session) deadError() *wire.Error {
	return &wire.Error{Code: wire.CodeRequestFailed, Message: fmt.Sprintf(
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
	p.out.close() // gopls gets what is queued (exit), then EOF
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
	hung := p.hung.Load()
	if hung != nil {
		why = *hung
	}
	s.log.Printf("gopls (pid %d) %s", p.pid(), why)
	if p.gen == 0 && !p.spoke.Load() && hung == nil {
		// The first gopls died before saying anything: a bad flag, a
		// broken binary. Restarting it would fail the same way.
		s.state = stateDead
		s.backlog, s.backlogBytes = nil, 0
		s.seq.Unlock()
		err := fmt.Errorf("gopls (%s %s) exited at start (%s); its stderr above says why (a flag gopls does not know?)", s.opts.GoplsPath, strings.Join(s.opts.GoplsArgs, " "), why)
		s.fatal.Store(&fatalErr{err})
		s.failPending(p.gen, &wire.Error{Code: wire.CodeRequestFailed, Message: "plugin-lsp: " + err.Error()})
		s.cancel()
		return
	}
	crashErr := &wire.Error{Code: wire.CodeRequestFailed, Message: fmt.Sprintf(
		"plugin-lsp: gopls crashed (%s) while this request was in flight; plugin-lsp restarted it, retry the request", why)}
	if hung != nil {
		crashErr.Message = fmt.Sprintf("plugin-lsp: gopls hung (%s) while this request was in flight; plugin-lsp killed and restarted it, retry the request", why)
	}
	// Requests queued for a gopls that crashed while being restarted are
	// failed below with the generation's other requests; its queued
	// notifications are dropped: the next replay snapshots the overlays
	// (which already include those edits) and the configuration again.
	s.backlog, s.backlogBytes = nil, 0
	if len(s.crashes) >= s.opts.MaxCrashes {
		s.state = stateDead
		s.seq.Unlock()
		s.failPending(p.gen, crashErr)
		msg := fmt.Sprintf("plugin-lsp: gopls crashed %d times within %s (last: %s); plugin-lsp stopped restarting it. Restart the language server to try again.", len(s.crashes), s.opts.CrashWindow, why)
		s.log.Print(msg)
		s.ShowMessage(1, msg)
		return
	}
	// Everything sent from now on is kept for the next generation, except
	// document and configuration notifications: the replay (restart) takes
	// the open documents and the configuration as they are when the new
	// gopls is ready, under s.seq, so each edit reaches it exactly once and
	// the backlog never holds a copy of a document.
	s.state = stateRestarting
	s.gen = p.gen + 1
	gen := s.gen
	tell := !s.toldCrash
	s.toldCrash = true
	s.seq.Unlock()

	s.failPending(p.gen, crashErr)
	if tell {
		what := "crashed"
		if hung != nil {
			what = "hung"
		}
		s.ShowMessage(2, fmt.Sprintf("plugin-lsp: gopls %s (%s) and was restarted; requests in flight failed. Further restarts are not announced; plugin-lsp gives up after %d crashes within %s.", what, why, s.opts.MaxCrashes, s.opts.CrashWindow))
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.restart(gen)
	}()
}

// replayedLocally reports whether an editor notification needs no place in
// the restart backlog because restart replays its effect from the
// session's state (open documents, configuration, folders).
func replayedLocally(method string) bool {
	switch method {
	case "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
		"workspace/didChangeConfiguration", "workspace/didChangeWorkspaceFolders", "initialized":
		return true
	}
	return false
}

// trackRegistrations records gopls generation gen's capability
// registrations at the editor (client/registerCapability and
// client/unregisterCapability requests), so that they can be withdrawn when
// that gopls dies: the restarted gopls registers again, with the same ids.
func (s *Session) trackRegistrations(gen int, m *wire.Message) {
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
	if json.Unmarshal(m.Params, &p) != nil {
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
func (s *Session) restart(gen int) {
	s.withdrawRegistrations(gen - 1)
	p, err := s.spawn(gen)
	if err != nil {
		if s.closing.Load() {
			return
		}
		s.seq.Lock()
		s.state = stateDead
		s.backlog, s.backlogBytes = nil, 0
		s.seq.Unlock()
		s.failPending(gen, &wire.Error{Code: wire.CodeRequestFailed, Message: "plugin-lsp: could not restart gopls: " + err.Error()})
		s.ShowMessage(1, "plugin-lsp: could not restart gopls: "+err.Error())
		return
	}
	s.seq.Lock()
	init := s.initParms
	s.seq.Unlock()
	if init != nil {
		// initialize is answered before anything else is sent; the result
		// (capabilities) was merged for the editor already and is dropped.
		// A gopls that never answers is killed by the watchdog (the
		// request is pending like any other), which ends this wait.
		id := s.nextID.Add(1)
		ch := make(chan reply, 1)
		s.pend.Lock()
		s.toGopls[id] = &pendingGopls{gen: gen, ch: ch, method: "initialize", sent: time.Now()}
		s.pend.Unlock()
		p.send(wire.EncodeRequest(strconv.AppendInt(nil, id, 10), "initialize", init))
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
	}
	s.seq.Lock()
	opens := 0
	if s.state == stateRestarting && s.gen == gen && s.gopls == p {
		if init != nil {
			if s.initDone != nil {
				p.out.pushAll(wire.EncodeNotification("initialized", s.initDone))
			}
			if s.config != nil {
				p.out.pushAll(wire.EncodeNotification("workspace/didChangeConfiguration", s.config))
			}
			for _, f := range s.folders {
				p.out.pushAll(wire.EncodeNotification("workspace/didChangeWorkspaceFolders", f))
			}
			for _, o := range s.overlays.replay() {
				p.out.pushAll(wire.EncodeNotification("textDocument/didOpen", o))
				opens++
			}
		}
		for _, b := range s.backlog {
			p.out.pushAll(b...)
		}
		s.backlog, s.backlogBytes = nil, 0
		s.state = stateLive
	}
	s.seq.Unlock()
	s.Infof("gopls restarted (pid %d, generation %d); replayed %d open documents", p.pid(), gen, opens)
	s.diags.republishAll()
}

// goplsHung kills p, which stopped answering or reading; its read loop
// then sees it exit and the crash path restarts it (goplsExited), with why
// as the reason given to the user and to the requests that were pending.
func (s *Session) goplsHung(p *goplsProc, why string) {
	if !p.hung.CompareAndSwap(nil, &why) {
		return
	}
	s.log.Printf("gopls (pid %d) is hung: %s; killing it", p.pid(), why)
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
}

// watchdog checks the session's gopls for liveness until the session ends:
// a gopls that has sent nothing for GoplsTimeout while a request to it was
// pending that long, or that has not taken a frame from its stdin for
// GoplsTimeout, is killed and restarted (goplsHung). LSP has no ping, and
// gopls may take minutes to answer a request during a large first load, so
// before judging, the watchdog sends gopls a request of its own that any
// live gopls answers at once (an unknown method: gopls's jsonrpc2 handler
// replies MethodNotFound without waiting for the request before it); only
// silence after that counts.
func (s *Session) watchdog(ctx context.Context) {
	for {
		tick := min(max(s.livenessLimit()/4, 10*time.Millisecond), time.Second)
		t := time.NewTimer(tick)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case now := <-t.C:
			s.checkLiveness(now)
		}
	}
}

// livenessLimit is how long gopls may stay silent (see Options.GoplsTimeout).
func (s *Session) livenessLimit() time.Duration {
	if d := time.Duration(s.goplsTimeout.Load()); d > 0 {
		return d
	}
	return s.opts.GoplsTimeout
}

// SetGoplsTimeout sets the watchdog's limit (a server setting; 0: the
// session's Options.GoplsTimeout).
func (s *Session) SetGoplsTimeout(d time.Duration) { s.goplsTimeout.Store(int64(d)) }

// pingMethod is the watchdog's probe; gopls answers it with MethodNotFound.
const pingMethod = "plugin-lsp/ping"

func (s *Session) checkLiveness(now time.Time) {
	s.seq.Lock()
	p := s.gopls
	alive := p != nil && s.state != stateDead
	s.seq.Unlock()
	if !alive {
		return
	}
	select {
	case <-p.done:
		return // exited; the crash path has it
	default:
	}
	limit := s.livenessLimit()
	if st := p.out.stalled(now); st >= limit {
		s.goplsHung(p, fmt.Sprintf("it read nothing from plugin-lsp for %s (%d bytes waiting)", limit, p.out.queued()))
		return
	}
	oldest, n := s.oldestPending(p.gen)
	if n == 0 {
		return
	}
	silent := now.Sub(time.Unix(0, p.lastHeard.Load()))
	waited := now.Sub(oldest)
	switch {
	case silent >= limit && waited >= limit:
		s.goplsHung(p, fmt.Sprintf("it answered nothing for %s while %d request(s) were pending", limit.Round(time.Millisecond), n))
	case silent >= limit/2 && waited >= limit/2 && p.pingAt.Load() == 0:
		s.ping(p)
	}
}

// ping sends the watchdog's probe to p; any message from p (the probe's
// reply included) counts as a sign of life.
func (s *Session) ping(p *goplsProc) {
	id := s.nextID.Add(1)
	ch := make(chan reply, 1)
	p.pingAt.Store(time.Now().UnixNano())
	s.pend.Lock()
	s.toGopls[id] = &pendingGopls{gen: p.gen, ch: ch, method: pingMethod, sent: time.Now()}
	s.pend.Unlock()
	p.out.pushAll(wire.EncodeRequest(strconv.AppendInt(nil, id, 10), pingMethod, nil))
	s.Go("gopls ping", func(ctx context.Context) {
		select {
		case <-ch:
		case <-p.done:
		case <-ctx.Done():
		}
		p.pingAt.Store(0)
	})
}

// oldestPending returns when the oldest request still waiting for gopls
// generation gen was sent, and how many are waiting.
func (s *Session) oldestPending(gen int) (time.Time, int) {
	s.pend.Lock()
	defer s.pend.Unlock()
	var oldest time.Time
	n := 0
	for _, p := range s.toGopls {
		if p.gen != gen {
			continue
		}
		n++
		if oldest.IsZero() || p.sent.Before(oldest) {
			oldest = p.sent
		}
	}
	return oldest, n
}

// GoplsPid returns the process id of the current gopls (0 if none).
func (s *Session) GoplsPid() int {
	s.seq.Lock()
	defer s.seq.Unlock()
	return s.gopls.pid()
}
