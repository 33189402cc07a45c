package index

import (
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
	coredns := &Registry{Preset: "coredns", Package: "github.com/coredns/caddy"}
	caddy := &Registry{Preset: "caddy", Package: "github.com/caddyserver/caddy/v2"}
	inputs := &Registry{Preset: "telegraf/inputs", Package: "github.com/influxdata/telegraf/plugins/inputs"}
	own := &Registry{Package: "example.com/app/plugins/outputs"}
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
