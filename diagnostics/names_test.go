package diagnostics

import (
	"reflect"
	"testing"
)

func TestNearest(t *testing.T) {
	names := []string{"logger", "console", "beta", "postgres", "p0000-5", "Greet"}
	tests := []struct {
		name string
		want []string
	}{
		{"loger", []string{"logger"}},
		{"consle", []string{"console"}},
		{"postgress", []string{"postgres"}},
		{"delta", nil}, // another name, not a typo of "beta"
		{"p0000", nil}, // two edits on a five-byte name
		{"greet", []string{"Greet"}},
		{"x", nil},
	}
	for _, tt := range tests {
		got := nearest(tt.name, names, typoDistance(tt.name), 3)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("nearest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
}
