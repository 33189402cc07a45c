package index

import (
	"bytes"
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// This file holds what registry inference reads beyond "a string
// parameter is the key": names computed from a parameter's field
// (info.Name), from a method of the value (c.Name() + "_sd_configs"), from
// lists (variadic aliases, b.TypeURLs()), through single-assignment locals
// and nested maps; and the constant-returning methods those names come
// from.

// keyScope is what a function body says about its parameters and locals,
// for reading the key expressions of its stores.
type keyScope struct {
	x      *extractor
	params map[string]int    // parameter name → index
	ptypes map[string]string // parameter name → type as written
	locals map[string]ast.Expr
	ranges map[string][]NamePart // range variables over lists → their source, Each set
	counts map[string]int        // assignments per name
	// declared are the names the body declares (:=, var, range): locals,
	// never package-level stores.
	declared map[string]bool
	lowered  []string // locals lower-cased in place after their definition
	body     *ast.BlockStmt
}

// local returns the expression a local is bound to once, if it is.
func (ks *keyScope) local(name string) (ast.Expr, bool) {
	ks.load()
	e, ok := ks.locals[name]
	return e, ok && ks.counts[name] == 1
}

// isDeclared reports whether the body declares name.
func (ks *keyScope) isDeclared(name string) bool {
	ks.load()
	return ks.declared[name]
}

// selfTransform reports whether rhs is strings.ToLower(name) or
// strings.TrimSpace(name).
func selfTransform(name string, rhs ast.Expr, x *extractor) bool {
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	q, ok := sel.X.(*ast.Ident)
	if !ok || x.imports[q.Name] != "strings" || sel.Sel.Name != "ToLower" && sel.Sel.Name != "TrimSpace" {
		return false
	}
	a, ok := call.Args[0].(*ast.Ident)
	return ok && a.Name == name
}

func newKeyScope(x *extractor, params map[string]int, ptypes map[string]string, body *ast.BlockStmt) *keyScope {
	return &keyScope{x: x, params: params, ptypes: ptypes, body: body}
}

// load walks the body once, on first use: most kept bodies never ask.
func (ks *keyScope) load() {
	if ks.locals != nil {
		return
	}
	ks.locals, ks.ranges, ks.counts, ks.declared = map[string]ast.Expr{}, map[string][]NamePart{}, map[string]int{}, map[string]bool{}
	x := ks.x
	ast.Inspect(ks.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				if n.Tok == token.ASSIGN && len(n.Rhs) == 1 && selfTransform(id.Name, n.Rhs[0], x) {
					// name = strings.ToLower(name): still the same name,
					// lower-cased (grpc's balancer.Register).
					ks.lowered = append(ks.lowered, id.Name)
					continue
				}
				ks.counts[id.Name]++
				if n.Tok == token.DEFINE {
					ks.declared[id.Name] = true
				}
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					ks.locals[id.Name] = n.Rhs[i]
				} else if n.Tok == token.DEFINE && i == 0 && len(n.Rhs) == 1 {
					// normalized, err := normalize(scheme): the first result.
					ks.locals[id.Name] = n.Rhs[0]
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				ks.declared[id.Name] = true
				ks.counts[id.Name] += 2
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
					ks.declared[id.Name] = true
				}
			}
			if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
				ks.counts[id.Name]++
				if src, ok := ks.list(n.X); ok {
					ks.ranges[id.Name] = src
				}
			}
			if id, ok := n.Key.(*ast.Ident); ok {
				ks.counts[id.Name] += 2 // an index or a map key: not a name we can read
			}
		}
		return true
	})
}

// list reads a range expression that yields names: a []string or
// ...string parameter, or a method of a parameter (b.TypeURLs()).
func (ks *keyScope) list(e ast.Expr) ([]NamePart, bool) {
	switch v := ast.Unparen(e).(type) {
	case *ast.Ident:
		if i, ok := ks.params[v.Name]; ok {
			if t := ks.ptypes[v.Name]; t == "[]string" || t == "...string" {
				return []NamePart{{Param: i, Each: true}}, true
			}
		}
	case *ast.CallExpr:
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok && len(v.Args) == 0 {
			if id, ok := sel.X.(*ast.Ident); ok {
				if i, ok := ks.params[id.Name]; ok && ks.ptypes[id.Name] != "string" {
					return []NamePart{{Param: i, Method: sel.Sel.Name, Each: true}}, true
				}
			}
		}
	}
	return nil, false
}

