package index

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"iter"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// dir returns the directory of the file.
func (f *FileFacts) dir() string {
	if i := strings.LastIndexByte(f.Path, filepath.Separator); i >= 0 {
		return f.Path[:i]
	}
	return "."
}

// forPath returns a copy of cached facts bound to a file.
func (f *FileFacts) forPath(id FileID, path string) *FileFacts {
	c := *f
	c.File = id
	c.Path = path
	base := filepath.Base(path)
	c.IsTest = strings.HasSuffix(base, "_test.go")
	c.NameGOOS, c.NameGOARCH = fileNameConstraint(base)
	return &c
}

// relevantWords decide, by a byte scan, which function bodies are parsed.
// A body without any of them can hold no registration, lookup,
// plugin.Open/Lookup or build command the index recognises (docs/index.md
// lists what this misses); it is cut before parsing, so only declarations
// are parsed. Registry definitions are caught by keepBody's m[name] and
// append checks in exported functions with a string parameter.
//
// Each word starts with a byte that is rare in Go source, so bytes.Index
// finds candidates with its vectorised IndexByte. plugin.Open and p.Lookup
// are caught by Open( and Lookup(, CoreDNS's plugin.Register by Register,
// Telegraf's inputs.Add by Add.
var relevantWords = [][]byte{
	[]byte("Register"), []byte("Lookup("), []byte("Add"), []byte("CaddyModule"),
	[]byte("Publish("), []byte("Open("), []byte("Get(\""), []byte("-buildmode"),
	[]byte("GetModule("), // caddy.GetModule("http.handlers.x") in a body with no other word
}

func containsAny(b []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(b, w) {
			return true
		}
	}
	return false
}

// relevantText reports whether b contains one of relevantWords.
func relevantText(b []byte) bool { return containsAny(b, relevantWords) }

// wordHits returns the sorted offsets of every relevant word in src.
func wordHits(src []byte) []int { return wordHitsInto(src, nil) }

// wordHitsInto is wordHits appending to hits[:0].
func wordHitsInto(src []byte, hits []int) []int {
	hits = hits[:0]
	for _, w := range relevantWords {
		for off := 0; ; {
			i := bytes.Index(src[off:], w)
			if i < 0 {
				break
			}
			if at := off + i; significantHit(src, at, w) {
				hits = append(hits, at)
			}
			off += i + len(w)
		}
	}
	slices.Sort(hits)
	return hits
}

// scanNoise are receivers whose literal-argument calls never look up a
// plugin: tests' and benchmarks' t, b, tb, f and assertion helpers.
var scanNoise = map[string]bool{"t": true, "b": true, "tb": true, "f": true, "tt": true,
	"assert": true, "require": true, "suite": true, "s": true, "w": true, "r": true, "buf": true, "sb": true}

// literalCall is a call that passes a string literal first, found by a
// byte scan: Q.F("Lit", …) or F("Lit", …).
type literalCall struct {
	Q, F             string
	Start            int // offset of Q (or F)
	LitStart, LitEnd int // the literal, quotes included
	Lit              string
}

// cutCalls records, from the bodies blankBodies cut, the calls that pass
// a string literal first and may look up a plugin in any registry,
// whatever the function is called: pkg.Find("x") for an imported,
// non-noise pkg, Instances.Get("x") on an exported package-level value, or
// an exported function of the package itself, Find("x"). A byte scan finds
// them without parsing the body (parsing every body that has one would
// cost more than the whole cold index); linking keeps those that resolve to
// a lookup. Calls on locals (w.WriteString("…"), t.Run("…")) are skipped:
// they are most such calls and never reach a registry by name.
func (x *extractor) cutCalls() {
	if len(x.cuts) == 0 {
		return
	}
	prev := 0
	for _, c := range x.cuts {
		start := c.At + prev // in src
		end := start + c.Removed - prev
		prev = c.Removed
		if start <= 0 || end > len(x.src) || start >= end {
			continue
		}
		region := x.src[start:end]
		body := x.src[start-1] == '{'
		decl := bytes.HasPrefix(region, []byte("func"))
		if !body && !decl || !bytes.Contains(region, []byte(`("`)) {
			continue // comments and composite literals
		}
		fn := ""
		if decl {
			fn = headerName(region)
		} else if h := bytes.LastIndex(x.src[:start], []byte("func")); h >= 0 {
			fn = headerName(x.src[h:start])
		}
		var ptypes map[string]string // the enclosing function's parameter types (lazy)
		for _, lc := range literalCalls(region) {
			if ls := bytes.LastIndexByte(region[:lc.Start], '\n'); bytes.Contains(region[ls+1:lc.Start], []byte("//")) {
				continue // in a comment
			}
			cf := CallFact{Func: lc.F, InFunc: fn, ArgCount: 1,
				Call: Span{start + lc.Start, start + lc.LitEnd},
				Args: []ArgFact{{Lit: lc.Lit, IsLit: true, Expr: strconv.Quote(lc.Lit), Span: Span{start + lc.LitStart, start + lc.LitEnd}}}}
			switch {
			case lc.Q == "":
			case lc.Q[0] >= 'A' && lc.Q[0] <= 'Z':
				cf.Recv = lc.Q
			default:
				if ip, ok := x.imports[lc.Q]; ok {
					// A standard-library call in a cut body is no lookup
					// the index could link: its registries' lookups
					// (sql.Open, expvar.Get, pprof.Lookup) are relevant
					// words, so their bodies are parsed anyway.
					if noiseQualifiers[lc.Q] || isStdPath(ip) {
						continue
					}
					cf.Pkg = lc.Q
					break
				}
				// ps.Get("x") on a parameter of a named type: a type
				// registry's lookup, if linking finds one. The header is
				// parsed once per body, and only when a call needs it
				// (never for t.Run("…") and the like).
				if scanNoise[lc.Q] {
					continue
				}
				if ptypes == nil {
					h := region
					if !decl {
						if hs := bytes.LastIndex(x.src[:start], []byte("func")); hs >= 0 {
							h = x.src[hs:start]
						}
					}
					ptypes = headerParamTypes(h)
				}
				t := ptypes[lc.Q]
				if t == "" || x.stdType(t) {
					continue
				}
				cf.RecvType = t
			}
			x.f.Calls = append(x.f.Calls, cf)
		}
	}
}

// headerParamTypes returns the types of a function header's parameters
// that are named types or pointers to one ("func start(ps
// *admission.Plugins) {" → ps: "*admission.Plugins"); never nil.
func headerParamTypes(h []byte) map[string]string {
	out := map[string]string{}
	rest := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(h), []byte("func")))
	if len(rest) > 0 && rest[0] == '(' {
		i := matchParen(rest)
		if i < 0 {
			return out
		}
		rest = bytes.TrimSpace(rest[i+1:])
	}
	i := bytes.IndexByte(rest, '(')
	if i < 0 {
		return out
	}
	j := bytes.IndexByte(rest, '{')
	if j < 0 {
		j = len(rest)
	}
	if j < i {
		return out
	}
	src := "func" + string(rest[i:j])
	e, err := parser.ParseExpr(src)
	if err != nil {
		return out
	}
	ft, ok := e.(*ast.FuncType)
	if !ok {
		return out
	}
	for _, f := range ft.Params.List {
		if !namedType(f.Type) {
			continue
		}
		for _, n := range f.Names {
			out[n.Name] = src[f.Type.Pos()-1 : f.Type.End()-1]
		}
	}
	return out
}

// headerName returns the function or method name of a declaration that
// starts with "func".
func headerName(h []byte) string {
	h = bytes.TrimSpace(bytes.TrimPrefix(h, []byte("func")))
	if len(h) > 0 && h[0] == '(' {
		i := matchParen(h)
		if i < 0 {
			return ""
		}
		h = bytes.TrimSpace(h[i+1:])
	}
	e := 0
	for e < len(h) && isIdentByte(h[e]) {
		e++
	}
	return string(h[:e])
}

// literalCalls scans src for calls of exported functions and methods
// whose first argument is a string literal (see cutCalls).
func literalCalls(src []byte) []literalCall {
	var hits []literalCall
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte(`("`))
		if i < 0 {
			return hits
		}
		at := off + i
		off = at + 2
		j := at
		for j > 0 && isIdentByte(src[j-1]) {
			j--
		}
		if j == at || src[j] < 'A' || src[j] > 'Z' {
			continue // only exported functions and methods
		}
		le := skipQuoted(src, at+1)
		lit, err := strconv.Unquote(string(src[at+1 : min(le, len(src))]))
		if err != nil {
			continue
		}
		lc := literalCall{F: string(src[j:at]), Start: j, LitStart: at + 1, LitEnd: le, Lit: lit}
		if j == 0 || src[j-1] != '.' {
			if j == 0 || !isIdentByte(src[j-1]) {
				hits = append(hits, lc) // Find("x") in its own package
			}
			continue
		}
		q := j - 1
		for q > 0 && isIdentByte(src[q-1]) {
			q--
		}
		if q == j-1 || q > 0 && src[q-1] == '.' {
			continue // x.y.F("…"): a field path, not a package
		}
		lc.Q, lc.Start = string(src[q:j-1]), q
		hits = append(hits, lc)
	}
}

// significantHit filters the two words that are common in ordinary code:
// Add… counts after a plural package qualifier (Telegraf's inputs.Add,
// processors.AddStreaming, …) or as Add("literal"); Open( with a literal path or as
// plugin.Open / sql.Open. wg.Add(1) and os.Open(f) do not make a body worth
// parsing.
func significantHit(src []byte, at int, w []byte) bool {
	next := byte(0)
	if e := at + len(w); e < len(src) {
		next = src[e]
	}
	switch string(w) {
	case "Add":
		// inputs.Add(, processors.AddStreaming(, Add("name"
		// (not bits.Add64: a digit or lower-case letter continues another
		// name).
		return at >= 2 && src[at-2] == 's' && src[at-1] == '.' && (next == '(' || next >= 'A' && next <= 'Z') ||
			next == '(' && at+len(w)+1 < len(src) && src[at+len(w)+1] == '"'
	case "Open(":
		return next == '"' || bytes.HasSuffix(src[:at], []byte("plugin.")) || bytes.HasSuffix(src[:at], []byte("sql."))
	}
	return true
}

// hitIn reports whether a hit lies in [start, end).
func hitIn(hits []int, start, end int) bool {
	i, _ := slices.BinarySearch(hits, start)
	return i < len(hits) && hits[i] < end
}

