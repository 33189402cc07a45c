package index

import (
	"fmt"
	"slices"
	"testing"
)

func TestStronglyConnected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes []string
		edges [][2]string
		want  string // components in the returned order
	}{
		{"empty", nil, nil, "[]"},
		{"lone nodes", []string{"b", "a"}, nil, "[[a] [b]]"},
		{"chain", []string{"a", "b", "c"}, [][2]string{{"a", "b"}, {"b", "c"}}, "[[c] [b] [a]]"},
		{"self loop is its own component", []string{"a"}, [][2]string{{"a", "a"}, {"a", "b"}}, "[[b] [a]]"},
		{"two-cycle with tail", []string{"a", "b", "c"}, [][2]string{{"a", "b"}, {"b", "a"}, {"b", "c"}}, "[[c] [a b]]"},
		{"long cycle, members sorted", []string{"x", "a", "b", "c", "d"},
			[][2]string{{"x", "a"}, {"a", "b"}, {"b", "c"}, {"c", "a"}, {"c", "d"}}, "[[d] [a b c] [x]]"},
		{"two cycles joined", []string{"a", "b", "c", "d"},
			[][2]string{{"a", "b"}, {"b", "a"}, {"c", "d"}, {"d", "c"}, {"b", "c"}}, "[[c d] [a b]]"},
		{"node reached only through succ", []string{"a"}, [][2]string{{"a", "z"}, {"z", "a"}}, "[[a z]]"},
		{"duplicates", []string{"a", "a", "b"}, [][2]string{{"a", "b"}, {"a", "b"}, {"b", "a"}}, "[[a b]]"},
	} {
		succ := map[string][]string{}
		for _, e := range tc.edges {
			succ[e[0]] = append(succ[e[0]], e[1])
		}
		got := fmt.Sprint(StronglyConnected(tc.nodes, func(n string) []string { return succ[n] }))
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
		// The same graph with nodes and successors in reverse order gives
		// the same answer, and the caller's slices are left as they were.
		nodes := slices.Clone(tc.nodes)
		slices.Reverse(nodes)
		rev := map[string][]string{}
		for n, ws := range succ {
			rev[n] = slices.Clone(ws)
			slices.Reverse(rev[n])
		}
		before := fmt.Sprint(nodes, rev)
		if again := fmt.Sprint(StronglyConnected(nodes, func(n string) []string { return rev[n] })); again != tc.want {
			t.Errorf("%s, reversed input: got %s, want %s", tc.name, again, tc.want)
		}
		if after := fmt.Sprint(nodes, rev); after != before {
			t.Errorf("%s: input changed from %s to %s", tc.name, before, after)
		}
	}
}
