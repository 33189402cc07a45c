package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// modCacheAndWorkspace returns a fake module cache and a workspace
// directory side by side under a new temporary directory (symlinks
// resolved, as the index reports paths).
func modCacheAndWorkspace(t *testing.T) (modCache, ws string) {
	t.Helper()
	tmp := t.TempDir()
	if d, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = d
	}
	return filepath.Join(tmp, "modcache"), filepath.Join(tmp, "ws")
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestREG003DependencyDrivers runs REG003 on workspaces whose drivers come
// from dependency modules in a fake module cache (the real layout,
// path@version): a driver a linked dependency registers is found; a driver
// of a module go.mod requires but no host imports is offered as a blank
// import; a name nothing provides gets the well-known drivers hint; a linked
// dependency missing from the module cache keeps REG003 silent; a lookup
// inside a dependency is never reported.
func TestREG003DependencyDrivers(t *testing.T) {
	tmp := t.TempDir()
	if d, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = d
	}
	modCache := filepath.Join(tmp, "modcache")
	writeFiles(t, modCache, map[string]string{
		"github.com/lib/pq@v1.10.9/go.mod": "module github.com/lib/pq\n",
		"github.com/lib/pq@v1.10.9/conn.go": `package pq

import (
	"database/sql"
	"database/sql/driver"
)

type Driver struct{}

func (Driver) Open(string) (driver.Conn, error) { return nil, nil }

func init() { sql.Register("postgres", Driver{}) }
`,
		// A lookup inside a dependency: never a diagnostic of the workspace.
		"github.com/lib/pq@v1.10.9/dial.go":     "package pq\n\nimport \"database/sql\"\n\n// Dial opens a database nothing registers.\nfunc Dial() { sql.Open(\"cockroach\", \"\") }\n",
		"github.com/jackc/pgx/v5@v5.7.1/go.mod": "module github.com/jackc/pgx/v5\n",
		"github.com/jackc/pgx/v5@v5.7.1/pgx.go": "package pgx\n\n// Conn is a connection.\ntype Conn struct{}\n",
		"github.com/jackc/pgx/v5@v5.7.1/stdlib/sql.go": `package stdlib

import (
	"database/sql"
	"database/sql/driver"
)

const driverName = "pgx"

type Driver struct{}

func (Driver) Open(string) (driver.Conn, error) { return nil, nil }

func init() { sql.Register(driverName, Driver{}) }
`,
		"github.com/jackc/pgx/v5@v5.7.1/internal/fake/fake.go": "package fake\n\nimport \"database/sql\"\n\nfunc init() { sql.Register(\"pgx\", nil) }\n",
	})
	tests := []struct {
		name    string
		main    string
		want    string // message regexp part; "" for no finding
		fixText string // the NewText of the first fix, "" for none
	}{
		{"linked dependency registers it", `_ "github.com/lib/pq"`, "", ""},
		{"required module registers it", `_ "example.com/app/db"`,
			`no package linked into example.com/app registers driver "pgx"; github.com/jackc/pgx/v5/stdlib (github.com/jackc/pgx/v5 v5.7.1, already in go.mod) registers it: add a blank import of it`,
			"\n\t_ \"github.com/jackc/pgx/v5/stdlib\""},
		{"unknown source", `_ "example.com/gone/x"`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-"))
			driver := "postgres"
			if tt.name == "required module registers it" {
				driver = "pgx"
			}
			writeFiles(t, ws, map[string]string{
				"go.mod": `module example.com/app

go 1.26

require (
	example.com/gone v0.1.0
	github.com/jackc/pgx/v5 v5.7.1
	github.com/lib/pq v1.10.9
)
`,
				"db/db.go": "// Package db is a workspace library.\npackage db\n",
				"main.go": `package main

import (
	"database/sql"

	` + tt.main + `
)

func main() { _, _ = sql.Open("` + driver + `", "") }
`,
			})
			snap, err := index.New(index.Options{Roots: []string{ws}, ModCache: modCache}).Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := Check(context.Background(), snap, Options{Only: []string{"REG003"}})
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected findings: %v", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0].Message, tt.want) {
				t.Fatalf("findings = %v, want one containing %q", got, tt.want)
			}
			if len(got[0].Fixes) == 0 || got[0].Fixes[0].Edits[0].NewText != tt.fixText {
				t.Errorf("fixes = %+v, want one inserting %q", got[0].Fixes, tt.fixText)
			}
		})
	}
}

