package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// Options configure a Session.
type Options struct {
	// GoplsPath is the gopls binary to run.
	GoplsPath string
	// GoplsArgs are passed to gopls (its flags, e.g. -rpc.trace, -logfile).
	GoplsArgs []string
	// Stderr receives gopls's stderr and plugin-lsp's errors. Nil: discarded.
	Stderr io.Writer
	// LogFile, when set, receives gopls's stderr (instead of Stderr),
	// plugin-lsp's informational lines (instead of window/logMessage) and a
	// copy of its errors. It must take concurrent writes (an *os.File does).
	LogFile io.Writer
	// Version is the server's version (Session.Version; plugin-lsp.status
	// reports it).
	Version string
	// Features builds the features of the session (lsp.Serve sets its
	// table; tests add fakes). Nil: none, a plain proxy.
	Features FeaturesFunc
	// MaxCrashes within CrashWindow stop gopls restarts (defaults 5, 3m).
	MaxCrashes  int
	CrashWindow time.Duration
	// ExitGrace is how long gopls gets to exit on its own at the end of a
	// session before it is killed (default 5s).
	ExitGrace time.Duration
	// GoplsTimeout is how long gopls may stay silent while a request to it
	// is pending (after a probe it must answer at once), or leave its stdin
	// unread, before it is treated as hung: killed and restarted with the
	// open documents replayed, its pending requests answered with an
	// error (default 30s).
	GoplsTimeout time.Duration
	// MaxQueue bounds the bytes waiting to be written to gopls, and those
	// kept for it while it restarts (default 64 MiB). A full queue means
	// gopls stopped reading: it is treated as hung.
	MaxQueue int
	// GoplsHalfWait bounds how long a feature that can answer on its own
	// (hover on a plugin name) waits for gopls's part of the answer
	// (default 2s).
	GoplsHalfWait time.Duration
}

var errClosed = errors.New("connection closed")

// ErrExitWithoutShutdown is returned by Serve when the editor sent exit
// without shutdown first; the protocol says the server then exits with 1.
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// Session is one editor connection: the editor on one side, a gopls child
// process (restarted if it crashes) on the other, and the features in
// between. Features get the *Session from Options.Features.
type Session struct {
	opts   Options
	log    *log.Logger
	ctx    context.Context // cancelled when the session ends
	cancel context.CancelFunc

	client     *wire.Writer
	clientIn   io.Reader
	overlays   *Overlays
	diags      *diagMerge
	wg         sync.WaitGroup // handler and helper goroutines
	nextID     atomic.Int64   // ids we send: to gopls (numbers) and to the editor
	info       atomic.Pointer[InitializeInfo]
	fatal      atomic.Pointer[fatalErr] // why the session cannot go on
	shutdownRq atomic.Bool              // shutdown request seen
	// goplsTimeout is the watchdog's limit now (Options.GoplsTimeout, or
	// the goplsTimeoutSeconds setting).
	goplsTimeout atomic.Int64
	closing      atomic.Bool // exit or stdin EOF: gopls exiting is not a crash

	// Handler tables, built once from the features.
	features  []Feature
	requests  map[string]RequestHandler
	claims    map[string][]ClaimFunc // methods whose every handler has a claim
	observers map[string][]NotificationObserver
	commands  map[string]CommandHandler
	caps      []Capabilities

	// seq orders everything sent to gopls with the overlay and the restart
	// state: a message is either sent to the live gopls, or queued in
	// backlog for the next one, never both and never lost.
	seq     sync.Mutex
	gopls   *goplsProc
	gen     int        // generation messages are sent to now
	state   pState     // live, restarting, dead
	backlog [][][]byte // frames (as parts) kept for the restarting gopls
	// backlogBytes is backlog's size, bounded by Options.MaxQueue.
	backlogBytes int
	crashes      []time.Time
	config       json.RawMessage   // last didChangeConfiguration params
	folders      []json.RawMessage // didChangeWorkspaceFolders params, in order
	initDone     json.RawMessage   // initialized params
	initParms    json.RawMessage   // initialize params
	toldCrash    bool

	infoLog infoLog // informational lines: see Infof

	pend sync.Mutex
	// toGopls: requests we sent to gopls, by the id we sent.
	toGopls map[int64]*pendingGopls
	// byClientID: client request id key → the gopls id it went out as.
	byClientID map[string]int64
	// inflight: intercepted client requests by client id key.
	inflight map[string]*inflightReq
	// toClient: requests we sent to the editor, by wire.IDKey of the id we sent.
	toClient map[string]*pendingClient
	// goplsToClient: gopls's request id key (per generation) → our id to the
	// editor, for gopls's $/cancelRequest.
	goplsToClient map[string]json.RawMessage

	// registrations are gopls's dynamic capability registrations at the
	// editor (id → method), withdrawn when that gopls crashes.
	regMu         sync.Mutex
	registrations map[string]string
	regGen        int
}

