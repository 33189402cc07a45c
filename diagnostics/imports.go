package diagnostics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

type textEdit struct {
	start, end int
	text       string
}

// insertImportEdit returns an edit that adds `_ "path"` to a Go file so that
// gofmt leaves the result alone: inside the last parenthesised import block
// at its sorted place in the run of blank imports (or the last run), after
// a single-line import, or after the package clause. ok is false when the
// file does not parse or already imports path.
func insertImportEdit(src []byte, path string) (textEdit, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return textEdit{}, false
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	line := func(p token.Pos) int { return fset.Position(p).Line }
	var last *ast.GenDecl
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, s := range gd.Specs {
			if p, _ := strconv.Unquote(s.(*ast.ImportSpec).Path.Value); p == path {
				return textEdit{}, false
			}
		}
		last = gd
	}
	spec := `_ ` + strconv.Quote(path)
	if last == nil {
		at := off(f.Name.End())
		return textEdit{at, at, "\n\nimport " + spec}, true
	}
	if !last.Lparen.IsValid() || len(last.Specs) == 0 {
		// After the whole line, so a trailing comment stays with its import.
		at := off(last.End())
		for at < len(src) && src[at] != '\n' {
			at++
		}
		return textEdit{at, at, "\nimport " + spec}, true
	}
	// Split the block into runs of specs on consecutive lines (gofmt sorts
	// each run on its own); pick the run with blank imports, else the last.
	var runs [][]*ast.ImportSpec
	prevLine := -2
	for _, s := range last.Specs {
		is := s.(*ast.ImportSpec)
		l := line(is.Pos())
		if is.Doc != nil {
			l = line(is.Doc.Pos())
		}
		if len(runs) == 0 || l > prevLine+1 {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], is)
		prevLine = line(is.End())
		if is.Comment != nil {
			prevLine = line(is.Comment.End())
		}
	}
	run := runs[len(runs)-1]
	for _, r := range runs {
		for _, is := range r {
			if is.Name != nil && is.Name.Name == "_" {
				run = r
			}
		}
	}
	for _, is := range run {
		p, _ := strconv.Unquote(is.Path.Value)
		if p > path {
			start := is.Pos()
			if is.Doc != nil {
				start = is.Doc.Pos()
			}
			at := lineStart(src, off(start))
			return textEdit{at, at, "\t" + spec + "\n"}, true
		}
	}
	end := run[len(run)-1].End()
	if c := run[len(run)-1].Comment; c != nil {
		end = c.End()
	}
	at := off(end)
	return textEdit{at, at, "\n\t" + spec}, true
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}
