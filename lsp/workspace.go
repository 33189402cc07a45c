package lsp

// # The workspace handle: the index as features see it
//
// Every feature built on the plugin index reaches it through the session's
// Workspace (the FeatureFunc's argument; one per session). The workspace
// feature (this file) starts the index when initialize has been answered,
// keeps it up to date from the editor (open documents are overlays, disk
// changes arrive as workspace/didChangeWatchedFiles or from fsnotify) and
// recomputes diagnostics after the debounce (diagnostics.go).
//
//	snap := w.Snapshot()              // current snapshot, never blocks (empty until the first build)
//	path, off, err := w.Offset(uri, pos) // editor position → file path and byte offset
//	refs := snap.Trie().Exact(name)   // index queries speak FileIDs and byte offsets
//	loc, err := w.LocationIn(snap, refs[0]) // → protocol.Location in the negotiated encoding
//
// The rules for features:
//
//   - Read the index from one snapshot per request (w.Snapshot(), or
//     w.Synced(ctx) when the answer must reflect every didChange received so
//     far). Never wait for the first build in a request handler: before it,
//     Snapshot() is empty and Ready() is false; forward to gopls.
//   - Convert between LSP and byte offsets only through the Workspace
//     (Offset, Location, LocationIn, Mapper), which uses the Mapper in the
//     encoding negotiated with gopls. Offset reads the editor's current text
//     of an open document; LocationIn maps a ref with the text the snapshot
//     indexed for its file, so both sides agree with what they came from.
//   - Text(path) reads a file as the editor sees it: the open document's
//     text (Overlays) first, then the disk.
//   - URIs and paths: proxy.PathFromURI / URIFromPath. URIFromPath spells URIs as
//     gopls does, so that our diagnostics merge with gopls's per URI; for an
//     open document, URIFor returns the URI the editor opened it with.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// ErrNotReady is returned by WaitReady when the index has not been started
// (initialize not answered yet) and ctx ends.
var ErrNotReady = errors.New("plugin-lsp: the index is not ready")

// Workspace is one session's plugin index and what keeps it current. Safe
// for concurrent use; methods never block unless their doc says so.
type Workspace struct {
	s     *proxy.Session
	empty *index.Snapshot // served before the first build

	ix     atomic.Pointer[index.Index] // nil until the first build is done
	ready  chan struct{}               // closed when the first build ends (ok or not)
	readyO sync.Once
	start  sync.Once
	inited chan struct{} // closed on the editor's "initialized"
	initO  sync.Once

	// kick asks the loop to apply overlay changes and recompute after the
	// debounce; now asks for a recompute without debounce (fsnotify flushes).
	kick chan struct{}
	now  chan struct{}
	// cfgSeq numbers workspace/configuration requests: only the answer to
	// the latest is applied.
	cfgSeq atomic.Uint64

	mu       sync.Mutex
	roots    []string
	settings Settings
	// files is the last good layer of the .plugin-lsp.yaml files
	// (engineOptions).
	files diagnostics.Config
	// initialSettings is initializationOptions["plugin-lsp"], the base
	// that workspace/configuration answers are read on top of.
	initialSettings json.RawMessage
	dirty           map[protocol.DocumentURI]bool // documents whose overlay changed since the loop last applied it
	openURIs        map[string]protocol.DocumentURI
	seen            uint64        // overlay changes observed
	applied         uint64        // overlay changes applied to the index
	appliedCh       chan struct{} // closed and replaced whenever applied grows
	rebuild         bool          // settings changed the build matrix: rebuild the index
	// changedAt is when the oldest document change not yet recomputed was
	// observed (for plugin-lsp.status lastChangeMs).
	changedAt time.Time
	// pendingDisk are disk changes reported before the first build ended.
	pendingDisk []string
	state       string
	buildErr    error
	lastBuild   time.Duration
	errs        []string

	diags *diagStore

	// nav is the navigation cache every navigation feature reads (Nav);
	// navBuilds counts the site tables it built (tests).
	nav       *navigation.Cache
	navBuilds atomic.Int64
	// wired is set when workspaceFeature is in the session's table (the
	// index runs): plugin-lsp.status reports its state, else "not started".
	wired atomic.Bool
}

func newWorkspace(s *proxy.Session) *Workspace {
	w := &Workspace{
		s:         s,
		empty:     index.New(index.Options{}).Snapshot(),
		ready:     make(chan struct{}),
		inited:    make(chan struct{}),
		kick:      make(chan struct{}, 1),
		now:       make(chan struct{}, 1),
		settings:  DefaultSettings(),
		dirty:     map[protocol.DocumentURI]bool{},
		openURIs:  map[string]protocol.DocumentURI{},
		appliedCh: make(chan struct{}),
		state:     "not started",
	}
	w.diags = newDiagStore(w)
	w.nav = navigation.NewCache(func() { w.navBuilds.Add(1) })
	return w
}

// Nav returns the navigation site table of snap, built once per snapshot
// and shared by every navigation feature; a build after an edit reuses the
// previous one's name lists and unchanged sites.
func (w *Workspace) Nav(snap *index.Snapshot) *navigation.Index { return w.nav.Get(snap) }

// Snapshot returns the current index snapshot. It never blocks and is never
// nil: before the first build it is an empty snapshot.
func (w *Workspace) Snapshot() *index.Snapshot {
	if ix := w.ix.Load(); ix != nil {
		return ix.Snapshot()
	}
	return w.empty
}

