package index

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const snapGoMod = "module example.com/w\n\ngo 1.22\n"

const snapMain = "package main\n\nimport \"plugin\"\n\nfunc main() { plugin.Open(\"p.so\") }\n"

const snapSrc = `package w

import "database/sql"

func init() { sql.Register("tab\tdrv", nil) }
`

// TestSnapshotTextIsTheIndexedText edits a file on disk after a snapshot
// was taken: the old snapshot never returns the new bytes nor a position
// computed from them. It answers with the text it indexed when the disk
// still holds it, or with ErrChanged; the next snapshot has the new text.
func TestSnapshotTextIsTheIndexedText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(t *testing.T, p string)
		wantErr error // nil: the old text and positions
	}{
		{"unchanged", func(*testing.T, string) {}, nil},
		{"rewritten with the same bytes", func(t *testing.T, p string) {
			writeTree(t, filepath.Dir(p), map[string]string{"a.go": snapSrc})
			later := time.Now().Add(2 * time.Second)
			os.Chtimes(p, later, later)
		}, nil},
		{"lines inserted above", func(t *testing.T, p string) {
			writeTree(t, filepath.Dir(p), map[string]string{"a.go": "// one\n// two\n" + snapSrc})
		}, ErrChanged},
		{"same length", func(t *testing.T, p string) {
			writeTree(t, filepath.Dir(p), map[string]string{"a.go": strings.Replace(snapSrc, "drv", "DRV", 1)})
		}, ErrChanged},
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }, fs.ErrNotExist},
	} {
		for _, cache := range []bool{false, true} {
			name := tc.name
			if cache {
				name += "/warm start"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				writeTree(t, dir, map[string]string{"go.mod": snapGoMod, "a.go": snapSrc})
				opts := Options{Roots: []string{dir}}
				if cache {
					// The second build takes the facts (and the checksum
					// that verifies them) from the disk cache, unread.
					opts.CacheDir = t.TempDir()
					build(t, opts)
				}
				ix := New(opts)
				old, err := ix.Build(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(dir, "a.go")
				id, _ := old.FileID(p)
				regs := old.Registrations()
				if len(regs) != 1 {
					t.Fatalf("registrations = %d, want 1", len(regs))
				}
				ref := regs[0].NameRef
				want := Position{Line: 5, Col: 28}
				if got := old.Position(ref); got != want {
					t.Fatalf("before the edit: position %+v, want %+v", got, want)
				}

				tc.edit(t, p)

				b, err := old.Content(id)
				l, lerr := old.Lines(id)
				got := old.Position(ref)
				if tc.wantErr == nil {
					if err != nil || lerr != nil || string(b) != snapSrc || string(l.Text()) != snapSrc {
						t.Fatalf("Content = %q, %v; Lines error %v; want the indexed text", b, err, lerr)
					}
					if got != want {
						t.Errorf("position %+v, want %+v", got, want)
					}
					return
				}
				if !errors.Is(err, tc.wantErr) || !errors.Is(lerr, tc.wantErr) || b != nil || l != nil {
					t.Fatalf("Content = %q, %v; Lines error %v; want an error wrapping %v", b, err, lerr, tc.wantErr)
				}
				if got != (Position{}) {
					t.Errorf("position %+v, want the zero Position (not known)", got)
				}
				// The next snapshot has the new text.
				ix.DiskChanged(p)
				cur := ix.Flush()
				if tc.wantErr == ErrChanged {
					nb, err := cur.Content(id)
					disk, _ := os.ReadFile(p)
					if err != nil || string(nb) != string(disk) {
						t.Errorf("new snapshot: Content = %q, %v; want the disk's %q", nb, err, disk)
					}
				}
			})
		}
	}
}

