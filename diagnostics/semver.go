package diagnostics

import (
	"fmt"
	"strings"

	"golang.org/x/mod/semver"
)

// canonicalVersion turns "1.2.3" or "v1.2.3" into a valid semver "v1.2.3";
// ok is false when it is not a full semantic version.
func canonicalVersion(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) || strings.Count(strings.SplitN(strings.SplitN(v, "-", 2)[0], "+", 2)[0], ".") != 2 {
		return "", false
	}
	return v, true
}

// comparator is one "op version" term of a constraint.
type comparator struct {
	op string // ">=", ">", "<=", "<", "=", "!="
	v  string // canonical semver
}

// parseConstraint parses npm/Cargo-style constraints: OR groups separated by
// "||", each a list of comparators separated by commas or spaces: >=1.2.0,
// <2, =1.0.0, !=1.1.0, ^1.2, ~1.2.3, 1.x, 1.2 (meaning 1.2.x), * (anything).
func parseConstraint(s string) ([][]comparator, error) {
	var groups [][]comparator
	for _, g := range strings.Split(s, "||") {
		var group []comparator
		fields := strings.FieldsFunc(g, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		// Join an operator written apart from its version (">= 1.2").
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if strings.Trim(f, "<>=!^~") == "" && i+1 < len(fields) {
				f += fields[i+1]
				i++
			}
			cs, err := parseComparator(f)
			if err != nil {
				return nil, err
			}
			group = append(group, cs...)
		}
		if len(group) == 0 {
			return nil, fmt.Errorf("empty constraint %q", strings.TrimSpace(g))
		}
		groups = append(groups, group)
	}
	return groups, nil
}

func parseComparator(f string) ([]comparator, error) {
	op := ""
	for _, o := range []string{">=", "<=", "==", "!=", ">", "<", "=", "^", "~"} {
		if strings.HasPrefix(f, o) {
			op, f = o, f[len(o):]
			break
		}
	}
	if f == "*" || f == "x" || f == "X" {
		if op == "" || op == ">=" {
			return []comparator{{">=", "v0.0.0"}}, nil
		}
		return nil, fmt.Errorf("bad constraint %q", op+f)
	}
	f = strings.TrimPrefix(f, "v")
	parts := strings.SplitN(f, ".", 3)
	nums := make([]int, 0, 3)
	pre := ""
	for i, p := range parts {
		if p == "x" || p == "X" || p == "*" {
			break
		}
		if i == 2 {
			if j := strings.IndexAny(p, "-+"); j >= 0 {
				pre, p = p[j:], p[:j]
			}
		}
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || fmt.Sprint(n) != p {
			return nil, fmt.Errorf("bad version %q in constraint", f)
		}
		nums = append(nums, n)
	}
	if len(nums) == 0 {
		return nil, fmt.Errorf("bad version %q in constraint", f)
	}
	full := len(nums) == 3
	for len(nums) < 3 {
		nums = append(nums, 0)
	}
	v := fmt.Sprintf("v%d.%d.%d%s", nums[0], nums[1], nums[2], pre)
	if !semver.IsValid(v) {
		return nil, fmt.Errorf("bad version %q in constraint", f)
	}
	n := len(strings.Split(strings.SplitN(f, "-", 2)[0], "."))
	for _, p := range parts {
		if p == "x" || p == "X" || p == "*" {
			n--
		}
	}
	upper := func(level int) string { // next version at level (0 major, 1 minor)
		if level == 0 {
			return fmt.Sprintf("v%d.0.0", nums[0]+1)
		}
		return fmt.Sprintf("v%d.%d.0", nums[0], nums[1]+1)
	}
	switch op {
	case "^":
		lvl := 0
		if nums[0] == 0 && n >= 2 {
			lvl = 1
		}
		return []comparator{{">=", v}, {"<", upper(lvl)}}, nil
	case "~":
		lvl := 1
		if n == 1 {
			lvl = 0
		}
		return []comparator{{">=", v}, {"<", upper(lvl)}}, nil
	case "", "=", "==":
		if full {
			return []comparator{{"=", v}}, nil
		}
		lvl := 1
		if n == 1 {
			lvl = 0
		}
		return []comparator{{">=", v}, {"<", upper(lvl)}}, nil
	}
	return []comparator{{op, v}}, nil
}

// satisfies reports whether version (canonical) meets the parsed constraint.
func satisfies(groups [][]comparator, version string) bool {
	for _, g := range groups {
		ok := true
		for _, c := range g {
			d := semver.Compare(version, c.v)
			switch c.op {
			case ">=":
				ok = d >= 0
			case ">":
				ok = d > 0
			case "<=":
				ok = d <= 0
			case "<":
				ok = d < 0
			case "=", "==":
				ok = d == 0
			case "!=":
				ok = d != 0
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
