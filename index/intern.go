package index

import (
	"path/filepath"
	"sync"
)

// interner maps paths to dense FileIDs. It is append-only and shared by all
// snapshots of one Index: an ID, once given, always names the same path.
type interner struct {
	mu    sync.RWMutex
	paths []string // paths[0] is "" (FileID 0 means no file)
	ids   map[string]FileID
}

func newInterner() *interner {
	return &interner{paths: []string{""}, ids: map[string]FileID{}}
}

func (in *interner) intern(p string) FileID {
	in.mu.RLock()
	id, ok := in.ids[p]
	in.mu.RUnlock()
	if ok {
		return id
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if id, ok := in.ids[p]; ok {
		return id
	}
	id = FileID(len(in.paths))
	in.paths = append(in.paths, p)
	in.ids[p] = id
	return id
}

func (in *interner) lookup(p string) (FileID, bool) {
	in.mu.RLock()
	defer in.mu.RUnlock()
	id, ok := in.ids[p]
	return id, ok
}

func (in *interner) path(id FileID) string {
	in.mu.RLock()
	defer in.mu.RUnlock()
	if int(id) < len(in.paths) {
		return in.paths[id]
	}
	return ""
}

func cleanPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