type pState int

const (
	stateLive pState = iota
	stateRestarting
	stateDead
)

type reply struct {
	result json.RawMessage
	err    *wire.Error
}

type pendingGopls struct {
	gen      int
	clientID json.RawMessage // editor's id when the reply is passed through
	ch       chan reply      // set when the reply is consumed here
	method   string
	sent     time.Time // for the watchdog
}

type pendingClient struct {
	ch      chan reply      // our own request
	goplsID json.RawMessage // gopls's request, forwarded
	gen     int
}

type inflightReq struct {
	cancel context.CancelFunc
}

// Serve runs one LSP session on in/out until the editor sends exit or closes
// in, then stops gopls and every goroutine it started. in is closed on exit
// if it is an io.Closer.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	s, err := NewSession(ctx, in, out, opts)
	if err != nil {
		return err
	}
	return s.Run()
}

// NewSession builds a session on in/out and its features, without starting
// gopls or reading in: Run does that. A session that is never Run is ended
// with Close (tests drive features this way).
func NewSession(ctx context.Context, in io.Reader, out io.Writer, opts Options) (*Session, error) {
	if opts.MaxCrashes == 0 {
		opts.MaxCrashes = 5
	}
	if opts.CrashWindow == 0 {
		opts.CrashWindow = 3 * time.Minute
	}
	if opts.ExitGrace == 0 {
		opts.ExitGrace = 5 * time.Second
	}
	if opts.GoplsTimeout <= 0 {
		opts.GoplsTimeout = 30 * time.Second
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = 64 << 20
	}
	if opts.GoplsHalfWait <= 0 {
		opts.GoplsHalfWait = 2 * time.Second
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	errLog := opts.Stderr
	if opts.LogFile != nil {
		errLog = io.MultiWriter(opts.Stderr, opts.LogFile)
	}
	s := &Session{
		opts:          opts,
		log:           log.New(errLog, "plugin-lsp: ", log.LstdFlags|log.Lmicroseconds),
		client:        wire.NewWriter(out),
		clientIn:      in,
		toGopls:       make(map[int64]*pendingGopls),
		byClientID:    make(map[string]int64),
		inflight:      make(map[string]*inflightReq),
		toClient:      make(map[string]*pendingClient),
		goplsToClient: make(map[string]json.RawMessage),
	}
	growPipe(out)
	growPipe(in)
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.overlays = newOverlays(s.Encoding)
	s.diags = newDiagMerge(s)
	var table []Feature
	if opts.Features != nil {
		table = opts.Features(s)
	}
	if err := s.buildTables(table); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

// Overlays returns the store of open documents.
func (s *Session) Overlays() *Overlays { return s.overlays }

// Context returns the session's context, cancelled when the session ends.
// Features tie their background work to it.
func (s *Session) Context() context.Context { return s.ctx }

// Logf writes an error line to plugin-lsp's log: stderr (which editors show
// as errors) and the log file. Informational lines go through Infof.
func (s *Session) Logf(format string, args ...any) { s.log.Printf(format, args...) }

// Close ends a session that was not Run: it cancels the session's context
// and waits for the goroutines its features started (Session.Go).
func (s *Session) Close() {
	s.cancel()
	s.wg.Wait()
}

// Run starts gopls and proxies between the editor and gopls until the
// editor sends exit or closes in (see Serve).
func (s *Session) Run() error {
	defer s.cancel()
	if err := s.startGopls(); err != nil {
		return err
	}
	s.Go("gopls watchdog", s.watchdog)
	// The read loop is not in s.wg: when the session ends because ctx was
	// cancelled (SIGTERM), it may stay blocked in a read from the editor
	// that cannot be interrupted (os.Stdin); it handles nothing more once
	// closing is set, and the process is about to exit.
	readDone := make(chan error, 1)
	go func() { readDone <- s.readClient() }()
	var readErr error
	select {
	case readErr = <-readDone:
	case <-s.ctx.Done():
		readErr = s.ctx.Err()
	}
	// The editor is gone (EOF), sent exit, or ctx ended: end gopls, then
	// everything else.
	s.closing.Store(true)
	s.stopGopls()
	s.cancel()
	s.failAllPending(&wire.Error{Code: wire.CodeRequestCancelled, Message: "plugin-lsp: session ended"})
	if c, ok := s.clientIn.(io.Closer); ok {
		c.Close()
	}
	s.wg.Wait()
	for _, f := range s.features {
		if f.Shutdown != nil {
			s.safely(f.Name+" shutdown", f.Shutdown)
		}
	}
	if f := s.fatal.Load(); f != nil {
		return f.err
	}
	if errors.Is(readErr, errExit) {
		if !s.shutdownRq.Load() {
			return ErrExitWithoutShutdown
		}
		return nil
	}
	if readErr == nil || errors.Is(readErr, io.EOF) || errors.Is(readErr, context.Canceled) {
		return nil
	}
	return fmt.Errorf("reading from the editor: %w", readErr)
}

var errExit = errors.New("exit notification")

// fatalErr wraps the error that ended a session from inside (atomic.Pointer
// needs a concrete type).
type fatalErr struct{ err error }

// readClient is the editor→gopls loop. It handles messages strictly in
// order and never waits for a reply.
func (s *Session) readClient() error {
	r := wire.NewReader(s.clientIn)
	for {
		body, err := r.Read()
		if err != nil {
			var fe *wire.FrameError
			var be *wire.BareBodyError
			switch {
			case errors.As(err, &fe):
				s.log.Printf("from the editor: %v", err)
				s.replyClientError(nil, &wire.Error{Code: jsonrpc2.ParseError, Message: "plugin-lsp: " + fe.Error()})
				continue
			case errors.As(err, &be):
				// Answered, with its id when it has one, so that an editor
				// that forgot the header learns why it gets no result.
				s.log.Printf("from the editor: %v: %.200s", err, be.Body)
				var id json.RawMessage
				if m, perr := wire.Parse(be.Body); perr == nil && m.ID != nil && wire.ValidID(m.ID) {
					id = m.ID
				}
				s.replyClientError(id, &wire.Error{Code: jsonrpc2.InvalidRequest, Message: "plugin-lsp: a message without a Content-Length header; LSP needs one before every message"})
				continue
			}
			return err
		}
		if err := s.fromClient(body); err != nil {
			return err
		}
	}
}

func (s *Session) fromClient(body []byte) error {
	if s.closing.Load() {
		return nil // the session is ending; gopls is gone or going
	}
	if !json.Valid(body) {
		s.replyClientError(nil, &wire.Error{Code: jsonrpc2.ParseError, Message: "plugin-lsp: message is not valid JSON"})
		return nil
	}
	m, err := wire.Parse(body)
	if err != nil {
		s.replyClientError(nil, &wire.Error{Code: jsonrpc2.InvalidRequest, Message: "plugin-lsp: message is not a JSON object: " + err.Error()})
		return nil
	}
	switch m.Kind {
	case wire.KindRequest:
		s.clientRequest(m)
	case wire.KindNotification:
		return s.clientNotification(m)
	case wire.KindResponse:
		s.clientResponse(m)
	default:
		// Answered even when the id itself is what is wrong (an object,
		// an array): JSON-RPC says the reply's id is then null. What looks
		// like a response (result or error, no method) gets no reply: a
		// reply to a reply would only confuse the editor.
		s.log.Printf("invalid JSON-RPC message from the editor: %.200s", body)
		if m.Method == "" && (m.Result != nil || m.Error != nil) && (m.ID == nil || !wire.ValidID(m.ID)) {
			return nil
		}
		id := m.ID
		if id != nil && !wire.ValidID(id) {
			id = nil
		}
		s.replyClientError(id, &wire.Error{Code: jsonrpc2.InvalidRequest, Message: "plugin-lsp: invalid JSON-RPC message (a request needs a string or number id and a string method)"})
	}
	return nil
}

// clientRequest forwards a request, or runs its handler chain.
func (s *Session) clientRequest(m *wire.Message) {
	if m.Method == "shutdown" {
		s.shutdownRq.Store(true)
	}
	h, ok := s.requests[m.Method]
	if ok && !s.claimed(m) {
		ok = false // every handler would forward it untouched
	}
	if !ok {
		s.seq.Lock()
		err := s.forwardClientRequestLocked(m)
		s.seq.Unlock()
		if err != nil {
			s.replyClientError(m.ID, err)
		}
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	key := wire.IDKey(m.ID)
	s.pend.Lock()
	s.inflight[key] = &inflightReq{cancel: cancel}
	s.pend.Unlock()
	d := &decision{ch: make(chan struct{})}
	ctx = context.WithValue(ctx, decisionKey{}, d)
	forward := func(fctx context.Context) (json.RawMessage, error) {
		return s.forwardIntercepted(fctx, m, d)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		defer d.release()
		res, err := s.runHandler(ctx, m.Method, h, m.Params, forward)
		s.pend.Lock()
		delete(s.inflight, key)
		s.pend.Unlock()
		if err == nil && res != nil && !d.isForwarded(res) && !json.Valid(res) {
			// A handler's own bytes: never send the editor invalid JSON.
			s.log.Printf("handler for %s returned invalid JSON: %.200s", m.Method, res)
			err = &wire.Error{Code: jsonrpc2.InternalError, Message: "plugin-lsp: internal error in " + m.Method + ": invalid result"}
		}
		if err != nil {
			if ctx.Err() != nil && s.ctx.Err() == nil && !isRPCError(err) {
				err = &wire.Error{Code: wire.CodeRequestCancelled, Message: "request cancelled"}
			}
			s.replyClientError(m.ID, wire.ToError(err))
			return
		}
		s.writeResponse(m.ID, res)
	}()
	t := time.NewTimer(decisionWait)
	defer t.Stop()
	select {
	case <-d.ch:
	case <-s.ctx.Done():
	case <-t.C:
		// A handler that neither forwards, answers nor detaches would stall
		// the whole session: let the read loop go on, and say which one.
		s.log.Printf("handler for %s held the read loop for %s without forwarding, answering or calling Detach; continuing (later messages may overtake it)", m.Method, decisionWait)
		d.release()
	}
}

// claimed reports whether an intercepted request must run its handler
// chain: true unless every feature on the method declared a claim and none
// claims m. It runs on the read loop before anything is sent, so a request
// no one claims is forwarded in order, exactly like an unintercepted one.
func (s *Session) claimed(m *wire.Message) bool {
	cs, ok := s.claims[m.Method]
	if !ok {
		return true
	}
	for _, c := range cs {
		if s.claims1(m.Method, c, m.Params) {
			return true
		}
	}
	return false
}

// claims1 runs one claim; a panic is logged and counts as a claim, so the
// handler runs and answers (or reports) it.
func (s *Session) claims1(method string, c ClaimFunc, params json.RawMessage) (yes bool) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Printf("panic in claim for %s: %v\n%s", method, p, debug.Stack())
			yes = true
		}
	}()
	return c(params)
}

