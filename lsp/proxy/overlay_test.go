package proxy

import (
	"encoding/json"
	"testing"
)

func TestOverlaysIncrementalEdits(t *testing.T) {
	tests := []struct {
		name    string
		enc     Encoding
		open    string
		changes string // contentChanges JSON
		want    string
	}{
		{"insert", UTF16, "package a\n", `[{"range":{"start":{"line":0,"character":9},"end":{"line":0,"character":9}},"text":"bc"}]`, "package abc\n"},
		{"delete across lines", UTF16, "ab\ncd\nef", `[{"range":{"start":{"line":0,"character":1},"end":{"line":2,"character":1}},"text":""}]`, "af"},
		{"changes apply in sequence", UTF16, "xyz", `[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":1}},"text":"AA"},{"range":{"start":{"line":0,"character":2},"end":{"line":0,"character":3}},"text":"B"}]`, "AABz"},
		{"utf-16 after astral char", UTF16, "𝄞x", `[{"range":{"start":{"line":0,"character":2},"end":{"line":0,"character":3}},"text":"y"}]`, "𝄞y"},
		{"utf-8 after astral char", UTF8, "𝄞x", `[{"range":{"start":{"line":0,"character":4},"end":{"line":0,"character":5}},"text":"y"}]`, "𝄞y"},
		{"full text", UTF16, "old", `[{"text":"new"}]`, "new"},
		{"append at end", UTF16, "a\n", `[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"b"}]`, "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOverlays(func() Encoding { return tt.enc })
			open, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": "file:///a.go", "languageId": "go", "version": 1, "text": tt.open}})
			if err := o.DidOpen(open); err != nil {
				t.Fatal(err)
			}
			change := `{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":` + tt.changes + `}`
			if err := o.DidChange(json.RawMessage(change)); err != nil {
				t.Fatal(err)
			}
			d, ok := o.Get("file:///a.go")
			if !ok || string(d.Text) != tt.want || d.Version != 2 {
				t.Fatalf("after change: %q v%d (open %v); want %q v2", d.Text, d.Version, ok, tt.want)
			}
		})
	}
}

func TestOverlaysCloseAndBadChange(t *testing.T) {
	o := newOverlays(func() Encoding { return UTF16 })
	_ = o.DidOpen(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"abc"}}`))
	bad := `{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":[{"range":{"start":{"line":7,"character":0},"end":{"line":7,"character":0}},"text":"x"}]}`
	if err := o.DidChange(json.RawMessage(bad)); err == nil {
		t.Errorf("edit outside the document: want an error")
	}
	if d, _ := o.Get("file:///a.go"); string(d.Text) != "abc" || d.Version != 1 {
		t.Errorf("a bad edit changed the document: %q v%d", d.Text, d.Version)
	}
	if err := o.DidChange(json.RawMessage(`{"textDocument":{"uri":"file:///b.go","version":2},"contentChanges":[]}`)); err == nil {
		t.Errorf("change to a document that is not open: want an error")
	}
	_ = o.DidClose(json.RawMessage(`{"textDocument":{"uri":"file:///a.go"}}`))
	if _, ok := o.Get("file:///a.go"); ok {
		t.Errorf("document still open after didClose")
	}
}

// TestDocumentMapperCache: a document's cached mapper agrees with a fresh
// one, and each version gets its own.
func TestDocumentMapperCache(t *testing.T) {
	o := newOverlays(func() Encoding { return UTF16 })
	_ = o.DidOpen(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"a\nbb\nccc"}}`))
	m1, _ := o.Mapper("file:///a.go")
	_ = o.DidChange(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":[{"text":"x\ny"}]}`))
	m2, _ := o.Mapper("file:///a.go")
	for _, tt := range []struct {
		m    *Mapper
		text string
	}{{m1, "a\nbb\nccc"}, {m2, "x\ny"}} {
		fresh := NewMapper([]byte(tt.text), UTF16)
		for off := 0; off <= len(tt.text); off++ {
			a, _ := tt.m.Position(off)
			b, _ := fresh.Position(off)
			if a != b {
				t.Errorf("%q offset %d: cached %v, fresh %v", tt.text, off, a, b)
			}
		}
	}
}

