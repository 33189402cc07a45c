package report

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
)

// Notification is something check could not check (a skipped file, a
// broken .plugin-lsp.yaml, a failed type load): not a finding of a rule,
// but never left out of a report. Text prints none (check writes them to
// stderr); json adds an element with rule NotificationRule; SARIF lists
// them as the invocation's toolExecutionNotifications; github writes an
// annotation.
type Notification struct {
	Level   string // "error" (check exits 2) or "warning"
	File    string // absolute path of the file or directory
	Line    int    // 1-based; 0 when about the whole file
	Message string
	Cwd     string // for String: the path is shown relative to it when shorter
}

// NotificationRule is the rule field of a notification in the json format.
const NotificationRule = "CHECK"

// String formats the notification as "file:line: message".
func (n Notification) String() string {
	loc := ShortPath(n.Cwd, n.File)
	if n.Line > 0 {
		loc += ":" + strconv.Itoa(n.Line)
	}
	return loc + ": " + oneLine(n.Message)
}

// SARIFInvocation is one run's invocation: whether it succeeded and what
// it could not check.
type SARIFInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []SARIFNotification `json:"toolExecutionNotifications,omitempty"`
}

// SARIFNotification is a notification object.
type SARIFNotification struct {
	Level     string                    `json:"level"`
	Message   SARIFMessage              `json:"message"`
	Locations []SARIFNotificationPlace  `json:"locations,omitempty"`
	Rule      *SARIFDescriptorReference `json:"descriptor,omitempty"`
}

// SARIFDescriptorReference names the kind of notification.
type SARIFDescriptorReference struct {
	ID string `json:"id"`
}

// SARIFNotificationPlace is a location of a notification: a file and, when
// known, a line.
type SARIFNotificationPlace struct {
	PhysicalLocation SARIFNotificationPhysical `json:"physicalLocation"`
}

// SARIFNotificationPhysical is a file and an optional line region.
type SARIFNotificationPhysical struct {
	ArtifactLocation SARIFArtifactLocation `json:"artifactLocation"`
	Region           *SARIFLineRegion      `json:"region,omitempty"`
}

// SARIFLineRegion is a region given by its start line only.
type SARIFLineRegion struct {
	StartLine int `json:"startLine"`
}

// sarifInvocations is the run's invocations: nil when there is nothing to
// say (the common, complete run), else one invocation that failed when a
// notification is an error.
func sarifInvocations(notes []Notification, root string) []SARIFInvocation {
	if len(notes) == 0 {
		return nil
	}
	inv := SARIFInvocation{ExecutionSuccessful: true}
	for _, n := range notes {
		if n.Level == "error" {
			inv.ExecutionSuccessful = false
		}
		al := SARIFArtifactLocation{URI: fileURI(n.File)}
		if rel := RelPath(root, n.File); root != "" && !filepath.IsAbs(rel) {
			al = SARIFArtifactLocation{URI: pathURI(filepath.ToSlash(rel)), URIBaseID: SrcRoot}
		}
		place := SARIFNotificationPlace{PhysicalLocation: SARIFNotificationPhysical{ArtifactLocation: al}}
		if n.Line > 0 {
			place.PhysicalLocation.Region = &SARIFLineRegion{StartLine: n.Line}
		}
		level := n.Level
		if level != "error" {
			level = "warning"
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, SARIFNotification{
			Level:     level,
			Message:   SARIFMessage{Text: n.Message},
			Locations: []SARIFNotificationPlace{place},
		})
	}
	return []SARIFInvocation{inv}
}

// writeGitHubNotes annotates each notification (file-level when no line).
func writeGitHubNotes(buf *bytes.Buffer, notes []Notification, root string) {
	for _, n := range notes {
		cmd := "warning"
		if n.Level == "error" {
			cmd = "error"
		}
		file := filepath.ToSlash(RelPath(root, n.File))
		if n.Line > 0 {
			fmt.Fprintf(buf, "::%s file=%s,line=%d,title=plugin-lsp::%s\n", cmd, escapeProperty(file), n.Line, escapeData(n.Message))
		} else {
			fmt.Fprintf(buf, "::%s file=%s,title=plugin-lsp::%s\n", cmd, escapeProperty(file), escapeData(n.Message))
		}
	}
}

// CoverageRule is the rule of the json element that carries the coverage.
const CoverageRule = "COVERAGE"

// jsonNotifications converts notifications to json elements (rule CHECK,
// severity error or warning, range at the line or zero).
func jsonNotifications(notes []Notification, cwd string) []JSONFinding {
	out := make([]JSONFinding, 0, len(notes))
	for _, n := range notes {
		sev := "warning"
		if n.Level == "error" {
			sev = "error"
		}
		r := JSONRange{}
		if n.Line > 0 {
			r = JSONRange{Start: JSONPos{Line: n.Line, Col: 1}, End: JSONPos{Line: n.Line, Col: 1}}
		}
		out = append(out, JSONFinding{Rule: NotificationRule, Severity: sev, Message: n.Message,
			File: filepath.ToSlash(ShortPath(cwd, n.File)), Range: r,
			Related: []JSONRelated{}, Configs: []string{}, Notification: true})
	}
	return out
}
