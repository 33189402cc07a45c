package lsp

import (
	"go.lsp.dev/protocol"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// plugin-lsp's informational lines reach the editor as window/logMessage
// (type Info), or the log file, and never stderr, where editors show every
// line as an error. End to end: the proxy with the real features in front
// of the real gopls, on a copy of testdata/lsp/multi.

// infoLines are the informational lines plugin-lsp writes in every session
// (their start, after "plugin-lsp: " and, in a file, the time).
var infoLines = []string{"started gopls (pid ", "index: "}

// logMessages returns plugin-lsp's window/logMessage notifications among
// notes, decoded.
func logMessages(notes []*wire.Message) []struct {
	Type    int    `json:"type"`
	Message string `json:"message"`
} {
	var out []struct {
		Type    int    `json:"type"`
		Message string `json:"message"`
	}
	for _, n := range withMethod(notes, "window/logMessage") {
		var m struct {
			Type    int    `json:"type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(n.Params, &m) == nil && strings.HasPrefix(m.Message, "plugin-lsp: ") {
			out = append(out, m)
		}
	}
	return out
}

func TestInfoLinesAsLogMessage(t *testing.T) {
	ctx := ctxT(t)
	dir := wsCopy(t, "multi")
	p := startProxy(t)
	p.initialize(ctx, dir, nil)
	p.waitFor(ctx, "logMessage of the index build", func(notes, _ []*wire.Message) bool {
		for _, m := range logMessages(notes) {
			if strings.HasPrefix(m.Message, "plugin-lsp: index: ") && strings.Contains(m.Message, " built in ") {
				return true
			}
		}
		return false
	})
	if err := p.shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := logMessages(p.notifications("window/logMessage"))
	for _, want := range infoLines {
		found := false
		for _, m := range got {
			if strings.HasPrefix(m.Message, "plugin-lsp: "+want) {
				found = true
				if m.Type != int(protocol.MessageTypeInfo) {
					t.Errorf("%q: type %d, want %d (Info)", m.Message, m.Type, int(protocol.MessageTypeInfo))
				}
			}
		}
		if !found {
			t.Errorf("no window/logMessage starting with %q; got %+v", want, got)
		}
	}
	// "started gopls" is written before initialize and must come first.
	if len(got) == 0 || !strings.HasPrefix(got[0].Message, "plugin-lsp: "+infoLines[0]) {
		t.Errorf("first logMessage %+v, want the one of gopls's start", got)
	}
	for _, line := range infoLines {
		if strings.Contains(p.stderr.String(), line) {
			t.Errorf("stderr has the informational line %q:\n%s", line, p.stderr.String())
		}
	}
}

func TestInfoLinesToLogFile(t *testing.T) {
	ctx := ctxT(t)
	dir := wsCopy(t, "multi")
	logfile := filepath.Join(t.TempDir(), "plugin-lsp.log")
	p := startProxy(t, "PLUGIN_LSP_TEST_LOGFILE="+logfile)
	p.initialize(ctx, dir, nil)
	waitIndexReady(ctx, t, p)
	if err := p.shutdown(ctx); err != nil { // the index line is written before the session ends
		t.Fatal(err)
	}
	b, err := os.ReadFile(logfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range infoLines {
		if !strings.Contains(string(b), " "+line) {
			t.Errorf("log file lacks %q:\n%s", line, b)
		}
		if strings.Contains(p.stderr.String(), line) {
			t.Errorf("stderr has the informational line %q:\n%s", line, p.stderr.String())
		}
	}
	if got := logMessages(p.notifications("window/logMessage")); len(got) != 0 {
		t.Errorf("with a log file, plugin-lsp still sent window/logMessage: %+v", got)
	}
}
