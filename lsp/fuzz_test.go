package lsp

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// Fuzz targets for the proxy's input handling (issue 11). Run one with
//
//	go test -run=^$ -fuzz=^FuzzFraming$ -fuzztime=10m ./lsp
//
// Crashers land in testdata/fuzz/<target>/ and stay there as seeds.

// seedTexts returns Go sources from testdata to seed the fuzzers with.
func seedTexts(f *testing.F) []string {
	var out []string
	for _, p := range []string{
		filepath.Join("..", "testdata", "proxy", "main.go"),
		filepath.Join("..", "testdata", "lsp", "multi", "plugins", "gamma", "gamma.go"),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

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
// makes progress and ends; a body round-trips through frameWriter; the
// envelope scan agrees with encoding/json on valid JSON (last member wins),
// gopls's fast path agrees with the full scan, and an id rewritten by
// withID keeps the message valid JSON.
func FuzzFraming(f *testing.F) {
	for _, text := range seedTexts(f) {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{"uri": "file:///a.go", "text": text}}})
		f.Add([]byte("Content-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + string(b)))
	}
	f.Add([]byte("Content-Length: 5\r\n\r\n{\"a\":1,\"b\":2}Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte(`{"jsonrpc":"2.0","id":7,"method":"x"}Content-Length: 2` + "\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 26\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":{}}"))
	f.Add([]byte("Content-Length: 38\r\n\r\n{\"jsonrpc\":\"2.0\",\"result\":[1,2],\"id\":3}"))
	f.Add([]byte("Content-Type: x\r\n\r\n{}\nContent-Length: abc\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pr := &progressReader{r: bytes.NewReader(data)}
		r := newFrameReader(pr)
		var bodies [][]byte
		for i := 0; ; i++ {
			before := pr.n - r.r.Buffered()
			body, err := r.read()
			after := pr.n - r.r.Buffered()
			if err != nil && !recoverable(err) {
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
			var be *bareBodyError
			if asBare(err, &be) {
				checkEnvelope(t, be.body)
			}
		}
		checkEnvelope(t, data)

		// Framing round trip: what the writer frames, the reader returns.
		bodies = append(bodies, data)
		var buf bytes.Buffer
		w := newFrameWriter(&buf)
		for _, b := range bodies {
			if err := w.write(b); err != nil {
				t.Fatal(err)
			}
		}
		rr := newFrameReader(&buf)
		for i, want := range bodies {
			got, err := rr.read()
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("round trip of frame %d: %q, %v; want %q", i, got, err, want)
			}
		}
	})
}

func asBare(err error, be **bareBodyError) bool {
	if err == nil {
		return false
	}
	b, ok := err.(*bareBodyError)
	*be = b
	return ok
}

// checkEnvelope checks the envelope scan of body against encoding/json.
func checkEnvelope(t *testing.T, body []byte) {
	t.Helper()
	m, err := parseMessage(body)
	valid := json.Valid(body)
	var ref map[string]json.RawMessage
	isObject := valid && json.Unmarshal(body, &ref) == nil
	if isObject && err != nil {
		t.Fatalf("parseMessage rejects a valid JSON object %q: %v", body, err)
	}
	if err != nil || !isObject {
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
	g, gerr := parseGoplsMessage(body)
	if gerr != nil {
		t.Fatalf("gopls fast path rejects %q: %v", body, gerr)
	}
	gv, mv := g.result, m.result
	if g.error != nil {
		gv, mv = g.error, m.error
	}
	if len(ms) == len(ref) && (gv == nil || json.Valid(gv)) {
		if g.kind != m.kind || !bytes.Equal(g.id, m.id) || (gv != nil && (mv == nil || !bytes.Equal(compact(t, gv), compact(t, mv)))) {
			t.Fatalf("gopls fast path %+v differs from the full scan %+v for %q", g, m, body)
		}
	}
	if m.kind != kindInvalid && m.id != nil {
		if !validID(m.id) {
			t.Fatalf("kind %v with invalid id %q", m.kind, m.id)
		}
		out := m.withID(json.RawMessage(`"plsp:1"`))
		if !json.Valid(out) {
			t.Fatalf("withID made invalid JSON: %q", out)
		}
		if id := getMember(out, "id"); string(id) != `"plsp:1"` {
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

// FuzzOverlayEdits applies arbitrary didChange sequences to an open
// document through Overlays (from JSON, as the session does) and to a
// reference model written the plain way (lines split with strings, the
// rules of gopls v0.23.0's changedText and PositionOffset), and compares
// acceptance and text after each. It also checks the Mapper on every
// version: Position against the model's position of each offset, and
// Offset(Position(off)) is off's character start.
func FuzzOverlayEdits(f *testing.F) {
	for _, text := range seedTexts(f) {
		f.Add(text, []byte{0, 3, 2, 3, 9, 4, 'a', 'b', 'c', 'd', 3, 1, 5, 'h', 'e', 'l', 'l', 'o'}, uint8(0))
	}
	f.Add("ab\r\ncd\n𝄞x", []byte{0, 0, 3, 0, 3, 1, 'z', 0, 2, 1, 2, 1, 1, 'y'}, uint8(0))
	f.Add("é𝄞\n", []byte{0, 0, 4, 0, 4, 1, 'q', 2, 3, 'n', 'e', 'w'}, uint8(1))
	f.Fuzz(func(t *testing.T, text string, ops []byte, encByte uint8) {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD") // what JSON would make of it
		}
		enc := []Encoding{UTF16, UTF8, UTF32}[int(encByte)%3]
		o := newOverlays(func() Encoding { return enc })
		const uri = "file:///w/a.go"
		ob, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": text}})
		if err := o.didOpen(ob); err != nil {
			t.Fatal(err)
		}
		model := text
		checkMapper(t, o, uri, model, enc)
		version := 1
		for _, changes := range decodeChanges(ops) {
			version++
			pb, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes})
			err := o.didChange(pb)
			next, ok := modelApply(model, changes, enc)
			if (err == nil) != ok {
				t.Fatalf("%s on %q: overlay err %v, model accepts %v", pb, model, err, ok)
			}
			if ok {
				model = next
			}
			d, _ := o.Get(uri)
			if string(d.Text) != model {
				t.Fatalf("%s: overlay %q, model %q", pb, d.Text, model)
			}
			checkMapper(t, o, uri, model, enc)
		}
	})
}

// decodeChanges turns fuzz bytes into didChange contentChanges: op 0 is a
// ranged change (4 coordinates, then a length-prefixed text), 1 a full
// text, 2 a rangeLength without range, 3 ends one didChange.
func decodeChanges(ops []byte) [][]map[string]any {
	var out [][]map[string]any
	var cur []map[string]any
	next := func() int {
		if len(ops) == 0 {
			return 0
		}
		b := ops[0]
		ops = ops[1:]
		return int(b)
	}
	str := func() string {
		n := min(next()%16, len(ops))
		s := string(ops[:n])
		ops = ops[n:]
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	for len(ops) > 0 {
		switch next() % 4 {
		case 0:
			l1, c1, l2, c2 := next()%8, next()%24, next()%8, next()%24
			cur = append(cur, map[string]any{"range": map[string]any{
				"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}}, "text": str()})
		case 1:
			cur = append(cur, map[string]any{"text": str()})
		case 2:
			cur = append(cur, map[string]any{"rangeLength": next(), "text": str()})
		case 3:
			out = append(out, cur)
			cur = nil
		}
	}
	return append(out, cur)
}

// modelApply is the reference model of gopls's didChange.
func modelApply(text string, changes []map[string]any, enc Encoding) (string, bool) {
	if len(changes) == 0 {
		return "", false
	}
	_, hasRange := changes[0]["range"]
	_, hasLen := changes[0]["rangeLength"]
	if len(changes) == 1 && !hasRange && !hasLen {
		return changes[0]["text"].(string), true
	}
	for _, c := range changes {
		r, ok := c["range"].(map[string]any)
		if !ok {
			return "", false
		}
		pos := func(k string) (int, bool) {
			p := r[k].(map[string]any)
			return modelOffset(text, p["line"].(int), p["character"].(int), enc)
		}
		s, ok1 := pos("start")
		e, ok2 := pos("end")
		if !ok1 || !ok2 || s > e {
			return "", false
		}
		text = text[:s] + c["text"].(string) + text[e:]
	}
	return text, true
}

// modelOffset is the reference model of gopls's PositionOffset.
func modelOffset(text string, line, char int, enc Encoding) (int, bool) {
	lines := strings.SplitAfter(text, "\n")
	if line > len(lines) {
		return 0, false
	}
	if line == len(lines) {
		return len(text), char == 0
	}
	start := 0
	for _, l := range lines[:line] {
		start += len(l)
	}
	col := 0
	for i, r := range lines[line] {
		if col >= char {
			return start + i, true
		}
		if r == '\n' {
			return 0, false
		}
		w := modelUnits(r, enc)
		if col+w > char {
			return start + i, true
		}
		col += w
	}
	if col >= char {
		return start + len(lines[line]), true
	}
	return 0, false // past the end of the text
}

func modelUnits(r rune, enc Encoding) int {
	switch enc {
	case UTF8:
		return utf8.RuneLen(r)
	case UTF32:
		return 1
	}
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// checkMapper compares the open document's Mapper with the model.
func checkMapper(t *testing.T, o *Overlays, uri protocol.DocumentURI, text string, enc Encoding) {
	t.Helper()
	m, ok := o.Mapper(uri)
	if !ok {
		t.Fatal("document not open")
	}
	// The model, in one pass: every byte of a character (and the offset
	// of its start) is at the line and column where that character starts.
	line, col := 0, 0
	// Position scans its line from the start, so checking every offset of
	// a long line is quadratic: past a few hundred bytes, check a spread.
	step := max(1, len(text)/256)
	check := func(off, cstart int) {
		if off%step != 0 && off != len(text) {
			return
		}
		p, err := m.Position(off)
		if err != nil || int(p.Line) != line || int(p.Character) != col {
			t.Fatalf("Position(%d) in %q: %v %v, model %d:%d", off, text, p, err, line, col)
		}
		// A position past the end of a line means its end, before a
		// "\r\n": so does the place between '\r' and '\n'.
		if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
			cstart = off - 1
		}
		back, err := m.Offset(p)
		if err != nil || back != cstart {
			t.Fatalf("Offset(Position(%d)) in %q = %d %v, want the character start %d", off, text, back, err, cstart)
		}
	}
	for i, r := range text {
		w := utf8.RuneLen(r)
		for off := i; off < i+w; off++ {
			check(off, i)
		}
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col += modelUnits(r, enc)
		}
	}
	check(len(text), len(text))
}
