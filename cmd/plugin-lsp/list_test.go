package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestListSeed(t *testing.T) {
	const seed = "../../testdata/index/seed"
	var out, errb bytes.Buffer
	if code := listMain(context.Background(), []string{"-json", seed}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep listOut
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out.String())
	}
	var regs []string
	for _, r := range rep.Registrations {
		regs = append(regs, r.Name+"@"+strings.SplitN(r.Pos, ":", 2)[0])
	}
	for _, w := range []string{"alpha@plugins/alpha/alpha.go", "beta@plugins/beta/beta.go", "gamma@plugins/gamma/gamma.go"} {
		if !slices.Contains(regs, w) {
			t.Errorf("registration %s missing from %v", w, regs)
		}
	}
	if len(rep.Registries) != 1 || rep.Registries[0].ID != "example.com/contract.Register" {
		t.Errorf("registries = %+v (unused presets must not be listed)", rep.Registries)
	}
	hosts := map[string][]string{}
	for _, h := range rep.Hosts {
		hosts[h.Package] = h.Links
	}
	if links, ok := hosts["example.com/host"]; !ok || !slices.Contains(links, "example.com/alpha") {
		t.Errorf("hosts = %v", hosts)
	}
	if len(rep.NativePlugins) != 1 || len(rep.Opens) != 1 || len(rep.Opens[0].Lookups) != 2 {
		t.Errorf("native plugins %+v, opens %+v", rep.NativePlugins, rep.Opens)
	}

	out.Reset()
	if code := listMain(context.Background(), []string{seed}, &out, &errb); code != 0 {
		t.Fatalf("text: exit %d: %s", code, errb.String())
	}
	for _, w := range []string{"Registries (1):", `example.com/contract.Register "alpha"  plugins/alpha/alpha.go:13:20`, `Lookup("Greeting") .(*string)`} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("text output lacks %q:\n%s", w, out.String())
		}
	}
}

func TestListBadDir(t *testing.T) {
	var out, errb bytes.Buffer
	if code := listMain(context.Background(), []string{"/does/not/exist"}, &out, &errb); code != 2 || errb.Len() == 0 {
		t.Errorf("exit %d, stderr %q: want 2 and a message", code, errb.String())
	}
}

// TestListDependencyRegistries: a dependency module's registry the workspace
// registers into is listed; one it registers nothing in is only counted in
// the text output (and listed, marked, in JSON).
func TestListDependencyRegistries(t *testing.T) {
	modCache, ws := t.TempDir(), t.TempDir()
	files := map[string]string{
		modCache + "/example.com/dep@v1.0.0/go.mod": "module example.com/dep\n\ngo 1.26\n",
		modCache + "/example.com/dep@v1.0.0/dep.go": `package dep

// Plugin is a plugin.
type Plugin interface{ Run() }

var plugins = map[string]Plugin{}

// Register adds a plugin.
func Register(name string, p Plugin) { plugins[name] = p }

// Get returns a plugin.
func Get(name string) Plugin { return plugins[name] }

var hooks = map[string]func(){}

// AddHook adds a hook run at exit.
func AddHook(name string, f func()) { hooks[name] = f }
`,
		ws + "/go.mod": "module example.com/app\n\ngo 1.26\n\nrequire example.com/dep v1.0.0\n",
		ws + "/main.go": `package main

import "example.com/dep"

type p struct{}

func (p) Run() {}

func init() { dep.Register("one", p{}) }

func main() { dep.Get("one").Run() }
`,
	}
	for p, c := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	if code := listMain(context.Background(), []string{"-format", "json", ws}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep listOut
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]listRegistry{}
	for _, r := range rep.Registries {
		got[r.ID] = r
	}
	if r := got["example.com/dep.Register"]; !r.Dependency || r.Registrations != 1 {
		t.Errorf("dep.Register = %+v, want a dependency registry with 1 registration", r)
	}
	if r := got["example.com/dep.AddHook"]; !r.Dependency || r.Registrations != 0 {
		t.Fatalf("dep.AddHook = %+v, want a dependency registry with 0 registrations (all: %+v)", r, rep.Registries)
	}
	out.Reset()
	if code := listMain(context.Background(), []string{ws}, &out, &errb); code != 0 {
		t.Fatalf("text: exit %d: %s", code, errb.String())
	}
	text := out.String()
	if !strings.Contains(text, "example.com/dep.Register contract example.com/dep.Plugin: 1 registration") ||
		strings.Contains(text, "example.com/dep.AddHook") ||
		!strings.Contains(text, "(and 1 registry of dependency modules with no registrations here") {
		t.Errorf("text output:\n%s", text)
	}
}