// keepBody decides whether a function body is parsed.
func keepBody(header, body []byte, hit bool) bool {
	if hit || bytes.Equal(bytes.TrimSpace(header), []byte("func init()")) {
		return true
	}
	// A registry definition indexes a map by a parameter (m[name],
	// m[info.Name], m[strings.ToLower(c.Name())]), appends something built
	// from one to a slice, or scans a slice comparing with one (x.Name ==
	// name). Unexported functions count (register called from the
	// package's own init), and methods (instance registries: r.m[name] = v).
	// Reads (m[name]) count in exported functions (lookups); elsewhere
	// only a store line that indexes by the parameter does (m[name] = v,
	// m[info.Name] = info, m[strings.ToLower(c.Name())] = c, S = append(S,
	// …p…)), which keeps the many unexported helpers and methods that index
	// a map out of the parse.
	exported := exportedHeader(header)
	anyStore := bytes.Contains(body, []byte("] = ")) || bytes.Contains(body, []byte("= append("))
	if !exported && (!anyStore || isMethodHeader(header)) {
		return false // unexported methods are never registries
	}
	if exported {
		// Lookups read or scan by a string name.
		scans := bytes.Contains(body, []byte("range "))
		for _, p := range stringParams(header) {
			// m[name], m[strings.ToLower(name)]
			if bytes.Contains(body, []byte("["+p+"]")) || bytes.Contains(body, []byte("("+p+")]")) ||
				scans && (bytes.Contains(body, []byte("== "+p+" ")) || bytes.Contains(body, []byte("== "+p+"\n"))) {
				return true
			}
		}
	}
	if !anyStore {
		return false
	}
	params := paramNames(header)
	if len(params) == 0 {
		return false
	}
	for _, marker := range [2][]byte{[]byte("] = "), []byte("= append(")} {
		for off := 0; ; {
			k := bytes.Index(body[off:], marker)
			if k < 0 {
				break
			}
			at := off + k
			off = at + len(marker)
			ls := bytes.LastIndexByte(body[:at], '\n') + 1
			le := bytes.IndexByte(body[at:], '\n')
			if le < 0 {
				le = len(body)
			} else {
				le += at
			}
			line := body[ls:le]
			if lhs := bytes.TrimSpace(body[ls:at]); bytes.HasSuffix(lhs, []byte(":")) || slices.Contains(params, string(leadingIdent(lhs))) {
				// x := append(…), p = append(p, …), p[k] = v: a local or
				// a parameter, never a package-level store (registryDef's
				// store rejects them too).
				continue
			}
			for _, p := range params {
				if marker[0] == ']' {
					if bytes.Contains(line, []byte("["+p+"]")) || bytes.Contains(line, []byte("["+p+".")) ||
						bytes.Contains(line, []byte("("+p+".")) ||
						// m[key] = p, key a local computed from a parameter
						// (name := strings.ToLower(b.Name())) or a range
						// variable over one (for _, a := range aliases).
						exported && bytes.HasSuffix(bytes.TrimSpace(line), []byte("] = "+p)) {
						return true
					}
				} else if containsIdent(body[at+len(marker):le], p) {
					return true
				}
			}
		}
	}
	return false
}

// isMethodHeader reports whether a function header declares a method.
func isMethodHeader(h []byte) bool {
	h = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(h), []byte("func")))
	return len(h) > 0 && h[0] == '('
}

// leadingIdent returns the identifier b starts with, after any '*' or '('.
func leadingIdent(b []byte) []byte {
	b = bytes.TrimLeft(b, "*(")
	i := 0
	for i < len(b) && isIdentByte(b[i]) {
		i++
	}
	return b[:i]
}

// paramNames returns the parameter names of a function header
// ("func (r *T) F(a, b string, c Codec)" → a, b, c), by a byte scan.
func paramNames(header []byte) []string {
	h := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(header), []byte("func")))
	if len(h) > 0 && h[0] == '(' { // receiver
		i := matchParen(h)
		if i < 0 {
			return nil
		}
		h = h[i+1:]
	}
	i := bytes.IndexByte(h, '(')
	if i < 0 {
		return nil
	}
	h = h[i:]
	j := matchParen(h)
	if j < 0 {
		return nil
	}
	var out []string
	depth := 0
	start := 1
	for k := 1; k <= j; k++ {
		switch h[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if k == j {
				break
			}
			depth--
			continue
		case ',':
		default:
			continue
		}
		if depth > 0 && k != j {
			continue
		}
		piece := bytes.TrimSpace(h[start:k])
		start = k + 1
		e := 0
		for e < len(piece) && isIdentByte(piece[e]) {
			e++
		}
		if e > 0 && e < len(piece) && (piece[e] == ' ' || piece[e] == '\t') {
			out = append(out, string(piece[:e]))
		} else if e == len(piece) && e > 0 {
			out = append(out, string(piece)) // "a, b string": a alone
		}
	}
	return out
}

// matchParen returns the index of the parenthesis closing b[0], -1 if none.
func matchParen(b []byte) int {
	depth := 0
	for i, c := range b {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// containsIdent reports whether b mentions the identifier id as a whole word.
func containsIdent(b []byte, id string) bool {
	for {
		i := bytes.Index(b, []byte(id))
		if i < 0 {
			return false
		}
		end := i + len(id)
		if (i == 0 || !isIdentByte(b[i-1])) && (end == len(b) || !isIdentByte(b[end])) && (i == 0 || b[i-1] != '.') {
			return true
		}
		b = b[end:]
	}
}

// stringParams returns the names of a header's string parameters
// ("func F(a, b string, c int)" → a, b).
func stringParams(header []byte) []string {
	var out []string
	h := string(header)
	for {
		i := strings.Index(h, " string")
		if i < 0 {
			return out
		}
		// Walk back over "a, b" before " string".
		j := i
		for j > 0 {
			k := j
			for k > 0 && isIdentByte(h[k-1]) {
				k--
			}
			if k == j {
				break
			}
			out = append(out, h[k:j])
			for k > 0 && (h[k-1] == ' ') {
				k--
			}
			if k > 0 && h[k-1] == ',' {
				j = k - 1
				for j > 0 && h[j-1] == ' ' {
					j--
				}
				continue
			}
			break
		}
		h = h[i+len(" string"):]
	}
}

// droppableDecl reports whether a function declaration (header text from
// "func" to its body) can be left out of the parse outside package main:
// methods (except CaddyModule) and unexported functions.
func droppableDecl(h []byte) bool {
	h = bytes.TrimSpace(bytes.TrimPrefix(h, []byte("func")))
	if len(h) > 0 && h[0] == '(' {
		if i := bytes.IndexByte(h, ')'); i >= 0 {
			return !bytes.HasPrefix(bytes.TrimSpace(h[i+1:]), []byte("CaddyModule"))
		}
		return false
	}
	// new…() constructors stay (header only): their result types type
	// package-level registry instances (var r = newRegistry()).
	return len(h) > 0 && !(h[0] >= 'A' && h[0] <= 'Z') && !bytes.HasPrefix(h, []byte("init(")) && !bytes.HasPrefix(h, []byte("new"))
}

// packageClause returns the package name from the first "package" line
// outside comments ("" if none is found).
func packageClause(src []byte) string {
	inBlock := false
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte{'\n'})
		src = rest
		line = bytes.TrimSpace(line)
		if inBlock {
			if i := bytes.Index(line, []byte("*/")); i >= 0 {
				inBlock = false
				line = bytes.TrimSpace(line[i+2:])
			} else {
				continue
			}
		}
		if bytes.HasPrefix(line, []byte("/*")) && !bytes.Contains(line, []byte("*/")) {
			inBlock = true
			continue
		}
		if rest, ok := bytes.CutPrefix(line, []byte("package")); ok && len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			f := bytes.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' })
			if len(f) > 0 {
				return string(f[0])
			}
			return ""
		}
	}
	return ""
}

// exportedHeader reports whether "func Name(" / "func (r T) Name(" declares
// an exported name.
func exportedHeader(h []byte) bool {
	h = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(h), []byte("func")))
	if len(h) > 0 && h[0] == '(' {
		if i := bytes.IndexByte(h, ')'); i >= 0 {
			h = bytes.TrimSpace(h[i+1:])
		}
	}
	return len(h) > 0 && h[0] >= 'A' && h[0] <= 'Z'
}

// extractGo turns one Go file into path-independent facts. It never fails:
// syntax errors are recorded in ParseErr and facts are best effort.
func extractGo(src []byte) *FileFacts { return extractGoBuffers(src, nil) }

// extractGoBuffers is extractGo parsing from bufs.text's storage (nil:
// allocated).
func extractGoBuffers(src []byte, bufs *buffers) (f *FileFacts) {
	f = &FileFacts{}
	defer func() {
		// Extraction must never take the server down: a bug here becomes a
		// fact about the file.
		if r := recover(); r != nil {
			f = &FileFacts{ParseErr: fmt.Sprintf("plugin-lsp internal error extracting facts: %v", r)}
		}
	}()
	f.Constraint = goBuildLine(src)
	if f.Constraint != "" {
		if e, err := constraint.Parse("//go:build " + f.Constraint); err == nil {
			f.expr = e
		}
	}
	text, kept, cuts := blankBodies(src, bufs)
	f.Full = kept > 0 || relevantText(text)
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, "", text, parser.SkipObjectResolution)
	if err != nil {
		f.ParseErr = firstLine(err.Error())
	}
	if af == nil || af.Name == nil {
		return f
	}
	tf := fset.File(af.Pos())
	x := &extractor{f: f, src: src, tf: tf, cuts: cuts, imports: map[string]string{}}
	if bufs != nil {
		// Symbols and calls grow in the worker's buffers; the facts get
		// exact-size copies below.
		f.Symbols, f.Calls = bufs.symbols[:0], bufs.calls[:0]
	}
	x.file(af)
	x.cutCalls()
	goWorkOffInFunc(f, src) // modules.go
	// Facts live as long as the file is indexed: drop append's spare capacity.
	syms, calls := f.Symbols, f.Calls
	f.Symbols = cloneOrNil(syms)
	f.Imports = slices.Clone(f.Imports)
	f.Calls = cloneOrNil(calls)
	f.Consts = slices.Clone(f.Consts)
	if bufs != nil {
		clear(syms) // drop the strings they point to
		clear(calls)
		bufs.symbols, bufs.calls = syms[:0], calls[:0]
	}
	return f
}

// cloneOrNil returns an exact-size copy of s, nil when s is empty.
func cloneOrNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// goBuildLine returns the //go:build expression before the package clause.
func goBuildLine(src []byte) string {
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte{'\n'})
		src = rest
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("//go:build")) {
			return strings.TrimSpace(string(line[len("//go:build"):]))
		}
		if bytes.HasPrefix(line, []byte("package ")) || bytes.HasPrefix(line, []byte("package\t")) {
			return ""
		}
		if bytes.HasPrefix(line, []byte("/*")) {
			// Skip a block comment; a //go:build inside it does not count.
			if i := bytes.Index(src, []byte("*/")); i >= 0 && !bytes.Contains(line, []byte("*/")) {
				src = src[i+2:]
			}
		}
	}
	return ""
}

// cut records that bytes were removed from the parsed text: offsets at or
// after At (in the compacted text) are Removed bytes further on in the
// original (cumulative).
type cut struct{ At, Removed int }

