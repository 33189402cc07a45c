package proxy

import (
	"io"
	"sync"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// sendQueue holds the frames waiting to be written to one gopls process and
// writes them from a goroutine of its own. Everything that handles the
// editor's messages only appends here, so a gopls that stops reading its
// stdin (SIGSTOP, a deadlock) can never block the editor's read loop, the
// lock that orders messages to gopls, or the session's end. The queue is
// bounded in bytes: push refuses a frame that would pass the limit, and the
// session then treats that gopls as hung (a live gopls reads its pipe as fast
// as the editor can type).
type sendQueue struct {
	w     *wire.Writer
	c     io.Closer // gopls's stdin, closed when the queue is closed and drained
	limit int

	mu      sync.Mutex
	frames  [][][]byte // each frame as the parts writeParts concatenates
	bytes   int
	closed  bool
	failed  bool      // a write failed: gopls is gone; later frames are dropped
	busy    time.Time // when the frame being written was taken (zero when idle)
	wake    chan struct{}
	drained chan struct{} // closed when the writer goroutine has returned
}

func newSendQueue(w io.Writer, c io.Closer, limit int) *sendQueue {
	return &sendQueue{w: wire.NewWriter(w), c: c, limit: limit, wake: make(chan struct{}, 1), drained: make(chan struct{})}
}

// push queues one frame made of parts (aliased, not copied: callers pass
// bytes they no longer modify). It reports false, queueing nothing, when
// the frame would take the queue past its limit; a closed or failed queue
// accepts and drops frames (gopls is gone and its exit is being handled).
func (q *sendQueue) push(parts ...[]byte) bool { return q.pushN(false, parts...) }

// pushAll queues a frame whatever the limit: for the replay to a restarted
// gopls, whose size is bounded by what the session holds anyway (the open
// documents, a backlog that is itself bounded).
func (q *sendQueue) pushAll(parts ...[]byte) { q.pushN(true, parts...) }

func (q *sendQueue) pushN(force bool, parts ...[]byte) bool {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	q.mu.Lock()
	if q.closed || q.failed {
		q.mu.Unlock()
		return true
	}
	if !force && q.bytes+n > q.limit && len(q.frames) > 0 {
		q.mu.Unlock()
		return false
	}
	q.frames = append(q.frames, parts)
	q.bytes += n
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// close stops accepting frames; the writer writes what is queued, then
// closes gopls's stdin (gopls exits on EOF) and returns.
func (q *sendQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// stalled returns how long the writer has been stuck writing one frame
// (zero when it is idle or making progress).
func (q *sendQueue) stalled(now time.Time) time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.busy.IsZero() {
		return 0
	}
	return now.Sub(q.busy)
}

// queued returns the bytes waiting to be written.
func (q *sendQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.bytes
}

// run is the writer goroutine. It is owned by the gopls process it writes
// to: that process's read loop waits for drained after the process exits
// (a write to an exited process fails at once, so run returns soon after).
func (q *sendQueue) run() {
	defer close(q.drained)
	defer q.c.Close()
	for {
		q.mu.Lock()
		for len(q.frames) == 0 && !q.closed {
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
		}
		if len(q.frames) == 0 { // closed and drained
			q.mu.Unlock()
			return
		}
		f := q.frames[0]
		q.frames[0] = nil
		q.frames = q.frames[1:]
		if len(q.frames) == 0 {
			q.frames = nil // let a large backing array go
		}
		n := 0
		for _, p := range f {
			n += len(p)
		}
		failed := q.failed
		q.busy = time.Now()
		q.mu.Unlock()
		var err error
		if !failed {
			err = q.w.WriteParts(f...)
		}
		q.mu.Lock()
		q.bytes -= n
		q.busy = time.Time{}
		if err != nil {
			q.failed = true
			q.bytes = 0
			q.frames = nil
		}
		q.mu.Unlock()
	}
}
