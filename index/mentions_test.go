package index

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExtractMentions(t *testing.T) {
	tests := []struct {
		path, src string
		want      []string // "format section name key [package]" per mention
	}{
		{"coredns/plugin.cfg", "# comment\nwhoami:whoami\n  log : github.com/x/log # trailing\nbad line\n:nothing\n",
			[]string{"plugin.cfg  whoami whoami whoami", "plugin.cfg  log log github.com/x/log"}},
		{"Corefile", ". {\n  whoami\n  forward . 8.8.8.8 {\n    except example.org\n  }\n  # errors\n  log\n}\nexample.org:53 { cache 30 }\n",
			[]string{"Corefile  whoami whoami", "Corefile  forward forward", "Corefile  log log"}},
		{"Caddyfile", "{\n  debug\n}\n(common) {\n  encode gzip\n}\nexample.com {\n  @api path /api/*\n  hello {\n    greeting hi\n  }\n  route /x {\n    file_server\n  }\n  reverse_proxy {http.upstream}\n}\n",
			[]string{"Caddyfile  encode http.handlers.encode", "Caddyfile  hello http.handlers.hello", "Caddyfile  route http.handlers.route",
				"Caddyfile  file_server http.handlers.file_server", "Caddyfile  reverse_proxy http.handlers.reverse_proxy"}},
		{"conf/caddy.json", `{"apps":{"http":{"servers":{"s":{"routes":[{"handle":[{"handler": "hello"},{"handler":"static_response"}]}]}}}}}`,
			[]string{"caddy-json  hello http.handlers.hello", "caddy-json  static_response http.handlers.static_response"}},
		{"telegraf.conf", "[agent]\n  interval = \"10s\"\n[[inputs.cpu]]\n  percpu = true\n[inputs.cpu.tags]\n# [[inputs.mem]]\n [[ outputs.file ]]\n[[parsers.json]]\n",
			[]string{"telegraf inputs cpu cpu", "telegraf outputs file file"}},
		{"other.json", `{"handler": "hello"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var got []string
			for _, m := range extractMentions(7, tt.path, []byte(tt.src)) {
				if m.File != 7 || m.Ref.File != 7 || m.Ref.Kind != KindMention {
					t.Errorf("%q: ref %+v", m.Name, m.Ref)
				}
				if s := tt.src[m.Ref.Span.Start:m.Ref.Span.End]; s != m.Name {
					t.Errorf("span of %q reads %q", m.Name, s)
				}
				d := m.Format + " " + m.Section + " " + m.Name + " " + m.Key()
				if m.Package != "" {
					if s := tt.src[m.PackageRef.Span.Start:m.PackageRef.Span.End]; s != m.Package {
						t.Errorf("package span of %q reads %q", m.Package, s)
					}
					d += " " + m.Package
				}
				got = append(got, d)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestMentionFits(t *testing.T) {
	// The registries as linking makes them: presets carry their mention
	// formats in the preset table; an inferred section registry gets its
	// package's last element as its Telegraf section.
	s := build(t, Options{Roots: []string{t.TempDir()}})
	coredns := s.Registry("github.com/coredns/caddy.RegisterPlugin")
	caddy := s.Registry("github.com/caddyserver/caddy/v2.RegisterModule")
	inputs := s.Registry("github.com/influxdata/telegraf/plugins/inputs.Add")
	if coredns == nil || caddy == nil || inputs == nil {
		t.Fatal("preset registries missing")
	}
	own := &Registry{Package: "example.com/app/plugins/outputs", MentionFormats: []string{FormatTelegraf}, MentionSection: "outputs"}
	tests := []struct {
		m    Mention
		fits []*Registry
	}{
		{Mention{Format: FormatCorefile}, []*Registry{coredns}},
		{Mention{Format: FormatPluginCfg}, []*Registry{coredns}},
		{Mention{Format: FormatCaddyfile}, []*Registry{caddy}},
		{Mention{Format: FormatCaddyJSON}, []*Registry{caddy}},
		{Mention{Format: FormatTelegraf, Section: "inputs"}, []*Registry{inputs}},
		{Mention{Format: FormatTelegraf, Section: "outputs"}, []*Registry{own}},
	}
	for _, tt := range tests {
		var got []*Registry
		for _, r := range []*Registry{coredns, caddy, inputs, own} {
			if tt.m.Fits(r) {
				got = append(got, r)
			}
		}
		if !reflect.DeepEqual(got, tt.fits) {
			t.Errorf("%s %s: fits %d registries, want %d", tt.m.Format, tt.m.Section, len(got), len(tt.fits))
		}
	}
}

func TestConfigEntries(t *testing.T) {
	dir := t.TempDir()
	cfg := "registries:\n  - register: example.com/m/reg.Register\n    lookup: [example.com/m/reg.Get, \"example.com/m/reg.Must\"]\n    contract: example.com/m/reg.Plugin\n    nameArg: 1\nplugins:\n  - so: out/g.so\n    dir: ./g\n"
	for name, data := range map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n", ".plugin-lsp.yaml": cfg} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := build(t, Options{Roots: []string{dir}})
	id, ok := s.FileID(filepath.Join(dir, ".plugin-lsp.yaml"))
	if !ok {
		t.Fatal("config not indexed")
	}
	var got []string
	for _, e := range s.ConfigEntries(id) {
		got = append(got, e.Key+" "+cfg[e.Ref.Span.Start:e.Ref.Span.End]+" "+e.Path)
	}
	want := []string{"register example.com/m/reg.Register ", "lookup example.com/m/reg.Get ", `lookup "example.com/m/reg.Must" `,
		"contract example.com/m/reg.Plugin ", "so out/g.so " + filepath.Join(dir, "out/g.so"), "dir ./g " + filepath.Join(dir, "g")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if s.ConfigEntries(s.Files()[0]) != nil && s.Path(s.Files()[0]) != filepath.Join(dir, ".plugin-lsp.yaml") {
		t.Errorf("entries for a file that is not a config")
	}
}