// blankBodies returns src without the contents of the function bodies that
// keepBody rejects ("{ … }" becomes "{}"), and the cuts that map offsets
// in the result back to src. Parsing the result reads declarations only,
// several times cheaper than a full parse. Strings, runes and comments are
// skipped properly; a func whose result type is interface{…} or struct{…}
// keeps its type braces.
//
// With bufs, the result and the cuts are built in the worker's buffers:
// they are only read while the file is extracted.
func blankBodies(src []byte, bufs *buffers) (out []byte, kept int, cuts []cut) {
	n := len(src)
	var hits []int
	if bufs != nil {
		hits = wordHitsInto(src, bufs.hits)
		out, cuts = bufs.text[:0], bufs.cuts[:0]
		defer func() {
			// The parser copies what the AST keeps.
			bufs.hits, bufs.text, bufs.cuts = hits[:0], out[:0], cuts[:0]
		}()
	} else {
		hits = wordHits(src)
	}
	isMain := packageClause(src) == "main"
	if cap(out) < n/2 {
		out = make([]byte, 0, n/2)
	}
	from := 0 // src[from:i] not yet copied to out
	removed := 0
	funcStart := 0
	depth := 0        // () [] {} nesting outside function bodies
	braces := 0       // {} nesting alone
	inHeader := false // after a `func` keyword, before its body
	var prevWord []byte
	prevByte := byte(0) // last non-blank byte before i
	finish := func() ([]byte, int, []cut) {
		out = append(out, src[from:]...)
		return out, kept, cuts
	}
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '/' && i+1 < n && src[i+1] == '/':
			j := bytes.IndexByte(src[i:], '\n')
			if j < 0 {
				return finish()
			}
			// Line comments (doc comments are a quarter of Go source) are
			// cut too; the newline stays for semicolon insertion.
			out = append(out, src[from:i]...)
			removed += j
			cuts = append(cuts, cut{At: len(out), Removed: removed})
			from = i + j
			i += j
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			j := bytes.Index(src[i+2:], []byte("*/"))
			if j < 0 {
				return finish()
			}
			i += j + 4
			continue
		case c == '"' || c == '\'':
			i = skipQuoted(src, i)
			prevWord = nil
			prevByte = '"'
			continue
		case c == '`':
			j := bytes.IndexByte(src[i+1:], '`')
			if j < 0 {
				return finish()
			}
			i += j + 2
			prevWord = nil
			prevByte = '"'
			continue
		case isIdentByte(c):
			j := i
			for j < n && isIdentByte(src[j]) {
				j++
			}
			w := src[i:j]
			if !inHeader && len(w) == 4 && string(w) == "func" {
				inHeader = true
				funcStart = i
			}
			prevWord = w
			prevByte = 'a'
			i = j
			continue
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '{':
			if inHeader && depth == 0 && string(prevWord) != "interface" && string(prevWord) != "struct" {
				end := matchBrace(src, i)
				if keepBody(src[funcStart:i], src[i:min(end, n)], hitIn(hits, funcStart, end)) {
					kept++
				} else if constMethod(src[funcStart:i], src[i:min(end, n)]) {
					// Kept for methodNames, which reads every file: a
					// constant-returning method alone does not make the
					// file worth the full extraction (Full).
				} else if end < n && !isMain && funcStart > 0 && src[funcStart-1] == '\n' && from <= funcStart && droppableDecl(src[funcStart:i]) {
					// A method or unexported function outside package main
					// yields no fact: drop the whole declaration (unless a
					// comment in its header was cut already: from is past
					// funcStart then; found by FuzzExtractGo).
					out = append(out, src[from:funcStart]...)
					removed += end + 1 - funcStart
					cuts = append(cuts, cut{At: len(out), Removed: removed})
					from = end + 1
				} else if end > i+1 && end < n {
					out = append(out, src[from:i+1]...)
					removed += end - (i + 1)
					cuts = append(cuts, cut{At: len(out), Removed: removed})
					from = end
				}
				inHeader = false
				prevWord = nil
				prevByte = '}'
				i = end + 1
				continue
			}
			if !inHeader && braces == 0 && string(prevWord) != "interface" && string(prevWord) != "struct" &&
				(isIdentByte(prevByte) || prevByte == ']' || prevByte == '}') {
				// A package-level composite literal (var tables): its
				// elements are not declarations; drop them unless they
				// mention a registration word.
				end := matchBrace(src, i)
				// A short literal that initialises a map field stays: the
				// struct value may be a registry's store (storeVar).
				keep := end < n && end-i < 1024 && bytes.Contains(src[i:end], []byte("map[string]")) ||
					// An argument of a call in a var initialiser
					// (ErrX = register("g", Descriptor{Value: "x"})): the
					// name may be a field of it.
					depth > braces && end-i < 4096
				// (A table at depth 0 is dropped; nested literals go
				// with their outer one.)
				if end < n && !hitIn(hits, i, end) && end > i+1 && !keep {
					out = append(out, src[from:i+1]...)
					removed += end - (i + 1)
					cuts = append(cuts, cut{At: len(out), Removed: removed})
					from = end
				}
				prevWord = nil
				prevByte = '}'
				i = end + 1
				continue
			}
			depth++
			braces++
		case c == '}':
			depth--
			braces--
		case c == '\n' || c == ';':
			if depth == 0 && inHeader {
				inHeader = false
			}
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prevWord = nil
			prevByte = c
		}
		i++
	}
	return finish()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipQuoted returns the index after the string or rune starting at i.
func skipQuoted(src []byte, i int) int {
	q := src[i]
	i++
	for i < len(src) {
		switch src[i] {
		case '\\':
			i += 2
			continue
		case q:
			return i + 1
		case '\n':
			return i // unterminated: stop at the line end
		}
		i++
	}
	return i
}

// matchBrace returns the index of the '}' matching the '{' at i (len(src)
// when unbalanced).
func matchBrace(src []byte, i int) int {
	depth := 0
	n := len(src)
	for i < n {
		switch c := src[i]; c {
		case '/':
			if i+1 < n && src[i+1] == '/' {
				for i < n && src[i] != '\n' {
					i++
				}
				continue
			}
			if i+1 < n && src[i+1] == '*' {
				j := bytes.Index(src[i+2:], []byte("*/"))
				if j < 0 {
					return n
				}
				i += j + 4
				continue
			}
		case '"', '\'':
			i = skipQuoted(src, i)
			continue
		case '`':
			j := bytes.IndexByte(src[i+1:], '`')
			if j < 0 {
				return n
			}
			i += j + 2
			continue
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return n
}

// extractor walks one parsed file.
type extractor struct {
	f       *FileFacts
	src     []byte
	tf      *token.File
	cuts    []cut               // offsets in the parsed text → src
	imports map[string]string   // qualifier → import path
	plugin  string              // qualifier of the "plugin" package, "" if not imported
	locals  map[string]ast.Expr // single-assignment locals of the function being walked (lazy)
	fbody   *ast.BlockStmt      // the function being walked
	ftype   *ast.FuncType
	frecv   *ast.FieldList
	// declared are the names the function being walked declares (lazy).
	declared map[string]bool
}

// packageValue reports whether name, used in the function being walked,
// can only be a package-level value: not a parameter, result, receiver or
// local of the function (names declared at package level in other files are
// not known here; linking decides whether one is an instance registry).
func (x *extractor) packageValue(name string) bool {
	if name == "_" || x.fbody == nil {
		return x.fbody == nil && name != "_"
	}
	if x.declared == nil {
		x.declared = declaredNames(x.fbody, x.ftype, x.frecv)
	}
	return !x.declared[name]
}

// namedArg reports whether a method call passes a name a registry could
// be keyed by first: a string literal or an exported constant (Name,
// pkg.Name). w.Write(b) and the like are most method calls on values and
// are never looked at further (a local name, Codecs.Register(n, v), is
// missed: plugins register with constants).
func namedArg(call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	switch a := ast.Unparen(call.Args[0]).(type) {
	case *ast.BasicLit:
		return a.Kind == token.STRING
	case *ast.Ident:
		return ast.IsExported(a.Name)
	case *ast.SelectorExpr:
		_, ok := a.X.(*ast.Ident)
		return ok && ast.IsExported(a.Sel.Name)
	}
	return false
}

// namedType reports whether a type expression is a named type or a
// pointer to one (T, *T, pkg.T, *pkg.T), not a predeclared type: what a
// registry's receiver can be.
func namedType(t ast.Expr) bool {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch v := t.(type) {
	case *ast.Ident:
		return !isPredeclared(v.Name)
	case *ast.SelectorExpr:
		_, ok := v.X.(*ast.Ident)
		return ok
	}
	return false
}

// paramType returns the type of a parameter of the function being walked
// when it is a named type or a pointer to one ("*admission.Plugins", "T");
// "" otherwise, or when a local of the same name may shadow it.
func (x *extractor) paramType(name string) string {
	if x.ftype == nil || x.ftype.Params == nil {
		return ""
	}
	for _, f := range x.ftype.Params.List {
		for _, n := range f.Names {
			if n.Name != name {
				continue
			}
			if !namedType(f.Type) {
				return ""
			}
			if x.localExpr(name) != nil {
				return "" // reassigned in the body
			}
			return x.text(f.Type, 80)
		}
	}
	return ""
}

// stdType reports whether a parameter type is a standard-library type
// (*testing.T, *bytes.Buffer): no type registry of the workspace, so calls
// on it are no lookups.
func (x *extractor) stdType(t string) bool {
	q, _, ok := strings.Cut(strings.TrimLeft(t, "*"), ".")
	if !ok {
		return false
	}
	ip, ok := x.imports[q]
	return ok && isStdPath(ip)
}

// declaredNames returns every name a function declares: receiver,
// parameters, results and locals (:=, var, range, closures' parameters).
func declaredNames(b *ast.BlockStmt, ft *ast.FuncType, recv *ast.FieldList) map[string]bool {
	out := map[string]bool{}
	fields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				out[n.Name] = true
			}
		}
	}
	fields(recv)
	if ft != nil {
		fields(ft.Params)
		fields(ft.Results)
	}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				out[id.Name] = true
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			}
		case *ast.FuncLit:
			fields(n.Type.Params)
			fields(n.Type.Results)
		case *ast.TypeSpec:
			out[n.Name.Name] = true
		}
		return true
	})
	return out
}

// local returns the value of a single-assignment string local of the
// function being walked (stringLocals, computed on first use).
func (x *extractor) local(name string) (string, bool) {
	if x.fbody == nil {
		return "", false
	}
	e := x.localExpr(name)
	if bl, ok := e.(*ast.BasicLit); ok {
		if v, err := strconv.Unquote(bl.Value); err == nil {
			return v, true
		}
	}
	return "", false
}

