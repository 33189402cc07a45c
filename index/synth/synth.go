// Package synth writes synthetic Go workspaces for the index benchmarks: a
// go.work with a contract module (Register/Lookup over a map), plugin
// modules whose packages register plugins in init (some through constants,
// some build-tagged), aggregator packages with blank imports, hosts, and a
// native plugin with a Makefile. Only the generator is committed; the
// benchmarks generate into a temporary directory.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Spec sizes a workspace.
type Spec struct {
	Files         int // total Go files (approximate: rounded to whole packages)
	FilesPerPkg   int // default 10
	PkgsPerModule int // default 50
	RegisterEvery int // one file in RegisterEvery registers a plugin; default 5
	FuncsPerFile  int // plain functions per file, to give files realistic size; default 8
}

func (s *Spec) defaults() {
	if s.FilesPerPkg <= 0 {
		s.FilesPerPkg = 10
	}
	if s.PkgsPerModule <= 0 {
		s.PkgsPerModule = 50
	}
	if s.RegisterEvery <= 0 {
		s.RegisterEvery = 5
	}
	if s.FuncsPerFile <= 0 {
		s.FuncsPerFile = 8
	}
}

// Result says what was written.
type Result struct {
	Files         int      // Go files written
	Registrations int      // registration calls written (non-test)
	Modules       []string // module directories, relative
	// Paths are the Go files written, absolute, in a stable order.
	Paths []string
}

// Generate writes a workspace for spec under dir (which must exist).
func Generate(dir string, spec Spec) (Result, error) {
	spec.defaults()
	var res Result
	w := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if strings.HasSuffix(rel, ".go") {
			res.Files++
			res.Paths = append(res.Paths, p)
		}
		return nil
	}
	pkgs := max(1, spec.Files/spec.FilesPerPkg)
	mods := (pkgs + spec.PkgsPerModule - 1) / spec.PkgsPerModule
	use := []string{"./contract", "./host", "./native"}
	if err := w("contract/go.mod", "module example.com/contract\n\ngo 1.26\n"); err != nil {
		return res, err
	}
	if err := w("contract/contract.go", contractSrc); err != nil {
		return res, err
	}
	var hostImports []string
	pkg := 0
	for m := 0; m < mods; m++ {
		mod := fmt.Sprintf("mod%03d", m)
		modPath := "example.com/" + mod
		use = append(use, "./"+mod)
		res.Modules = append(res.Modules, mod)
		if err := w(mod+"/go.mod", fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire example.com/contract v0.0.0\n", modPath)); err != nil {
			return res, err
		}
		var aggImports []string
		for p := 0; p < spec.PkgsPerModule && pkg < pkgs; p, pkg = p+1, pkg+1 {
			name := fmt.Sprintf("p%04d", pkg)
			aggImports = append(aggImports, modPath+"/"+name)
			if err := w(fmt.Sprintf("%s/%s/names.go", mod, name), fmt.Sprintf("package %s\n\n// Name is the plugin name of this package.\nconst Name = %q\n", name, name)); err != nil {
				return res, err
			}
			for f := 1; f < spec.FilesPerPkg; f++ {
				src, regs := fileSrc(name, pkg, f, spec)
				res.Registrations += regs
				fn := fmt.Sprintf("%s/%s/f%02d.go", mod, name, f)
				if f == 2 {
					fn = fmt.Sprintf("%s/%s/f%02d_linux.go", mod, name, f)
				}
				if err := w(fn, src); err != nil {
					return res, err
				}
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "// Package all links every plugin of %s.\npackage all\n\nimport (\n", mod)
		for _, ip := range aggImports {
			fmt.Fprintf(&b, "\t_ %q\n", ip)
		}
		b.WriteString(")\n")
		if err := w(mod+"/all/all.go", b.String()); err != nil {
			return res, err
		}
		hostImports = append(hostImports, modPath+"/all")
	}
	var b strings.Builder
	b.WriteString("// Command host links every module's aggregator.\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/contract\"\n")
	for _, ip := range hostImports {
		fmt.Fprintf(&b, "\t_ %q\n", ip)
	}
	b.WriteString(")\n\nfunc main() {\n\tp, ok := contract.Lookup(\"p0000\")\n\tfmt.Println(p, ok)\n}\n")
	if err := w("host/go.mod", "module example.com/host\n\ngo 1.26\n"); err != nil {
		return res, err
	}
	if err := w("host/main.go", b.String()); err != nil {
		return res, err
	}
	if err := w("native/go.mod", "module example.com/native\n\ngo 1.26\n"); err != nil {
		return res, err
	}
	if err := w("native/Makefile", "plugin:\n\tgo build -buildmode=plugin -o greeter.so ./greeter\n"); err != nil {
		return res, err
	}
	if err := w("native/greeter/main.go", "package main\n\nvar Greeting = \"hi\"\n\nfunc Greet(n string) string { return Greeting + n }\n\nfunc main() {}\n"); err != nil {
		return res, err
	}
	if err := w("native/host/main.go", nativeHostSrc); err != nil {
		return res, err
	}
	work := "go 1.26\n\nuse (\n"
	for _, u := range use {
		work += "\t" + u + "\n"
	}
	work += ")\n"
	if err := w("go.work", work); err != nil {
		return res, err
	}
	return res, nil
}

