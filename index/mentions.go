package index

import (
	"bytes"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// This file indexes the places where real plugin systems name plugins
// outside Go: CoreDNS's plugin.cfg and Corefile, Caddy's Caddyfile and JSON
// config, Telegraf's TOML config. Extraction is a line scan (no parser, no
// failure): each name becomes a Mention, and navigation treats it like a
// lookup of the registry it fits.

// Mention formats.
const (
	FormatPluginCfg = "plugin.cfg" // CoreDNS plugin.cfg: `name:package`
	FormatCorefile  = "Corefile"   // CoreDNS Corefile directive
	FormatCaddyfile = "Caddyfile"  // Caddyfile directive (an HTTP handler)
	FormatCaddyJSON = "caddy-json" // Caddy JSON config `"handler": "name"`
	FormatTelegraf  = "telegraf"   // Telegraf TOML `[[inputs.name]]`
)

// caddyHandlerPrefix is the module namespace of Caddy's HTTP handlers: the
// directive `file_server` and the JSON handler "file_server" both name the
// module "http.handlers.file_server".
const caddyHandlerPrefix = "http.handlers."

// maxMentionJSON bounds the Caddy JSON files we scan (larger ones are
// generated dumps, not configs someone navigates).
const maxMentionJSON = 1 << 20

// Mention is a plugin name written in a configuration file outside Go.
type Mention struct {
	File    FileID
	Name    string    // as written: "cpu", "whoami", "file_server"
	Ref     SymbolRef // the name (Kind KindMention)
	Format  string    // one of the Format constants
	Section string    // Telegraf plugin kind: "inputs", "outputs", "processors", "aggregators"
	// Package is the package after ':' in plugin.cfg as written (a bare
	// name is a directory of github.com/coredns/coredns/plugin); "" otherwise.
	Package    string
	PackageRef SymbolRef
}

// Key is the registry name the mention stands for: the name itself, or the
// Caddy module ID of a handler ("http.handlers.<name>").
func (m *Mention) Key() string {
	if m.Format == FormatCaddyfile || m.Format == FormatCaddyJSON {
		return caddyHandlerPrefix + m.Name
	}
	return m.Name
}

// KeyPrefix is what Key adds in front of Name ("" or "http.handlers.").
func (m *Mention) KeyPrefix() string { return strings.TrimSuffix(m.Key(), m.Name) }

// Fits reports whether the mention can name a plugin of registry r: CoreDNS
// files name CoreDNS plugins, Caddy files Caddy modules, a Telegraf table
// the registry of its section.
func (m *Mention) Fits(r *Registry) bool {
	if !slices.Contains(r.MentionFormats, m.Format) {
		return false
	}
	return m.Format != FormatTelegraf || r.MentionSection == m.Section
}

// mentionFormat classifies a file name that may hold plugin mentions.
func mentionFormat(name string) (string, bool) {
	switch {
	case name == "plugin.cfg":
		return FormatPluginCfg, true
	case name == "Corefile" || strings.HasPrefix(name, "Corefile."):
		return FormatCorefile, true
	case name == "Caddyfile" || strings.HasPrefix(name, "Caddyfile.") || strings.HasSuffix(name, ".caddyfile"):
		return FormatCaddyfile, true
	case strings.HasSuffix(name, ".json") && strings.Contains(strings.ToLower(name), "caddy"):
		return FormatCaddyJSON, true
	case strings.HasSuffix(name, ".toml") || strings.HasPrefix(name, "telegraf") && strings.HasSuffix(name, ".conf"):
		return FormatTelegraf, true
	}
	return "", false
}

// isMentionFile reports whether a file name is one extractMentions reads.
func isMentionFile(name string) bool {
	_, ok := mentionFormat(name)
	return ok
}

// extractMentions returns the plugin mentions of a config file, in file
// order. It never fails: what it does not recognise it skips.
func extractMentions(id FileID, p string, b []byte) []Mention {
	format, ok := mentionFormat(path.Base(strings.ReplaceAll(p, "\\", "/")))
	if !ok {
		return nil
	}
	var out []Mention
	add := func(m Mention) {
		m.File, m.Format = id, format
		m.Ref.File, m.Ref.Kind = id, KindMention
		if m.Package != "" {
			m.PackageRef.File, m.PackageRef.Kind = id, KindImport
		}
		out = append(out, m)
	}
	switch format {
	case FormatPluginCfg:
		forLines(b, func(ls int, line []byte) {
			line = stripComment(line)
			c := bytes.IndexByte(line, ':')
			if c <= 0 {
				return
			}
			ns, ne := trimSpan(line, 0, c)
			ps, pe := trimSpan(line, c+1, len(line))
			if ns == ne || !isPluginName(line[ns:ne]) {
				return
			}
			m := Mention{Name: string(line[ns:ne]), Ref: SymbolRef{Span: Span{ls + ns, ls + ne}}}
			if ps < pe {
				m.Package, m.PackageRef = string(line[ps:pe]), SymbolRef{Span: Span{ls + ps, ls + pe}}
			}
			add(m)
		})
	case FormatCorefile, FormatCaddyfile:
		for _, d := range blockDirectives(b, format == FormatCaddyfile) {
			add(Mention{Name: string(b[d.Start:d.End]), Ref: SymbolRef{Span: d}})
		}
	case FormatCaddyJSON:
		if len(b) > maxMentionJSON {
			return nil
		}
		for _, sm := range caddyHandler.FindAllSubmatchIndex(b, -1) {
			add(Mention{Name: string(b[sm[2]:sm[3]]), Ref: SymbolRef{Span: Span{sm[2], sm[3]}}})
		}
	case FormatTelegraf:
		forLines(b, func(ls int, line []byte) {
			sm := telegrafTable.FindSubmatchIndex(line)
			if sm == nil {
				return
			}
			add(Mention{Name: string(line[sm[4]:sm[5]]), Section: string(line[sm[2]:sm[3]]),
				Ref: SymbolRef{Span: Span{ls + sm[4], ls + sm[5]}}})
		})
	}
	return out
}

var (
	caddyHandler  = regexp.MustCompile(`"handler"\s*:\s*"([A-Za-z0-9_.\-]+)"`)
	telegrafTable = regexp.MustCompile(`^\s*\[\[\s*(inputs|outputs|processors|aggregators)\.([A-Za-z0-9_\-]+)\s*\]\]`)
)

// forLines calls fn with each line's start offset and its text (no newline).
func forLines(b []byte, fn func(ls int, line []byte)) {
	for ls := 0; ls < len(b); {
		le := bytes.IndexByte(b[ls:], '\n')
		if le < 0 {
			le = len(b)
		} else {
			le += ls
		}
		fn(ls, bytes.TrimSuffix(b[ls:le], []byte("\r")))
		ls = le + 1
	}
}

// stripComment cuts a line at its first '#'.
func stripComment(line []byte) []byte {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		return line[:i]
	}
	return line
}