// localExpr returns the expression a single-assignment local of the
// function being walked is bound to, nil if none.
func (x *extractor) localExpr(name string) ast.Expr {
	if x.fbody == nil {
		return nil
	}
	if x.locals == nil {
		x.locals = stringLocals(x.fbody, x.ftype)
		if x.locals == nil {
			x.locals = map[string]ast.Expr{}
		}
	}
	return x.locals[name]
}

// stringLocals returns the local variables of a function body that are
// assigned exactly once, from a string literal (name := "x"; var n = "x"),
// a composite literal (fsi := &fs.RegInfo{Name: "x"}) or a constructor
// call, and never have their address taken: a registration that passes one
// is as constant as one that passes the expression itself. Names that are also parameters or
// results are left out (an inner name := "x" may shadow a parameter).
func stringLocals(b *ast.BlockStmt, ft *ast.FuncType) map[string]ast.Expr {
	var vals map[string]ast.Expr
	count := map[string]int{}
	if ft != nil {
		for _, fl := range []*ast.FieldList{ft.Params, ft.Results} {
			if fl == nil {
				continue
			}
			for _, f := range fl.List {
				for _, n := range f.Names {
					count[n.Name] += 2
				}
			}
		}
	}
	set := func(id *ast.Ident, v ast.Expr, define bool) {
		count[id.Name]++
		if !define || v == nil {
			return
		}
		switch v := ast.Unparen(v).(type) {
		case *ast.BasicLit:
			if v.Kind != token.STRING {
				return
			}
		case *ast.CompositeLit, *ast.UnaryExpr, *ast.CallExpr:
		default:
			return
		}
		if vals == nil {
			vals = map[string]ast.Expr{}
		}
		vals[id.Name] = v
	}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					var v ast.Expr
					if len(n.Lhs) == len(n.Rhs) {
						v = n.Rhs[i]
					}
					set(id, v, n.Tok == token.DEFINE)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				var v ast.Expr
				if i < len(n.Values) {
					v = n.Values[i]
				}
				set(id, v, true)
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					count[id.Name] += 2
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok {
				count[id.Name] += 2
			}
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
				count[id.Name] += 2
			}
		case *ast.FuncLit:
			for _, f := range n.Type.Params.List {
				for _, id := range f.Names {
					count[id.Name] += 2
				}
			}
		}
		return true
	})
	for k := range vals {
		if count[k] != 1 {
			delete(vals, k)
		}
	}
	return vals
}

func (x *extractor) off(p token.Pos) int {
	if !p.IsValid() {
		return 0
	}
	o := x.tf.Offset(p)
	// The last cut at or before o says how much was removed before it.
	i, _ := slices.BinarySearchFunc(x.cuts, o, func(c cut, o int) int {
		if c.At <= o {
			return -1
		}
		return 1
	})
	if i > 0 {
		o += x.cuts[i-1].Removed
	}
	return o
}

func (x *extractor) span(n ast.Node) Span { return Span{x.off(n.Pos()), x.off(n.End())} }

// text returns the source of n, copied (so the file's bytes are not kept
// alive) and shortened to max bytes.
func (x *extractor) text(n ast.Node, max int) string {
	s, e := x.off(n.Pos()), x.off(n.End())
	if s < 0 || e > len(x.src) || s > e {
		return ""
	}
	b := x.src[s:e]
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// qualifier returns the name an import is referred to by: its explicit
// name, else ImportQualifier's guess.
func qualifier(path, name string) string {
	if name != "" {
		return name
	}
	return ImportQualifier(path)
}

// ImportQualifier guesses the package name of an import path the way
// goimports and gopls do when the package's source is not at hand: the last
// element, skipping a major-version suffix ("/v2"), without a "go-" prefix,
// cut at the first byte that cannot be in an identifier
// ("gopkg.in/yaml.v3" → "yaml", "github.com/mattn/go-sqlite3" → "sqlite3").
// It is the one such guess of the project: extraction, linking and
// navigation must agree on it.
func ImportQualifier(path string) string {
	elems := strings.Split(path, "/")
	q := elems[len(elems)-1]
	if len(elems) > 1 && len(q) > 1 && q[0] == 'v' && strings.Trim(q[1:], "0123456789") == "" {
		q = elems[len(elems)-2]
	}
	q = strings.TrimPrefix(q, "go-")
	for i := 0; i < len(q); i++ {
		if !isIdentByte(q[i]) {
			return q[:i]
		}
	}
	return q
}

func (x *extractor) file(af *ast.File) {
	f := x.f
	f.Package = af.Name.Name
	f.PackageSpan = x.span(af.Name)
	for _, is := range af.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		im := Import{Path: p, Span: x.span(is.Path)}
		if is.Name != nil {
			im.Name = is.Name.Name
			im.Blank = im.Name == "_"
		}
		f.Imports = append(f.Imports, im)
		if !im.Blank && im.Name != "." {
			q := qualifier(p, im.Name)
			x.imports[q] = p
			if p == "plugin" {
				x.plugin = q
			}
		}
	}
	all := f.Package == "main"
	for _, d := range af.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				x.method(d)
				continue
			}
			if isCtorName(d.Name.Name) && d.Type.Results != nil && len(d.Type.Results.List) > 0 {
				if f.Ctors == nil {
					f.Ctors = map[string]string{}
				}
				f.Ctors[d.Name.Name] = x.text(d.Type.Results.List[0].Type, 80)
				if d.Body != nil {
					if r := x.ctorReturn(d.Body); r != "" {
						f.Ctors[d.Name.Name+CtorReturnKey] = r
					}
				}
			}
			if all || ast.IsExported(d.Name.Name) {
				sym := Symbol{Name: d.Name.Name, Kind: SymFunc, Exported: ast.IsExported(d.Name.Name), Span: x.span(d.Name)}
				if all {
					// Signatures matter for Lookup assertions in native
					// plugins; elsewhere they would only cost memory.
					sym.Type = x.funcType(d.Type)
				}
				f.Symbols = append(f.Symbols, sym)
			}
			if f.Full && d.Body != nil {
				x.registryDef(d)
				x.body(d.Body, d.Type, d.Name.Name, d.Name.Name == "init")
				if d.Name.Name == "init" {
					x.initCalls(d.Body)
				}
			}
		case *ast.GenDecl:
			x.genDecl(d, all)
		}
	}
}

// funcType renders a signature as "func(params) results" without the name.
func (x *extractor) funcType(ft *ast.FuncType) string {
	if ft.Params == nil {
		return "func()"
	}
	s := "func" + x.text(ft.Params, 200)
	if ft.Results != nil {
		s += " " + x.text(ft.Results, 120)
	}
	return s
}

func (x *extractor) genDecl(d *ast.GenDecl, all bool) {
	f := x.f
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			if all || ast.IsExported(sp.Name.Name) {
				f.Symbols = append(f.Symbols, Symbol{Name: sp.Name.Name, Kind: SymType, Type: x.text(sp.Type, 80),
					Exported: ast.IsExported(sp.Name.Name), Span: x.span(sp.Name)})
			}
		case *ast.ValueSpec:
			kind := SymVar
			if d.Tok == token.CONST {
				kind = SymConst
			}
			typ := ""
			if sp.Type != nil {
				typ = x.text(sp.Type, 120)
			}
			for i, n := range sp.Names {
				var val ast.Expr
				if i < len(sp.Values) {
					val = sp.Values[i]
				}
				if kind == SymVar {
					x.storeVar(n.Name, sp.Type, val)
					x.instanceVar(n, sp.Type, val)
				}
				if kind == SymConst && val != nil {
					x.constFact(n, val)
				}
				if n.Name == "_" || !(all || ast.IsExported(n.Name)) {
					if kind == SymVar && val != nil && f.Full {
						x.expr(val, "", false, true)
					}
					continue
				}
				sym := Symbol{Name: n.Name, Kind: kind, Type: typ, Exported: ast.IsExported(n.Name), Span: x.span(n)}
				if val != nil {
					if v := x.text(val, 48); len(v) <= 48 {
						sym.Value = v
					}
					if sym.Type == "" {
						sym.Type = x.exprType(val)
					}
				}
				f.Symbols = append(f.Symbols, sym)
				if kind == SymVar && val != nil && f.Full {
					x.expr(val, "", false, true)
				}
			}
			if kind == SymVar && len(sp.Names) == 0 {
				for _, v := range sp.Values {
					x.expr(v, "", false, true)
				}
			}
		}
	}
}

// initCalls records the package functions an init body calls.
func (x *extractor) initCalls(b *ast.BlockStmt) {
	ast.Inspect(b, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && !builtins[id.Name] {
				x.f.InitCalls = append(x.f.InitCalls, id.Name)
			}
		}
		return true
	})
}

// mapOfString reports whether an initialiser makes a map keyed by string:
// map[string]T{…} or make(map[string]T).
func mapOfString(e ast.Expr) bool {
	var t ast.Expr
	switch v := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		t = v.Type
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "make" && len(v.Args) > 0 {
			t = v.Args[0]
		}
	}
	mt, ok := t.(*ast.MapType)
	if !ok {
		return false
	}
	k, ok := mt.Key.(*ast.Ident)
	return ok && k.Name == "string"
}

// instanceVar records a package-level variable whose type is a named type
// (or pointer to one) that may have registry methods: declared, shown by a
// composite literal or new(T), or given by a constructor call.
func (x *extractor) instanceVar(n *ast.Ident, typ, val ast.Expr) {
	if n.Name == "_" {
		return
	}
	iv := InstanceVar{Name: n.Name, Span: x.span(n)}
	named := func(t ast.Expr) bool {
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		t, iv.TypeArgs = x.typeArgs(t)
		switch v := t.(type) {
		case *ast.Ident:
			return !isPredeclared(v.Name)
		case *ast.SelectorExpr:
			id, ok := v.X.(*ast.Ident)
			return ok && !noiseQualifiers[id.Name]
		}
		return false
	}
	switch {
	case typ != nil:
		if !named(typ) {
			return
		}
		iv.Type = x.text(typ, 80)
	case val != nil:
		switch v := ast.Unparen(val).(type) {
		case *ast.CompositeLit, *ast.UnaryExpr:
			t := x.exprType(v)
			if t == "" {
				return
			}
			if cl, ok := v.(*ast.CompositeLit); ok && !named(cl.Type) {
				return
			}
			iv.Type = t
		case *ast.CallExpr:
			if fl, ok := ast.Unparen(v.Fun).(*ast.FuncLit); ok && fl.Type.Results != nil && len(fl.Type.Results.List) == 1 {
				// var Global = func() *LexerRegistry { … }()
				rt := fl.Type.Results.List[0].Type
				if !named(rt) {
					return
				}
				iv.Type = x.text(rt, 80)
				break
			}
			fun, targs := x.typeArgs(v.Fun)
			iv.TypeArgs = targs
			switch f := fun.(type) {
			case *ast.Ident:
				if f.Name == "new" && len(v.Args) == 1 {
					if !named(v.Args[0]) {
						return
					}
					iv.Type = "*" + x.text(v.Args[0], 80)
				} else if isCtorName(f.Name) {
					iv.Ctor = f.Name
				} else {
					return
				}
			case *ast.SelectorExpr:
				id, ok := f.X.(*ast.Ident)
				if !ok || noiseQualifiers[id.Name] || !isCtorName(f.Sel.Name) {
					return
				}
				iv.Ctor = id.Name + "." + f.Sel.Name
			default:
				return
			}
		default:
			return
		}
	default:
		return
	}
	x.f.Instances = append(x.f.Instances, iv)
}

