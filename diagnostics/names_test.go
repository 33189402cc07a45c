package diagnostics

import (
	"reflect"
	"testing"
)

func TestNearest(t *testing.T) {
	names := []string{"logger", "console", "beta", "postgres", "p0000-5", "Greet", "html"}
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
		{"htlm", []string{"html"}},     // a swapped pair is one edit
		{"lgoger", []string{"logger"}}, // swap
		{"hmtl", []string{"html"}},
		{"lmth", nil}, // reversed: not a typo
	}
	for _, tt := range tests {
		got := nearest(tt.name, names, typoDistance(tt.name), 3)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("nearest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"kitten", "sitting", 3}, {"ab", "ba", 1}, {"abc", "ca", 3}, {"", "abc", 3}, {"pick_firts", "pick_first", 1}} {
		if d := editDistance(tt.a, tt.b); d != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, d, tt.d)
		}
	}
}