// key returns how a key expression is computed from the parameters. ok is
// false when it is not (a counter, a field of a local, a call with
// arguments), or when it has no parameter piece at all.
func (ks *keyScope) key(e ast.Expr) ([]NamePart, bool) {
	ks.load()
	parts, ok := ks.parts(e, 0)
	if !ok {
		return nil, false
	}
	for _, p := range parts {
		if p.Param >= 0 {
			return parts, true
		}
	}
	return nil, false
}

func (ks *keyScope) parts(e ast.Expr, depth int) ([]NamePart, bool) {
	if depth > 4 {
		return nil, false
	}
	switch v := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			if s, err := strconv.Unquote(v.Value); err == nil {
				return []NamePart{{Param: -1, Lit: s}}, true
			}
		}
	case *ast.Ident:
		if i, ok := ks.params[v.Name]; ok {
			if ks.ptypes[v.Name] == "string" {
				return []NamePart{{Param: i}}, true
			}
			return nil, false
		}
		if src, ok := ks.ranges[v.Name]; ok && ks.counts[v.Name] == 1 {
			return src, true
		}
		if l, ok := ks.locals[v.Name]; ok && ks.counts[v.Name] == 1 {
			ps, ok := ks.parts(l, depth+1)
			if ok && slices.Contains(ks.lowered, v.Name) {
				for i := range ps {
					ps[i].Lower = true
					ps[i].Lit = strings.ToLower(ps[i].Lit)
				}
			}
			return ps, ok
		}
	case *ast.SelectorExpr:
		if id, ok := v.X.(*ast.Ident); ok {
			if i, ok := ks.params[id.Name]; ok && ks.ptypes[id.Name] != "string" {
				return []NamePart{{Param: i, Field: v.Sel.Name}}, true
			}
			// mod := instance.CaddyModule(); … mod.ID: a field of what a
			// method of the parameter returns.
			if l, ok := ks.locals[id.Name]; ok && ks.counts[id.Name] == 1 {
				if call, ok := ast.Unparen(l).(*ast.CallExpr); ok && len(call.Args) == 0 {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
						if pid, ok := sel.X.(*ast.Ident); ok {
							if i, ok := ks.params[pid.Name]; ok && ks.ptypes[pid.Name] != "string" {
								return []NamePart{{Param: i, Method: sel.Sel.Name, Field: v.Sel.Name}}, true
							}
						}
					}
				}
			}
		}
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "string" && len(v.Args) == 1 {
			return ks.parts(v.Args[0], depth+1) // string(mod.ID): a conversion
		}
		if len(v.Args) == 1 {
			// normalize(name), canonical(name): a transform of the name
			// parameter by the registry itself; names as written are what
			// call sites and lookups share.
			if id, ok := ast.Unparen(v.Args[0]).(*ast.Ident); ok {
				if i, ok := ks.params[id.Name]; ok && ks.ptypes[id.Name] == "string" {
					if _, isSel := v.Fun.(*ast.SelectorExpr); !isSel {
						return []NamePart{{Param: i}}, true
					}
				}
			}
		}
		sel, ok := v.Fun.(*ast.SelectorExpr)
		if !ok {
			break
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok {
			break
		}
		if i, ok := ks.params[id.Name]; ok && len(v.Args) == 0 && ks.ptypes[id.Name] != "string" {
			return []NamePart{{Param: i, Method: sel.Sel.Name}}, true
		}
		if ks.x.imports[id.Name] == "strings" && len(v.Args) == 1 && sel.Sel.Name != "ToLower" && sel.Sel.Name != "TrimSpace" {
			break
		}
		if ks.x.imports[id.Name] == "strings" && len(v.Args) == 1 {
			switch sel.Sel.Name {
			case "ToLower":
				ps, ok := ks.parts(v.Args[0], depth+1)
				for i := range ps {
					ps[i].Lower = true
					ps[i].Lit = strings.ToLower(ps[i].Lit)
				}
				return ps, ok
			case "TrimSpace":
				return ks.parts(v.Args[0], depth+1)
			}
		}
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			break
		}
		a, ok1 := ks.parts(v.X, depth+1)
		b, ok2 := ks.parts(v.Y, depth+1)
		if ok1 && ok2 {
			return append(a, b...), true
		}
	}
	return nil, false
}

// simpleKey reports whether a key is just string parameter i (the shape
// NameParam alone describes).
func simpleKey(k []NamePart) (int, bool) {
	if len(k) == 1 && k[0].Param >= 0 && k[0].Field == "" && k[0].Method == "" && !k[0].Each && !k[0].Lower {
		return k[0].Param, true
	}
	return 0, false
}

// nestedKeySep joins the keys of nested maps (exts[kind][name]) into one
// plugin name: "kind/name".
const nestedKeySep = "/"