// typeArgs splits an instantiation (T[A], New[A, B]) into the generic
// expression and its type arguments as written; e unchanged and nil when
// it is none.
func (x *extractor) typeArgs(e ast.Expr) (ast.Expr, []string) {
	switch v := e.(type) {
	case *ast.IndexExpr:
		return v.X, []string{x.text(v.Index, 60)}
	case *ast.IndexListExpr:
		var args []string
		for _, a := range v.Indices {
			args = append(args, x.text(a, 60))
		}
		return v.X, args
	}
	return e, nil
}

// isCtorName reports whether a function name reads as a constructor.
func isCtorName(n string) bool {
	return strings.HasPrefix(n, "New") || strings.HasPrefix(n, "new")
}

// storeVar records package-level map[string]… and slice variables, and
// the map fields a package-level struct value is initialised with
// (var registry = builderRegistry{builders: make(map[string]B)} records
// "registry.builders").
func (x *extractor) storeVar(name string, typ, val ast.Expr) {
	if cl := compositeLit(val); cl != nil {
		if _, isMap := cl.Type.(*ast.MapType); !isMap {
			for field, v := range keyedFields(cl) {
				if mapOfString(v) {
					x.f.MapVars = append(x.f.MapVars, name+"."+field)
				}
			}
		}
	}
	t := typ
	if t == nil && val != nil {
		switch v := ast.Unparen(val).(type) {
		case *ast.CompositeLit:
			t = v.Type
		case *ast.CallExpr:
			if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "make" && len(v.Args) > 0 {
				t = v.Args[0]
			}
			// var registry = func() map[string]*Style { … }(): the
			// result type of an immediately called function literal.
			if fl, ok := ast.Unparen(v.Fun).(*ast.FuncLit); ok && fl.Type.Results != nil && len(fl.Type.Results.List) == 1 {
				t = fl.Type.Results.List[0].Type
			}
		}
	}
	switch tt := t.(type) {
	case *ast.MapType:
		if k, ok := tt.Key.(*ast.Ident); ok && k.Name == "string" {
			x.f.MapVars = append(x.f.MapVars, name)
		}
	case *ast.ArrayType:
		if tt.Len == nil {
			x.f.SliceVars = append(x.f.SliceVars, name)
		}
	}
}

// constFact records a string-ish constant for name resolution.
func (x *extractor) constFact(n *ast.Ident, val ast.Expr) {
	c := ConstFact{Name: n.Name, Span: x.span(n)}
	switch v := ast.Unparen(val).(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(v.Value)
		if err != nil {
			return
		}
		c.Value = s
	case *ast.Ident:
		c.Ref = v.Name
	case *ast.SelectorExpr:
		if id, ok := v.X.(*ast.Ident); ok {
			c.Ref = id.Name + "." + v.Sel.Name
		}
	case *ast.BinaryExpr:
		// googleapiPrefix + "envoy.config.core.v3.Address": resolved here
		// when every operand is a literal or an earlier constant of the
		// file, else kept for linking as the operands (quoted literals and
		// names) joined by NUL (no quoted literal contains a raw NUL).
		parts, ok := concatOperands(v, nil)
		if !ok {
			return
		}
		var val strings.Builder
		resolved := true
		for i, p := range parts {
			if s, err := strconv.Unquote(p); err == nil {
				val.WriteString(s)
				continue
			}
			known := false
			for _, prev := range x.f.Consts {
				if prev.Name == p && prev.Ref == "" {
					val.WriteString(prev.Value)
					parts[i] = strconv.Quote(prev.Value)
					known = true
					break
				}
			}
			resolved = resolved && known
		}
		if resolved {
			c.Value = val.String()
		} else {
			c.Ref = strings.Join(parts, ConstConcatSep)
		}
	default:
		return
	}
	x.f.Consts = append(x.f.Consts, c)
}

// CtorReturnKey suffixes a Ctors key whose value is what the constructor's
// only return statement builds: "*T" / "T" for a composite literal of a
// package type, "\x00fn" for a call of another function of the package
// (followed by linking). A constructor declared to return an interface
// (func NewBuilder() resolver.Builder { return &dnsBuilder{} }) is typed by
// it, so the name methods of the concrete type are found.
const CtorReturnKey = "\x00return"

// ctorReturn reads a constructor's body bytes (usually cut from the parse):
// exactly one return, of &T{…}, T{…} or fn(…) with unqualified names.
func (x *extractor) ctorReturn(b *ast.BlockStmt) string {
	bs, be := x.off(b.Lbrace), x.off(b.Rbrace)
	if bs < 0 || be > len(x.src) || bs >= be || be-bs > 4096 {
		return ""
	}
	body := x.src[bs:be]
	i := bytes.Index(body, []byte("return "))
	if i < 0 || bytes.Contains(body[i+7:], []byte("return ")) {
		return ""
	}
	r := body[i+7:]
	ptr := ""
	if len(r) > 0 && r[0] == '&' {
		ptr, r = "*", r[1:]
	}
	n := 0
	for n < len(r) && isIdentByte(r[n]) {
		n++
	}
	if n == 0 || n == len(r) {
		return ""
	}
	name := string(r[:n])
	switch {
	case r[n] == '{' && !builtins[name]:
		return ptr + name
	case r[n] == '(' && ptr == "" && !builtins[name]:
		return "\x00" + name
	}
	return ""
}

// ConstConcatSep separates the operands of a constant's string
// concatenation in ConstFact.Ref.
const ConstConcatSep = "\x00"

// concatOperands flattens a + b + "c" into its operands: quoted string
// literals and (qualified) names; false for anything else.
func concatOperands(e ast.Expr, out []string) ([]string, bool) {
	switch v := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return nil, false
		}
		out, ok := concatOperands(v.X, out)
		if !ok {
			return nil, false
		}
		return concatOperands(v.Y, out)
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return nil, false
		}
		s, err := strconv.Unquote(v.Value)
		if err != nil {
			return nil, false
		}
		return append(out, strconv.Quote(s)), true
	case *ast.Ident:
		return append(out, v.Name), true
	case *ast.SelectorExpr:
		if id, ok := v.X.(*ast.Ident); ok {
			return append(out, id.Name+"."+v.Sel.Name), true
		}
	}
	return nil, false
}

// exprType guesses the type of a value expression from its shape.
func (x *extractor) exprType(e ast.Expr) string {
	switch v := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		if v.Type != nil {
			return x.text(v.Type, 80)
		}
	case *ast.UnaryExpr:
		if v.Op == token.AND {
			if cl, ok := ast.Unparen(v.X).(*ast.CompositeLit); ok && cl.Type != nil {
				return "*" + x.text(cl.Type, 80)
			}
		}
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "new" && len(v.Args) == 1 {
			return "*" + x.text(v.Args[0], 80)
		}
		// (*T)(nil), []T(nil), int(0): conversions.
		switch fn := ast.Unparen(v.Fun).(type) {
		case *ast.StarExpr:
			return "*" + x.text(fn.X, 80)
		case *ast.ArrayType, *ast.MapType:
			return x.text(fn, 80)
		case *ast.Ident:
			if isPredeclared(fn.Name) && len(v.Args) == 1 {
				return fn.Name
			}
		}
	case *ast.FuncLit:
		return x.funcType(v.Type)
	case *ast.BasicLit:
		switch v.Kind {
		case token.STRING:
			return "string"
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		}
	case *ast.Ident:
		if v.Name == "true" || v.Name == "false" {
			return "bool"
		}
	}
	return ""
}

// method records CaddyModule() IDs: func (T) CaddyModule() caddy.ModuleInfo
// { return caddy.ModuleInfo{ID: "…"} }.
func (x *extractor) method(d *ast.FuncDecl) {
	if x.f.Full && d.Body != nil {
		x.registryDef(d)
		x.frecv = d.Recv
		x.body(d.Body, d.Type, d.Name.Name, false)
	}
	if t := recvTypeName(d); t != "" {
		x.methodNames(d, t)
	}
	if d.Name.Name != "CaddyModule" || d.Body == nil || len(d.Recv.List) != 1 {
		return
	}
	rt := d.Recv.List[0].Type
	if st, ok := rt.(*ast.StarExpr); ok {
		rt = st.X
	}
	if ix, ok := rt.(*ast.IndexExpr); ok { // generic receiver
		rt = ix.X
	}
	id, ok := rt.(*ast.Ident)
	if !ok {
		return
	}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
			var v string
			switch val := ast.Unparen(kv.Value).(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(val.Value); err == nil {
					v = s
				}
			case *ast.Ident:
				v = "\x00" + val.Name // a constant, resolved by linking
			}
			if v != "" {
				if x.f.ModuleIDs == nil {
					x.f.ModuleIDs = map[string]string{}
				}
				x.f.ModuleIDs[id.Name] = v
			}
			return false
		}
		return true
	})
}

// noiseQualifiers are packages whose calls are never registrations.
var noiseQualifiers = map[string]bool{"fmt": true, "errors": true, "strings": true, "log": true,
	"strconv": true, "bytes": true, "filepath": true, "path": true, "time": true, "regexp": true,
	"sort": true, "sync": true, "io": true, "bufio": true, "testing": true, "unicode": true,
	"utf8": true, "atomic": true, "math": true, "reflect": true, "slices": true, "maps": true,
	"json": true, "url": true, "http": true, "os": true, "runtime": true, "context": true,
	"slog": true, "binary": true, "hex": true, "base64": true, "template": true}

var builtins = map[string]bool{"panic": true, "print": true, "println": true, "len": true,
	"cap": true, "append": true, "make": true, "new": true, "copy": true, "delete": true,
	"string": true, "error": true, "recover": true, "min": true, "max": true, "clear": true,
	"close": true, "complex": true, "real": true, "imag": true,
	// Conversions to predeclared types (a third of GOROOT's recorded
	// calls were uint64(x) and the like in kept bodies).
	"bool": true, "byte": true, "rune": true, "int": true, "int8": true, "int16": true,
	"int32": true, "int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "float32": true, "float64": true, "complex64": true,
	"complex128": true, "any": true}

// body records calls, plugin.Open/Lookup sites and build commands inside a
// function body.
func (x *extractor) body(b *ast.BlockStmt, ft *ast.FuncType, fn string, inInit bool) {
	x.fbody, x.ftype, x.locals, x.declared = b, ft, nil, nil
	x.expr(b, fn, inInit, false)
	x.fbody, x.ftype, x.frecv, x.locals, x.declared = nil, nil, nil, nil, nil
	if x.plugin != "" {
		x.pluginSites(b, fn)
	}
}

