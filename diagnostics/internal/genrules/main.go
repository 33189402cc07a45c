// Command genrules writes diagnostics/rules_gen.go: Rules(), the list of
// the Rule values the rule_*.go files declare, in ID order. It runs from
// `go generate ./diagnostics` and reads the files' syntax only, so it works
// whatever state the list is in (a rule added or removed).
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	b, err := rulesGoSource(dir)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, rulesGenFile), b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrules:", err)
		os.Exit(1)
	}
}

// rulesGenFile is the generated list of rules: Rules() is derived from the
// rule_*.go files, so that adding a rule is its file, its testdata and
// `go generate ./diagnostics`.
const rulesGenFile = "rules_gen.go"

// ruleFamilies orders the ID families in Rules(); a family not listed
// sorts after them, alphabetically.
var ruleFamilies = []string{"REG", "PL", "MF", "SEC"}

// rulesGoSource renders rules_gen.go from the Rule variables the
// rule_*.go files in dir declare (var ruleXXX = Rule{…}), in ID order.
func rulesGoSource(dir string) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "rule_*.go"))
	if err != nil {
		return nil, err
	}
	type ruleVar struct {
		name, family string
		num          int
	}
	var vars []ruleVar
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		found := 0
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					cl, ok := vs.Values[i].(*ast.CompositeLit)
					if id, isIdent := typeName(cl); !ok || !isIdent || id != "Rule" || !strings.HasPrefix(n.Name, "rule") {
						continue
					}
					id := strings.TrimPrefix(n.Name, "rule")
					k := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
					num, err := strconv.Atoi(id[max(k, 0):])
					if k <= 0 || err != nil {
						return nil, fmt.Errorf("%s: %s: want rule<FAMILY><NUMBER>", f, n.Name)
					}
					vars = append(vars, ruleVar{n.Name, id[:k], num})
					found++
				}
			}
		}
		if found != 1 {
			return nil, fmt.Errorf("%s: %d Rule variables, want one (var rule<ID> = Rule{…})", f, found)
		}
	}
	rank := func(fam string) int {
		if i := slices.Index(ruleFamilies, fam); i >= 0 {
			return i
		}
		return len(ruleFamilies)
	}
	sort.Slice(vars, func(i, j int) bool {
		a, b := vars[i], vars[j]
		if rank(a.family) != rank(b.family) {
			return rank(a.family) < rank(b.family)
		}
		if a.family != b.family {
			return a.family < b.family
		}
		return a.num < b.num
	})
	var b bytes.Buffer
	b.WriteString("// Code generated from the rule_*.go files by `go generate ./diagnostics`. DO NOT EDIT.\n\n")
	b.WriteString("package diagnostics\n\n")
	b.WriteString("// Rules returns every rule in ID order: families REG, PL, MF, SEC, then\n")
	b.WriteString("// number; one per rule_<id>.go file. The slice is new on each call.\n")
	b.WriteString("func Rules() []Rule {\n\treturn []Rule{\n")
	for _, v := range vars {
		fmt.Fprintf(&b, "\t\t%s,\n", v.name)
	}
	b.WriteString("\t}\n}\n")
	return format.Source(b.Bytes())
}

// typeName returns the type name of a composite literal T{…}.
func typeName(cl *ast.CompositeLit) (string, bool) {
	if cl == nil {
		return "", false
	}
	id, ok := cl.Type.(*ast.Ident)
	if !ok {
		return "", false
	}
	return id.Name, true
}