// Ready reports whether the first index build has finished.
func (w *Workspace) Ready() bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// WaitReady waits until the first index build has finished (for tests and
// commands; request handlers must not wait). It returns the build's error,
// or ctx's.
func (w *Workspace) WaitReady(ctx context.Context) error {
	select {
	case <-w.ready:
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.buildErr
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrNotReady, ctx.Err())
	}
}

// Synced returns a snapshot that includes every document change the editor
// sent before the call (applying overlays takes about a millisecond; the
// diagnostics debounce is not waited for). It waits for the first build.
// Call Detach(ctx) first in a request handler.
func (w *Workspace) Synced(ctx context.Context) (*index.Snapshot, error) {
	if err := w.WaitReady(ctx); err != nil && errors.Is(err, ErrNotReady) {
		return nil, err
	}
	w.mu.Lock()
	target := w.seen
	w.mu.Unlock()
	for {
		w.mu.Lock()
		done, ch := w.applied >= target, w.appliedCh
		w.mu.Unlock()
		if done {
			return w.Snapshot(), nil
		}
		// The change's observer has kicked the loop already (kicking again
		// would push the diagnostics debounce back).
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the index to catch up: %w", ctx.Err())
		}
	}
}

// Roots returns the workspace folders as directories.
func (w *Workspace) Roots() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.roots...)
}

// Settings returns the current settings.
func (w *Workspace) Settings() Settings {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.settings
}

// URIFor returns the URI of path: the editor's URI when the document is
// open, URIFromPath otherwise.
func (w *Workspace) URIFor(path string) protocol.DocumentURI {
	w.mu.Lock()
	u, ok := w.openURIs[path]
	w.mu.Unlock()
	if ok {
		return u
	}
	return proxy.URIFromPath(path)
}

// Text returns the content of path as the editor sees it: the open
// document's text, else the disk's.
func (w *Workspace) Text(path string) ([]byte, error) {
	if d, ok := w.s.Overlays().Get(w.URIFor(path)); ok {
		return d.Text, nil
	}
	// Like the index: regular files within the size cap, never blocking.
	b, err := index.ReadRegular(path, 0)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

// Mapper returns a position mapper for path's current text (Text) in the
// negotiated encoding.
func (w *Workspace) Mapper(path string) (*proxy.Mapper, error) {
	if d, ok := w.s.Overlays().Get(w.URIFor(path)); ok {
		return d.Mapper(w.s.Encoding()), nil // line index cached per version
	}
	b, err := w.Text(path)
	if err != nil {
		return nil, err
	}
	return proxy.NewMapper(b, w.s.Encoding()), nil
}

// mapperOf returns a Mapper for text read from path: the open document's
// (its line index is computed once per version) when text is that
// document's current text, else a new one. Building a Mapper scans the
// whole text, which features must not do per request for a large file.
func (w *Workspace) mapperOf(path string, text []byte) *proxy.Mapper {
	if d, ok := w.s.Overlays().Get(w.URIFor(path)); ok && sameBytes(d.Text, text) {
		return d.Mapper(w.s.Encoding())
	}
	return proxy.NewMapper(text, w.s.Encoding())
}

// sameBytes reports whether a and b are the same slice (not merely equal
// contents: the comparison must cost nothing).
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Offset converts an editor position in uri to the file's path and a byte
// offset in its current text.
func (w *Workspace) Offset(uri protocol.DocumentURI, pos protocol.Position) (path string, off int, err error) {
	path, err = proxy.PathFromURI(uri)
	if err != nil {
		return "", 0, err
	}
	var m *proxy.Mapper
	if d, ok := w.s.Overlays().Get(uri); ok {
		m = d.Mapper(w.s.Encoding()) // line index cached per version
	} else {
		text, err := w.Text(path)
		if err != nil {
			return "", 0, err
		}
		m = proxy.NewMapper(text, w.s.Encoding())
	}
	off, err = m.Offset(pos)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", uri, err)
	}
	return path, off, nil
}

// Location converts a ref of the current snapshot to an LSP location.
func (w *Workspace) Location(ref index.SymbolRef) (protocol.Location, error) {
	return w.LocationIn(w.Snapshot(), ref)
}

// LocationIn converts a ref of snap to an LSP location, mapping its span
// with the text snap indexed for the file.
func (w *Workspace) LocationIn(snap *index.Snapshot, ref index.SymbolRef) (protocol.Location, error) {
	m, path, err := w.snapMapper(snap, ref.File)
	if err != nil {
		return protocol.Location{}, err
	}
	r, err := m.Range(ref.Span.Start, ref.Span.End)
	if err != nil {
		return protocol.Location{}, fmt.Errorf("%s: %w", path, err)
	}
	return protocol.Location{URI: w.URIFor(path), Range: r}, nil
}

// snapMapper returns a Mapper over the text snap indexed for id.
func (w *Workspace) snapMapper(snap *index.Snapshot, id index.FileID) (*proxy.Mapper, string, error) {
	if id == 0 {
		return nil, "", errors.New("zero SymbolRef")
	}
	path := snap.Path(id)
	b, err := snap.Content(id)
	if err != nil {
		return nil, path, fmt.Errorf("reading %s: %w", path, err)
	}
	return w.mapperOf(path, b), path, nil
}

// signal does a non-blocking send on a 1-buffered channel.
func (w *Workspace) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