func (x *extractor) expr(n ast.Node, fn string, inInit, inVar bool) {
	var read map[string]string // variable → the .so file os.ReadFile read into it
	ast.Inspect(n, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && len(as.Lhs) > 0 {
			if w := x.readSO(as.Rhs[0]); w != "" {
				if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
					if read == nil {
						read = map[string]string{}
					}
					read[id.Name] = w
				}
			}
			return true
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if x.buildCommand(call, fn) || x.copyCommand(call, fn, read) {
			return true
		}
		cf := CallFact{InInit: inInit, InVar: inVar, InFunc: fn, Call: x.span(call), ArgCount: len(call.Args)}
		switch f := call.Fun.(type) {
		case *ast.Ident:
			if builtins[f.Name] {
				return true
			}
			cf.Func = f.Name
		case *ast.SelectorExpr:
			switch q := f.X.(type) {
			case *ast.Ident:
				if _, imported := x.imports[q.Name]; imported {
					if noiseQualifiers[q.Name] {
						return true
					}
					cf.Pkg, cf.Func = q.Name, f.Sel.Name
				} else if namedArg(call) && x.packageValue(q.Name) {
					// Instances.Register(…): a method of a package-level
					// value (an instance registry), if linking finds one.
					cf.Recv, cf.Func = q.Name, f.Sel.Name
				} else if t := x.paramType(q.Name); t != "" && namedArg(call) && !x.stdType(t) {
					// plugins.Register(…) on a parameter of a named type:
					// a registry of that type, if linking finds one.
					cf.RecvType, cf.Func = t, f.Sel.Name
				} else {
					return true
				}
			case *ast.SelectorExpr:
				// pkg.Instances.Register(…)
				pq, ok := q.X.(*ast.Ident)
				if !ok {
					return true
				}
				if _, imported := x.imports[pq.Name]; !imported || noiseQualifiers[pq.Name] || !ast.IsExported(q.Sel.Name) {
					return true
				}
				cf.Pkg, cf.Recv, cf.Func = pq.Name, q.Sel.Name, f.Sel.Name
			default:
				return true
			}
		default:
			return true
		}
		if len(call.Args) > 0 {
			cf.Args = make([]ArgFact, 0, min(len(call.Args), 4))
		}
		for i, a := range call.Args {
			if i == 4 {
				break
			}
			af := ArgFact{Span: x.span(a), Expr: x.text(a, 60), Type: x.exprType(a)}
			if bl, ok := a.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				if s, err := strconv.Unquote(bl.Value); err == nil {
					af.Lit, af.IsLit = s, true
				}
			} else if id, ok := a.(*ast.Ident); ok {
				if v, ok := x.local(id.Name); ok {
					af.Lit, af.IsLit = v, true
				}
			}
			val := a // what the argument is: itself, or the local it names
			if id, ok := a.(*ast.Ident); ok {
				if e := x.localExpr(id.Name); e != nil {
					val = e
					if af.Type == "" {
						af.Type = x.exprType(e)
					}
				}
			}
			af.Fields = x.fieldArgs(val)
			if call, ok := ast.Unparen(val).(*ast.CallExpr); ok && af.Type == "" {
				switch f := call.Fun.(type) {
				case *ast.Ident:
					if isCtorName(f.Name) {
						af.Ctor = f.Name
					}
				case *ast.SelectorExpr:
					if q, ok := f.X.(*ast.Ident); ok && isCtorName(f.Sel.Name) {
						af.Ctor = q.Name + "." + f.Sel.Name
					}
				}
			}
			if i == 3 && len(call.Args) > 4 {
				for _, e := range call.Args[4:] {
					if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
						if s, err := strconv.Unquote(bl.Value); err == nil {
							af.Each = append(af.Each, s)
						}
					}
				}
			}
			cf.Args = append(cf.Args, af)
		}
		x.f.Calls = append(x.f.Calls, cf)
		return true
	})
}

// compositeLit returns the composite literal e is, directly or behind &
// and parentheses (T{…}, &T{…}); nil otherwise.
func compositeLit(e ast.Expr) *ast.CompositeLit {
	if e == nil {
		return nil
	}
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	cl, _ := e.(*ast.CompositeLit)
	return cl
}

// keyedFields yields the field name and value of every Field: value
// element of a composite literal.
func keyedFields(cl *ast.CompositeLit) iter.Seq2[string, ast.Expr] {
	return func(yield func(string, ast.Expr) bool) {
		for _, e := range cl.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			if !yield(k.Name, kv.Value) {
				return
			}
		}
	}
}

// fieldArgs returns the keyed string fields of a composite literal
// argument (T{Name: "x"}, &T{ID: ConstID}); nil for anything else.
func (x *extractor) fieldArgs(a ast.Expr) []FieldArg {
	cl := compositeLit(a)
	if cl == nil || cl.Type == nil {
		return nil
	}
	var out []FieldArg
	for field, val := range keyedFields(cl) {
		fa := FieldArg{Name: field, Span: x.span(val)}
		switch v := ast.Unparen(val).(type) {
		case *ast.BasicLit:
			if v.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(v.Value)
			if err != nil {
				continue
			}
			fa.Lit, fa.IsLit, fa.Expr = s, true, v.Value
		case *ast.Ident:
			if lv, ok := x.local(v.Name); ok {
				fa.Lit, fa.IsLit = lv, true
			}
			fa.Expr = v.Name
		case *ast.SelectorExpr:
			id, ok := v.X.(*ast.Ident)
			if !ok {
				continue
			}
			fa.Expr = id.Name + "." + v.Sel.Name
		default:
			continue
		}
		out = append(out, fa)
	}
	return out
}

// buildCommand records go build commands written as Go string literals:
// exec.Command("go", "build", "-buildmode=plugin", …) or any helper call
// with those arguments, or one string "go build -buildmode=plugin …".
func (x *extractor) buildCommand(call *ast.CallExpr, fn string) bool {
	var words []string
	hasBuild := false
	for _, a := range call.Args {
		w := x.argWord(a)
		if w == "build" {
			hasBuild = true
		}
		words = append(words, w)
	}
	if !hasBuild {
		if len(call.Args) == 1 {
			if bl, ok := call.Args[0].(*ast.BasicLit); ok && bl.Kind == token.STRING {
				if s, err := strconv.Unquote(bl.Value); err == nil && strings.Contains(s, "go build") {
					return x.addCommand(shellWords(s), call, fn)
				}
			}
		}
		return false
	}
	return x.addCommand(words, call, fn)
}

// copyCommand records a native plugin copied to another name, which makes
// the copy another output of the same plugin: os.Link/os.Symlink/os.Rename
// of two .so literals, os.WriteFile("b.so", data) where data came from
// os.ReadFile("a.so") in the same function (testplugin's plugin2-dup.so), a
// cp/ln/mv command given as words (exec.Command("cp", "a.so", "b.so")) or as
// one string ("cp a.so b.so").
func (x *extractor) copyCommand(call *ast.CallExpr, fn string, read map[string]string) bool {
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && len(call.Args) >= 2 {
		switch sel.Sel.Name {
		case "Link", "Symlink", "Rename":
			return x.addCopy(x.argWord(call.Args[0]), x.argWord(call.Args[1]), call, fn)
		case "WriteFile":
			if id, ok := call.Args[1].(*ast.Ident); ok && read[id.Name] != "" {
				return x.addCopy(read[id.Name], x.argWord(call.Args[0]), call, fn)
			}
		}
	}
	// Cheap tests first: this runs on every call of the kept bodies.
	var words []string
	w0 := x.argWord(call.Args[0])
	if len(call.Args) == 1 {
		if !strings.Contains(w0, ".so") {
			return false
		}
		words = shellWords(w0)
	} else {
		if b := filepath.Base(w0); b != "cp" && b != "ln" && b != "mv" {
			return false
		}
		for _, a := range call.Args {
			words = append(words, x.argWord(a))
		}
	}
	if from, to, ok := parseCopy(words); ok {
		return x.addCopy(from, to, call, fn)
	}
	return false
}

// readSO returns the .so path of an os.ReadFile("x.so") call, "" otherwise.
func (x *extractor) readSO(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "ReadFile" {
		return ""
	}
	if w := x.argWord(call.Args[0]); strings.HasSuffix(w, ".so") {
		return w
	}
	return ""
}

func (x *extractor) addCopy(from, to string, call *ast.CallExpr, fn string) bool {
	if !strings.HasSuffix(from, ".so") || !strings.HasSuffix(to, ".so") || from == to {
		return false
	}
	x.f.Commands = append(x.f.Commands, BuildCommand{Mode: ModeCopy, From: from, Output: to, Span: x.span(call), Group: fn})
	return true
}

// parseCopy reads `cp [-f…] a.so b.so` (also ln [-s], mv): the copy's source
// and destination, both .so files.
func parseCopy(words []string) (from, to string, ok bool) {
	if len(words) < 3 {
		return "", "", false
	}
	switch filepath.Base(words[0]) {
	case "cp", "ln", "mv":
	default:
		return "", "", false
	}
	var args []string
	for _, w := range words[1:] {
		if strings.HasPrefix(w, "-") {
			continue
		}
		args = append(args, w)
	}
	if len(args) != 2 || !strings.HasSuffix(args[0], ".so") || !strings.HasSuffix(args[1], ".so") ||
		strings.Contains(args[0], "$") || strings.Contains(args[1], "$") || args[0] == args[1] {
		return "", "", false
	}
	return args[0], args[1], true
}

// argWord renders an argument as a shell word: a string literal's value;
// the last string literal of a call (filepath.Join(dir, "p.so") → "p.so");
// "" otherwise.
func (x *extractor) argWord(a ast.Expr) string {
	switch v := a.(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			s, _ := strconv.Unquote(v.Value)
			return s
		}
	case *ast.CallExpr:
		for i := len(v.Args) - 1; i >= 0; i-- {
			if w := x.argWord(v.Args[i]); w != "" {
				return w
			}
		}
	}
	return ""
}

func (x *extractor) addCommand(words []string, call *ast.CallExpr, fn string) bool {
	bc, ok := parseGoBuild(words)
	if !ok {
		return false
	}
	bc.Span = x.span(call)
	bc.Group = fn
	x.f.Commands = append(x.f.Commands, bc)
	return true
}

