package lsp

import (
	"bytes"
	"os"
	"sync"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// ProblemCode is the diagnostic code of "could not check this" diagnostics
// (a broken .plugin-lsp.yaml, a skipped file, a failed type load), the
// same word `check -format json` uses.
const ProblemCode = "CHECK"

// problemFindings turns what the index or the type loads could not check
// (index.Problem) into findings the converter publishes like the rules':
// a broken .plugin-lsp.yaml is an error on its line, a skipped file or a
// failed load a warning on the file's first line. A problem about a
// directory has no document to show on; it comes back in msgs, for
// window/showMessage.
func problemFindings(snap *index.Snapshot, probs []index.Problem) (fs []diagnostics.Finding, msgs []string) {
	for _, p := range probs {
		if st, err := os.Lstat(p.Path); err == nil && st.IsDir() {
			msgs = append(msgs, "plugin-lsp: "+p.String())
			continue
		}
		sev := diagnostics.Warning
		if p.Kind == index.ProblemConfig {
			sev = diagnostics.Error
		}
		f := diagnostics.Finding{Rule: ProblemCode, Severity: sev, Message: p.Msg}
		f.File = p.Path
		f.Start = diagnostics.Pos{Line: 1, Col: 1}
		f.End = f.Start
		if p.Line > 0 {
			if id, ok := snap.FileID(p.Path); ok {
				if text, err := snap.Content(id); err == nil {
					start, end := lineSpan(text, p.Line)
					f.Start = diagnostics.Pos{Offset: start, Line: p.Line, Col: 1}
					f.End = diagnostics.Pos{Offset: end, Line: p.Line, Col: end - start + 1}
				}
			}
		}
		fs = append(fs, f)
	}
	return fs, msgs
}

// lineSpan returns the byte range of 1-based line n of text (clamped).
func lineSpan(text []byte, n int) (start, end int) {
	for l := 1; l < n; l++ {
		i := bytes.IndexByte(text[start:], '\n')
		if i < 0 {
			return len(text), len(text)
		}
		start += i + 1
	}
	end = start
	if i := bytes.IndexByte(text[start:], '\n'); i >= 0 {
		end = start + i
	} else {
		end = len(text)
	}
	return start, end
}

// shownMessages remembers the window/showMessage texts already shown, so a
// problem is announced once, not after every keystroke.
type shownMessages struct {
	mu   sync.Mutex
	seen map[string]bool
}

// show shows each message not shown before (type 2: warning).
func (m *shownMessages) show(s *proxy.Session, msgs []string) {
	m.mu.Lock()
	var fresh []string
	for _, msg := range msgs {
		if !m.seen[msg] {
			if m.seen == nil {
				m.seen = map[string]bool{}
			}
			m.seen[msg] = true
			fresh = append(fresh, msg)
		}
	}
	m.mu.Unlock()
	for _, msg := range fresh {
		s.ShowMessage(2, msg)
	}
}
