package index

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"fmt"
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// diskCacheVersion changes whenever FileFacts or extraction changes meaning;
// a cache of another version is ignored.
const diskCacheVersion = 11

// buildStamp identifies the running binary (size and modification time of
// the executable), part of every cache key: a version constant alone let a
// rebuilt plugin-lsp whose extraction had changed read facts an older build
// wrote (seen: dependency registries missing from a warm cache). Computed
// once per process; it never changes while the process runs.
var buildStamp = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d-%d", st.Size(), st.ModTime().UnixNano())
})

// diskEntry is the persisted facts of one Go file, valid while the file
// keeps its size and modification time.
type diskEntry struct {
	Size    int64
	ModTime int64
	Sum     uint32 // contentSum of the text the facts were extracted from
	Facts   *FileFacts
}

// diskCache is the facts of a previous run, by path. It is read once at the
// start of Build and written once at its end; an unreadable or stale cache is
// simply not used.
type diskCache map[string]diskEntry

func cachePath(dir string, roots []string) string {
	h := sha256.Sum256([]byte(buildStamp() + "\x00" + strings.Join(roots, "\x00")))
	return filepath.Join(dir, fmt.Sprintf("facts-v%d-%x.gob", diskCacheVersion, h[:8]))
}

func loadDiskCache(dir string, roots []string) diskCache {
	f, err := os.Open(cachePath(dir, roots))
	if err != nil {
		return nil
	}
	defer f.Close()
	var c diskCache
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&c); err != nil {
		return nil
	}
	for _, e := range c {
		if e.Facts != nil && e.Facts.Constraint != "" {
			if x, err := constraint.Parse("//go:build " + e.Facts.Constraint); err == nil {
				e.Facts.expr = x
			}
		}
	}
	return c
}

// lookup returns the cached entry of a file whose size and mtime match.
func (c diskCache) lookup(path string, st os.FileInfo) (diskEntry, bool) {
	if c == nil || st == nil {
		return diskEntry{}, false
	}
	e, ok := c[path]
	if !ok || e.Facts == nil || e.Size != st.Size() || e.ModTime != st.ModTime().UnixNano() {
		return diskEntry{}, false
	}
	return e, true
}

// saveDiskCache writes the facts of every Go file read from disk (not from an
// overlay) in files, atomically.
func saveDiskCache(dir string, roots []string, files []*fileEntry) error {
	c := diskCache{}
	for _, e := range files {
		if e == nil || e.facts == nil || e.modTime == 0 {
			continue
		}
		c[e.facts.Path] = diskEntry{Size: e.size, ModTime: e.modTime, Sum: e.sum, Facts: e.facts}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "facts-*.tmp")
	if err != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	w := bufio.NewWriter(tmp)
	err = gob.NewEncoder(w).Encode(c)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), cachePath(dir, roots))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("index cache: %w", err)
	}
	return nil
}