// methodNames records a method without parameters whose body only
// returns a constant: func (T) Name() string { return "x" } (or a constant,
// a []string literal, a composite literal with string fields).
func (x *extractor) methodNames(d *ast.FuncDecl, recv string) {
	if d.Body == nil || len(d.Body.List) != 1 || d.Type.Params.NumFields() != 0 {
		return
	}
	ret, ok := d.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return
	}
	set := func(k, v string) {
		if x.f.MethodNames == nil {
			x.f.MethodNames = map[string]string{}
		}
		x.f.MethodNames[k] = v
	}
	k := recv + "." + d.Name.Name
	switch v := ast.Unparen(ret.Results[0]).(type) {
	case *ast.CompositeLit:
		if at, ok := v.Type.(*ast.ArrayType); ok {
			if id, ok := at.Elt.(*ast.Ident); !ok || id.Name != "string" {
				return
			}
			var vals []string
			for _, e := range v.Elts {
				s := constValue(e)
				if s == "" {
					return
				}
				vals = append(vals, s)
			}
			set(k, strings.Join(vals, "\x1e"))
			return
		}
		for field, val := range keyedFields(v) {
			if s := constValue(val); s != "" {
				set(k+"."+field, s)
			}
		}
	case *ast.SelectorExpr:
		// func (b *builder) Scheme() string { return b.scheme }: the name
		// is the field the registration's composite literal sets
		// (&builder{scheme: unixScheme}); linking reads it there.
		if id, ok := v.X.(*ast.Ident); ok && len(d.Recv.List) == 1 && len(d.Recv.List[0].Names) == 1 &&
			d.Recv.List[0].Names[0].Name == id.Name {
			set(k, recvFieldMark+v.Sel.Name)
			return
		}
		if s := constValue(v); s != "" {
			set(k, s)
		}
	default:
		if s := constValue(v); s != "" {
			set(k, s)
		}
	}
}

// recvFieldMark starts a MethodNames value that names a field of the
// receiver rather than a constant.
const recvFieldMark = "\x1f"

// constValue renders a string literal as its value and a constant
// reference as "\x00Name" or "\x00pkg.Name" (linking resolves it); "" for
// anything else.
func constValue(e ast.Expr) string {
	switch v := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			if s, err := strconv.Unquote(v.Value); err == nil && s != "" && !strings.ContainsAny(s, "\x00\x1e") {
				return s
			}
		}
	case *ast.Ident:
		if v.Name != "nil" && v.Name != "true" && v.Name != "false" {
			return "\x00" + v.Name
		}
	case *ast.SelectorExpr:
		if id, ok := v.X.(*ast.Ident); ok {
			return "\x00" + id.Name + "." + v.Sel.Name
		}
	}
	return ""
}

// recvTypeName returns the base type name of a method receiver (T for T,
// *T, T[K], *T[K]); "" when it is not a plain name.
func recvTypeName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) != 1 {
		return ""
	}
	rt := d.Recv.List[0].Type
	if st, ok := rt.(*ast.StarExpr); ok {
		rt = st.X
	}
	switch ix := rt.(type) {
	case *ast.IndexExpr:
		rt = ix.X
	case *ast.IndexListExpr:
		rt = ix.X
	}
	if id, ok := rt.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// constMethod reports, by a byte scan, whether a method declaration
// (header from "func" to its body) takes no parameters and has a body that
// is one short return: the shape methodNames reads. Such methods are kept
// when other methods are dropped from the parse.
func constMethod(header, body []byte) bool {
	h := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(header), []byte("func")))
	if len(h) == 0 || h[0] != '(' {
		return false
	}
	i := bytes.IndexByte(h, ')')
	if i < 0 {
		return false
	}
	h = bytes.TrimSpace(h[i+1:])
	j := bytes.IndexByte(h, '(')
	if j < 0 || j+1 >= len(h) || h[j+1] != ')' {
		return false
	}
	b := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("{")), []byte("}")))
	if len(b) >= 400 || !bytes.HasPrefix(b, []byte("return ")) || bytes.Count(b, []byte("return")) != 1 {
		return false
	}
	r := bytes.TrimSpace(b[len("return "):])
	// A string, a constant, a []string literal or a keyed composite
	// literal of constants; no calls, no func or struct type literals.
	return len(r) > 0 && !bytes.ContainsAny(r, "()") && !bytes.HasPrefix(r, []byte("struct")) &&
		!bytes.HasPrefix(r, []byte("func")) && !bytes.HasPrefix(r, []byte("map["))
}
