package index

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"
)

// TestModulesOutsideGoWork: every go.mod under the roots is indexed, also
// modules the go.work does not use; only the used ones take the go.work's
// versions.
func TestModulesOutsideGoWork(t *testing.T) {
	root, err := filepath.Abs("../testdata/index/modules")
	if err != nil {
		t.Fatal(err)
	}
	s := build(t, Options{Roots: []string{root}})
	var got []string
	for _, m := range s.Modules() {
		w := "own go.mod"
		if m.Work != "" {
			w = "go.work"
		}
		got = append(got, m.Path+" ("+w+")")
	}
	want := []string{"example.com/host (go.work)", "example.com/plugin (own go.mod)", "example.com/tools (own go.mod)"}
	if !slices.Equal(got, want) {
		t.Errorf("modules = %q, want %q", got, want)
	}
	if s.Package("example.com/tools/gen") == nil || s.Package("example.com/plugin") == nil {
		t.Errorf("packages of modules outside go.work are not indexed: %v", s.Packages())
	}
	hosts := map[string]bool{}
	for _, h := range s.Hosts() {
		hosts[h.ImportPath] = true
	}
	if !hosts["example.com/tools/gen"] || hosts["example.com/plugin"] {
		t.Errorf("hosts = %v, want example.com/tools/gen and not the plugin", hosts)
	}
	off := map[string]bool{}
	for _, bc := range s.BuildCommands() {
		off[filepath.Base(bc.Output)] = bc.GoWorkOff()
	}
	if wantOff := map[string]bool{"greeter.so": true, "plain.so": false, "extra.so": true}; !maps.Equal(off, wantOff) {
		t.Errorf("GOWORK=off per output = %v, want %v", off, wantOff)
	}
	var plug *Module
	for _, m := range s.Modules() {
		if m.Path == "example.com/plugin" {
			plug = m
		}
	}
	if v := s.BuildVersions(plug, false); v["example.com/contract"] != "v1.2.0" || v["example.com/old"] != "replaced:../old" {
		t.Errorf("plugin build versions = %v", v)
	}
}

func TestBuildVersionsGoWork(t *testing.T) {
	s := &Snapshot{ws: &workspace{modules: []*Module{
		{Path: "a", Work: "w", Requires: map[string]string{"x": "v1.2.0", "y": "v1.0.0", "b": "v0.1.0"}},
		{Path: "b", Work: "w", Requires: map[string]string{"x": "v1.10.0"}, Replaces: map[string]string{"z": "../z"}},
		{Path: "c", Requires: map[string]string{"x": "v1.1.0"}},
	}}}
	a, c := s.ws.modules[0], s.ws.modules[2]
	tests := []struct {
		name string
		m    *Module
		off  bool
		want map[string]string
	}{
		{"go.work: highest requirement, own modules left out, replaces of every used module", a, false,
			map[string]string{"x": "v1.10.0", "y": "v1.0.0", "z": "replaced:../z"}},
		{"GOWORK=off: own go.mod", a, true, map[string]string{"x": "v1.2.0", "y": "v1.0.0", "b": "v0.1.0"}},
		{"outside the go.work", c, false, map[string]string{"x": "v1.1.0"}},
	}
	for _, tt := range tests {
		if got := s.BuildVersions(tt.m, tt.off); !maps.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEnvAssigns(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{"p.so:\n\tGOWORK=off go build -buildmode=plugin -o p.so .\n", []string{"GOWORK=off"}},
		{"export GOWORK := off\np.so:\n\tCGO_ENABLED=1 go build -buildmode=plugin -o p.so .\n", []string{"GOWORK=off", "CGO_ENABLED=1"}},
		{"p.so:\n\tgo build -buildmode=plugin -o p.so .\n", nil},
	}
	for _, tt := range tests {
		cmds := scriptCommands(1, "/m/Makefile", []byte(tt.script))
		if len(cmds) != 1 {
			t.Fatalf("%q: %d commands", tt.script, len(cmds))
		}
		if !slices.Equal(cmds[0].Env, tt.want) {
			t.Errorf("%q: Env = %q, want %q", tt.script, cmds[0].Env, tt.want)
		}
	}
}

func TestGoWorkOffInGoCode(t *testing.T) {
	src := []byte(`package app_test

import (
	"os"
	"os/exec"
	"testing"
)

func TestOff(t *testing.T) {
	cmd := exec.Command("go", "build", "-buildmode=plugin", "-o", "off.so", "./p")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Run()
}

func TestOn(t *testing.T) {
	exec.Command("go", "build", "-buildmode=plugin", "-o", "on.so", "./p").Run()
}
`)
	f := extractGo(src)
	got := map[string]bool{}
	for _, bc := range f.Commands {
		got[bc.Output] = bc.GoWorkOff()
	}
	if want := map[string]bool{"off.so": true, "on.so": false}; !maps.Equal(got, want) {
		t.Errorf("GOWORK=off per output = %v, want %v", got, want)
	}
}
