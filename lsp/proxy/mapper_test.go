package proxy

import (
	"testing"

	"go.lsp.dev/protocol"
)

func TestMapperRoundTrip(t *testing.T) {
	// "a𝄞b\nxé\r\nz": 𝄞 is 4 bytes in UTF-8, 2 units in UTF-16, 1 in UTF-32;
	// é is 2 bytes in UTF-8.
	text := []byte("a𝄞b\nxé\r\nz")
	tests := []struct {
		enc  Encoding
		off  int
		want protocol.Position
	}{
		{UTF16, 0, protocol.Position{Line: 0, Character: 0}},
		{UTF16, 1, protocol.Position{Line: 0, Character: 1}},
		{UTF16, 5, protocol.Position{Line: 0, Character: 3}},
		{UTF8, 5, protocol.Position{Line: 0, Character: 5}},
		{UTF32, 5, protocol.Position{Line: 0, Character: 2}},
		{UTF16, 6, protocol.Position{Line: 0, Character: 4}}, // the '\n'
		{UTF16, 7, protocol.Position{Line: 1, Character: 0}},
		{UTF16, 10, protocol.Position{Line: 1, Character: 2}}, // after é
		{UTF8, 10, protocol.Position{Line: 1, Character: 3}},
		{UTF16, 12, protocol.Position{Line: 2, Character: 0}},
		{UTF16, 13, protocol.Position{Line: 2, Character: 1}}, // end of text
	}
	for _, tt := range tests {
		m := NewMapper(text, tt.enc)
		got, err := m.Position(tt.off)
		if err != nil || got != tt.want {
			t.Errorf("%s Position(%d) = %v, %v; want %v", tt.enc, tt.off, got, err, tt.want)
			continue
		}
		back, err := m.Offset(got)
		if err != nil || back != tt.off {
			t.Errorf("%s Offset(%v) = %d, %v; want %d", tt.enc, got, back, err, tt.off)
		}
	}
}

func TestMapperEdges(t *testing.T) {
	text := []byte("a𝄞b\nxé\r\nz")
	m := NewMapper(text, UTF16)
	tests := []struct {
		name    string
		pos     protocol.Position
		want    int
		wantErr bool
	}{
		{"inside surrogate pair rounds down", protocol.Position{Line: 0, Character: 2}, 1, false},
		{"past end of line clamps before newline", protocol.Position{Line: 0, Character: 99}, 6, false},
		{"past end of CRLF line clamps before CR", protocol.Position{Line: 1, Character: 99}, 10, false},
		{"line after last", protocol.Position{Line: 3, Character: 0}, len(text), false},
		{"far past end", protocol.Position{Line: 9, Character: 0}, 0, true},
	}
	for _, tt := range tests {
		got, err := m.Offset(tt.pos)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("%s: Offset(%v) = %d, %v; want %d (error %v)", tt.name, tt.pos, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := m.Position(len(text) + 1); err == nil {
		t.Errorf("Position past the end: want an error")
	}
	if p, _ := m.Position(3); p != (protocol.Position{Line: 0, Character: 1}) {
		t.Errorf("Position inside a character = %v, want its start {0 1}", p)
	}
}
