package main

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The CLI as one family: these tests run the built binary (TestMain).

// repoRoot is the repository root, absolute.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestSubcommandHelp: `X -h`, `X -help`, `X --help` and `plugin-lsp help X`
// print the same usage on stdout, nothing on stderr, and exit 0, for every
// subcommand of plugin-lsp; the usages share one layout.
func TestSubcommandHelp(t *testing.T) {
	for _, c := range ownCommands() {
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "-help"}, {c.name, "--help"}, {"help", c.name}, {c.name, "./...", "-h"}, {"-h", c.name}} {
			r := runBinary(t, ".", args...)
			if r.exit != 0 || r.stderr != "" || r.stdout != c.usage {
				t.Errorf("%q: exit %d, stderr %q, stdout %.200q; want exit 0 and %s's usage on stdout", args, r.exit, r.stderr, r.stdout, c.name)
			}
		}
		for _, want := range []string{"usage: plugin-lsp " + c.name + " [flags]", "\nExit status: 0 ", "2 could not run or bad usage", "\nFlags:\n", "  -format F ", "Flags may come"} {
			if !strings.Contains(c.usage, want) {
				t.Errorf("%s's usage lacks %q", c.name, want)
			}
		}
	}
}

// TestUsageListsEveryFlag: each subcommand's usage lists exactly the flags
// its flag set defines.
func TestUsageListsEveryFlag(t *testing.T) {
	flagLine := regexp.MustCompile(`^  -([a-z][a-z.-]*)`)
	for _, c := range ownCommands() {
		var inUsage, defined []string
		_, flags, _ := strings.Cut(c.usage, "\nFlags:\n")
		sc := bufio.NewScanner(strings.NewReader(flags))
		for sc.Scan() {
			if m := flagLine.FindStringSubmatch(sc.Text()); m != nil {
				inUsage = append(inUsage, m[1])
			}
		}
		c.flags().VisitAll(func(f *flag.Flag) { defined = append(defined, f.Name) })
		slices.Sort(inUsage)
		slices.Sort(defined)
		if !slices.Equal(inUsage, defined) {
			t.Errorf("%s: usage lists flags %v, the flag set defines %v", c.name, inUsage, defined)
		}
	}
}

// TestCLIErrors: a command line that cannot run is one line on stderr,
// "plugin-lsp[ CMD]: reason (see plugin-lsp[ CMD] -h)" where it is a usage
// error, nothing on stdout, exit 2 — and for flags before the subcommand or
// after serve, gopls is never started (the fake gopls would leave a mark).
func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	mark := filepath.Join(dir, "gopls-ran")
	fake := filepath.Join(dir, "gopls")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\ntouch "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	example := filepath.Join(repoRoot(t), "testdata", "example")
	for _, tc := range []struct {
		args   []string
		stderr string // the whole line
	}{
		{[]string{"-nosuch"}, "plugin-lsp: flag provided but not defined: -nosuch (see plugin-lsp -h)"},
		{[]string{"--nosuch", "serve"}, "plugin-lsp: flag provided but not defined: -nosuch (see plugin-lsp -h)"},
		{[]string{"-rpc.trace", "-nosuch", "check"}, "plugin-lsp: flag provided but not defined: -nosuch (see plugin-lsp -h)"},
		{[]string{"-logfile"}, "plugin-lsp: flag needs an argument: -logfile (see plugin-lsp -h)"},
		{[]string{"serve", "-nosuch"}, "plugin-lsp: serve: flag provided but not defined: -nosuch (see plugin-lsp -h)"},
		{[]string{"serve", "./..."}, `plugin-lsp: serve takes no arguments, got "./..." (see plugin-lsp -h)`},
		{[]string{"check", "-nosuch", example + "/..."}, "plugin-lsp check: flag provided but not defined: -nosuch (see plugin-lsp check -h)"},
		{[]string{"list", example, "-nosuch"}, "plugin-lsp list: flag provided but not defined: -nosuch (see plugin-lsp list -h)"},
		{[]string{"graph", "-nosuch"}, "plugin-lsp graph: flag provided but not defined: -nosuch (see plugin-lsp graph -h)"},
		{[]string{"check", "-format", "xml"}, `plugin-lsp check: -format: unknown format "xml" (want text, json, sarif or github) (see plugin-lsp check -h)`},
		{[]string{"list", "-format", "xml"}, `plugin-lsp list: -format: unknown format "xml" (want text or json) (see plugin-lsp list -h)`},
		{[]string{"graph", "-format", "xml"}, `plugin-lsp graph: -format: unknown format "xml" (want dot or mermaid) (see plugin-lsp graph -h)`},
		{[]string{"check", "-format"}, "plugin-lsp check: flag needs an argument: -format (see plugin-lsp check -h)"},
		{[]string{"list", "-json", "-format", "text"}, "plugin-lsp list: -json and -format text disagree; use -format only (see plugin-lsp list -h)"},
		{[]string{"graph", example, example}, "plugin-lsp graph: one directory at most, got 2 (see plugin-lsp graph -h)"},
		{[]string{"check", "nosuchdir"}, "plugin-lsp check: nosuchdir: no such directory"},
		{[]string{"list", "nosuchdir"}, "plugin-lsp list: nosuchdir: no such directory"},
		{[]string{"graph", "nosuchdir"}, "plugin-lsp graph: nosuchdir: no such directory"},
	} {
		r := runBinary(t, dir, append([]string{"-gopls", fake}, tc.args...)...)
		if r.exit != 2 || r.stdout != "" || r.stderr != tc.stderr+"\n" {
			t.Errorf("%q: exit %d, stdout %.100q, stderr %q; want exit 2 and %q", tc.args, r.exit, r.stdout, r.stderr, tc.stderr)
		}
		if _, err := os.Stat(mark); err == nil {
			t.Errorf("%q: gopls was started", tc.args)
			os.Remove(mark)
		}
	}
}