// TestOverlaysRejectAsGopls: the didChanges gopls v0.23.0 rejects leave the
// document as it was (text and version), and the ones it accepts in a way a
// lenient model would not ('\r' is a character) are applied as it does.
func TestOverlaysRejectAsGopls(t *testing.T) {
	// (No invalid UTF-8: JSON carries none; json.Unmarshal turns it into
	// U+FFFD, so editOffset's check for it never fires on an overlay.)
	const open = "ab\r\ncd\n𝄞xy"
	r := func(l1, c1, l2, c2 int) string {
		b, _ := json.Marshal(map[string]any{"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}})
		return string(b)
	}
	tests := []struct {
		name    string
		changes string
		want    string // "" means rejected
	}{
		{"no changes", `[]`, ""},
		{"character past the end of the line", `[{"range":` + r(1, 3, 1, 3) + `,"text":"z"}]`, ""},
		{"character past the end of the file", `[{"range":` + r(2, 9, 2, 9) + `,"text":"z"}]`, ""},
		{"line past the end", `[{"range":` + r(4, 0, 4, 0) + `,"text":"z"}]`, ""},
		{"column on the line after the last", `[{"range":` + r(3, 1, 3, 1) + `,"text":"z"}]`, ""},
		{"end before start", `[{"range":` + r(1, 2, 1, 1) + `,"text":"z"}]`, ""},
		{"full text then incremental", `[{"text":"new"},{"range":` + r(0, 0, 0, 0) + `,"text":"z"}]`, ""},
		{"incremental then full text", `[{"range":` + r(0, 0, 0, 0) + `,"text":"z"},{"text":"new"}]`, ""},
		{"rangeLength without range", `[{"rangeLength":1,"text":"new"}]`, ""},
		{"a later change invalid: none applied", `[{"range":` + r(0, 0, 0, 0) + `,"text":"z"},{"range":` + r(9, 0, 9, 0) + `,"text":"z"}]`, ""},
		{"between \\r and \\n", `[{"range":` + r(0, 3, 0, 3) + `,"text":"z"}]`, "ab\rz\ncd\n𝄞xy"},
		{"inside a surrogate pair: the character's start", `[{"range":` + r(2, 1, 2, 1) + `,"text":"z"}]`, "ab\r\ncd\nz𝄞xy"},
		{"end of the file on the line after the last", "[{\"range\":" + r(2, 0, 3, 0) + ",\"text\":\"z\"}]", "ab\r\ncd\nz"},
		{"end of the last line", `[{"range":` + r(2, 4, 2, 4) + `,"text":"z"}]`, "ab\r\ncd\n𝄞xyz"},
		{"one full text", `[{"text":"new"}]`, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOverlays(func() Encoding { return UTF16 })
			ob, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": "file:///a.go", "languageId": "go", "version": 1, "text": open}})
			if err := o.DidOpen(ob); err != nil {
				t.Fatal(err)
			}
			err := o.DidChange(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":` + tt.changes + `}`))
			d, _ := o.Get("file:///a.go")
			if tt.want == "" {
				if err == nil || string(d.Text) != open || d.Version != 1 {
					t.Errorf("want rejected, unchanged; got err %v, %q v%d", err, d.Text, d.Version)
				}
				return
			}
			if err != nil || string(d.Text) != tt.want || d.Version != 2 {
				t.Errorf("got err %v, %q v%d; want %q v2", err, d.Text, d.Version, tt.want)
			}
		})
	}
}

// TestOverlaysForPath: URIs that spell one file differently are separate
// documents (as in gopls), and ForPath picks the one gopls type-checks, or
// the other spelling changed last while that one is closed.
func TestOverlaysForPath(t *testing.T) {
	o := newOverlays(func() Encoding { return UTF16 })
	open := func(uri, text string) {
		b, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": text}})
		if err := o.DidOpen(b); err != nil {
			t.Fatal(err)
		}
	}
	closeDoc := func(uri string) {
		_ = o.DidClose(json.RawMessage(`{"textDocument":{"uri":"` + uri + `"}}`))
	}
	want := func(step, text string) {
		t.Helper()
		d, ok := o.ForPath("/w/dir/main.go")
		if got := map[bool]string{true: string(d.Text)}[ok]; got != text {
			t.Errorf("%s: ForPath = %q (open %v), want %q", step, got, ok, text)
		}
	}
	open("file:///w/dir/main.go", "unsaved")
	open("file:///w/dir/../dir/main.go", "disk")
	want("both open", "unsaved")
	closeDoc("file:///w/dir/../dir/main.go")
	want("alias closed", "unsaved")
	open("file:///w/dir/./main.go", "other")
	closeDoc("file:///w/dir/main.go")
	want("only the alias open", "other")
	closeDoc("file:///w/dir/./main.go")
	want("all closed", "")
	if len(o.byPath) != 0 {
		t.Errorf("byPath keeps %v after every document closed", o.byPath)
	}
}
