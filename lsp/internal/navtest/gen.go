package navtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// Snapshot builds the index snapshot of the workspace in dir.
func Snapshot(t testing.TB, dir string) *index.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	snap, err := index.New(index.Options{Roots: []string{dir}}).Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// Generate writes a go.work workspace: a contract module with
// Register/Lookup over a map, mods modules of pkgs packages of files files,
// each file registering one plugin under a literal name (plugin-00000 …),
// and a host that links every package and looks one name up.
func Generate(dir string, mods, pkgs, files int) error {
	write := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	use := []string{"./contract", "./host"}
	if err := write("contract/go.mod", "module example.com/contract\n\ngo 1.26\n"); err != nil {
		return err
	}
	if err := write("contract/contract.go", `// Package contract is the synthetic registry.
package contract

// Plugin is what every plugin implements.
type Plugin interface{ Setup() error }

var registry = map[string]Plugin{}

// Register adds a plugin.
func Register(name string, p Plugin) { registry[name] = p }

// Lookup returns a registered plugin.
func Lookup(name string) (Plugin, bool) { p, ok := registry[name]; return p, ok }
`); err != nil {
		return err
	}
	var imports []string
	n := 0
	for m := 0; m < mods; m++ {
		mod := fmt.Sprintf("mod%02d", m)
		use = append(use, "./"+mod)
		if err := write(mod+"/go.mod", "module example.com/"+mod+"\n\ngo 1.26\n\nrequire example.com/contract v0.0.0\n"); err != nil {
			return err
		}
		for p := 0; p < pkgs; p++ {
			pkg := fmt.Sprintf("p%02d", p)
			imports = append(imports, "example.com/"+mod+"/"+pkg)
			for f := 0; f < files; f++ {
				src := fmt.Sprintf(`package %s

import (
	"strings"

	"example.com/contract"
)

// T%d is plugin-%05d.
type T%d struct{ name string }

// Setup implements contract.Plugin.
func (t *T%d) Setup() error { return nil }

// Join%d joins non-empty parts.
func Join%d(in []string) string {
	var out []string
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ",")
}

func init() { contract.Register("plugin-%05d", &T%d{}) }
`, pkg, f, n, f, f, f, f, n, f)
				if err := write(fmt.Sprintf("%s/%s/f%02d.go", mod, pkg, f), src); err != nil {
					return err
				}
				n++
			}
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/contract\"\n")
	for _, ip := range imports {
		fmt.Fprintf(&b, "\t_ %q\n", ip)
	}
	b.WriteString(")\n\nfunc helper(n int) int { return n * 2 }\n\nfunc main() {\n\tp, ok := contract.Lookup(\"plugin-04242\")\n\tfmt.Println(p, ok, helper(3))\n}\n")
	var req strings.Builder
	req.WriteString("module example.com/host\n\ngo 1.26\n\nrequire example.com/contract v0.0.0\n")
	if err := write("host/go.mod", req.String()); err != nil {
		return err
	}
	if err := write("host/main.go", b.String()); err != nil {
		return err
	}
	work := "go 1.26\n\nuse (\n"
	for _, u := range use {
		work += "\t" + u + "\n"
	}
	return write("go.work", work+")\n")
}