// decisionWait bounds how long the read loop waits for an intercepted
// request's handler to decide (see RequestHandler). Handlers decide in
// microseconds; this only guards against a handler that blocks by mistake.
const decisionWait = 2 * time.Second

func isRPCError(err error) bool {
	var e *wire.Error
	return errors.As(err, &e)
}

// runHandler calls h and turns a panic into an error reply.
func (s *Session) runHandler(ctx context.Context, method string, h RequestHandler, params json.RawMessage, fwd Forward) (res json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Printf("panic in handler for %s: %v\n%s", method, p, debug.Stack())
			res, err = nil, &wire.Error{Code: jsonrpc2.InternalError, Message: fmt.Sprintf("plugin-lsp: internal error in %s: %v", method, p)}
		}
	}()
	return h(ctx, params, fwd)
}

// safely runs f, logging a panic instead of ending the session.
func (s *Session) safely(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Printf("panic in %s: %v\n%s", what, p, debug.Stack())
		}
	}()
	f()
}

// decision releases the read loop once an intercepted request's handler has
// decided (see RequestHandler).
type decision struct {
	once sync.Once
	ch   chan struct{}

	mu        sync.Mutex
	forwarded []byte // the last result gopls gave this request's forward
}

// isForwarded reports whether res is the result forward returned (already
// valid JSON from gopls: no need to validate it again).
func (d *decision) isForwarded(res []byte) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(res) > 0 && len(res) == len(d.forwarded) && &res[0] == &d.forwarded[0]
}

