package proxy

import (
	"context"
	"fmt"
)

// Progress is one work-done progress report shown by the editor
// (window/workDoneProgress/create, then $/progress begin/report/end). When
// the editor does not support it, every method is a no-op.
type Progress struct {
	s     *Session
	token string
	ok    bool
}

// StartProgress creates a progress token at the editor and sends "begin".
// It waits for the editor's reply to create (detaching the read loop, see
// RequestHandler), so call it from a goroutine, not an observer.
func (s *Session) StartProgress(ctx context.Context, title string) *Progress {
	p := &Progress{s: s, token: fmt.Sprintf("plugin-lsp-%d", s.nextID.Add(1))}
	info := s.Info()
	if info == nil || !info.ClientSupports("window", "workDoneProgress") {
		return p
	}
	if _, err := s.CallClient(ctx, "window/workDoneProgress/create", map[string]any{"token": p.token}); err != nil {
		return p
	}
	p.ok = true
	p.send(map[string]any{"kind": "begin", "title": title})
	return p
}

// Report sends a progress message (and a percentage, if 0..100).
func (p *Progress) Report(message string, percentage int) {
	v := map[string]any{"kind": "report", "message": message}
	if percentage >= 0 && percentage <= 100 {
		v["percentage"] = percentage
	}
	p.send(v)
}

// End ends the progress with a final message.
func (p *Progress) End(message string) {
	p.send(map[string]any{"kind": "end", "message": message})
	p.ok = false
}

func (p *Progress) send(value map[string]any) {
	if p == nil || !p.ok {
		return
	}
	_ = p.s.NotifyClient("$/progress", map[string]any{"token": p.token, "value": value})
}
