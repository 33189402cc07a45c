package index

import (
	"bytes"
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// Lines is the line index of one text: it converts byte offsets to 1-based
// lines and columns and back. It is the one converter the index, the rules
// engine and the report formats share (the LSP Mapper adds the negotiated
// position encodings on top of the same byte offsets). A Lines is built
// from text a snapshot verified (Snapshot.Lines) and is not kept by the
// snapshot: holding the line starts of every file would cost more memory
// than the facts, so each user builds it per request, pass or report.
//
// A Lines is immutable and safe for concurrent use.
type Lines struct {
	text   []byte
	starts []int // byte offset of the first byte of each line
}

// NewLines indexes the lines of text (which it keeps, not copies).
func NewLines(text []byte) *Lines {
	// Files can be large and callers build one per request: find the
	// newlines with bytes.IndexByte, not a byte loop.
	starts := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{text: text, starts: starts}
}

// Text returns the text the index was built from.
func (l *Lines) Text() []byte { return l.text }

// Count returns the number of lines (a final newline starts an empty last
// line, as editors count).
func (l *Lines) Count() int { return len(l.starts) }

// clamp keeps an offset within the text.
func (l *Lines) clamp(off int) int { return min(max(off, 0), len(l.text)) }

// Position returns the 1-based line and 1-based byte column of a byte
// offset. An offset outside the text is clamped to it.
func (l *Lines) Position(off int) Position {
	off = l.clamp(off)
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) // first start after off
	return Position{Line: line, Col: off - l.starts[line-1] + 1}
}

// Offset returns the byte offset of a 1-based line and byte column. A
// column past the end of its line stays on the line (at its newline); a
// line outside the text is clamped to the first or last line.
func (l *Lines) Offset(line, col int) int {
	line = min(max(line, 1), len(l.starts))
	start, end := l.starts[line-1], len(l.text)
	if line < len(l.starts) {
		end = l.starts[line] - 1 // the '\n'
	}
	return min(start+max(col-1, 0), end)
}

// Line returns the byte span of 1-based line n without its line ending
// ("\n" or "\r\n"); an empty span at the end of the text for a line outside
// it.
func (l *Lines) Line(n int) (start, end int) {
	if n < 1 || n > len(l.starts) {
		return len(l.text), len(l.text)
	}
	start, end = l.starts[n-1], len(l.text)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	if end > start && l.text[end-1] == '\r' {
		end--
	}
	return start, end
}

// UTF16Col returns the 1-based column of a byte offset counted in UTF-16
// code units (SARIF's and LSP's default unit). An offset inside a
// multi-byte character counts up to that character's start; invalid UTF-8
// bytes count as one U+FFFD each, as editors decode them; an offset past
// the line's text (at its "\r\n") counts one unit per byte beyond it.
func (l *Lines) UTF16Col(off int) int {
	off = l.clamp(off)
	p := l.Position(off)
	start, end := l.Line(p.Line)
	n := 0
	for i := start; i < min(off, end); {
		r, size := utf8.DecodeRune(l.text[i:])
		if i+size > off {
			break
		}
		n += utf16.RuneLen(r)
		i += size
	}
	if off > end {
		n += off - end
	}
	return n + 1
}