func (d *decision) release() { d.once.Do(func() { close(d.ch) }) }

type decisionKey struct{}

// Detach lets the read loop go on before the handler running with ctx has
// forwarded or answered. Call it before slow work that is not a forward or
// a CallClient/CallGopls (which detach by themselves); later messages may
// then reach gopls before this request.
func Detach(ctx context.Context) {
	if d, ok := ctx.Value(decisionKey{}).(*decision); ok {
		d.release()
	}
}

// forwardClientRequestLocked sends m to gopls under a fresh id, with its
// reply passed back to the editor. Called with s.seq held.
func (s *Session) forwardClientRequestLocked(m *wire.Message) *wire.Error {
	if s.state == stateDead {
		return s.deadError()
	}
	id := s.nextID.Add(1)
	key := wire.IDKey(m.ID)
	s.pend.Lock()
	s.toGopls[id] = &pendingGopls{gen: s.gen, clientID: m.ID, method: m.Method, sent: time.Now()}
	s.byClientID[key] = id
	s.pend.Unlock()
	newID := strconv.AppendInt(nil, id, 10)
	// The id is replaced by queueing the message as three parts: no copy.
	if !s.sendGoplsLocked(m.Raw[:m.IDSpan[0]], newID, m.Raw[m.IDSpan[1]:]) {
		s.forget(id)
		return s.backlogFull()
	}
	return nil
}