// TestFlagsAfterArgs: flags may follow the directories, and -format is
// everywhere (list's -json is -format json); "--" ends the flags.
func TestFlagsAfterArgs(t *testing.T) {
	root := repoRoot(t)
	for _, tc := range []struct {
		exit  int
		forms [][]string // all print the same
	}{
		{1, [][]string{
			{"check", "-format", "json", "testdata/example/..."},
			{"check", "testdata/example/...", "-format", "json"},
		}},
		{1, [][]string{
			{"check", "-format", "json", "-rules", "REG001,REG003", "testdata/example/host", "testdata/example/plugins/..."},
			{"check", "testdata/example/host", "-format=json", "testdata/example/plugins/...", "-rules", "REG001,REG003"},
			{"check", "-format", "json", "-rules", "REG001,REG003", "--", "testdata/example/host", "testdata/example/plugins/..."},
		}},
		{0, [][]string{
			{"list", "-format", "json", "testdata/example"},
			{"list", "testdata/example", "-format", "json"},
			{"list", "-json", "testdata/example"},
			{"list", "testdata/example", "-json"},
			{"list", "-json", "-format", "json", "testdata/example"},
		}},
		{0, [][]string{
			{"list", "testdata/example"},
			{"list", "-format", "text", "testdata/example"},
		}},
		{0, [][]string{
			{"graph", "-format", "mermaid", "testdata/example"},
			{"graph", "testdata/example", "-format", "mermaid"},
		}},
	} {
		first := runBinary(t, root, tc.forms[0]...)
		if first.exit != tc.exit || first.stderr != "" || first.stdout == "" {
			t.Fatalf("%q: exit %d, stderr %q; want exit %d and output", tc.forms[0], first.exit, first.stderr, tc.exit)
		}
		for _, args := range tc.forms[1:] {
			r := runBinary(t, root, args...)
			if r.exit != tc.exit || r.stderr != "" || r.stdout != first.stdout {
				t.Errorf("%q: exit %d, stderr %q, %d bytes; want what %q prints (exit %d, %d bytes)", args, r.exit, r.stderr, len(r.stdout), tc.forms[0], tc.exit, len(first.stdout))
			}
		}
	}
}

// TestVersionFlag: -version and --version print what `plugin-lsp version`
// prints (gopls's output first and unchanged, then plugin-lsp's line) and
// start no server: nothing waits for the editor.
func TestVersionFlag(t *testing.T) {
	want, _, code := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(want, "golang.org/x/tools/gopls v0.23.0\n") || !strings.Contains(want, "\nplugin-lsp ") {
		t.Fatalf("version: exit %d, %q", code, want)
	}
	for _, args := range [][]string{{"-version"}, {"--version"}, {"-gopls", goplsForTest(t), "--version"}} {
		out, stderr, code := runCLI(t, nil, args...)
		if code != 0 || stderr != "" || out != want {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want exit 0 and %q", args, code, stderr, out, want)
		}
	}
}

// TestGoplsFlagTables: the tables of gopls's flags are those of the pinned
// gopls, read from its usage texts in the module cache (the same texts
// `gopls help` prints).
func TestGoplsFlagTables(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/tools/gopls").Output()
	if err != nil {
		t.Fatalf("go list -m golang.org/x/tools/gopls: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal", "cmd", "usage")
	// parse returns the flags listed after the header line in file:
	// "  -name=type" takes a value, "  -name" and "  -a,-b" are booleans.
	parse := func(file, header string) map[string]bool {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		_, list, ok := strings.Cut(string(b), "\n"+header+"\n")
		if !ok {
			t.Fatalf("%s has no %q section", file, header)
		}
		flags := map[string]bool{}
		line := regexp.MustCompile(`^  -(\S+)$`)
		for _, l := range strings.Split(list, "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			names, typ, hasValue := strings.Cut(m[1], "=")
			_ = typ
			for _, n := range strings.Split(names, ",-") {
				flags[n] = hasValue
			}
		}
		if len(flags) == 0 {
			t.Fatalf("no flags found in %s", file)
		}
		return flags
	}
	serve := parse("serve.hlp", "server-flags:")
	all := parse("usage-v.hlp", "flags:")
	if !mapsEqual(serve, goplsServeFlags) {
		t.Errorf("goplsServeFlags = %v, gopls's serve.hlp says %v", goplsServeFlags, serve)
	}
	top := map[string]bool{}
	for k, v := range goplsServeFlags {
		top[k] = v
	}
	for k, v := range goplsAppFlags {
		top[k] = v
	}
	if !mapsEqual(all, top) {
		t.Errorf("goplsServeFlags ∪ goplsAppFlags = %v, gopls's usage-v.hlp says %v", top, all)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
