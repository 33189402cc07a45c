package proxy

import (
	"fmt"
	"io"
	"log"
	"sync"
)

// plugin-lsp's informational lines ("started gopls …", "index: … built in
// …") go to the editor as window/logMessage with type Info, or to
// Options.LogFile when one is given, and never to stderr: editors show
// every stderr line of a language server as an error ([error] in VS Code's
// output channel, [ERROR] in Neovim's lsp.log). Stderr is for real errors
// (Session.Logf).

// msgTypeInfo is LSP's MessageType Info.
const msgTypeInfo = 3

// maxPendingInfo bounds the lines kept before the editor's initialize.
const maxPendingInfo = 64

// infoLog holds the informational lines written before the editor sent
// initialize: the protocol allows window/logMessage only from then on.
type infoLog struct {
	mu      sync.Mutex
	ready   bool        // initialize received: lines go out as they come
	pending []string    // lines before initialize, in order
	file    *log.Logger // on Options.LogFile, made on first use
}

// Infof writes an informational line of plugin-lsp's log: to the log file
// when there is one, else to the editor as window/logMessage (kept until
// the editor's initialize request when written earlier).
func (s *Session) Infof(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l := &s.infoLog
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.opts.LogFile != nil {
		if l.file == nil {
			l.file = log.New(s.opts.LogFile, "plugin-lsp: ", log.LstdFlags|log.Lmicroseconds)
		}
		l.file.Print(msg)
		return
	}
	if !l.ready {
		if len(l.pending) < maxPendingInfo {
			l.pending = append(l.pending, msg)
		}
		return
	}
	s.logMessage(msg)
}

// infoLogReady is called when the editor's initialize request arrives: the
// lines kept so far are sent, in order, before anything written later (the
// lock is held while sending).
func (s *Session) infoLogReady() {
	l := &s.infoLog
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ready {
		return
	}
	l.ready = true
	for _, msg := range l.pending {
		s.logMessage(msg)
	}
	l.pending = nil
}

func (s *Session) logMessage(msg string) {
	if err := s.NotifyClient("window/logMessage", map[string]any{"type": msgTypeInfo, "message": "plugin-lsp: " + msg}); err != nil && s.ctx.Err() == nil {
		s.log.Printf("writing to the editor: %v", err)
	}
}

// goplsStderr is where gopls's stderr goes: the log file when there is one
// (gopls then writes its log, -rpc.trace included, to its stderr, and
// plugin-lsp's log file holds both), else plugin-lsp's stderr.
func (s *Session) goplsStderr() io.Writer {
	if s.opts.LogFile != nil {
		return s.opts.LogFile
	}
	return s.opts.Stderr
}