// forget drops the pending entry of our request id to gopls.
func (s *Session) forget(id int64) {
	s.pend.Lock()
	if p, ok := s.toGopls[id]; ok {
		delete(s.toGopls, id)
		if p.clientID != nil {
			delete(s.byClientID, wire.IDKey(p.clientID))
		}
	}
	s.pend.Unlock()
}

func (s *Session) backlogFull() *wire.Error {
	return &wire.Error{Code: wire.CodeRequestFailed, Message: fmt.Sprintf("plugin-lsp: gopls is restarting and %d MiB of messages already wait for it; retry the request", s.opts.MaxQueue>>20)}
}

// forwardIntercepted sends an intercepted request to gopls and waits for
// the reply, which is consumed here.
func (s *Session) forwardIntercepted(ctx context.Context, m *wire.Message, d *decision) (json.RawMessage, error) {
	s.seq.Lock()
	if s.state == stateDead {
		s.seq.Unlock()
		d.release()
		return nil, s.deadError()
	}
	id := s.nextID.Add(1)
	ch := make(chan reply, 1)
	s.pend.Lock()
	// No byClientID entry: the editor's cancel reaches this request through
	// s.inflight (the handler's context), and await cancels it at gopls.
	s.toGopls[id] = &pendingGopls{gen: s.gen, ch: ch, method: m.Method, sent: time.Now()}
	s.pend.Unlock()
	out := m.WithID(strconv.AppendInt(nil, id, 10))
	if m.Method == "initialize" { // Feature.InitializeParams
		out = wire.EncodeRequest(strconv.AppendInt(nil, id, 10), m.Method, s.goplsInitializeParams(m.Params))
	}
	ok := s.sendGoplsLocked(out)
	s.seq.Unlock()
	d.release()
	if !ok {
		s.forget(id)
		return nil, s.backlogFull()
	}
	res, err := s.await(ctx, id, ch)
	if err == nil {
		d.mu.Lock()
		d.forwarded = res
		d.mu.Unlock()
	}
	return res, err
}

// await waits for gopls's reply to our id, cancelling it at gopls if ctx ends.
func (s *Session) await(ctx context.Context, id int64, ch chan reply) (json.RawMessage, error) {
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return r.result, nil
	case <-ctx.Done():
		// gopls may still answer; with the entry gone, the reply is dropped
		// (and a hung gopls is not waited for by anyone).
		s.forget(id)
		s.seq.Lock()
		if s.state == stateLive {
			s.sendGoplsLocked(wire.EncodeNotification("$/cancelRequest", json.RawMessage(`{"id":`+strconv.FormatInt(id, 10)+`}`)))
		}
		s.seq.Unlock()
		return nil, ctx.Err()
	}
}

