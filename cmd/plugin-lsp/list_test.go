package main

import (
	"bytes"
	"context"
	"encoding/json"
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
