package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

// SARIF constants. The $schema URI is the schema's own id (OASIS errata 01),
// the file that testdata/check/sarif-schema-2.1.0.json is a copy of.
const (
	SARIFVersion   = "2.1.0"
	SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	ToolName       = "plugin-lsp"
	ToolInfoURI    = "https://github.com/plugin-lsp/plugin-lsp"
	// SrcRoot is the uriBaseId of every artifact under the repository root.
	SrcRoot = "%SRCROOT%"
	// FingerprintKey names our entry in result.partialFingerprints. GitHub's
	// upload action adds its own primaryLocationLineHash beside it.
	FingerprintKey = "pluginLspFindingHash/v1"
)

// The SARIF types below cover the subset plugin-lsp writes; field names
// follow the SARIF 2.1.0 schema (testdata/check/sarif-schema-2.1.0.json).

// SARIFLog is the top-level SARIF object.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is one run of plugin-lsp.
type SARIFRun struct {
	Tool               SARIFTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]SARIFArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []SARIFResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
	// Invocations is set only when something could not be checked.
	Invocations []SARIFInvocation `json:"invocations,omitempty"`
	// Properties carry the coverage (what was checked and skipped).
	Properties *SARIFRunProps `json:"properties,omitempty"`
}

// SARIFRunProps is the run's property bag.
type SARIFRunProps struct {
	Coverage     *diagnostics.Coverage `json:"coverage,omitempty"`
	CoverageText string                `json:"coverageText,omitempty"`
}

