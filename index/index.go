package index

import (
	"context"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultDebounce is the quiet period after the last disk change before the
// index recomputes once.
const DefaultDebounce = 150 * time.Millisecond

// Index owns the current Snapshot and builds the next one on every change.
// Queries take Snapshot() and read it without locks; updates are serialised.
type Index struct {
	opts  Options
	src   Source
	paths *interner
	seed  maphash.Seed
	// matrixFromFiles: Options.Configs was nil, so the first Build takes
	// the matrix of the workspace's .plugin-lsp.yaml files (set under mu).
	matrixFromFiles bool

	// buildMu serialises Builds. A Build holds mu only to start and to
	// publish, so overlays and disk changes keep coming while it reads and
	// extracts; they are applied again on top of its result.
	buildMu sync.Mutex

	mu       sync.Mutex // serialises updates and guards the fields below
	overlays map[FileID][]byte
	pending  map[string]struct{}
	gen      uint64
	building bool                  // a Build is reading and extracting
	targets  map[FileID]*fileEntry // build-command targets outside the walk (readTargets)
	during   map[string]struct{}   // paths updated while building: re-applied after it

	cacheMu sync.Mutex            // guards cache (extraction runs outside mu during Build)
	cache   map[uint64]*FileFacts // content hash → facts (path-independent part)

	deps *depStore // dependency modules read, by module@version (depmodules.go)

	cur  atomic.Pointer[Snapshot]
	kick chan struct{}

	// guard reads disk files safely (readfile.go); replaced by SetRoots.
	guard atomic.Pointer[fileGuard]
}

type diskSource struct{}

func (diskSource) ReadFile(p string) ([]byte, error) { return ReadRegular(p, 0) }

// DiskSource reads files from the disk.
var DiskSource Source = diskSource{}

// New returns an Index for opts. Nothing is read until Build.
func New(opts Options) *Index {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	fromFiles := opts.Configs == nil
	if opts.Configs == nil {
		opts.Configs = DefaultConfigs()
	}
	src := opts.Source
	if src == nil {
		src = DiskSource
	}
	roots := make([]string, 0, len(opts.Roots))
	for _, r := range opts.Roots {
		roots = append(roots, cleanPath(r))
	}
	opts.Roots = roots
	ix := &Index{
		opts:     opts,
		src:      src,
		paths:    newInterner(),
		seed:     maphash.MakeSeed(),
		overlays: map[FileID][]byte{},
		pending:  map[string]struct{}{},
		cache:    map[uint64]*FileFacts{},
		kick:     make(chan struct{}, 1),

		matrixFromFiles: fromFiles,
	}
	ix.guard.Store(newFileGuard(roots, opts.MaxFileSize))
	ix.deps = newDepStore(depCacheDir(opts))
	ix.cur.Store(&Snapshot{paths: ix.paths, configs: opts.Configs, roots: roots, ws: &workspace{}, read: ix.readDisk})
	return ix
}

// Snapshot returns the current snapshot (never nil; empty before Build).
func (ix *Index) Snapshot() *Snapshot { return ix.cur.Load() }

func (ix *Index) logf(format string, args ...any) {
	if ix.opts.Logf != nil {
		ix.opts.Logf(format, args...)
	}
}

// Build discovers the workspace and extracts every file (cold build, or a
// full rescan reusing cached facts for unchanged content). Overlays and disk
// changes that arrive while it runs are not blocked and not lost: Build
// reads the overlays as they were when it started, and re-applies every
// path updated meanwhile (SetOverlay, ClearOverlay, Flush) on top of its
// result; disk changes still pending stay pending for the next Flush.
func (ix *Index) Build(ctx context.Context) (*Snapshot, error) {
	ix.buildMu.Lock()
	defer ix.buildMu.Unlock()
	ix.mu.Lock()
	roots := append([]string(nil), ix.opts.Roots...)
	for _, r := range roots {
		if st, err := os.Stat(r); err != nil {
			ix.mu.Unlock()
			return nil, fmt.Errorf("index root: %w", err)
		} else if !st.IsDir() {
			ix.mu.Unlock()
			return nil, fmt.Errorf("index root %s: not a directory", r)
		}
	}
	// What is pending now is read by this build; what arrives from here on
	// stays pending.
	ix.pending = map[string]struct{}{}
	ov := make(map[FileID][]byte, len(ix.overlays))
	for k, v := range ix.overlays {
		ov[k] = v
	}
	ix.building, ix.during = true, map[string]struct{}{}
	ix.mu.Unlock()
	s, err := ix.build(ctx, roots, ov)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	during := ix.during
	ix.building, ix.during = false, nil
	if err != nil {
		return nil, err
	}
	ix.targets = s.targets
	ix.publish(s.files, s.ws)
	if len(during) > 0 {
		paths := make([]string, 0, len(during))
		for p := range during {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		ix.updateLocked(paths)
	}
	return ix.cur.Load(), nil
}

// build reads and extracts the workspace at roots, outside ix.mu; the
// returned snapshot is not published.
func (ix *Index) build(ctx context.Context, roots []string, ov map[FileID][]byte) (*Snapshot, error) {
	read := func(p string) ([]byte, error) {
		if id, ok := ix.paths.lookup(p); ok {
			if b, ok := ov[id]; ok {
				return b, nil
			}
		}
		return ix.readDisk(p)
	}
	ws, found := discover(roots, read)
	if ix.matrixFromFiles {
		// Before anything reads the matrix: dependency files are filtered
		// by it, and the snapshot links under it.
		ix.mu.Lock()
		ix.matrixFromFiles = false
		if m := ConfiguredMatrix(ws.modules); len(m) > 0 {
			ix.opts.Configs = m
		}
		ix.mu.Unlock()
	}
	ids := make([]FileID, len(found))
	maxID := FileID(0)
	for i, f := range found {
		ids[i] = ix.paths.intern(f.path)
		maxID = max(maxID, ids[i])
	}
	files := make([]*fileEntry, maxID+1)
	useDisk := ix.opts.CacheDir != "" && ix.opts.Source == nil
	var disk diskCache // facts of the previous run
	if useDisk {
		disk = loadDiskCache(ix.opts.CacheDir, roots)
	}
	err := ix.extractAll(ctx, ws, found, ids, files, ov, disk)
	if err != nil {
		return nil, err
	}
	files = ix.readDeps(ctx, ws, files)
	if useDisk {
		if err := saveDiskCache(ix.opts.CacheDir, roots, files); err != nil {
			ix.logf("%v", err)
		}
	}
	return &Snapshot{files: files, ws: ws, targets: ix.readTargets(ws, files, roots, read)}, nil
}

// maxTargetFiles bounds the Go files readTargets reads.
const maxTargetFiles = 4096

// readTargets reads the Go files that -buildmode=plugin commands build but
// the workspace walk skipped: a test's plugins under testdata/ when the
// root is the module (GOROOT/src and cmd/cgo/internal/testplugin). They
// give NativePlugin.Files and Symbols; they belong to no package and no
// rule sees them. Targets are resolved as linking does (the command's
// directory, its testdata, its module, the roots).
func (ix *Index) readTargets(ws *workspace, files []*fileEntry, roots []string, read func(string) ([]byte, error)) map[FileID]*fileEntry {
	want := map[string]bool{}
	for id, e := range files {
		if e == nil {
			continue
		}
		var cmds []BuildCommand
		dir := ""
		if e.facts != nil {
			cmds, dir = e.facts.Commands, filepath.Dir(e.facts.Path)
		} else if sc, ok := e.other.([]BuildCommand); ok {
			cmds = sc
		}
		for _, bc := range cmds {
			if bc.Mode != "plugin" {
				continue
			}
			d := dir
			if d == "" {
				d = bc.Dir
			}
			bases := []string{d, filepath.Join(d, "testdata")}
			if m := ws.moduleFor(ix.paths.path(FileID(id))); m != nil {
				bases = append(bases, m.Dir)
			}
			bases = append(bases, roots...)
			for _, a := range bc.Args {
				if strings.Contains(a, "$") || !strings.HasPrefix(a, ".") && !filepath.IsAbs(a) && !strings.HasSuffix(a, ".go") {
					continue // an import path: a workspace package or nothing
				}
				for _, b := range bases {
					t := a
					if !filepath.IsAbs(t) {
						t = filepath.Join(b, a)
					}
					st, err := os.Stat(t)
					if err != nil {
						continue
					}
					if !st.IsDir() {
						want[t] = strings.HasSuffix(t, ".go")
						break
					}
					entries, _ := os.ReadDir(t)
					for _, de := range entries {
						if n := de.Name(); !de.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
							want[filepath.Join(t, n)] = true
						}
					}
					break
				}
			}
		}
	}
	paths := make([]string, 0, len(want))
	for p, ok := range want {
		if !ok {
			continue
		}
		if id, ok := ix.paths.lookup(p); ok && int(id) < len(files) && files[id] != nil {
			continue // indexed already
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	if len(paths) > maxTargetFiles {
		ix.logf("index: %d Go files built as plugins outside the workspace; reading the first %d", len(paths), maxTargetFiles)
		paths = paths[:maxTargetFiles]
	}
	out := make(map[FileID]*fileEntry, len(paths))
	for _, p := range paths {
		b, err := read(p)
		if err != nil {
			continue
		}
		id := ix.paths.intern(p)
		out[id] = ix.entryFor(ws, id, p, kindGo, b)
	}
	return out
}

// extractAll reads and extracts files in parallel; ov are the overlays
// (read only), disk the facts of the previous run (nil: none).
func (ix *Index) extractAll(ctx context.Context, ws *workspace, found []foundFile, ids []FileID, out []*fileEntry, ov map[FileID][]byte, disk diskCache) error {
	workers := max(1, min(8, numCPU()))
	var next atomic.Int64
	var done atomic.Int64
	var wg sync.WaitGroup
	total := len(found)
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			var bufs buffers
			for {
				if ctx.Err() != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				f := found[i]
				var content []byte
				var st os.FileInfo
				if b, ok := ov[ids[i]]; ok {
					content = b
				} else {
					if disk != nil && f.kind == kindGo {
						// Stat before reading: a change after the stat makes
						// the recorded mtime stale, never the facts.
						st, _ = os.Stat(f.path)
						if de, ok := disk.lookup(f.path, st); ok {
							out[ids[i]] = &fileEntry{kind: kindGo, facts: de.Facts.forPath(ids[i], f.path),
								sum: de.Sum, size: de.Size, modTime: de.ModTime}
							if ix.opts.Progress != nil {
								ix.opts.Progress(int(done.Add(1)), total)
							}
							continue
						}
					} else if ix.opts.CacheDir != "" && ix.opts.Source == nil && f.kind == kindGo {
						st, _ = os.Stat(f.path)
					}
					var b []byte
					var err error
					if f.kind == kindGo {
						b, err = ix.readDiskInto(f.path, bufs.read)
					} else {
						b, err = ix.readDisk(f.path) // extractOther may keep it
					}
					if err != nil {
						ix.logf("index: %v", err)
						out[ids[i]] = skippedEntry(f.path, err)
						continue
					}
					content = b
					if f.kind == kindGo && ix.opts.Source == nil {
						// Facts hold copies: the next file may reuse it.
						bufs.read = b[:0]
					}
				}
				e := ix.entryForCached(ws, ids[i], f.path, f.kind, content, true, &bufs)
				if st != nil && e.facts != nil && st.Size() == e.size {
					// The size read is the size stat saw: the mtime is the
					// text's (a change after the stat makes it stale, and
					// the next run re-reads the file).
					e.modTime = st.ModTime().UnixNano()
				}
				out[ids[i]] = e
				if ix.opts.Progress != nil {
					ix.opts.Progress(int(done.Add(1)), total)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index build: %w", err)
	}
	return nil
}

// entryFor extracts one file (from several goroutines: ix.cacheMu guards
// the content cache).
func (ix *Index) entryFor(ws *workspace, id FileID, path string, kind fileKind, content []byte) *fileEntry {
	return ix.entryForCached(ws, id, path, kind, content, true, nil)
}

// buffers are an extraction worker's reusable byte buffers: the Go file
// read from disk and the body-blanked text the parser reads. Neither
// outlives extraction (facts hold copies), so a worker reuses them for its
// next file instead of leaving twice the source size per file to the
// garbage collector (a third of the bytes a cold build allocated).
type buffers struct {
	read, text []byte
	hits       []int
	cuts       []cut
	symbols    []Symbol
	calls      []CallFact
}

// entryForCached is entryFor; keep false leaves new facts out of the content
// cache. Overlay versions use it: each keystroke is new content, and their
// facts kept by hash outlived the document (a 7.7 MB file with 200,000
// registrations left 127 MB behind after it was closed, and more per edit).
// bufs are the extracting worker's buffers (nil: none).
func (ix *Index) entryForCached(ws *workspace, id FileID, path string, kind fileKind, content []byte, keep bool, bufs *buffers) *fileEntry {
	e := (&fileEntry{kind: kind}).fingerprint(content)
	switch kind {
	case kindGo:
		if err := checkFactCap(path, content); err != nil {
			return skippedEntry(path, err)
		}
		h := maphash.Bytes(ix.seed, content)
		ix.cacheMu.Lock()
		cached := ix.cache[h]
		ix.cacheMu.Unlock()
		switch {
		case cached != nil && cached.File == id:
			e.facts = cached // unchanged content at the same path: share
		case cached != nil:
			e.facts = cached.forPath(id, path) // same content elsewhere
		default:
			e.facts = extractGoBuffers(content, bufs).forPath(id, path)
			if keep {
				ix.cacheMu.Lock()
				if len(ix.cache) > 1<<17 {
					clear(ix.cache)
				}
				ix.cache[h] = e.facts
				ix.cacheMu.Unlock()
			}
		}
	default:
		e.other = extractOther(ws, id, path, kind, content)
	}
	return e
}

// publish makes files the current snapshot. Callers hold ix.mu.
func (ix *Index) publish(files []*fileEntry, ws *workspace) *Snapshot {
	return ix.publishWith(files, ws, nil, nil, commandPaths(ws, ix.opts.Roots, ix.paths, files))
}

// publishWith publishes a snapshot that may reuse base's package grouping
// (changed: the files changed since base); cmdPaths are the build-command
// paths that exist (commandPaths).
func (ix *Index) publishWith(files []*fileEntry, ws *workspace, base *linked, changed map[FileID]bool, cmdPaths map[string]bool) *Snapshot {
	ix.gen++
	ov := make(map[FileID][]byte, len(ix.overlays))
	for k, v := range ix.overlays {
		ov[k] = v
	}
	s := &Snapshot{gen: ix.gen, paths: ix.paths, configs: ix.opts.Configs, roots: ix.opts.Roots,
		files: files, overlays: ov, ws: ws, base: base, changed: changed, targets: ix.targets, read: ix.readDisk,
		cmdPaths: cmdPaths}
	ix.cur.Store(s)
	return s
}

// SetOverlay makes content the text of path (an open editor document) and
// re-extracts that one file at once.
func (ix *Index) SetOverlay(path string, content []byte) *Snapshot {
	path = cleanPath(path)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	id := ix.paths.intern(path)
	ix.overlays[id] = content
	return ix.updateLocked([]string{path})
}

// ClearOverlay drops the overlay of path; the disk content counts again.
func (ix *Index) ClearOverlay(path string) *Snapshot {
	path = cleanPath(path)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if id, ok := ix.paths.lookup(path); ok {
		delete(ix.overlays, id)
	}
	return ix.updateLocked([]string{path})
}

// DiskChanged records that paths (files or directories; created, changed or
// deleted) changed on disk. They are applied together by the next Flush,
// which Run calls once the changes have been quiet for the debounce period.
func (ix *Index) DiskChanged(paths ...string) {
	ix.mu.Lock()
	for _, p := range paths {
		ix.pending[cleanPath(p)] = struct{}{}
	}
	ix.mu.Unlock()
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// Flush applies the pending disk changes now and returns the new snapshot
// (the current one when nothing is pending).
func (ix *Index) Flush() *Snapshot {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(ix.pending) == 0 {
		return ix.cur.Load()
	}
	paths := make([]string, 0, len(ix.pending))
	for p := range ix.pending {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	ix.pending = map[string]struct{}{}
	return ix.updateLocked(paths)
}

// SetRoots replaces the workspace roots (workspace folders changed); the
// next Build or Flush rescans.
func (ix *Index) SetRoots(roots []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	rs := make([]string, 0, len(roots))
	for _, r := range roots {
		rs = append(rs, cleanPath(r))
	}
	ix.opts.Roots = rs
	ix.guard.Store(newFileGuard(rs, ix.opts.MaxFileSize))
	for _, r := range rs {
		ix.pending[r] = struct{}{}
	}
	ix.pending[rescanAll] = struct{}{}
}

const rescanAll = "\x00rescan"

// updateLocked applies changes of paths. A change to go.mod, go.work,
// .plugin-lsp.yaml or the roots rediscovers the workspace (facts of
// unchanged content come back from the cache); a directory expands to the
// files under it; anything else re-extracts just those files.
func (ix *Index) updateLocked(paths []string) *Snapshot {
	if ix.building {
		// The running Build may have read these files before the change.
		for _, p := range paths {
			ix.during[p] = struct{}{}
		}
	}
	old := ix.cur.Load()
	ws := old.ws
	var expanded []string
	for _, p := range paths {
		switch filepath.Base(p) {
		case "go.mod", "go.work", configName:
			return ix.rescanLocked()
		}
		if p == rescanAll {
			return ix.rescanLocked()
		}
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			expanded = append(expanded, ws.walkFiles(p)...)
		case err != nil:
			// Deleted: a file, or a directory whose files we know.
			prefix := p + string(filepath.Separator)
			for id, e := range old.files {
				if e != nil {
					if q := ix.paths.path(FileID(id)); len(q) > len(prefix) && q[:len(prefix)] == prefix {
						expanded = append(expanded, q)
					}
				}
			}
			expanded = append(expanded, p)
		default:
			expanded = append(expanded, p)
		}
	}
	files := old.files
	copied := false
	// The new snapshot may reuse the package grouping of the last linked one.
	var base *linked
	changed := map[FileID]bool{}
	if old.linkDone.Load() {
		base = old.l
	} else {
		old.baseMu.Lock()
		base = old.base
		for id := range old.changed {
			changed[id] = true
		}
		old.baseMu.Unlock()
	}
	// An edit of open documents that adds or drops no build command leaves
	// the disk as the last update saw it: its build-command paths stand
	// (looking them up again costs a millisecond per keystroke on GOROOT).
	keepCmdPaths := old.cmdPaths != nil
	for _, p := range expanded {
		id := ix.paths.intern(p)
		if ws.deps != nil && ws.deps.files[id] {
			continue // a dependency file opened in the editor: module versions do not change
		}
		var e *fileEntry
		if kind, ok := ws.classify(p); ok {
			content, has := ix.overlays[id]
			overlay := has
			if !has {
				b, err := ix.readDisk(p)
				if err == nil {
					content, has = b, true
				} else {
					e = skippedEntry(p, err)
				}
			}
			if has {
				e = ix.entryForCached(ws, id, p, kind, content, !overlay, nil)
			}
		}
		if _, ov := ix.overlays[id]; !ov || hasCommands(old.entry(id)) || hasCommands(e) {
			keepCmdPaths = false
		}
		changed[id] = true
		if int(id) >= len(files) && e == nil {
			continue
		}
		if !copied {
			n := max(len(files), int(id)+1)
			nf := make([]*fileEntry, n, n+n/8+1)
			copy(nf, files)
			files = nf
			copied = true
		} else if int(id) >= len(files) {
			files = append(files, make([]*fileEntry, int(id)+1-len(files))...)
		}
		files[id] = e
	}
	if nws, nf := ix.depsAfterEdit(ws, files, changed); nws != nil {
		ws, files = nws, nf
		keepCmdPaths = false
	}
	if base == nil || base.ws != ws {
		base, changed = nil, nil
	}
	cmdPaths := old.cmdPaths
	if !keepCmdPaths {
		cmdPaths = commandPaths(ws, ix.opts.Roots, ix.paths, files)
	}
	return ix.publishWith(files, ws, base, changed, cmdPaths)
}

func (ix *Index) rescanLocked() *Snapshot {
	nws, found := discover(ix.opts.Roots, ix.readFile)
	ids := make([]FileID, len(found))
	maxID := FileID(0)
	for i, f := range found {
		ids[i] = ix.paths.intern(f.path)
		maxID = max(maxID, ids[i])
	}
	files := make([]*fileEntry, maxID+1)
	if err := ix.extractAll(context.Background(), nws, found, ids, files, ix.overlays, nil); err != nil {
		ix.logf("index: %v", err)
	}
	files = ix.readDeps(context.Background(), nws, files)
	ix.targets = ix.readTargets(nws, files, ix.opts.Roots, ix.readFile)
	return ix.publish(files, nws)
}

// readFile reads through the overlays, then the Source. Callers hold ix.mu.
func (ix *Index) readFile(p string) ([]byte, error) {
	if id, ok := ix.paths.lookup(p); ok {
		if b, ok := ix.overlays[id]; ok {
			return b, nil
		}
	}
	return ix.readDisk(p)
}

// readDisk reads a file from the Source; from the disk (no Source given)
// only regular files within the size cap, and symlinks only when they
// resolve inside the roots (readfile.go).
func (ix *Index) readDisk(p string) ([]byte, error) { return ix.readDiskInto(p, nil) }

// readDiskInto is readDisk that may read into buf's storage (not for a
// Source, which owns what it returns).
func (ix *Index) readDiskInto(p string, buf []byte) ([]byte, error) {
	if ix.opts.Source != nil {
		return ix.src.ReadFile(p)
	}
	return ix.guard.Load().read(p, buf)
}

// Run applies disk changes after the debounce period, calls onSnapshot
// with each new snapshot, and with opts.Watch watches the roots with
// fsnotify. It returns when ctx is done; every goroutine it starts stops
// with ctx.
func (ix *Index) Run(ctx context.Context, onSnapshot func(*Snapshot)) error {
	var events <-chan string
	if ix.opts.Watch {
		w, err := startWatcher(ctx, ix.opts.Roots, ix.logf)
		if err != nil {
			return fmt.Errorf("index watch: %w", err)
		}
		events = w.events
		defer w.wait()
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-events:
			ix.mu.Lock()
			ix.pending[p] = struct{}{}
			ix.mu.Unlock()
			timer.Reset(ix.opts.Debounce)
		case <-ix.kick:
			timer.Reset(ix.opts.Debounce)
		case <-timer.C:
			s := ix.Flush()
			if onSnapshot != nil {
				onSnapshot(s)
			}
		}
	}
}
