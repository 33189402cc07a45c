package wire

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Fuzz target for the framing and envelope of every message the proxy reads
// (issue 11). Run it with
//
//	go test -run=^$ -fuzz=^FuzzFraming$ -fuzztime=10m ./lsp/proxy/wire
//
// Crashers land in testdata/fuzz/FuzzFraming/ and stay there as seeds.

// progressReader counts the bytes the frame reader consumed.
type progressReader struct {
	r io.Reader
	n int
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += n
	return n, err
}

// FuzzFraming reads arbitrary bytes as the editor's stream, and decodes the
// envelope of every body read. Properties: no panic; the reader always
// makes progress and ends; a body round-trips through Writer; the
// envelope scan agrees with encoding/json on valid JSON (last member wins),
// gopls's fast path agrees with the full scan, and an id rewritten by
// WithID keeps the message valid JSON.
func FuzzFraming(f *testing.F) {
	for _, p := range []string{
		filepath.Join("..", "..", "..", "testdata", "proxy", "main.go"),
		filepath.Join("..", "..", "..", "testdata", "lsp", "multi", "plugins", "gamma", "gamma.go"),
	} {
		text, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{"uri": "file:///a.go", "text": string(text)}}})
		f.Add([]byte("Content-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + string(b)))
	}
	f.Add([]byte("Content-Length: 5\r\n\r\n{\"a\":1,\"b\":2}Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte(`{"jsonrpc":"2.0","id":7,"method":"x"}Content-Length: 2` + "\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 26\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":{}}"))
	f.Add([]byte("Content-Length: 38\r\n\r\n{\"jsonrpc\":\"2.0\",\"result\":[1,2],\"id\":3}"))
	f.Add([]byte("Content-Type: x\r\n\r\n{}\nContent-Length: abc\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pr := &progressReader{r: bytes.NewReader(data)}
		r := NewReader(pr)
		var bodies [][]byte
		for i := 0; ; i++ {
			before := pr.n - r.r.Buffered()
			body, err := r.Read()
			after := pr.n - r.r.Buffered()
			if err != nil && !Recoverable(err) {
				break
			}
			if after == before && r.pending == "" && !r.needResync {
				t.Fatalf("read %d consumed nothing: %v", i, err)
			}
			if i > len(data)+2 {
				t.Fatalf("more reads (%d) than input bytes (%d)", i, len(data))
			}
			if err == nil {
				bodies = append(bodies, body)
				checkEnvelope(t, body)
			}
			var be *BareBodyError
			if asBare(err, &be) {
				checkEnvelope(t, be.Body)
			}
		}
		checkEnvelope(t, data)

		// Framing round trip: what the writer frames, the reader returns.
		bodies = append(bodies, data)
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, b := range bodies {
			if err := w.Write(b); err != nil {
				t.Fatal(err)
			}
		}
		rr := NewReader(&buf)
		for i, want := range bodies {
			got, err := rr.Read()
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("round trip of frame %d: %q, %v; want %q", i, got, err, want)
			}
		}
	})
}

func asBare(err error, be **BareBodyError) bool {
	if err == nil {
		return false
	}
	b, ok := err.(*BareBodyError)
	*be = b
	return ok
}

// checkEnvelope checks the envelope scan of body against encoding/json.
func checkEnvelope(t *testing.T, body []byte) {
	t.Helper()
	m, err := Parse(body)
	valid := json.Valid(body)
	var ref map[string]json.RawMessage
	IsObject := valid && json.Unmarshal(body, &ref) == nil
	if IsObject && err != nil {
		t.Fatalf("Parse rejects a valid JSON object %q: %v", body, err)
	}
	if err != nil || !IsObject {
		return
	}
	ms, _ := objectMembers(body)
	last := map[string]json.RawMessage{}
	for _, mb := range ms {
		last[mb.key] = body[mb.start:mb.end]
	}
	if len(last) != len(ref) {
		t.Fatalf("members %d, encoding/json %d: %q", len(last), len(ref), body)
	}
	for k, v := range ref {
		if !bytes.Equal(compact(t, last[k]), compact(t, v)) {
			t.Fatalf("member %q: scan %q, encoding/json %q", k, last[k], v)
		}
	}
	// gopls's fast path reads {"jsonrpc":"2.0","result":…,"id":N} from both
	// ends; gopls writes exactly one member of each, so it is compared
	// where the value between them is one JSON value.
	g, gerr := ParseGoplsMessage(body)
	if gerr != nil {
		t.Fatalf("gopls fast path rejects %q: %v", body, gerr)
	}
	gv, mv := g.Result, m.Result
	if g.Error != nil {
		gv, mv = g.Error, m.Error
	}
	if len(ms) == len(ref) && (gv == nil || json.Valid(gv)) {
		if g.Kind != m.Kind || !bytes.Equal(g.ID, m.ID) || (gv != nil && (mv == nil || !bytes.Equal(compact(t, gv), compact(t, mv)))) {
			t.Fatalf("gopls fast path %+v differs from the full scan %+v for %q", g, m, body)
		}
	}
	if m.Kind != KindInvalid && m.ID != nil {
		if !ValidID(m.ID) {
			t.Fatalf("kind %v with invalid id %q", m.Kind, m.ID)
		}
		out := m.WithID(json.RawMessage(`"plsp:1"`))
		if !json.Valid(out) {
			t.Fatalf("withID made invalid JSON: %q", out)
		}
		if id := GetMember(out, "id"); string(id) != `"plsp:1"` {
			t.Fatalf("withID: id %q in %q", id, out)
		}
	}
}

func compact(t *testing.T, v []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		t.Fatalf("compact %q: %v", v, err)
	}
	return b.Bytes()
}
