package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEExamples: every command line in README.md that runs
// `plugin-lsp check|list|graph|help` on the repository's testdata, or says
// which exit status it has ("# exit N"), runs from the repository root
// with that exit status and prints something. A line that names testdata
// must say its exit status.
func TestREADMEExamples(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`^plugin-lsp (check|list|graph|help)\b`)
	exitNote := regexp.MustCompile(`#\s*exit ([0-9])\b`)
	ran := 0
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !example.MatchString(line) {
			continue
		}
		note := exitNote.FindStringSubmatch(line)
		if note == nil {
			if strings.Contains(line, "testdata/") {
				t.Errorf("README.md:%d: %q runs on testdata but does not say its exit status (# exit N)", i+1, line)
			}
			continue
		}
		want, _ := strconv.Atoi(note[1])
		cmdline := line
		for _, stop := range []string{"#", ">", "|", "&&", ";"} {
			cmdline, _, _ = strings.Cut(cmdline, stop)
		}
		args := strings.Fields(cmdline)[1:]
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runBinary(t, root, args...)
			if r.exit != want || r.stdout == "" {
				t.Errorf("README.md:%d: %q: exit %d, %d bytes on stdout, stderr %q; the README says exit %d", i+1, line, r.exit, len(r.stdout), r.stderr, want)
			}
		})
		ran++
	}
	if ran < 5 {
		t.Errorf("ran %d README examples; the first-five-minutes walk-through has more", ran)
	}
}