// CallGopls sends plugin-lsp's own request to gopls and waits for the result.
func (s *Session) CallGopls(ctx context.Context, method string, params any) (json.RawMessage, error) {
	Detach(ctx)
	p, err := wire.MarshalParams(params)
	if err != nil {
		return nil, err
	}
	s.seq.Lock()
	if s.state == stateDead {
		s.seq.Unlock()
		return nil, s.deadError()
	}
	id := s.nextID.Add(1)
	ch := make(chan reply, 1)
	s.pend.Lock()
	s.toGopls[id] = &pendingGopls{gen: s.gen, ch: ch, method: method, sent: time.Now()}
	s.pend.Unlock()
	ok := s.sendGoplsLocked(wire.EncodeRequest(strconv.AppendInt(nil, id, 10), method, p))
	s.seq.Unlock()
	if !ok {
		s.forget(id)
		return nil, s.backlogFull()
	}
	return s.await(ctx, id, ch)
}

// NotifyGopls sends plugin-lsp's own notification to gopls, in order with
// the editor's messages.
func (s *Session) NotifyGopls(method string, params any) error {
	p, err := wire.MarshalParams(params)
	if err != nil {
		return err
	}
	s.seq.Lock()
	defer s.seq.Unlock()
	if s.state == stateDead {
		return s.deadError()
	}
	if !s.sendGoplsLocked(wire.EncodeNotification(method, p)) {
		return s.backlogFull()
	}
	return nil
}

func (s *Session) clientNotification(m *wire.Message) error {
	ctx := s.ctx
	s.seq.Lock()
	var overlayErr error
	switch m.Method {
	case "textDocument/didOpen":
		overlayErr = s.overlays.DidOpen(m.Params)
	case "textDocument/didChange":
		overlayErr = s.overlays.DidChange(m.Params)
	case "textDocument/didClose":
		overlayErr = s.overlays.DidClose(m.Params)
	case "initialized":
		s.initDone = m.Params
	case "workspace/didChangeConfiguration":
		s.config = m.Params
	case "workspace/didChangeWorkspaceFolders":
		s.folders = append(s.folders, m.Params)
	case "$/cancelRequest":
		s.seq.Unlock()
		s.clientCancel(m)
		return nil
	case "exit":
		// gopls exits on this; that is not a crash to recover from.
		s.closing.Store(true)
	}
	switch {
	case s.state == stateLive:
		s.sendGoplsLocked(m.Raw)
	case s.state == stateRestarting && !replayedLocally(m.Method):
		if !s.sendGoplsLocked(m.Raw) {
			s.log.Printf("dropping %s: gopls is restarting and its backlog is full", m.Method)
		}
	}
	s.seq.Unlock()
	if overlayErr != nil {
		s.log.Printf("%s: %v", m.Method, overlayErr)
	}
	if m.Method == "exit" {
		return errExit
	}
	if m.Method == "textDocument/didClose" {
		var p didCloseParams
		if json.Unmarshal(m.Params, &p) == nil {
			s.diags.closed(p.TextDocument.URI)
		}
	}
	for _, o := range s.observers[m.Method] {
		s.safely(m.Method+" observer", func() { o(ctx, m.Params) })
	}
	return nil
}

// clientCancel maps the editor's $/cancelRequest to the id gopls knows, and
// cancels an intercepted request's handler. A cancel for a request already
// answered is dropped.
func (s *Session) clientCancel(m *wire.Message) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(m.Params, &p) != nil || p.ID == nil {
		return
	}
	key := wire.IDKey(p.ID)
	s.pend.Lock()
	if in, ok := s.inflight[key]; ok {
		s.pend.Unlock()
		in.cancel() // its forward, if any, cancels at gopls
		return
	}
	gid, ok := s.byClientID[key]
	var pg *pendingGopls
	if ok {
		// Answered here, now, whatever gopls does: a hung gopls would
		// never answer, and the editor waits for a reply to every request.
		// gopls's own reply, if it comes, finds no entry and is dropped.
		pg = s.toGopls[gid]
		delete(s.toGopls, gid)
		delete(s.byClientID, key)
	}
	s.pend.Unlock()
	if !ok {
		return
	}
	if pg != nil {
		s.replyClientError(pg.clientID, &wire.Error{Code: wire.CodeRequestCancelled, Message: "request cancelled"})
	}
	s.seq.Lock()
	if s.state == stateLive {
		s.sendGoplsLocked(wire.EncodeNotification("$/cancelRequest", json.RawMessage(`{"id":`+strconv.FormatInt(gid, 10)+`}`)))
	}
	s.seq.Unlock()
}