// parseGoBuild reads the words of a go build command (from "build" on).
func parseGoBuild(words []string) (BuildCommand, bool) {
	i := 0
	for i < len(words) && words[i] != "build" {
		i++
	}
	if i == len(words) {
		return BuildCommand{}, false
	}
	var bc BuildCommand
	bc.Env = envAssigns(words[:i])
	for j := i + 1; j < len(words); j++ {
		w := words[j]
		switch {
		case w == "":
		case w == "-o" || w == "--o":
			if j+1 < len(words) {
				bc.Output = words[j+1]
				j++
			}
		case strings.HasPrefix(w, "-o="):
			bc.Output = w[3:]
		case w == "-buildmode" || w == "--buildmode":
			if j+1 < len(words) {
				bc.Mode = words[j+1]
				j++
			}
		case strings.HasPrefix(w, "-buildmode="), strings.HasPrefix(w, "--buildmode="):
			bc.Mode = w[strings.IndexByte(w, '=')+1:]
		case strings.HasPrefix(w, "-"):
			bc.Flags = append(bc.Flags, w)
			if (w == "-tags" || w == "-ldflags" || w == "-gcflags" || w == "-asmflags") && j+1 < len(words) {
				bc.Flags = append(bc.Flags, words[j+1])
				j++
			}
		default:
			bc.Args = append(bc.Args, w)
		}
	}
	if bc.Mode == "exe" || bc.Mode == "default" {
		bc.Mode = ""
	}
	return bc, true
}

// shellWords splits a command line on blanks, honouring simple quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	q := byte(0)
	has := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			q = c
			has = true
		case c == ' ' || c == '\t' || c == '\n':
			if cur.Len() > 0 || has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 || has {
		out = append(out, cur.String())
	}
	return out
}

// pluginSites records plugin.Open and Lookup calls in one function, with the
// first type assertion applied to each Lookup result.
func (x *extractor) pluginSites(b *ast.BlockStmt, fn string) {
	// Variables assigned from Lookup, to find their assertions.
	lookupVar := map[string]int{} // var name → index into PLookups
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 {
				if call, ok := n.Rhs[0].(*ast.CallExpr); ok {
					i := x.pluginCall(call, fn)
					if i >= 0 && len(n.Lhs) > 0 {
						if id, ok := n.Lhs[0].(*ast.Ident); ok {
							lookupVar[id.Name] = i
						}
					} else if i == -2 && len(n.Lhs) > 0 {
						if id, ok := n.Lhs[0].(*ast.Ident); ok {
							x.f.Opens[len(x.f.Opens)-1].Var = id.Name
						}
					}
					if i != -1 {
						return false
					}
				}
			}
		case *ast.CallExpr:
			x.pluginCall(n, fn)
		case *ast.TypeAssertExpr:
			if n.Type == nil {
				return true
			}
			if id, ok := n.X.(*ast.Ident); ok {
				if i, ok := lookupVar[id.Name]; ok && x.f.PLookups[i].Assert == "" {
					x.f.PLookups[i].Assert = x.text(n.Type, 200)
					x.f.PLookups[i].AssertSpan = x.span(n.Type)
				}
			}
		}
		return true
	})
}

// pluginCall records a plugin.Open (returns -2) or p.Lookup (returns its
// index); -1 otherwise.
func (x *extractor) pluginCall(call *ast.CallExpr, fn string) int {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) != 1 {
		return -1
	}
	recv, ok := sel.X.(*ast.Ident)
	if !ok {
		return -1
	}
	switch {
	case recv.Name == x.plugin && sel.Sel.Name == "Open":
		o := OpenFact{Call: x.span(call), PathSpan: x.span(call.Args[0]), InFunc: fn, PathExpr: x.text(call.Args[0], 80)}
		if bl, ok := call.Args[0].(*ast.BasicLit); ok && bl.Kind == token.STRING {
			o.Path, _ = strconv.Unquote(bl.Value)
		}
		x.f.Opens = append(x.f.Opens, o)
		return -2
	case sel.Sel.Name == "Lookup" && recv.Name != x.plugin:
		bl, ok := call.Args[0].(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING {
			return -1
		}
		s, _ := strconv.Unquote(bl.Value)
		x.f.PLookups = append(x.f.PLookups, PluginLookupFact{Symbol: s, SymbolSpan: x.span(bl), Call: x.span(call), Recv: recv.Name, InFunc: fn})
		return len(x.f.PLookups) - 1
	}
	return -1
}

