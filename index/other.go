package index

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// extractOther extracts a non-Go file: manifest, script or config. go.mod
// and go.work are read by discovery; their entries only mark presence.
func extractOther(ws *workspace, id FileID, path string, kind fileKind, content []byte) any {
	switch kind {
	case kindManifest:
		return parseManifest(id, path, content)
	case kindScript:
		return scriptCommands(id, path, content)
	case kindConfig:
		c := parseConfig(content)
		c.File = id
		return c
	case kindMention:
		return extractMentions(id, path, content)
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// lineOffset returns the byte offset of a 1-based line and column.
func lineOffset(b []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return len(b)
		}
		off += i + 1
	}
	off += max(col-1, 0)
	return min(off, len(b))
}

// parseManifest reads plugin-manifest.yaml: name, version and requires
// (a map name → constraint, or a list of "name constraint" / "name@constraint"
// strings or {name, version|constraint} maps). Errors are facts.
func parseManifest(id FileID, path string, b []byte) *Manifest {
	m := &Manifest{File: id, Dir: filepath.Dir(path)}
	ref := func(n *yaml.Node, k Kind) SymbolRef {
		s := lineOffset(b, n.Line, n.Column)
		e := s + len(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			e += 2
		}
		return SymbolRef{File: id, Span: Span{s, min(e, len(b))}, Kind: k}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		m.ParseErr = err.Error()
		line := 1
		if sm := yamlLine.FindStringSubmatch(m.ParseErr); sm != nil {
			line, _ = strconv.Atoi(sm[1])
		}
		s := lineOffset(b, line, 1)
		m.ErrRef = SymbolRef{File: id, Span: Span{s, s}, Kind: KindManifest}
		return m
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		m.ParseErr = "manifest is not a YAML mapping"
		m.ErrRef = SymbolRef{File: id, Kind: KindManifest}
		return m
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "name":
			m.Name, m.NameRef = v.Value, ref(v, KindManifest)
		case "version":
			m.Version, m.VersionRef = v.Value, ref(v, KindManifest)
		case "requires", "dependencies":
			m.Requires = append(m.Requires, parseRequires(v, ref)...)
		}
	}
	return m
}

func parseRequires(v *yaml.Node, ref func(*yaml.Node, Kind) SymbolRef) []Require {
	var out []Require
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			out = append(out, Require{Name: v.Content[i].Value, Constraint: v.Content[i+1].Value, Ref: ref(v.Content[i], KindManifest)})
		}
	case yaml.SequenceNode:
		for _, it := range v.Content {
			switch it.Kind {
			case yaml.ScalarNode:
				s := strings.TrimSpace(it.Value)
				r := Require{Name: s, Ref: ref(it, KindManifest)}
				if i := strings.IndexAny(s, "@ "); i >= 0 {
					r.Name, r.Constraint = s[:i], strings.TrimSpace(s[i+1:])
				}
				out = append(out, r)
			case yaml.MappingNode:
				var r Require
				for i := 0; i+1 < len(it.Content); i += 2 {
					switch it.Content[i].Value {
					case "name":
						r.Name, r.Ref = it.Content[i+1].Value, ref(it.Content[i+1], KindManifest)
					case "version", "constraint":
						r.Constraint = it.Content[i+1].Value
					}
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// scriptCommands finds go build commands in a Makefile or shell script.
// Continuation lines are joined, commands split on ; && ||, and a leading
// `cd dir` changes the directory the command's paths are relative to.
func scriptCommands(id FileID, path string, b []byte) []BuildCommand {
	var out []BuildCommand
	dir := filepath.Dir(path)
	fileEnv := scriptEnv(b)
	lines := strings.Split(strings.ReplaceAll(string(b), "\\\n", "  "), "\n")
	off := 0
	for n, line := range lines {
		start := off
		off += len(line) + 1
		hasCopy := strings.Contains(line, ".so")
		if !hasCopy && (!strings.Contains(line, "build") || !strings.Contains(strings.ToLower(line), "go")) {
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			continue
		}
		cwd := dir
		for _, part := range splitShell(line) {
			words := shellWords(part)
			for len(words) > 0 && (words[0] == "@" || words[0] == "-" || strings.HasPrefix(words[0], "@")) {
				words[0] = strings.TrimLeft(words[0], "@-")
				if words[0] == "" {
					words = words[1:]
				} else {
					break
				}
			}
			if len(words) >= 2 && words[0] == "cd" {
				if !strings.Contains(words[1], "$") {
					cwd = filepath.Join(dir, words[1])
				}
				continue
			}
			if hasCopy {
				if from, to, ok := parseCopy(words); ok {
					out = append(out, BuildCommand{File: id, Dir: cwd, Mode: ModeCopy, From: from, Output: to,
						Group: fmt.Sprintf("%s:%d", filepath.Base(path), n+1), Span: Span{start, start + len(line)}})
					continue
				}
			}
			bi := -1
			for i := 1; i < len(words); i++ {
				if words[i] == "build" && isGoWord(words[i-1]) {
					bi = i
					break
				}
			}
			if bi < 0 {
				continue
			}
			bc, ok := parseGoBuild(words[bi:])
			if !ok || bc.Mode != "plugin" {
				continue
			}
			bc.File = id
			bc.Dir = cwd
			bc.Env = joinEnv(fileEnv, envAssigns(words[:bi-1]))
			bc.Group = fmt.Sprintf("%s:%d", filepath.Base(path), n+1)
			bc.Span = Span{start, start + len(line)}
			out = append(out, bc)
		}
	}
	return out
}

func isGoWord(w string) bool {
	lw := strings.ToLower(w)
	return lw == "go" || strings.HasSuffix(lw, "/go") || lw == "$(go)" || lw == "${go}" || lw == "$go" || lw == "$(gocmd)" || lw == "${gocmd}"
}

func splitShell(line string) []string {
	line = strings.ReplaceAll(line, "&&", ";")
	line = strings.ReplaceAll(line, "||", ";")
	return strings.Split(line, ";")
}
