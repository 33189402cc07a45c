package lsp

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"go.lsp.dev/protocol"
)

// Document is one editor buffer as of a version. Text is never modified in
// place: a change makes a new slice, so a Document read from Overlays may be
// kept and used while the editor keeps typing.
type Document struct {
	URI        protocol.DocumentURI
	LanguageID string
	Version    int32
	Text       []byte

	lines *lineCache // shared by the copies of one version
}

// lineCache holds a document version's line starts, computed once.
type lineCache struct {
	once  sync.Once
	lines []int
}

// Mapper returns a position mapper for this version of the document. The
// line index is computed once per version and shared, so calling Mapper on
// every request costs nothing after the first.
func (d Document) Mapper(enc Encoding) *Mapper {
	if d.lines == nil {
		return NewMapper(d.Text, enc)
	}
	d.lines.once.Do(func() { d.lines.lines = lineStarts(d.Text) })
	return &Mapper{text: d.Text, enc: normEncoding(enc), lines: d.lines.lines}
}

// Overlays holds the documents the editor has open, with their current text
// and version, kept from didOpen/didChange/didClose. The editor's text wins
// over the disk: features read open files from here. Safe for concurrent use.
type Overlays struct {
	mu   sync.RWMutex
	docs map[protocol.DocumentURI]*Document
	enc  func() Encoding // the session's negotiated encoding, for incremental edits
}

func newOverlays(enc func() Encoding) *Overlays {
	return &Overlays{docs: make(map[protocol.DocumentURI]*Document), enc: enc}
}

// Get returns the open document for uri.
func (o *Overlays) Get(uri protocol.DocumentURI) (Document, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	d, ok := o.docs[uri]
	if !ok {
		return Document{}, false
	}
	return *d, true
}

// All returns every open document, sorted by URI.
func (o *Overlays) All() []Document {
	o.mu.RLock()
	out := make([]Document, 0, len(o.docs))
	for _, d := range o.docs {
		out = append(out, *d)
	}
	o.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].URI < out[j].URI })
	return out
}

// Mapper returns a position mapper for the open document uri, in the
// session's encoding (cached per document version: see Document.Mapper).
func (o *Overlays) Mapper(uri protocol.DocumentURI) (*Mapper, bool) {
	d, ok := o.Get(uri)
	if !ok {
		return nil, false
	}
	return d.Mapper(o.enc()), true
}

type didOpenParams struct {
	TextDocument struct {
		URI        protocol.DocumentURI `json:"uri"`
		LanguageID string               `json:"languageId"`
		Version    int32                `json:"version"`
		Text       string               `json:"text"`
	} `json:"textDocument"`
}

type didChangeParams struct {
	TextDocument struct {
		URI     protocol.DocumentURI `json:"uri"`
		Version int32                `json:"version"`
	} `json:"textDocument"`
	ContentChanges []struct {
		Range *protocol.Range `json:"range"`
		Text  string          `json:"text"`
	} `json:"contentChanges"`
}

type didCloseParams struct {
	TextDocument struct {
		URI protocol.DocumentURI `json:"uri"`
	} `json:"textDocument"`
}

func (o *Overlays) didOpen(params json.RawMessage) error {
	var p didOpenParams
	if err := json.Unmarshal(params, &p); err != nil {
		return fmt.Errorf("didOpen params: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.docs[p.TextDocument.URI] = &Document{
		URI:        p.TextDocument.URI,
		LanguageID: p.TextDocument.LanguageID,
		Version:    p.TextDocument.Version,
		Text:       []byte(p.TextDocument.Text),
		lines:      &lineCache{},
	}
	return nil
}

// didChange applies the changes in order, each against the text the
// previous one produced (the protocol's rule for incremental sync).
func (o *Overlays) didChange(params json.RawMessage) error {
	var p didChangeParams
	if err := json.Unmarshal(params, &p); err != nil {
		return fmt.Errorf("didChange params: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	d, ok := o.docs[p.TextDocument.URI]
	if !ok {
		return fmt.Errorf("didChange for %s, which is not open", p.TextDocument.URI)
	}
	text := d.Text
	enc := o.enc()
	for i, c := range p.ContentChanges {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		start, end, err := NewMapper(text, enc).Offsets(*c.Range)
		if err != nil {
			// Keep the last good text: gopls will report the same problem.
			return fmt.Errorf("didChange %s change %d: %w", p.TextDocument.URI, i, err)
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		text = append(next, text[end:]...)
	}
	o.docs[p.TextDocument.URI] = &Document{
		URI:        d.URI,
		LanguageID: d.LanguageID,
		Version:    p.TextDocument.Version,
		Text:       text,
		lines:      &lineCache{},
	}
	return nil
}

func (o *Overlays) didClose(params json.RawMessage) error {
	var p didCloseParams
	if err := json.Unmarshal(params, &p); err != nil {
		return fmt.Errorf("didClose params: %w", err)
	}
	o.mu.Lock()
	delete(o.docs, p.TextDocument.URI)
	o.mu.Unlock()
	return nil
}

// replay returns didOpen params for every open document, for a restarted gopls.
func (o *Overlays) replay() []json.RawMessage {
	var out []json.RawMessage
	for _, d := range o.All() {
		var p didOpenParams
		p.TextDocument.URI = d.URI
		p.TextDocument.LanguageID = d.LanguageID
		p.TextDocument.Version = d.Version
		p.TextDocument.Text = string(d.Text)
		b, err := json.Marshal(p)
		if err == nil {
			out = append(out, b)
		}
	}
	return out
}
