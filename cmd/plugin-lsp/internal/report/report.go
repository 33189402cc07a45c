// Package report renders findings of the diagnostics engine for headless use
// (plugin-lsp check): plain text, a stable JSON array, SARIF 2.1.0 for code
// scanning, and GitHub Actions workflow commands.
//
// Rendering is pure apart from reading the files a finding points into (for
// SARIF fingerprints and UTF-16 columns); paths are made relative here, in one
// place, so every format agrees on them.
package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
)

// Format names an output format of plugin-lsp check.
type Format string

// The output formats.
const (
	Text   Format = "text"
	JSON   Format = "json"
	SARIF  Format = "sarif"
	GitHub Format = "github"
)

// Formats lists the output formats in the order the usage message names them.
var Formats = []Format{Text, JSON, SARIF, GitHub}

// ParseFormat returns the format with the given name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, json, sarif or github)", s)
}

// FileReader reads the content of a file a finding points into.
type FileReader interface {
	ReadFile(path string) ([]byte, error)
}

// DiskFiles reads files from disk.
type DiskFiles struct{}

// ReadFile implements FileReader with index.ReadRegular (regular files
// within the index's size cap, never blocking on a FIFO).
func (DiskFiles) ReadFile(path string) ([]byte, error) { return index.ReadRegular(path, 0) }

// Options are what the formats need besides the findings.
type Options struct {
	// Cwd is the directory text and json paths are relative to (absolute);
	// see ShortPath.
	Cwd string
	// Root is the repository root (absolute): SARIF artifact URIs are
	// relative to it (uriBaseId %SRCROOT%), and so are GitHub annotation
	// paths, which Actions resolves against the checkout.
	Root string
	// Rules are the rules that ran, in the order SARIF lists them
	// (ruleIndex points into this slice).
	Rules []diagnostics.Rule
	// ToolVersion is plugin-lsp's version, for SARIF tool.driver.version.
	ToolVersion string
	// Notifications are what could not be checked (see Notification).
	Notifications []Notification
	// Coverage, when set, says what the check looked at; json, sarif and
	// github carry it (text prints it on stderr, not here).
	Coverage *diagnostics.Coverage
	// Files reads source text (SARIF line fingerprints and UTF-16 columns);
	// nil means DiskFiles.
	Files FileReader
}

// Write renders findings in format f. Findings are sorted first (file, line,
// column, rule, message) so that every format is deterministic.
func Write(w io.Writer, f Format, findings []diagnostics.Finding, opts Options) error {
	findings = Sorted(findings)
	if opts.Files == nil {
		opts.Files = DiskFiles{}
	}
	switch f {
	case Text:
		return writeText(w, findings, opts)
	case JSON:
		return writeJSON(w, findings, opts)
	case SARIF:
		return writeSARIF(w, findings, opts)
	case GitHub:
		return writeGitHub(w, findings, opts)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Sorted returns a sorted copy of findings: by file, start position, rule,
// message, then end position.
func Sorted(findings []diagnostics.Finding) []diagnostics.Finding {
	out := append([]diagnostics.Finding(nil), findings...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start.Line != b.Start.Line {
			return a.Start.Line < b.Start.Line
		}
		if a.Start.Col != b.Start.Col {
			return a.Start.Col < b.Start.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		if a.End.Line != b.End.Line {
			return a.End.Line < b.End.Line
		}
		return a.End.Col < b.End.Col
	})
	return out
}

// RelPath returns path relative to base when path lies under base, else
// path unchanged (absolute). SARIF and GitHub paths use it: they must stay
// inside the repository root. The result uses the OS separator.
func RelPath(base, path string) string {
	if base == "" || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(base, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// ShortPath returns path relative to the working directory cwd when that
// is shorter than the absolute path (so "../x/y.go" from a sibling
// directory), else the absolute path: the go command's convention, used by
// the text and json formats.
func ShortPath(cwd, path string) string {
	if cwd == "" || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(cwd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}

func writeText(w io.Writer, findings []diagnostics.Finding, opts Options) error {
	var buf bytes.Buffer
	for _, f := range findings {
		fmt.Fprintf(&buf, "%s:%d:%d: %s %s\n", ShortPath(opts.Cwd, f.File), f.Start.Line, f.Start.Col, f.Rule, oneLine(f.Message))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// oneLine keeps a line-oriented format line-oriented even if a message ever
// carries a newline.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// fileCache reads each file once per rendering and indexes its lines.
type fileCache struct {
	r     FileReader
	files map[string]*srcFile
}

type srcFile struct {
	data       []byte
	lineStarts []int // byte offset of each line's first byte
}

func newFileCache(r FileReader) *fileCache {
	return &fileCache{r: r, files: make(map[string]*srcFile)}
}

// line returns the text of 1-based line n of path without its line ending,
// and false when the file or line cannot be read.
func (c *fileCache) line(path string, n int) (string, bool) {
	f, ok := c.files[path]
	if !ok {
		data, err := c.r.ReadFile(path)
		if err == nil {
			f = &srcFile{data: data, lineStarts: []int{0}}
			for i, b := range data {
				if b == '\n' {
					f.lineStarts = append(f.lineStarts, i+1)
				}
			}
		}
		c.files[path] = f // nil when unreadable: do not retry
	}
	if f == nil || n < 1 || n > len(f.lineStarts) {
		return "", false
	}
	start, end := f.lineStarts[n-1], len(f.data)
	if n < len(f.lineStarts) {
		end = f.lineStarts[n] - 1
	}
	return strings.TrimSuffix(string(f.data[start:end]), "\r"), true
}
