package proxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

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
	seq   uint64     // when this version was made, for ForPath
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
//
// Documents are keyed by the URI the editor opened them with, as gopls keys
// its overlays: file:///w/dir/../dir/main.go and file:///w/dir/main.go are
// two overlays to gopls (it cleans neither), so they are two here, and a
// restarted gopls gets both back. The index has one text per file, though:
// ForPath says which document stands for a file.
type Overlays struct {
	mu     sync.RWMutex
	docs   map[protocol.DocumentURI]*Document
	byPath map[string][]protocol.DocumentURI // file path → the open URIs naming it
	seq    uint64
	enc    func() Encoding // the session's negotiated encoding, for incremental edits
}

func newOverlays(enc func() Encoding) *Overlays {
	return &Overlays{docs: make(map[protocol.DocumentURI]*Document), byPath: make(map[string][]protocol.DocumentURI), enc: enc}
}

// ForPath returns the open document that stands for the file path: the one
// opened under the URI gopls would spell for path (URIFromPath) when that is
// open, which is the text gopls type-checks; else, of the URIs that name
// the same file in another spelling (dir/../dir/main.go), the one changed
// last. Closing one spelling therefore never hides the unsaved text of
// another that is still open.
func (o *Overlays) ForPath(path string) (Document, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	uris := o.byPath[path]
	if len(uris) == 0 {
		return Document{}, false
	}
	canon := URIFromPath(path)
	var best *Document
	for _, u := range uris {
		d := o.docs[u]
		if d == nil {
			continue
		}
		if u == canon {
			return *d, true
		}
		if best == nil || d.seq > best.seq {
			best = d
		}
	}
	if best == nil {
		return Document{}, false
	}
	return *best, true
}

// pathKey is the file a URI names (PathFromURI), or "" for a URI that is not
// a file URI.
func pathKey(uri protocol.DocumentURI) string {
	p, err := PathFromURI(uri)
	if err != nil {
		return ""
	}
	return p
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
	ContentChanges []contentChange `json:"contentChanges"`
}

type didCloseParams struct {
	TextDocument struct {
		URI protocol.DocumentURI `json:"uri"`
	} `json:"textDocument"`
}