// clientResponse routes the editor's reply to a request we or gopls sent.
func (s *Session) clientResponse(m *wire.Message) {
	key := wire.IDKey(m.ID)
	s.pend.Lock()
	p, ok := s.toClient[key]
	if ok {
		delete(s.toClient, key)
		if p.goplsID != nil {
			delete(s.goplsToClient, goplsReqKey(p.gen, p.goplsID))
		}
	}
	s.pend.Unlock()
	if !ok {
		s.log.Printf("dropping a reply from the editor to unknown id %s", m.ID)
		return
	}
	if p.ch != nil {
		p.ch <- replyOf(m)
		return
	}
	// A reply goes straight to the gopls that asked, even while it is being
	// restarted (its initialized handler waits for workspace/configuration).
	s.seq.Lock()
	g := s.gopls
	ok = s.state != stateDead && g != nil && g.gen == p.gen
	s.seq.Unlock()
	if ok && !g.send(m.WithID(p.goplsID)) {
		s.goplsHung(g, fmt.Sprintf("it read none of the last %d MiB sent to it", s.opts.MaxQueue>>20))
	}
}

func replyOf(m *wire.Message) reply {
	if m.Error != nil {
		e := &wire.Error{}
		if json.Unmarshal(m.Error, e) != nil {
			e = &wire.Error{Code: jsonrpc2.InternalError, Message: string(m.Error)}
		}
		return reply{err: e}
	}
	return reply{result: m.Result}
}

func goplsReqKey(gen int, id json.RawMessage) string {
	return strconv.Itoa(gen) + "/" + wire.IDKey(id)
}

// fromGopls handles one message from gopls generation gen, on its read
// loop. It reports whether the message was well formed (a sign of life for
// the watchdog; garbage is not).
func (s *Session) fromGopls(gen int, body []byte) bool {
	m, err := wire.ParseGoplsMessage(body)
	if err != nil || m.Kind == wire.KindInvalid {
		s.log.Printf("dropping a malformed message from gopls: %.200s", body)
		return false
	}
	switch m.Kind {
	case wire.KindResponse:
		s.goplsResponse(gen, m)
	case wire.KindRequest:
		// gopls→editor request: forward under our own id so that a restarted
		// gopls reusing ids cannot collide with a reply still in flight.
		switch m.Method {
		case "client/registerCapability", "client/unregisterCapability":
			s.trackRegistrations(gen, m)
		}
		id := json.RawMessage(strconv.AppendInt(nil, s.nextID.Add(1), 10))
		s.pend.Lock()
		s.toClient[wire.IDKey(id)] = &pendingClient{goplsID: m.ID, gen: gen}
		s.goplsToClient[goplsReqKey(gen, m.ID)] = id
		s.pend.Unlock()
		s.writeClient(m.WithID(id))
	case wire.KindNotification:
		switch m.Method {
		case "textDocument/publishDiagnostics":
			s.diags.fromGopls(m)
		case "$/cancelRequest":
			var p struct {
				ID json.RawMessage `json:"id"`
			}
			if json.Unmarshal(m.Params, &p) != nil || p.ID == nil {
				return true
			}
			s.pend.Lock()
			cid, ok := s.goplsToClient[goplsReqKey(gen, p.ID)]
			s.pend.Unlock()
			if ok {
				s.writeClient(wire.EncodeNotification("$/cancelRequest", json.RawMessage(`{"id":`+string(cid)+`}`)))
			}
		default:
			s.writeClient(m.Raw)
		}
	}
	return true
}

func (s *Session) goplsResponse(gen int, m *wire.Message) {
	id, err := strconv.ParseInt(string(m.ID), 10, 64)
	if err != nil {
		s.log.Printf("dropping a reply from gopls to an id we never sent: %s", m.ID)
		return
	}
	s.pend.Lock()
	p, ok := s.toGopls[id]
	if ok && p.gen == gen {
		delete(s.toGopls, id)
		if p.clientID != nil {
			delete(s.byClientID, wire.IDKey(p.clientID))
		}
	} else {
		ok = false
	}
	s.pend.Unlock()
	if !ok {
		return // failed already (crash) or cancelled and answered
	}
	if p.ch != nil {
		p.ch <- replyOf(m)
		return
	}
	if err := m.WriteWithID(s.client, p.clientID); err != nil && s.ctx.Err() == nil {
		s.log.Printf("writing to the editor: %v", err)
	}
}

// writeClient sends one message to the editor. A write error means the
// editor is gone; the read loop will see EOF and end the session.
func (s *Session) writeClient(body []byte) {
	if err := s.client.Write(body); err != nil && s.ctx.Err() == nil {
		s.log.Printf("writing to the editor: %v", err)
	}
}