// fileSrc renders one plugin-package file: types and functions with bodies
// of realistic shape, and every RegisterEvery-th file an init registration.
func fileSrc(pkg string, pkgN, f int, spec Spec) (string, int) {
	var b strings.Builder
	regs := 0
	if f == 2 {
		b.WriteString("//go:build linux\n\n")
	}
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n\n\t\"example.com/contract\"\n)\n\n", pkg)
	fmt.Fprintf(&b, "// T%d is a plugin type.\ntype T%d struct {\n\tname  string\n\tcount int\n\tparts []string\n}\n\n", f, f)
	fmt.Fprintf(&b, "// Setup implements contract.Plugin.\nfunc (t *T%d) Setup() error {\n\tif t.name == \"\" {\n\t\treturn fmt.Errorf(\"%s: empty name\")\n\t}\n\treturn nil\n}\n\n", f, pkg)
	for i := 0; i < spec.FuncsPerFile; i++ {
		fmt.Fprintf(&b, `// Func%d_%d does some string work.
func Func%d_%d(in []string, sep string) (string, error) {
	var out []string
	for i, s := range in {
		if strings.TrimSpace(s) == "" {
			continue
		}
		switch {
		case i%%2 == 0:
			out = append(out, strings.ToUpper(s))
		default:
			out = append(out, fmt.Sprintf("%%d:%%s", i, s))
		}
	}
	if len(out) == 0 {
		return "", fmt.Errorf("no input")
	}
	return strings.Join(out, sep), nil
}

`, f, i, f, i)
	}
	if (pkgN*spec.FilesPerPkg+f)%spec.RegisterEvery == 0 {
		regs++
		if f%2 == 0 {
			fmt.Fprintf(&b, "func init() {\n\tcontract.Register(Name+\"-%d\", &T%d{name: Name})\n}\n", f, f)
		} else {
			fmt.Fprintf(&b, "func init() {\n\tcontract.Register(\"%s-%d\", &T%d{name: %q})\n}\n", pkg, f, f, pkg)
		}
	} else {
		fmt.Fprintf(&b, "var _ = contract.Lookup\n")
	}
	return b.String(), regs
}

const contractSrc = `// Package contract is the synthetic registry.
package contract

// Plugin is what every plugin implements.
type Plugin interface{ Setup() error }

var registry = map[string]Plugin{}

// Register adds a plugin and panics on a duplicate name.
func Register(name string, p Plugin) {
	if _, dup := registry[name]; dup {
		panic("duplicate " + name)
	}
	registry[name] = p
}

// Lookup returns a registered plugin.
func Lookup(name string) (Plugin, bool) {
	p, ok := registry[name]
	return p, ok
}
`

const nativeHostSrc = `package main

import "plugin"

func main() {
	p, err := plugin.Open("greeter.so")
	if err != nil {
		panic(err)
	}
	g, _ := p.Lookup("Greeting")
	println(*g.(*string))
}
`