// registryDef recognises registry functions and methods: a parameter used
// (directly, through a field or a method, a local or a list) as a key into
// a package-level map (store or read), appended to a package-level slice,
// compared while scanning one, or forwarded to another call. For a method,
// stores rooted at the receiver (r.m[name] = v) are fields of an instance
// registry.
func (x *extractor) registryDef(d *ast.FuncDecl) {
	params := map[string]int{}
	ptypes := map[string]string{}
	var pnames []string // in declaration order
	idx := 0
	for _, fld := range d.Type.Params.List {
		t := x.text(fld.Type, 80)
		if len(fld.Names) == 0 {
			idx++
			continue
		}
		for _, n := range fld.Names {
			params[n.Name] = idx
			ptypes[n.Name] = t
			pnames = append(pnames, n.Name)
			idx++
		}
	}
	if len(params) == 0 || len(d.Body.List) == 0 {
		return
	}
	// Cheap byte checks first: most bodies here were kept for a call in
	// them, not for being a registry. Unexported functions and methods
	// count only when they store (a forward or a read alone does not make
	// one a registry).
	bs, be := x.off(d.Body.Lbrace), len(x.src)
	if d.Body.Rbrace.IsValid() {
		be = min(be, x.off(d.Body.Rbrace))
	}
	if bs > be {
		return // a body cut short by a syntax error
	}
	src := x.src[bs:be]
	stores := bytes.Contains(src, []byte("] = ")) || bytes.Contains(src, []byte("append("))
	if d.Recv != nil && !ast.IsExported(d.Name.Name) || d.Recv == nil && !ast.IsExported(d.Name.Name) && !stores {
		return
	}
	recvName, recvType := "", ""
	if d.Recv != nil {
		recvType = recvTypeName(d)
		if len(d.Recv.List) == 1 && len(d.Recv.List[0].Names) == 1 {
			recvName = d.Recv.List[0].Names[0].Name
		}
		if recvType == "" || recvName == "" || recvName == "_" {
			return
		}
	}
	plainOnly := true // every parameter a plain value: a setter, not a registry
	for _, t := range ptypes {
		if !basicValueType(t) {
			plainOnly = false
		}
	}
	ks := newKeyScope(x, params, ptypes, d.Body)
	locals := map[string]bool{}
	for p := range params {
		locals[p] = true
	}
	result := ""
	if d.Type.Results != nil && len(d.Type.Results.List) > 0 {
		result = x.text(d.Type.Results.List[0].Type, 80)
	}
	var defs []RegistryDef
	panics, dupPanics, dupErr := false, false, false
	returnsParam, returnsOther := false, false
	seen := map[string]bool{}
	add := func(rd RegistryDef, key []NamePart) {
		if len(key) == 1 && key[0].Param < 0 && key[0].Lit == "" {
			key = nil // a forward of the value only: the target's key says the name
			rd.NameParam = -1
		} else if i, ok := simpleKey(key); ok {
			rd.NameParam = i
		} else if key != nil {
			rd.NameParam = -1
			rd.Key = key
			for _, p := range key {
				if p.Param >= 0 && rd.NameParam < 0 {
					rd.NameParam = p.Param
				}
			}
		}
		k := rd.Store + "/" + strconv.Itoa(int(rd.Op)) + "/" + rd.ForwardPkg + "." + rd.ForwardFunc + "/" + fmt.Sprint(rd.Key, rd.ForwardArg)
		if seen[k] {
			return
		}
		seen[k] = true
		rd.Func, rd.Span, rd.Recv, rd.Result = d.Name.Name, x.span(d.Name), recvType, result
		defs = append(defs, rd)
	}
	// store names an expression as a registry store: a package-level
	// variable or field path (m, pkgvar.field), or for a method a field of
	// the receiver ("r.m" → ".m"); a nested map (m[kind]) or a local bound
	// once to one (inner := m[kind]) gives the outer store and key.
	var store func(e ast.Expr, depth int) (string, []NamePart, bool)
	store = func(e ast.Expr, depth int) (string, []NamePart, bool) {
		if depth > 2 {
			return "", nil, false
		}
		e = ast.Unparen(e)
		if ix, ok := e.(*ast.IndexExpr); ok {
			outer, pre, ok := store(ix.X, depth+1)
			if !ok {
				return "", nil, false
			}
			k, ok := ks.key(ix.Index)
			if !ok {
				return "", nil, false
			}
			pre = append(append(pre, k...), NamePart{Param: -1, Lit: nestedKeySep})
			return outer, pre, true
		}
		name := storeName(e)
		if name == "" {
			return "", nil, false
		}
		root := rootIdent(name)
		if recvName != "" && root == recvName && name != root {
			return name[len(root):], nil, true
		}
		if l, ok := ks.local(root); ok && root == name {
			if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok {
				return store(ix, depth+1)
			}
		}
		if locals[root] || ks.isDeclared(root) {
			return "", nil, false
		}
		return name, nil, true
	}
	valueOf := func(rhs ast.Expr) string {
		switch v := ast.Unparen(rhs).(type) {
		case *ast.Ident:
			if v.Name == "true" || v.Name == "false" {
				return "bool" // skipped[action] = true: a settings table
			}
			return ptypes[v.Name]
		case *ast.BasicLit:
			if v.Kind == token.STRING {
				return "string"
			}
			return "int"
		}
		return ""
	}
	// Index expressions written to (m[k] = v) versus read (v := m[k]).
	written := map[*ast.IndexExpr]bool{}
	readsStore := false
	// param returns the parameter an expression is, directly.
	param := func(e ast.Expr) (string, bool) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return "", false
		}
		_, ok = params[id.Name]
		return id.Name, ok
	}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if ix, ok := l.(*ast.IndexExpr); ok {
					written[ix] = true
				}
			}
			for i, l := range n.Lhs {
				if ix, ok := l.(*ast.IndexExpr); ok && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
					if k, ok := ks.key(ix.Index); ok {
						if st, pre, ok := store(ix.X, 0); ok {
							rd := RegistryDef{Store: st, Op: OpMapStore}
							multi := false
							if i < len(n.Rhs) {
								rd.ValueType = valueOf(n.Rhs[i])
								// M[k] = append(M[k], …) is a multimap: one key, many values by design.
								if call, ok := n.Rhs[i].(*ast.CallExpr); ok {
									if fid, ok := call.Fun.(*ast.Ident); ok && fid.Name == "append" && len(call.Args) > 0 {
										if ix2, ok := call.Args[0].(*ast.IndexExpr); ok && storeName(ix2.X) == storeName(ix.X) {
											multi = true
										}
									}
								}
							}
							if !multi {
								add(rd, append(pre, k...))
							}
						}
					}
				}
				// S = append(S, …name…), or S = append(S, p) with p a
				// value that carries its own name (a lookup scanning S
				// says which field).
				if i < len(n.Rhs) {
					if call, ok := n.Rhs[i].(*ast.CallExpr); ok {
						if fid, ok := call.Fun.(*ast.Ident); ok && fid.Name == "append" && len(call.Args) >= 2 {
							st, pre, ok := store(l, 0)
							if !ok || len(pre) > 0 {
								continue
							}
							if st2, _, ok := store(call.Args[0], 0); !ok || st2 != st {
								continue
							}
							var named []string
							for p, t := range ptypes {
								if t == "string" && mentions(call.Args[1:], p) {
									named = append(named, p)
								}
							}
							switch {
							case len(named) == 1:
								rd := RegistryDef{Store: st, Op: OpSliceAppend}
								// The value is the first other parameter stored,
								// in declaration order (a map's order made this
								// vary between runs), preferring one that is not
								// plain data (convertFn over toVersions []string).
								plain := ""
								for _, q := range pnames {
									if t := ptypes[q]; q != named[0] && t != "string" && mentions(call.Args[1:], q) {
										if !basicValueType(t) {
											rd.ValueType = t
											break
										}
										if plain == "" {
											plain = t
										}
									}
								}
								if rd.ValueType == "" {
									rd.ValueType = plain
								}
								add(rd, []NamePart{{Param: params[named[0]]}})
							case len(named) == 0 && len(call.Args) == 2:
								if p, ok := param(call.Args[1]); ok && !basicValueType(ptypes[p]) {
									add(RegistryDef{Store: st, Op: OpSliceAppend, ValueType: ptypes[p]},
										[]NamePart{{Param: params[p], Field: "?"}})
								}
							}
						}
					}
				}
			}
		case *ast.IndexExpr:
			if !written[n] && !readsStore {
				if _, _, ok := store(n.X, 0); ok {
					readsStore = true
				}
			}
			if k, ok := ks.key(n.Index); ok {
				if st, pre, ok := store(n.X, 0); ok {
					add(RegistryDef{Store: st, Op: OpLookup}, append(pre, k...))
				}
			}
		case *ast.RangeStmt:
			// for _, e := range S { if e.F == name { … } }: a lookup
			// that scans S comparing field F with its name parameter.
			st, pre, ok := store(n.X, 0)
			ev, ok2 := n.Value.(*ast.Ident)
			if !ok || !ok2 || len(pre) > 0 {
				break
			}
			ast.Inspect(n.Body, func(m ast.Node) bool {
				be, ok := m.(*ast.BinaryExpr)
				if !ok || be.Op != token.EQL {
					return true
				}
				for _, pair := range [2][2]ast.Expr{{be.X, be.Y}, {be.Y, be.X}} {
					sel, ok := ast.Unparen(pair[0]).(*ast.SelectorExpr)
					if !ok {
						continue
					}
					if id, ok := sel.X.(*ast.Ident); !ok || id.Name != ev.Name {
						continue
					}
					if p, ok := param(pair[1]); ok && ptypes[p] == "string" {
						add(RegistryDef{Store: st, Op: OpLookup, ScanField: sel.Sel.Name}, []NamePart{{Param: params[p]}})
						return false
					}
				}
				return true
			})
		case *ast.ReturnStmt:
			// return v, with v the registered value: Register(name, f) F
			// hands back what it stored (chroma's formatters.Register).
			if len(n.Results) > 0 {
				if p, ok := param(n.Results[0]); !ok || ptypes[p] == "string" {
					returnsOther = true
				} else {
					returnsParam = true
				}
			}
		case *ast.IfStmt:
			// if _, dup := m[name]; dup { panic(…) / return err }: what
			// the registry does with a duplicate.
			checks := false
			for _, e := range []ast.Node{n.Init, n.Cond} {
				if e == nil {
					continue
				}
				ast.Inspect(e, func(m ast.Node) bool {
					if ix, ok := m.(*ast.IndexExpr); ok {
						if _, _, ok := store(ix.X, 0); ok {
							checks = true
						}
					}
					return !checks
				})
			}
			if !checks {
				break
			}
			ast.Inspect(n.Body, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.CallExpr:
					if id, ok := m.Fun.(*ast.Ident); ok && id.Name == "panic" {
						dupPanics = true
					}
				case *ast.ReturnStmt:
					if len(m.Results) > 0 {
						if id, ok := m.Results[len(m.Results)-1].(*ast.Ident); !ok || id.Name != "nil" {
							dupErr = true
						}
					}
				}
				return true
			})
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "panic" {
				panics = true
				return true
			}
			// Which of the call's arguments are the function's own
			// parameters, passed on as they are: a wrapper forwarding
			// the value a registry names by its field or method.
			var argParams []int
			var argLits []string
			passes := false
			for ai, a := range n.Args {
				if ai == 4 {
					break
				}
				pi := -1
				if p, ok := param(a); ok {
					pi = params[p]
					passes = passes || ptypes[p] != "string"
				}
				argParams = append(argParams, pi)
				lit := ""
				if cl := compositeLit(a); cl != nil && cl.Type != nil {
					var fs []string
					for field, v := range keyedFields(cl) {
						if p, ok := param(v); ok {
							fs = append(fs, field+"="+strconv.Itoa(params[p]))
						}
					}
					if len(fs) > 0 {
						star := ""
						if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
							star = "*"
						}
						slices.Sort(fs)
						lit = star + x.text(cl.Type, 80) + " " + strings.Join(fs, " ")
						passes = true
					}
				}
				argLits = append(argLits, lit)
			}
			if !slices.ContainsFunc(argLits, func(s string) bool { return s != "" }) {
				argLits = nil
			}
			forward := func(rd RegistryDef, k []NamePart) {
				rd.ArgParams, rd.ArgLits = argParams, argLits
				if k == nil {
					k = []NamePart{{Param: -1}}
				}
				add(rd, k)
			}
			found := false
			for ai, a := range n.Args {
				k, ok := ks.key(a)
				if !ok {
					continue
				}
				found = true
				x.forwardDef(n, d, ks, locals, recvName, RegistryDef{Op: OpForward, ForwardArg: ai}, k, forward)
			}
			if !found && passes {
				x.forwardDef(n, d, ks, locals, recvName, RegistryDef{Op: OpForward, ForwardArg: -1}, nil, forward)
			}
		}
		return true
	})
	// Several stores into one map: the deepest key is the registration
	// (extensions[kind] = map{} only makes room for extensions[kind][name]
	// = f); a store keyed by a list beside one keyed by a name is the
	// name's aliases (drivers[name] = d; for _, a := range aliases {
	// drivers[a] = d }).
	defs = mergeStores(defs)
	// A store op makes lookups of the same store in the function a duplicate
	// check, not a lookup.
	hasStore := map[string]bool{}
	for _, rd := range defs {
		if rd.Op == OpMapStore || rd.Op == OpSliceAppend {
			hasStore[rd.Store] = true
		}
	}
	for _, rd := range defs {
		if rd.Op == OpLookup && hasStore[rd.Store] {
			continue
		}
		if (rd.Op == OpMapStore || rd.Op == OpSliceAppend) && plainOnly {
			rd.PlainParams = true // a setter of plain values; linking rejects it (and says why)
		}
		if rd.Op == OpForward && len(hasStore) > 0 {
			continue
		}
		rd.Panics = panics
		rd.ReturnsValue = returnsParam && !returnsOther
		rd.ReadsStore = readsStore && !dupPanics
		switch {
		case rd.Op == OpMapStore && dupPanics:
			rd.Dups = DupPanics
		case rd.Op == OpMapStore && dupErr:
			rd.Dups = DupError
		case rd.Op == OpMapStore:
			rd.Dups = DupOverwrites
		}
		x.f.Defs = append(x.f.Defs, rd)
	}
}

// forwardDef records a call of the function being read as a possible
// forward to a registry function, method of a package-level value, or
// function of another package (linking decides).
func (x *extractor) forwardDef(n *ast.CallExpr, d *ast.FuncDecl, ks *keyScope, locals map[string]bool, recvName string,
	rd RegistryDef, k []NamePart, add func(RegistryDef, []NamePart)) {
	switch f := n.Fun.(type) {
	case *ast.Ident:
		if !builtins[f.Name] && f.Name != d.Name.Name {
			rd.ForwardFunc = f.Name
			add(rd, k)
		}
	case *ast.SelectorExpr:
		switch q := f.X.(type) {
		case *ast.Ident:
			if _, imp := x.imports[q.Name]; imp && !noiseQualifiers[q.Name] {
				rd.ForwardPkg, rd.ForwardFunc = q.Name, f.Sel.Name
				add(rd, k)
			} else if !imp && !locals[q.Name] && !ks.isDeclared(q.Name) && q.Name != recvName {
				// Instances.Register(name, v): a method of a package-level value.
				rd.ForwardFunc = q.Name + "." + f.Sel.Name
				add(rd, k)
			}
		case *ast.SelectorExpr:
			// pkg.Instances.Register(name, v)
			if pq, ok := q.X.(*ast.Ident); ok {
				if _, imp := x.imports[pq.Name]; imp {
					rd.ForwardPkg, rd.ForwardFunc = pq.Name, q.Sel.Name+"."+f.Sel.Name
					add(rd, k)
				}
			}
		}
	}
}

// mergeStores folds the map stores of one function into one store per
// map (see registryDef).
func mergeStores(defs []RegistryDef) []RegistryDef {
	keyOf := func(d RegistryDef) []NamePart {
		if d.Key != nil {
			return d.Key
		}
		return []NamePart{{Param: d.NameParam}}
	}
	isList := func(k []NamePart) bool { return len(k) == 1 && k[0].Each }
	out := defs[:0:0]
	for _, d := range defs {
		if d.Op != OpMapStore {
			out = append(out, d)
			continue
		}
		merged := false
		for i := range out {
			o := &out[i]
			if o.Op != OpMapStore || o.Store != d.Store {
				continue
			}
			ok, dk := keyOf(*o), keyOf(d)
			switch {
			case len(dk) > len(ok) && slices.Equal(dk[:len(ok)], ok):
				alias := o.Alias
				*o = d // deeper: extensions[kind][name]
				o.Alias = alias
			case len(ok) > len(dk) && slices.Equal(ok[:len(dk)], dk):
				// o is already the deeper one
			case isList(dk) && !isList(ok):
				o.Alias = dk
			case isList(ok) && !isList(dk):
				alias := ok
				*o = d
				o.Alias = alias
			default:
				continue
			}
			merged = true
			break
		}
		if !merged {
			out = append(out, d)
		}
	}
	return out
}

// storeName renders m, pkgvar.field as "m", "pkgvar.field"; "" otherwise.
func storeName(e ast.Expr) string {
	switch v := ast.Unparen(e).(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		if s := storeName(v.X); s != "" {
			return s + "." + v.Sel.Name
		}
	}
	return ""
}

func rootIdent(s string) string {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

func mentions(es []ast.Expr, name string) bool {
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name {
				found = true
			}
			return !found
		})
	}
	return found
}