// writeResponse sends a result to the editor without assembling the
// message in a new buffer first: a forwarded completion result is 100 KB
// or more, and copying it into a fresh slice per request made garbage
// whose collection marks the whole index heap (the frame writer copies the
// parts into its reused buffer).
func (s *Session) writeResponse(id, result json.RawMessage) {
	if id == nil {
		id = json.RawMessage("null")
	}
	if result == nil {
		result = json.RawMessage("null")
	}
	if err := s.client.WriteParts(responseHead, id, responseMid, result, responseTail); err != nil && s.ctx.Err() == nil {
		s.log.Printf("writing to the editor: %v", err)
	}
}

var (
	responseHead = []byte(`{"jsonrpc":"2.0","id":`)
	responseMid  = []byte(`,"result":`)
	responseTail = []byte(`}`)
)

func (s *Session) replyClientError(id json.RawMessage, e *wire.Error) {
	s.writeClient(wire.EncodeError(id, e))
}

// NotifyClient sends a notification to the editor.
func (s *Session) NotifyClient(method string, params any) error {
	p, err := wire.MarshalParams(params)
	if err != nil {
		return err
	}
	return s.client.Write(wire.EncodeNotification(method, p))
}

// CallClient sends a request to the editor (id "plsp:N", a namespace of our
// own) and waits for its reply, which is consumed here and never reaches
// gopls. If ctx ends first, $/cancelRequest is sent and ctx's error returned.
func (s *Session) CallClient(ctx context.Context, method string, params any) (json.RawMessage, error) {
	Detach(ctx)
	p, err := wire.MarshalParams(params)
	if err != nil {
		return nil, err
	}
	id, _ := json.Marshal("plsp:" + strconv.FormatInt(s.nextID.Add(1), 10))
	ch := make(chan reply, 1)
	key := wire.IDKey(id)
	s.pend.Lock()
	s.toClient[key] = &pendingClient{ch: ch}
	s.pend.Unlock()
	if err := s.client.Write(wire.EncodeRequest(id, method, p)); err != nil {
		s.pend.Lock()
		delete(s.toClient, key)
		s.pend.Unlock()
		return nil, err
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return r.result, nil
	case <-ctx.Done():
		s.pend.Lock()
		delete(s.toClient, key)
		s.pend.Unlock()
		s.writeClient(wire.EncodeNotification("$/cancelRequest", json.RawMessage(`{"id":`+string(id)+`}`)))
		return nil, ctx.Err()
	case <-s.ctx.Done():
		return nil, errClosed
	}
}

// ShowMessage shows a message to the user (window/showMessage); typ is 1
// error, 2 warning, 3 info, 4 log.
func (s *Session) ShowMessage(typ int, text string) {
	_ = s.NotifyClient("window/showMessage", map[string]any{"type": typ, "message": text})
}

// Go runs f in a goroutine owned by the session: the session waits for it
// at its end, and f must return once ctx (the session's) is done.
func (s *Session) Go(name string, f func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.safely(name, func() { f(s.ctx) })
	}()
}

// failAllPending answers every request still waiting on gopls or the editor.
func (s *Session) failAllPending(e *wire.Error) {
	s.failPending(-1, e)
	s.pend.Lock()
	calls := s.toClient
	s.toClient = make(map[string]*pendingClient)
	s.goplsToClient = make(map[string]json.RawMessage)
	s.pend.Unlock()
	for _, p := range calls {
		if p.ch != nil {
			p.ch <- reply{err: e}
		}
	}
}

// failPending answers the requests sent to gopls generation gen (-1: all)
// with e.
func (s *Session) failPending(gen int, e *wire.Error) {
	s.pend.Lock()
	var failed []*pendingGopls
	for id, p := range s.toGopls {
		if gen >= 0 && p.gen != gen {
			continue
		}
		delete(s.toGopls, id)
		if p.clientID != nil {
			delete(s.byClientID, wire.IDKey(p.clientID))
		}
		failed = append(failed, p)
	}
	if gen >= 0 {
		for k, p := range s.toClient {
			if p.ch == nil && p.gen == gen {
				delete(s.toClient, k)
			}
		}
	}
	s.pend.Unlock()
	for _, p := range failed {
		if p.ch != nil {
			p.ch <- reply{err: e}
		} else if s.ctx.Err() == nil {
			s.replyClientError(p.clientID, e)
		}
	}
}
