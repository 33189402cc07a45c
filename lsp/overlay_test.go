package lsp

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
			if err := o.didOpen(open); err != nil {
				t.Fatal(err)
			}
			change := `{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":` + tt.changes + `}`
			if err := o.didChange(json.RawMessage(change)); err != nil {
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
	_ = o.didOpen(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"abc"}}`))
	bad := `{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":[{"range":{"start":{"line":7,"character":0},"end":{"line":7,"character":0}},"text":"x"}]}`
	if err := o.didChange(json.RawMessage(bad)); err == nil {
		t.Errorf("edit outside the document: want an error")
	}
	if d, _ := o.Get("file:///a.go"); string(d.Text) != "abc" || d.Version != 1 {
		t.Errorf("a bad edit changed the document: %q v%d", d.Text, d.Version)
	}
	if err := o.didChange(json.RawMessage(`{"textDocument":{"uri":"file:///b.go","version":2},"contentChanges":[]}`)); err == nil {
		t.Errorf("change to a document that is not open: want an error")
	}
	_ = o.didClose(json.RawMessage(`{"textDocument":{"uri":"file:///a.go"}}`))
	if _, ok := o.Get("file:///a.go"); ok {
		t.Errorf("document still open after didClose")
	}
}

// TestDocumentMapperCache: a document's cached mapper agrees with a fresh
// one, and each version gets its own.
func TestDocumentMapperCache(t *testing.T) {
	o := newOverlays(func() Encoding { return UTF16 })
	_ = o.didOpen(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"a\nbb\nccc"}}`))
	m1, _ := o.Mapper("file:///a.go")
	_ = o.didChange(json.RawMessage(`{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":[{"text":"x\ny"}]}`))
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