// SARIFTool describes plugin-lsp.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is the tool component that produced the results.
type SARIFDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFRule is a reportingDescriptor: one rule's metadata.
type SARIFRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     SARIFMessage       `json:"shortDescription"`
	FullDescription      SARIFMessage       `json:"fullDescription"`
	Help                 SARIFMessage       `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration SARIFConfiguration `json:"defaultConfiguration"`
	Properties           *SARIFRuleProps    `json:"properties,omitempty"`
}

// SARIFRuleProps carries the tags GitHub code scanning shows as filters.
type SARIFRuleProps struct {
	Tags []string `json:"tags,omitempty"`
}

// SARIFConfiguration is a reportingConfiguration.
type SARIFConfiguration struct {
	Level string `json:"level"`
}

// SARIFMessage is a multiformatMessageString or message.
type SARIFMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// SARIFResult is one finding.
type SARIFResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             SARIFMessage      `json:"message"`
	Locations           []SARIFLocation   `json:"locations"`
	RelatedLocations    []SARIFLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          *SARIFResultProps `json:"properties,omitempty"`
}

// SARIFResultProps holds the build configurations a finding holds in.
type SARIFResultProps struct {
	Configs []string `json:"configs,omitempty"`
}

// SARIFLocation is a location with an optional id and message (related
// locations have both).
type SARIFLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation SARIFPhysicalLocation `json:"physicalLocation"`
	Message          *SARIFMessage         `json:"message,omitempty"`
}

// SARIFPhysicalLocation is a file and a region in it.
type SARIFPhysicalLocation struct {
	ArtifactLocation SARIFArtifactLocation `json:"artifactLocation"`
	Region           SARIFRegion           `json:"region"`
}

// SARIFArtifactLocation is a URI, relative to UriBaseID when that is set.
type SARIFArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// SARIFRegion is a text region; columns are UTF-16 code units (the run's
// columnKind), 1-based, EndColumn exclusive.
type SARIFRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.Error:
		return "error"
	case diagnostics.Warning:
		return "warning"
	}
	return "note"
}

// ToSARIF builds the SARIF log for findings (in the given order).
func ToSARIF(findings []diagnostics.Finding, opts Options) SARIFLog {
	files := newFileCache(opts.Files)
	run := SARIFRun{
		Tool: SARIFTool{Driver: SARIFDriver{
			Name:           ToolName,
			InformationURI: ToolInfoURI,
			Version:        opts.ToolVersion,
			Rules:          make([]SARIFRule, 0, len(opts.Rules)),
		}},
		Results:     make([]SARIFResult, 0, len(findings)),
		ColumnKind:  "utf16CodeUnits",
		Invocations: sarifInvocations(opts.Notifications, opts.Root),
	}
	if opts.Coverage != nil {
		run.Properties = &SARIFRunProps{Coverage: opts.Coverage, CoverageText: opts.Coverage.String()}
	}
	if opts.Root != "" {
		run.OriginalURIBaseIDs = map[string]SARIFArtifactLocation{
			SrcRoot: {URI: dirURI(opts.Root)},
		}
	}
	ruleIndex := make(map[string]int)
	for _, r := range opts.Rules {
		ruleIndex[r.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(r))
	}
	seen := make(map[string]int) // fingerprint → occurrences so far
	for _, f := range findings {
		idx, ok := ruleIndex[f.Rule]
		if !ok {
			// A finding of a rule without metadata (should not happen):
			// describe it minimally so that ruleIndex stays valid.
			idx = len(run.Tool.Driver.Rules)
			ruleIndex[f.Rule] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(diagnostics.Rule{ID: f.Rule, Name: f.Rule, Title: f.Rule, Doc: f.Rule, Severity: f.Severity}))
		}
		res := SARIFResult{
			RuleID:    f.Rule,
			RuleIndex: idx,
			Level:     sarifLevel(f.Severity),
			Message:   SARIFMessage{Text: f.Message},
			Locations: []SARIFLocation{{PhysicalLocation: physical(f.Location, opts.Root, files)}},
		}
		for i, r := range f.Related {
			id := i + 1
			msg := r.Message
			if msg == "" {
				msg = "related location"
			}
			res.RelatedLocations = append(res.RelatedLocations, SARIFLocation{
				ID:               &id,
				PhysicalLocation: physical(r.Location, opts.Root, files),
				Message:          &SARIFMessage{Text: msg},
			})
		}
		fp := fingerprint(f, opts.Root, files)
		n := seen[fp]
		seen[fp] = n + 1
		res.PartialFingerprints = map[string]string{FingerprintKey: fmt.Sprintf("%s:%d", fp, n+1)}
		if len(f.Configs) > 0 {
			res.Properties = &SARIFResultProps{Configs: append([]string(nil), f.Configs...)}
		}
		run.Results = append(run.Results, res)
	}
	return SARIFLog{Schema: SARIFSchemaURI, Version: SARIFVersion, Runs: []SARIFRun{run}}
}

func writeSARIF(w io.Writer, findings []diagnostics.Finding, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ToSARIF(findings, opts))
}

// sarifRule turns a rule's documentation (its data in package diagnostics)
// into SARIF rule metadata.
func sarifRule(r diagnostics.Rule) SARIFRule {
	short := r.Title
	if short == "" {
		short = r.ID
	}
	full := strings.TrimSpace(r.Doc)
	if full == "" {
		full = short
	}
	var md strings.Builder
	fmt.Fprintf(&md, "**%s %s**: %s\n\n%s\n", r.ID, r.Name, short, full)
	var txt strings.Builder
	fmt.Fprintf(&txt, "%s %s: %s\n\n%s\n", r.ID, r.Name, short, full)
	if r.Before != "" {
		fmt.Fprintf(&md, "\nExample that fires:\n\n```\n%s\n```\n", strings.TrimSpace(r.Before))
		fmt.Fprintf(&txt, "\nExample that fires:\n\n%s\n", indent(strings.TrimSpace(r.Before)))
	}
	if r.After != "" {
		fmt.Fprintf(&md, "\nFixed:\n\n```\n%s\n```\n", strings.TrimSpace(r.After))
		fmt.Fprintf(&txt, "\nFixed:\n\n%s\n", indent(strings.TrimSpace(r.After)))
	}
	if r.HelpURI != "" {
		fmt.Fprintf(&md, "\n[Documentation](%s)\n", r.HelpURI)
		fmt.Fprintf(&txt, "\nDocumentation: %s\n", r.HelpURI)
	}
	name := r.Name
	if name == "" {
		name = r.ID
	}
	return SARIFRule{
		ID:                   r.ID,
		Name:                 name,
		ShortDescription:     SARIFMessage{Text: short},
		FullDescription:      SARIFMessage{Text: full, Markdown: full},
		Help:                 SARIFMessage{Text: txt.String(), Markdown: md.String()},
		HelpURI:              r.HelpURI,
		DefaultConfiguration: SARIFConfiguration{Level: sarifLevel(r.Severity)},
		Properties:           &SARIFRuleProps{Tags: []string{"plugin-lsp", ruleFamily(r.ID)}},
	}
}

// ruleFamily names a rule's group from its ID prefix (REG, PL, MF, SEC).
func ruleFamily(id string) string {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return id
	}
	return strings.ToLower(id[:i])
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// physical builds a physicalLocation: the URI is relative to %SRCROOT% when
// the file is under the repository root, else an absolute file URI.
func physical(l diagnostics.Location, root string, files *fileCache) SARIFPhysicalLocation {
	var art SARIFArtifactLocation
	if rel := RelPath(root, l.File); root != "" && !filepath.IsAbs(rel) {
		art = SARIFArtifactLocation{URI: pathURI(filepath.ToSlash(rel)), URIBaseID: SrcRoot}
	} else {
		art = SARIFArtifactLocation{URI: fileURI(l.File)}
	}
	region := SARIFRegion{
		StartLine:   max(l.Start.Line, 1),
		StartColumn: utf16Col(files, l.File, l.Start),
		EndLine:     max(l.End.Line, l.Start.Line, 1),
		EndColumn:   utf16Col(files, l.File, l.End),
	}
	if region.EndLine == region.StartLine && region.EndColumn < region.StartColumn {
		region.EndColumn = region.StartColumn
	}
	return SARIFPhysicalLocation{ArtifactLocation: art, Region: region}
}

// utf16Col converts a 1-based byte column to a 1-based UTF-16 column with
// the line index of the finding's text; when the text or the line cannot be
// read the byte column is kept. A column past the line's end counts up to
// its end.
func utf16Col(files *fileCache, path string, p diagnostics.Pos) int {
	col := max(p.Col, 1)
	l := files.lines(path)
	if l == nil || p.Line < 1 || p.Line > l.Count() {
		return col
	}
	return l.UTF16Col(l.Offset(p.Line, col))
}

// fingerprint identifies a finding independently of its line number: a hash
// of the rule, the file relative to the root, the message (without the
// line numbers of other places it names) and the trimmed text of the
// finding's first line. A line inserted above the finding does
// not change it; editing the flagged line does. The caller appends an
// occurrence counter so that identical findings stay distinct.
func fingerprint(f diagnostics.Finding, root string, files *fileCache) string {
	text, _ := files.line(f.File, f.Start.Line)
	h := sha256.New()
	for _, s := range []string{f.Rule, filepath.ToSlash(RelPath(root, f.File)), messagePositions.ReplaceAllString(f.Message, "$1"), strings.TrimSpace(text)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// messagePositions matches the ":line" or ":line:col" after a file name in
// a message ("also registered at plugins/a/a.go:9"): the fingerprint drops
// it, so that the other side of a finding moving does not make a new alert.
var messagePositions = regexp.MustCompile(`(\.[A-Za-z0-9]+):[0-9]+(:[0-9]+)?\b`)

// pathURI escapes a relative slash path as a URI reference.
func pathURI(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// fileURI is the file:// URI of an absolute path.
func fileURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// dirURI is the file:// URI of a directory, with the trailing slash SARIF
// requires of a uriBaseId's base.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}
