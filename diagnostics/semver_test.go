package diagnostics

import "testing"

func TestConstraints(t *testing.T) {
	tests := []struct {
		c, v string
		want bool
	}{
		{">=1.2.0", "1.2.0", true},
		{">=1.2.0", "1.1.9", false},
		{">= 1.2", "1.3.0", true},
		{">=1.0.0, <2.0.0", "2.0.0", false},
		{">=1.0.0 <2.0.0", "1.9.9", true},
		{"^1.2.3", "1.9.0", true},
		{"^1.2.3", "2.0.0", false},
		{"^0.2.3", "0.3.0", false},
		{"^0.2.3", "0.2.9", true},
		{"~1.2.3", "1.2.9", true},
		{"~1.2.3", "1.3.0", false},
		{"1.x", "1.7.0", true},
		{"1.x", "2.0.0", false},
		{"1.2", "1.2.5", true},
		{"1.2.3", "1.2.3", true},
		{"1.2.3", "1.2.4", false},
		{"=1.2.3", "v1.2.3", true},
		{"*", "0.0.1", true},
		{"<1.0.0 || >=2.0.0", "2.1.0", true},
		{"<1.0.0 || >=2.0.0", "1.1.0", false},
		{"!=1.1.0", "1.1.0", false},
	}
	for _, tt := range tests {
		g, err := parseConstraint(tt.c)
		if err != nil {
			t.Errorf("parseConstraint(%q): %v", tt.c, err)
			continue
		}
		v, ok := canonicalVersion(tt.v)
		if !ok {
			t.Fatalf("bad version %q", tt.v)
		}
		if got := satisfies(g, v); got != tt.want {
			t.Errorf("%q satisfies %q = %v, want %v", tt.v, tt.c, got, tt.want)
		}
	}
	for _, bad := range []string{"", ">=one", "^", "1.2.3.4.5"} {
		if _, err := parseConstraint(bad); err == nil {
			t.Errorf("parseConstraint(%q): want error", bad)
		}
	}
	for _, v := range []string{"one", "1.2", "1"} {
		if _, ok := canonicalVersion(v); ok {
			t.Errorf("canonicalVersion(%q) ok", v)
		}
	}
}
