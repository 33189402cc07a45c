package proxy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// Fuzz target for the overlay edits (issue 11; the framing one is in
// package wire). Run it with
//
//	go test -run=^$ -fuzz=^FuzzOverlayEdits$ -fuzztime=10m ./lsp/proxy
//
// Crashers land in testdata/fuzz/FuzzOverlayEdits/ and stay there as seeds.

// seedTexts returns Go sources from testdata to seed the fuzzer with.
func seedTexts(f *testing.F) []string {
	var out []string
	for _, p := range []string{
		filepath.Join("..", "..", "testdata", "proxy", "main.go"),
		filepath.Join("..", "..", "testdata", "lsp", "multi", "plugins", "gamma", "gamma.go"),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
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
		if err := o.DidOpen(ob); err != nil {
			t.Fatal(err)
		}
		model := text
		checkMapper(t, o, uri, model, enc)
		version := 1
		for _, changes := range decodeChanges(ops) {
			version++
			pb, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes})
			err := o.DidChange(pb)
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