// DidOpen applies a textDocument/didOpen. The session applies the editor's
// notifications before observers run; features only read the store.
func (o *Overlays) DidOpen(params json.RawMessage) error {
	var p didOpenParams
	if err := json.Unmarshal(params, &p); err != nil {
		return fmt.Errorf("didOpen params: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	uri := p.TextDocument.URI
	if _, reopened := o.docs[uri]; !reopened {
		if k := pathKey(uri); k != "" {
			o.byPath[k] = append(o.byPath[k], uri)
		}
	}
	o.seq++
	o.docs[uri] = &Document{
		URI:        uri,
		LanguageID: p.TextDocument.LanguageID,
		Version:    p.TextDocument.Version,
		Text:       []byte(p.TextDocument.Text),
		lines:      &lineCache{},
		seq:        o.seq,
	}
	return nil
}

// DidChange applies a didChange exactly as gopls v0.23.0 does
// (server.changedText, protocol.Mapper.PositionOffset): one change without
// a range (and without rangeLength) is the full text; otherwise every
// change needs a range, applied in order, each against the text the
// previous one produced. A position past the end of its line, a line past
// the end of the text, a range that ends before it starts, invalid UTF-8
// before the position, no changes at all, or a change to a document that is
// not open make gopls reject the whole notification and keep its text; the
// document here is then kept unchanged too, so both keep agreeing, and the
// editor's next full text (or a reopen) brings both back in step with it.
func (o *Overlays) DidChange(params json.RawMessage) error {
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
	text, err := applyChanges(d.Text, p.ContentChanges, o.enc())
	if err != nil {
		return fmt.Errorf("didChange %s (version %d) rejected, as gopls rejects it: %w", p.TextDocument.URI, p.TextDocument.Version, err)
	}
	o.seq++
	o.docs[p.TextDocument.URI] = &Document{
		URI:        d.URI,
		LanguageID: d.LanguageID,
		Version:    p.TextDocument.Version,
		Text:       text,
		lines:      &lineCache{},
		seq:        o.seq,
	}
	return nil
}

// contentChange is one element of didChange's contentChanges.
type contentChange struct {
	Range       *protocol.Range `json:"range"`
	RangeLength *uint32         `json:"rangeLength"`
	Text        string          `json:"text"`
}

// applyChanges returns text after changes, or the error for which gopls
// rejects them (see Overlays.didChange).
func applyChanges(text []byte, changes []contentChange, enc Encoding) ([]byte, error) {
	if len(changes) == 0 {
		return nil, errors.New("no content changes")
	}
	if len(changes) == 1 && changes[0].Range == nil && changes[0].RangeLength == nil {
		return []byte(changes[0].Text), nil
	}
	for i, c := range changes {
		if c.Range == nil {
			return nil, fmt.Errorf("change %d has no range (a full text must be the only change)", i)
		}
		lines := lineStarts(text)
		start, err := editOffset(text, lines, c.Range.Start, enc)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		end, err := editOffset(text, lines, c.Range.End, enc)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		if start > end {
			return nil, fmt.Errorf("change %d: start (offset %d) > end (offset %d)", i, start, end)
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		text = append(next, text[end:]...)
	}
	return text, nil
}

// editOffset is gopls's protocol.Mapper.PositionOffset, for a didChange
// position (unlike Mapper.Offset, which clamps a request's position to its
// line as the protocol allows): a character past the end of its line is an
// error ('\r' counts as a character, so the place between "\r" and "\n" is
// a position), so is a line past the text's end except character 0 of the
// line after the last, and invalid UTF-8 before the position. A position
// inside a character (the second half of a UTF-16 surrogate pair, or inside
// a multi-byte character in UTF-8) is that character's start.
func editOffset(text []byte, lines []int, p protocol.Position, enc Encoding) (int, error) {
	if int64(p.Line) > int64(len(lines)) {
		return 0, fmt.Errorf("line number %d out of range 0-%d", p.Line, len(lines))
	}
	if int(p.Line) == len(lines) {
		if p.Character == 0 {
			return len(text), nil
		}
		return 0, errors.New("column is beyond end of file")
	}
	off := lines[p.Line]
	rest := text[off:]
	want := int(p.Character)
	for col := 0; col < want; {
		r, size := utf8.DecodeRune(rest)
		switch {
		case size == 0:
			return 0, errors.New("column is beyond end of file")
		case r == '\n':
			return 0, errors.New("column is beyond end of line")
		case size == 1 && r == utf8.RuneError:
			return 0, errors.New("buffer contains invalid UTF-8 text")
		}
		n := 1
		switch normEncoding(enc) {
		case UTF16:
			if r >= 0x10000 {
				n = 2
			}
		case UTF8:
			n = size
		}
		if col+n > want {
			break // inside this character: its start
		}
		col += n
		rest = rest[size:]
		off += size
	}
	return off, nil
}

// DidClose applies a textDocument/didClose.
func (o *Overlays) DidClose(params json.RawMessage) error {
	var p didCloseParams
	if err := json.Unmarshal(params, &p); err != nil {
		return fmt.Errorf("didClose params: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	uri := p.TextDocument.URI
	if _, ok := o.docs[uri]; !ok {
		return nil
	}
	delete(o.docs, uri)
	if k := pathKey(uri); k != "" {
		uris := o.byPath[k]
		for i, u := range uris {
			if u == uri {
				uris = append(uris[:i], uris[i+1:]...)
				break
			}
		}
		if len(uris) == 0 {
			delete(o.byPath, k)
		} else {
			o.byPath[k] = uris
		}
	}
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
