package diagnostics

import (
	"sort"
	"strconv"
	"strings"
)

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent bytes cost one.
// A swapped pair ("htlm" for "html") is the commonest typo; plain
// Levenshtein counted it as two and missed it on four-letter names.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// nearest returns the candidates closest to name within maxDist, best
// first (ties by name), at most limit of them. A case-only difference
// counts as distance 1.
func nearest(name string, candidates []string, maxDist, limit int) []string {
	type scored struct {
		s string
		d int
	}
	var best []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] || c == name {
			continue
		}
		seen[c] = true
		d := editDistance(name, c)
		if strings.EqualFold(name, c) {
			d = 1
		}
		if d <= maxDist {
			best = append(best, scored{c, d})
		}
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].s < best[j].s
	})
	var out []string
	for i := 0; i < len(best) && i < limit; i++ {
		out = append(out, best[i].s)
	}
	return out
}

// typoDistance is how far a name may be from a known one to count as a
// typo of it: 2 edits from 6 bytes on, 1 for 3–5 bytes, none below (so
// "a" is no typo of "b", nor "delta" of "beta").
func typoDistance(name string) int {
	switch {
	case len(name) <= 2:
		return 0
	case len(name) <= 5:
		return 1
	}
	return 2
}

// quoteList renders names as `"a", "b"`.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// srcIsStringLit reports whether the source text src is a Go string literal.
func srcIsStringLit(src string) bool {
	return len(src) >= 2 && (src[0] == '"' && src[len(src)-1] == '"' || src[0] == '`' && src[len(src)-1] == '`')
}