// TestREG003DependencyRegistry: a registry defined in a dependency module
// is inferred from its source like a workspace one; the codecs the linked
// dependency packages register are known, so a lookup of another name is
// certainly missing (and a near miss keeps its "did you mean" wording). The
// quick fix finds the plugin packages of required modules no workspace
// package imports: the registry's own module and the modules that require
// it (example.org/other does not, so its "toml" is not looked for).
func TestREG003DependencyRegistry(t *testing.T) {
	modCache, ws := modCacheAndWorkspace(t)
	writeFiles(t, modCache, map[string]string{
		"example.org/codec@v1.2.0/go.mod": "module example.org/codec\n",
		"example.org/codec@v1.2.0/codec.go": `package codec

// Codec encodes.
type Codec interface{ Encode(any) ([]byte, error) }

var codecs = map[string]Codec{}

// Register adds a codec.
func Register(name string, c Codec) { codecs[name] = c }

// Get returns a codec.
func Get(name string) Codec { return codecs[name] }
`,
		"example.org/codec@v1.2.0/json/json.go": `package json

import "example.org/codec"

type c struct{}

func (c) Encode(any) ([]byte, error) { return nil, nil }

func init() { codec.Register("json", c{}) }
`,
		// Not imported by the workspace: found by scanning the required
		// modules for the quick fix.
		"example.org/codec@v1.2.0/xml/xml.go": "package xml\n\nimport \"example.org/codec\"\n\ntype c struct{}\n\nfunc (c) Encode(any) ([]byte, error) { return nil, nil }\n\nfunc init() { codec.Register(\"xml\", c{}) }\n",
		"example.org/yaml@v0.3.0/go.mod":      "module example.org/yaml\n\nrequire example.org/codec v1.2.0\n",
		"example.org/yaml@v0.3.0/yaml.go":     "package yaml\n\nimport \"example.org/codec\"\n\nconst name = \"yaml\"\n\ntype c struct{}\n\nfunc (c) Encode(any) ([]byte, error) { return nil, nil }\n\nfunc init() { codec.Register(name, c{}) }\n",
		// Requires nothing of the codec module: never scanned.
		"example.org/other@v1.0.0/go.mod":   "module example.org/other\n",
		"example.org/other@v1.0.0/other.go": "package other\n\nimport \"example.org/codec\"\n\nfunc init() { codec.Register(\"toml\", nil) }\n",
	})
	writeFiles(t, ws, map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.26\n\nrequire (\n\texample.org/codec v1.2.0\n\texample.org/other v1.0.0\n\texample.org/yaml v0.3.0\n)\n",
		"main.go": `package main

import (
	"example.org/codec"
	_ "example.org/codec/json"
)

func main() {
	_ = codec.Get("json")
	_ = codec.Get("xml")
	_ = codec.Get("jsn")
	_ = codec.Get("yaml")
	_ = codec.Get("toml")
}
`,
	})
	snap, err := index.New(index.Options{Roots: []string{ws}, ModCache: modCache}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range Check(context.Background(), snap, Options{}) {
		got = append(got, f.Rule+" "+f.Message)
	}
	want := []string{
		`REG003 no package linked into example.com/app registers plugin "xml" in registry example.org/codec.Register; example.org/codec/xml (example.org/codec v1.2.0, already in go.mod) registers it: add a blank import of it`,
		`REG003 no plugin "jsn" in registry example.org/codec.Register: did you mean "json"?`,
		`REG003 no package linked into example.com/app registers plugin "yaml" in registry example.org/codec.Register; example.org/yaml (example.org/yaml v0.3.0, already in go.mod) registers it: add a blank import of it`,
		`REG003 no package linked into example.com/app registers plugin "toml" in registry example.org/codec.Register; register it or fix the name`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestREG001WithDependency: a workspace driver registering "postgres" in a
// host that also links github.com/lib/pq (a dependency read from the module
// cache) panics at start-up: REG001 fires on the workspace registration
// only, pointing at the dependency's; the dependency's own site gets none.
func TestREG001WithDependency(t *testing.T) {
	modCache, ws := modCacheAndWorkspace(t)
	writeFiles(t, modCache, map[string]string{
		"github.com/lib/pq@v1.10.9/go.mod":  "module github.com/lib/pq\n",
		"github.com/lib/pq@v1.10.9/conn.go": "package pq\n\nimport \"database/sql\"\n\ntype Driver struct{}\n\nfunc init() { sql.Register(\"postgres\", &Driver{}) }\n",
	})
	writeFiles(t, ws, map[string]string{
		"go.mod":       "module example.com/app\n\ngo 1.26\n\nrequire github.com/lib/pq v1.10.9\n",
		"mypg/mypg.go": "package mypg\n\nimport \"database/sql\"\n\ntype drv struct{}\n\nfunc init() { sql.Register(\"postgres\", &drv{}) }\n",
		"main.go":      "package main\n\nimport (\n\t_ \"example.com/app/mypg\"\n\t_ \"github.com/lib/pq\"\n)\n\nfunc main() {}\n",
	})
	snap, err := index.New(index.Options{Roots: []string{ws}, ModCache: modCache}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fs := Check(context.Background(), snap, Options{})
	if len(fs) != 1 || fs[0].Rule != "REG001" || filepath.Base(fs[0].File) != "mypg.go" ||
		!strings.Contains(fs[0].Message, "the second registration panics") || len(fs[0].Related) != 1 ||
		!strings.Contains(fs[0].Related[0].File, "pq@v1.10.9") {
		t.Errorf("findings = %+v", fs)
	}
}

// TestCoverageDependencies: the coverage line counts only workspace
// registrations, names the dependency modules read, and says which imported
// modules are missing and for how many hosts REG003 could not be certain.
func TestCoverageDependencies(t *testing.T) {
	tmp := t.TempDir()
	modCache, ws := filepath.Join(tmp, "modcache"), filepath.Join(tmp, "ws")
	writeFiles(t, modCache, map[string]string{
		"github.com/lib/pq@v1.10.9/go.mod":  "module github.com/lib/pq\n",
		"github.com/lib/pq@v1.10.9/conn.go": "package pq\n\nimport \"database/sql\"\n\ntype Driver struct{}\n\nfunc init() { sql.Register(\"postgres\", &Driver{}) }\n",
	})
	writeFiles(t, ws, map[string]string{
		"go.mod":  "module example.com/app\n\ngo 1.26\n\nrequire (\n\texample.com/gone v0.1.0\n\tgithub.com/lib/pq v1.10.9\n)\n",
		"main.go": "package main\n\nimport (\n\t\"database/sql\"\n\n\t_ \"example.com/gone/x\"\n\t_ \"github.com/lib/pq\"\n)\n\nfunc main() { sql.Open(\"postgres\", \"\") }\n",
	})
	snap, err := index.New(index.Options{Roots: []string{ws}, ModCache: modCache}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(snap, Options{}).String()
	want := `checked 1 registry, 0 registrations, 1 host, 1 lookup in 1 module (and what they import of 1 dependency module); ` +
		`skipped: 1 dependency module not in the module cache (e.g. example.com/gone@v0.1.0: not in the module cache); ` +
		`certain unknown-name lookups (REG003) for 1 of 1 host, which link packages of unknown source (e.g. example.com/app links example.com/gone/x)`
	if got != want {
		t.Errorf("coverage:\n%s\nwant:\n%s", got, want)
	}
}