// trimSpan narrows [s, e) of line to its non-space part.
func trimSpan(line []byte, s, e int) (int, int) {
	for s < e && (line[s] == ' ' || line[s] == '\t') {
		s++
	}
	for e > s && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	return s, e
}

func isPluginName(b []byte) bool {
	for _, c := range b {
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return len(b) > 0
}

// caddyRoutes are Caddyfile directives whose block holds more directives.
var caddyRoutes = map[string]bool{"route": true, "handle": true, "handle_path": true, "handle_errors": true}

// blockDirectives returns the directive names of a Corefile or Caddyfile:
// the first word of each line inside a server (site) block or a snippet.
// Words at depth 0 are server keys; deeper lines are a directive's own
// subdirectives (in a Caddyfile, route/handle blocks hold directives again).
// A Caddyfile's global options block (a block without keys) is skipped, and
// so are matcher definitions (@name) and placeholders.
func blockDirectives(b []byte, caddy bool) []Span {
	var out []Span
	// stack[i] says whether lines at depth i+1 are directives.
	var stack []bool
	keysSeen := false // words at depth 0 before the current '{'
	forLines(b, func(ls int, line []byte) {
		code := stripComment(line)
		first := true
		for i := 0; i < len(code); {
			c := code[i]
			switch {
			case c == ' ' || c == '\t':
				i++
				continue
			case c == '{' && (i+1 == len(code) || code[i+1] == ' ' || code[i+1] == '\t'):
				// an opening brace (not a placeholder {x})
				directives := false
				if len(stack) == 0 {
					directives = keysSeen || !caddy
				} else if caddy && stack[len(stack)-1] && !first {
					directives = caddyRoutes[firstWord(code[:i])]
				}
				stack = append(stack, directives)
				keysSeen = false
				i++
				first = false
				continue
			case c == '}' && (i+1 == len(code) || code[i+1] == ' ' || code[i+1] == '\t'):
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				i++
				first = false
				continue
			}
			j := i
			for j < len(code) && code[j] != ' ' && code[j] != '\t' {
				j++
			}
			word := code[i:j]
			if len(stack) == 0 {
				keysSeen = true
			} else if first && stack[len(stack)-1] && isPluginName(word) && word[0] != '.' {
				out = append(out, Span{ls + i, ls + j})
			}
			first = false
			i = j
		}
	})
	return out
}

// firstWord returns the first word of s: the directive of `route /path {`.
func firstWord(s []byte) string {
	f := strings.Fields(string(s))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// MentionsIn returns the plugin mentions of one config file (nil for other
// files).
func (s *Snapshot) MentionsIn(id FileID) []Mention {
	if int(id) >= len(s.files) || s.files[id] == nil {
		return nil
	}
	ms, _ := s.files[id].other.([]Mention)
	return ms
}

// Mentions returns every plugin mention of the snapshot, sorted by path
// and offset. It scans the file table (no memo): callers derive indexes
// from it once per snapshot or filter by name.
func (s *Snapshot) Mentions() []*Mention {
	var out []*Mention
	for _, e := range s.files {
		if e == nil {
			continue
		}
		ms, _ := e.other.([]Mention)
		for i := range ms {
			out = append(out, &ms[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return s.Path(out[i].File) < s.Path(out[j].File)
		}
		return out[i].Ref.Span.Start < out[j].Ref.Span.Start
	})
	return out
}
