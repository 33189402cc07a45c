package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// listMode asks go list for the import graph and file names only:
// -deps=true, -export=false, -compiled=false. So `go list` builds nothing:
// no compiler, no cgo, no C compiler runs, on workspace code or on
// dependencies (unlike NeedTypes without NeedDeps, which means
// `go list -export`, or NeedSyntax, which means -compiled and runs cgo).
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps

// loadFromSource type-checks the packages pkgPaths of the module in dir
// from source, as gopls does: go list (listMode) gives each package's
// files, then every package of the import graph is parsed and checked with
// go/types in dependency order. Dependencies are checked without function
// bodies and keep no syntax; the requested packages keep syntax and full
// type information. cgo files are checked with FakeImportC (their C.x
// references have no types), so no C compiler is needed. overlay holds
// file contents that win over the disk; other files are read like the
// index reads them (regular files within the size cap).
func loadFromSource(ctx context.Context, dir string, env []string, overlay map[string][]byte, pkgPaths []string) ([]*packages.Package, error) {
	cfg := &packages.Config{Context: ctx, Mode: listMode, Dir: dir, Env: env, Overlay: overlay}
	listed, err := packages.Load(cfg, pkgPaths...)
	if err != nil {
		return nil, err
	}
	roots := map[*packages.Package]bool{}
	for _, p := range listed {
		roots[p] = true
	}
	// Dependency order (post-order DFS from the roots).
	var order []*packages.Package
	seen := map[*packages.Package]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		for _, imp := range sortedImports(p) {
			visit(imp)
		}
		order = append(order, p)
	}
	for _, p := range listed {
		visit(p)
	}
	fset := token.NewFileSet()
	parsed := parseAll(ctx, fset, order, roots, overlay)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	checked := map[*packages.Package]*types.Package{}
	for _, p := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		files := parsed[p]
		p.Fset = fset
		conf := types.Config{
			Importer: importerFor(p, checked),
			// A dependency's API is what the roots need; its bodies are not.
			IgnoreFuncBodies: !roots[p],
			FakeImportC:      true,
			Error: func(err error) {
				if roots[p] {
					p.Errors = append(p.Errors, typeError(err))
				}
			},
			Sizes: types.SizesFor("gc", runtime.GOARCH),
		}
		var info *types.Info
		if roots[p] {
			info = &types.Info{
				Types:      map[ast.Expr]types.TypeAndValue{},
				Defs:       map[*ast.Ident]types.Object{},
				Uses:       map[*ast.Ident]types.Object{},
				Implicits:  map[ast.Node]types.Object{},
				Selections: map[*ast.SelectorExpr]*types.Selection{},
				Scopes:     map[ast.Node]*types.Scope{},
				Instances:  map[*ast.Ident]types.Instance{},
			}
		}
		path := p.PkgPath
		if path == "" {
			path = p.ID
		}
		tp, _ := conf.Check(path, fset, files.syntax, info)
		checked[p] = tp
		if roots[p] {
			p.Types, p.TypesInfo, p.Syntax = tp, info, files.syntax
			p.CompiledGoFiles = files.names
			for _, e := range files.errs {
				p.Errors = append(p.Errors, packages.Error{Msg: e.Error(), Kind: packages.ParseError})
			}
		}
	}
	return listed, nil
}

// parsedPkg is one package's parsed files, in GoFiles order (files that
// could not be read are left out and reported).
type parsedPkg struct {
	syntax []*ast.File
	names  []string
	errs   []error
}

// parseAll parses every file of every package with a bounded pool of
// goroutines that all end before it returns.
func parseAll(ctx context.Context, fset *token.FileSet, order []*packages.Package, roots map[*packages.Package]bool, overlay map[string][]byte) map[*packages.Package]*parsedPkg {
	type job struct {
		p *packages.Package
		i int
	}
	out := make(map[*packages.Package]*parsedPkg, len(order))
	var jobs []job
	for _, p := range order {
		out[p] = &parsedPkg{syntax: make([]*ast.File, len(p.GoFiles)), names: make([]string, len(p.GoFiles))}
		for i := range p.GoFiles {
			jobs = append(jobs, job{p, i})
		}
	}
	errs := make([]error, len(jobs))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				name := j.p.GoFiles[j.i]
				src, ok := overlay[name]
				if !ok {
					var err error
					if src, err = index.ReadRegular(name, 0); err != nil {
						errs[i] = err
						continue
					}
				}
				mode := parser.SkipObjectResolution
				if roots[j.p] {
					mode |= parser.ParseComments
				}
				f, err := parser.ParseFile(fset, name, src, mode)
				if err != nil {
					errs[i] = err
				}
				if f != nil {
					if !roots[j.p] {
						dropBodies(f)
					}
					out[j.p].syntax[j.i] = f
					out[j.p].names[j.i] = name
				}
			}
		})
	}
	wg.Wait()
	for i, j := range jobs {
		if errs[i] != nil {
			out[j.p].errs = append(out[j.p].errs, errs[i])
		}
	}
	for _, pp := range out {
		syn, names := pp.syntax[:0], pp.names[:0]
		for i, f := range pp.syntax {
			if f != nil {
				syn, names = append(syn, f), append(names, pp.names[i])
			}
		}
		pp.syntax, pp.names = syn, names
	}
	return out
}

// dropBodies removes function bodies a dependency's check ignores anyway,
// so their syntax is garbage as soon as possible.
func dropBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Body = nil
		}
	}
}

// importerFor resolves p's imports to the packages checked before it.
func importerFor(p *packages.Package, checked map[*packages.Package]*types.Package) types.Importer {
	return importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		dep := p.Imports[path]
		if dep == nil {
			return nil, fmt.Errorf("package %s not found (go list: %s)", path, firstListError(p))
		}
		if tp := checked[dep]; tp != nil {
			return tp, nil
		}
		return nil, errors.New("import cycle or unchecked package " + path)
	})
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func firstListError(p *packages.Package) string {
	if len(p.Errors) > 0 {
		return p.Errors[0].Msg
	}
	return "not listed"
}

func typeError(err error) packages.Error {
	var te types.Error
	if errors.As(err, &te) {
		return packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError}
	}
	return packages.Error{Msg: err.Error(), Kind: packages.TypeError}
}

// sortedImports returns p's imports in a stable order.
func sortedImports(p *packages.Package) []*packages.Package {
	keys := make([]string, 0, len(p.Imports))
	for k := range p.Imports {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*packages.Package, 0, len(keys))
	for _, k := range keys {
		out = append(out, p.Imports[k])
	}
	return out
}
