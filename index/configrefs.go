package index

import (
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// ConfigEntry is one value of a .plugin-lsp.yaml that names something in
// the workspace: a registry's register or lookup function, its contract
// type, or a native plugin's .so path and source directory.
type ConfigEntry struct {
	Key   string    // "register", "lookup", "contract", "so", "dir"
	Value string    // as written
	Ref   SymbolRef // the value (quotes included when quoted)
	// Path is, for "so" and "dir", the absolute path the value names
	// (relative values are relative to the config's directory, as linking
	// reads them); "" otherwise.
	Path string
}

// ConfigEntries returns the entries of the .plugin-lsp.yaml file id, in file
// order (nil for other files or a config that does not parse). The file is
// small and read rarely (a navigation request on it), so it is parsed on
// demand from the snapshot's text rather than kept with its facts.
func (s *Snapshot) ConfigEntries(id FileID) []ConfigEntry {
	if int(id) >= len(s.files) || s.files[id] == nil || s.files[id].kind != kindConfig {
		return nil
	}
	b, err := s.Content(id)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	dir := filepath.Dir(s.Path(id))
	var out []ConfigEntry
	add := func(key string, n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.Value == "" {
			return
		}
		st := lineOffset(b, n.Line, n.Column)
		e := st + len(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			e += 2
		}
		ce := ConfigEntry{Key: key, Value: n.Value, Ref: SymbolRef{File: id, Span: Span{st, min(e, len(b))}, Kind: KindMention}}
		if key == "so" || key == "dir" {
			ce.Path = n.Value
			if !filepath.IsAbs(ce.Path) {
				ce.Path = filepath.Join(dir, ce.Path)
			}
			ce.Path = filepath.Clean(ce.Path)
		}
		out = append(out, ce)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		section, list := root.Content[i].Value, root.Content[i+1]
		if (section != "registries" && section != "plugins") || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range list.Content {
			if item.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(item.Content); j += 2 {
				k, v := item.Content[j].Value, item.Content[j+1]
				switch {
				case section == "registries" && (k == "register" || k == "contract"):
					add(k, v)
				case section == "registries" && k == "lookup":
					if v.Kind == yaml.SequenceNode {
						for _, l := range v.Content {
							add(k, l)
						}
					} else {
						add(k, v)
					}
				case section == "plugins" && (k == "so" || k == "dir"):
					add(k, v)
				}
			}
		}
	}
	return out
}
