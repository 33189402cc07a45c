package index

import "testing"

func TestLines(t *testing.T) {
	// Line 1: a tab and "é" (2 bytes, 1 UTF-16 unit); line 2 ends in CRLF
	// and holds "𝄞" (4 bytes, 2 units); line 3 has an invalid byte; the
	// final newline starts an empty line 4.
	text := "\té=1\nx𝄞y\r\n\xffz\n"
	l := NewLines([]byte(text))
	if l.Count() != 4 {
		t.Fatalf("Count = %d, want 4", l.Count())
	}
	for _, tc := range []struct {
		off     int
		pos     Position
		utf16   int
		comment string
	}{
		{0, Position{1, 1}, 1, "start"},
		{1, Position{1, 2}, 2, "after the tab"},
		{3, Position{1, 4}, 3, "after é"},
		{2, Position{1, 3}, 2, "inside é: its start"},
		{5, Position{1, 6}, 5, "the newline"},
		{6, Position{2, 1}, 1, "line 2"},
		{11, Position{2, 6}, 4, "after 𝄞"},
		{12, Position{2, 7}, 5, "the \\r"},
		{13, Position{2, 8}, 6, "the \\n: one unit per byte past the text"},
		{15, Position{3, 2}, 2, "after the invalid byte: one unit"},
		{17, Position{4, 1}, 1, "the end"},
		{99, Position{4, 1}, 1, "past the end: clamped"},
		{-5, Position{1, 1}, 1, "negative: clamped"},
	} {
		if got := l.Position(tc.off); got != tc.pos {
			t.Errorf("%s: Position(%d) = %+v, want %+v", tc.comment, tc.off, got, tc.pos)
		}
		if got := l.UTF16Col(tc.off); got != tc.utf16 {
			t.Errorf("%s: UTF16Col(%d) = %d, want %d", tc.comment, tc.off, got, tc.utf16)
		}
		if tc.off >= 0 && tc.off <= len(text) && tc.comment != "inside é: its start" {
			if got := l.Offset(tc.pos.Line, tc.pos.Col); got != tc.off {
				t.Errorf("%s: Offset(%d, %d) = %d, want %d", tc.comment, tc.pos.Line, tc.pos.Col, got, tc.off)
			}
		}
	}
	for _, tc := range []struct {
		line       int
		start, end int
	}{{1, 0, 5}, {2, 6, 12}, {3, 14, 16}, {4, 17, 17}, {5, 17, 17}, {0, 17, 17}} {
		if s, e := l.Line(tc.line); s != tc.start || e != tc.end {
			t.Errorf("Line(%d) = %d, %d; want %d, %d", tc.line, s, e, tc.start, tc.end)
		}
	}
	if got := l.Offset(1, 50); got != 5 {
		t.Errorf("Offset past the line's end = %d, want its newline (5)", got)
	}
	if got := l.Offset(9, 1); got != 17 {
		t.Errorf("Offset past the last line = %d, want the end (17)", got)
	}
}
