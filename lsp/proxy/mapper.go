package proxy

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// Encoding is the unit of LSP Position.Character, negotiated at initialize
// (general.positionEncodings in the client's capabilities, positionEncoding
// in gopls's reply). UTF-16 is the default the protocol mandates.
type Encoding string

// The position encodings of LSP 3.17.
const (
	UTF16 Encoding = "utf-16"
	UTF8  Encoding = "utf-8"
	UTF32 Encoding = "utf-32"
)

// Mapper converts between byte offsets in one file's text and LSP positions
// in one encoding. It is the only place in plugin-lsp that does so: the
// features' data (package lsp's index) speaks byte offsets, the editor
// speaks positions.
//
// A Mapper is immutable and safe for concurrent use.
type Mapper struct {
	text  []byte
	enc   Encoding
	lines []int // byte offset of the start of each line
}

// NewMapper returns a Mapper for text. An unknown encoding means UTF-16.
func NewMapper(text []byte, enc Encoding) *Mapper {
	enc = normEncoding(enc)
	return &Mapper{text: text, enc: enc, lines: lineStarts(text)}
}

// lineStarts returns the byte offset of the start of each line of text.
func lineStarts(text []byte) []int {
	// Features build a Mapper per request, often for a large file: find
	// the newlines with bytes.IndexByte, not a byte loop.
	lines := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, i)
	}
	return lines
}

func normEncoding(enc Encoding) Encoding {
	switch enc {
	case UTF8, UTF32:
		return enc
	}
	return UTF16
}

// Encoding returns the encoding the Mapper's positions use.
func (m *Mapper) Encoding() Encoding { return m.enc }

// Position returns the position of byte offset off. An offset inside a
// multi-byte character maps to that character's start.
func (m *Mapper) Position(off int) (protocol.Position, error) {
	if off < 0 || off > len(m.text) {
		return protocol.Position{}, fmt.Errorf("offset %d outside file of %d bytes", off, len(m.text))
	}
	line := sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > off }) - 1
	start := m.lines[line]
	col := 0
	for i := start; i < off; {
		r, size := utf8.DecodeRune(m.text[i:])
		if i+size > off {
			break // off is inside this character
		}
		col += m.units(r, size)
		i += size
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}, nil
}

// Offset returns the byte offset of p. A character past the end of its line
// means the end of the line (as the protocol specifies); a position inside a
// character (the second half of a UTF-16 surrogate pair) means its start; a
// line past the last one is an error, except the line just after a final
// newline (or the last line's end), which is the end of the text.
func (m *Mapper) Offset(p protocol.Position) (int, error) {
	line := int(p.Line)
	if line >= len(m.lines) {
		if line == len(m.lines) && p.Character == 0 {
			return len(m.text), nil
		}
		return 0, fmt.Errorf("line %d outside file of %d lines", line, len(m.lines))
	}
	start := m.lines[line]
	end := len(m.text)
	if line+1 < len(m.lines) {
		end = m.lines[line+1] - 1 // the '\n'
		if end > start && m.text[end-1] == '\r' {
			end--
		}
	}
	want := int(p.Character)
	col := 0
	i := start
	for i < end {
		r, size := utf8.DecodeRune(m.text[i:])
		n := m.units(r, size)
		if col+n > want {
			break
		}
		col += n
		i += size
	}
	return i, nil
}

// Range returns the LSP range of the byte span [start, end).
func (m *Mapper) Range(start, end int) (protocol.Range, error) {
	s, err := m.Position(start)
	if err != nil {
		return protocol.Range{}, err
	}
	e, err := m.Position(end)
	if err != nil {
		return protocol.Range{}, err
	}
	return protocol.Range{Start: s, End: e}, nil
}

// Offsets returns the byte span of an LSP range.
func (m *Mapper) Offsets(r protocol.Range) (start, end int, err error) {
	if start, err = m.Offset(r.Start); err != nil {
		return 0, 0, err
	}
	if end, err = m.Offset(r.End); err != nil {
		return 0, 0, err
	}
	if end < start {
		return 0, 0, fmt.Errorf("range end %v before start %v", r.End, r.Start)
	}
	return start, end, nil
}

// units is how many encoding units one character takes. Invalid UTF-8 bytes
// count as one U+FFFD each, as editors decode them.
func (m *Mapper) units(r rune, size int) int {
	switch m.enc {
	case UTF8:
		return size
	case UTF32:
		return 1
	}
	if r >= 0x10000 {
		return 2
	}
	return 1
}