// TestSnapshotOverlayIsAValue: every snapshot keeps the overlay text it
// indexed, whatever the editor or the disk holds later.
func TestSnapshotOverlayIsAValue(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": snapGoMod, "a.go": snapSrc})
	ix := New(Options{Roots: []string{dir}})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "a.go")
	v1 := "// v1\n" + snapSrc
	s1 := ix.SetOverlay(p, []byte(v1))
	s2 := ix.SetOverlay(p, []byte("// version 2\n"+snapSrc))
	writeTree(t, dir, map[string]string{"a.go": "package w\n"})
	id, _ := s1.FileID(p)
	if b, err := s1.Content(id); err != nil || string(b) != v1 {
		t.Errorf("first overlay snapshot: Content = %q, %v; want %q", b, err, v1)
	}
	if got, want := s1.Position(s1.Registrations()[0].NameRef), (Position{Line: 6, Col: 28}); got != want {
		t.Errorf("first overlay snapshot: position %+v, want %+v", got, want)
	}
	if got, want := s2.Position(s2.Registrations()[0].NameRef), (Position{Line: 6, Col: 28}); got != want {
		t.Errorf("second overlay snapshot: position %+v, want %+v", got, want)
	}
	s3 := ix.ClearOverlay(p)
	if b, err := s3.Content(id); err != nil || string(b) != "package w\n" {
		t.Errorf("after the overlay is closed: Content = %q, %v; want the disk's text", b, err)
	}
}

// TestBuildCommandPathsAtUpdate: whether a path a build command names
// exists is decided when the snapshot is made, not when it is first linked,
// so a directory that appears on disk later does not change the old
// snapshot's answer. The next snapshot sees it when the update reads the
// disk; an edit of an open document that adds or drops no build command
// keeps the paths of the last update.
func TestBuildCommandPathsAtUpdate(t *testing.T) {
	const cmdTest = "package main\n\nimport \"os/exec\"\n\nfunc TestPlug() { exec.Command(\"go\", \"build\", \"-buildmode=plugin\", \"-o\", \"q.so\", \"./plug\").Run() }\n"
	for _, tc := range []struct {
		name   string
		update func(ix *Index, dir string) *Snapshot
		found  bool // the next snapshot resolves ./plug
	}{
		{"disk change", func(ix *Index, dir string) *Snapshot {
			ix.DiskChanged(filepath.Join(dir, "plug"))
			return ix.Flush()
		}, true},
		{"overlay without commands", func(ix *Index, dir string) *Snapshot {
			return ix.SetOverlay(filepath.Join(dir, "main.go"), []byte(snapMain+"// edited\n"))
		}, false},
		{"overlay adding a command", func(ix *Index, dir string) *Snapshot {
			return ix.SetOverlay(filepath.Join(dir, "plug_test.go"), []byte(cmdTest))
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{
				"go.mod":   snapGoMod,
				"main.go":  snapMain,
				"Makefile": "all:\n\tgo build -buildmode=plugin -o p.so ./plug\n",
			})
			plug := filepath.Join(dir, "plug")
			resolved := func(s *Snapshot) bool {
				n := 0
				for _, bc := range s.BuildCommands() {
					if slices.Contains(bc.Targets, plug) {
						n++
					}
				}
				return n > 0 && n == len(s.BuildCommands())
			}
			ix := New(Options{Roots: []string{dir}})
			old, err := ix.Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// Not linked yet: linking is lazy and happens after the
			// directory appears.
			writeTree(t, dir, map[string]string{"plug/plug.go": "package main\n\nfunc F() {}\n"})
			if len(old.BuildCommands()) != 1 || resolved(old) {
				t.Errorf("old snapshot: commands %+v, want one that resolves nothing (./plug did not exist when it was made)", old.BuildCommands())
			}
			next := tc.update(ix, dir)
			if got := resolved(next); got != tc.found {
				t.Errorf("next snapshot: ./plug resolved = %v, want %v (commands %+v)", got, tc.found, next.BuildCommands())
			}
			if resolved(old) {
				t.Error("old snapshot changed its answer")
			}
		})
	}
}
