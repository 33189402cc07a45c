package lsp

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// typeQuiet is how long the snapshots must stop changing before the type
// rules run on the latest one.
const typeQuiet = 300 * time.Millisecond

// DiagnosticSource is the "source" of every diagnostic plugin-lsp reports.
const DiagnosticSource = "plugin-lsp"

// diagStore is our DiagnosticsSource: the findings of the last syntax check
// (diagnostics.Check, recomputed after every debounced change) and of the
// last type check (diagnostics.CheckTypes, run in the background and
// published when it arrives), converted to LSP diagnostics per URI.
type diagStore struct {
	w *Workspace

	mu     sync.Mutex
	syntax map[protocol.DocumentURI][]ourDiag
	types  map[protocol.DocumentURI][]ourDiag
	// published is what the editor last got from us per URI, to publish
	// only the URIs whose set changed.
	published map[protocol.DocumentURI]string

	syntaxReq   chan syntaxJob // latest snapshot to run the syntax rules on (1-buffered)
	syntaxStart sync.Once
	typeReq     chan *index.Snapshot // latest snapshot to type-check (1-buffered)
	typeStart   sync.Once
	typeRunning atomic.Bool
	cache       *diagnostics.TypeCache
	// recomputed counts syntax recomputes (tests and the benchmark wait on it).
	recomputed atomic.Uint64
	// lastCheck and lastRecompute are the durations of the last syntax
	// recompute: diagnostics.Check (linking included), and Check through
	// conversion and publishing (for plugin-lsp.status).
	lastCheck, lastRecompute atomic.Int64
	// shown are the problems already announced with window/showMessage.
	shown shownMessages
	// lastChange is the last time from a document change being observed
	// (didOpen/didChange/didClose) to its diagnostics being published,
	// debounce included.
	lastChange atomic.Int64
}

// ourDiag is one of our diagnostics with the quick fixes of its finding.
type ourDiag struct {
	diag  protocol.Diagnostic
	key   string
	rule  string
	fixes []quickFix
}

type quickFix struct {
	title string
	edit  protocol.WorkspaceEdit
}

// diagData is the data member of our diagnostics: what codeAction needs to
// find the finding again (clients send diagnostics back with it).
type diagData struct {
	Key string `json:"pluginLsp"`
}

func newDiagStore(w *Workspace) *diagStore {
	return &diagStore{
		w:         w,
		syntax:    map[protocol.DocumentURI][]ourDiag{},
		types:     map[protocol.DocumentURI][]ourDiag{},
		published: map[protocol.DocumentURI]string{},
		typeReq:   make(chan *index.Snapshot, 1),
		syntaxReq: make(chan syntaxJob, 1),
		cache:     diagnostics.NewTypeCache(),
	}
}

// Diagnostics implements DiagnosticsSource.
func (d *diagStore) Diagnostics(uri protocol.DocumentURI) []protocol.Diagnostic {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.listLocked(uri)
}

func (d *diagStore) listLocked(uri protocol.DocumentURI) []protocol.Diagnostic {
	var out []protocol.Diagnostic
	for _, od := range d.syntax[uri] {
		out = append(out, od.diag)
	}
	for _, od := range d.types[uri] {
		out = append(out, od.diag)
	}
	return out
}

// find returns our diagnostics for uri (syntax and type ones).
func (d *diagStore) find(uri protocol.DocumentURI) []ourDiag {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append(append([]ourDiag(nil), d.syntax[uri]...), d.types[uri]...)
}

func (d *diagStore) counts() (n int, types string) {
	d.mu.Lock()
	for _, l := range d.syntax {
		n += len(l)
	}
	for _, l := range d.types {
		n += len(l)
	}
	d.mu.Unlock()
	types = "idle"
	if d.typeRunning.Load() {
		types = "running"
	}
	return n, types
}

// recompute runs the syntax rules on snap, publishes the URIs whose
// diagnostics changed, and asks for a type check of snap in the background.
func (d *diagStore) recompute(ctx context.Context, snap *index.Snapshot, changedAt time.Time) {
	t0 := time.Now()
	opts, cfgProblems := d.w.engineOptions(snap, true)
	findings := diagnostics.Check(ctx, snap, opts)
	if ctx.Err() != nil {
		return
	}
	// What the index could not read is shown, never silent (problems.go).
	pf, msgs := problemFindings(snap, append(snap.Problems(), cfgProblems...))
	findings = append(findings, pf...)
	d.shown.show(d.w.s, msgs)
	checked := time.Since(t0)
	conv := d.w.newConverter(snap)
	next := conv.convert(findings)
	d.mu.Lock()
	d.syntax = next
	// A rule disabled since the last type check disappears now, not when
	// the next type check ends.
	for u, l := range d.types {
		kept := l[:0:0]
		for _, od := range l {
			if !opts.Disabled[od.rule] {
				kept = append(kept, od)
			}
		}
		d.types[u] = kept
	}
	changed := d.changedLocked()
	d.mu.Unlock()
	if len(changed) > 0 {
		d.w.s.DiagnosticsChanged(changed...)
	}
	d.lastCheck.Store(int64(checked))
	d.lastRecompute.Store(int64(time.Since(t0)))
	if !changedAt.IsZero() {
		d.lastChange.Store(int64(time.Since(changedAt)))
	}
	d.recomputed.Add(1)
	d.requestTypes(snap)
}

// changedLocked returns the URIs whose diagnostics differ from the last
// publish, and records the new state as published.
func (d *diagStore) changedLocked() []protocol.DocumentURI {
	uris := map[protocol.DocumentURI]bool{}
	for u := range d.syntax {
		uris[u] = true
	}
	for u := range d.types {
		uris[u] = true
	}
	for u := range d.published {
		uris[u] = true
	}
	var changed []protocol.DocumentURI
	for u := range uris {
		list := d.listLocked(u)
		sig := ""
		if len(list) > 0 {
			b, _ := json.Marshal(list)
			sig = string(b)
		}
		if sig != d.published[u] {
			changed = append(changed, u)
		}
		if sig == "" {
			delete(d.published, u)
			if len(d.syntax[u]) == 0 {
				delete(d.syntax, u)
			}
			if len(d.types[u]) == 0 {
				delete(d.types, u)
			}
		} else {
			d.published[u] = sig
		}
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i] < changed[j] })
	return changed
}

// requestTypes hands snap to the type-check goroutine (latest wins).
func (d *diagStore) requestTypes(snap *index.Snapshot) {
	d.typeStart.Do(func() { d.w.s.Go("type checks", d.typeLoop) })
	offerLatest(d.typeReq, snap)
}

// request hands snap to the syntax-rule goroutine (latest wins). It runs
// apart from the workspace loop, so that overlays reach the index (and
// navigation) while a long Check runs, and a burst of snapshots costs one
// Check of the latest, not one each.
func (d *diagStore) request(snap *index.Snapshot, changedAt time.Time) {
	d.syntaxStart.Do(func() {
		d.w.s.Go("syntax rules", func(ctx context.Context) {
			for {
				select {
				case <-ctx.Done():
					return
				case job := <-d.syntaxReq:
					d.w.guard("syntax rules", func() { d.recompute(ctx, job.snap, job.changedAt) })
				}
			}
		})
	})
	job := syntaxJob{snap: snap, changedAt: changedAt}
	for {
		select {
		case d.syntaxReq <- job:
			return
		default:
		}
		select {
		case old := <-d.syntaxReq: // replaced; its changes are in snap too
			if !old.changedAt.IsZero() && (job.changedAt.IsZero() || old.changedAt.Before(job.changedAt)) {
				job.changedAt = old.changedAt
			}
		default:
		}
	}
}

// syntaxJob is a snapshot to run the syntax rules on, and when the oldest
// document change it includes was observed (zero if none).
type syntaxJob struct {
	snap      *index.Snapshot
	changedAt time.Time
}

// offerLatest puts snap in the 1-buffered ch, replacing an older one.
func offerLatest(ch chan *index.Snapshot, snap *index.Snapshot) {
	for {
		select {
		case ch <- snap:
			return
		default:
		}
		select {
		case <-ch: // drop the older request
		default:
		}
	}
}

// typeLoop runs the type rules (NeedsTypes) on the latest snapshot, one
// at a time, and publishes what changed. go/packages results are cached per
// module and content in d.cache, so unchanged modules are not reloaded.
// It never delays the syntax rules: they run on a goroutine of their own.
func (d *diagStore) typeLoop(ctx context.Context) {
	for {
		var snap *index.Snapshot
		select {
		case <-ctx.Done():
			return
		case snap = <-d.typeReq:
		}
		// Let a burst of keystrokes end first: a type check loads packages
		// and would compete for the CPU with the syntax rules of the next
		// keystroke.
		for quiet := false; !quiet; {
			select {
			case <-ctx.Done():
				return
			case snap = <-d.typeReq:
			case <-time.After(typeQuiet):
				quiet = true
			}
		}
		opts, _ := d.w.engineOptions(snap, false)
		if allTypeRulesDisabled(opts) {
			d.setTypes(map[protocol.DocumentURI][]ourDiag{})
			continue
		}
		d.w.guard("type rules", func() {
			d.typeRunning.Store(true)
			defer d.typeRunning.Store(false)
			findings, probs := diagnostics.CheckTypesReport(ctx, snap, opts, d.cache)
			pf, msgs := problemFindings(snap, probs)
			findings = append(findings, pf...)
			d.shown.show(d.w.s, msgs)
			if ctx.Err() == nil {
				d.setTypes(d.w.newConverter(snap).convert(findings))
			}
		})
	}
}

func (d *diagStore) setTypes(next map[protocol.DocumentURI][]ourDiag) {
	d.mu.Lock()
	d.types = next
	changed := d.changedLocked()
	d.mu.Unlock()
	if len(changed) > 0 {
		d.w.s.DiagnosticsChanged(changed...)
	}
}

// converter turns findings into LSP diagnostics, mapping offsets with the
// text the snapshot indexed for each file.
type converter struct {
	w       *Workspace
	snap    *index.Snapshot
	mappers map[string]*proxy.Mapper
}

func (w *Workspace) newConverter(snap *index.Snapshot) *converter {
	return &converter{w: w, snap: snap, mappers: map[string]*proxy.Mapper{}}
}

func (c *converter) mapper(path string) *proxy.Mapper {
	if m, ok := c.mappers[path]; ok {
		return m
	}
	var text []byte
	if id, ok := c.snap.FileID(path); ok {
		text, _ = c.snap.Content(id)
	} else {
		text, _ = index.ReadRegular(path, 0) // never blocks on a FIFO
	}
	m := c.w.mapperOf(path, text)
	c.mappers[path] = m
	return m
}

func (c *converter) rng(l diagnostics.Location) (protocol.Range, bool) {
	r, err := c.mapper(l.File).Range(l.Start.Offset, l.End.Offset)
	return r, err == nil
}

func (c *converter) convert(findings []diagnostics.Finding) map[protocol.DocumentURI][]ourDiag {
	out := map[protocol.DocumentURI][]ourDiag{}
	for _, f := range findings {
		r, ok := c.rng(f.Location)
		if !ok {
			c.w.s.Logf("diagnostics: %s: offsets outside the file", f)
			continue
		}
		uri := c.w.URIFor(f.File)
		key := f.Rule + ":" + f.Fingerprint() + ":" + strconv.Itoa(f.Start.Offset)
		diag := protocol.Diagnostic{
			Range:    r,
			Severity: protocol.DiagnosticSeverity(f.Severity),
			Code:     f.Rule,
			Source:   DiagnosticSource,
			Message:  f.Message,
			Data:     diagData{Key: key},
		}
		if rule, ok := diagnostics.RuleByID(f.Rule); ok && rule.HelpURI != "" {
			diag.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(rule.HelpURI)}
		}
		for _, rel := range f.Related {
			rr, ok := c.rng(rel.Location)
			if !ok {
				continue
			}
			diag.RelatedInformation = append(diag.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: c.w.URIFor(rel.File), Range: rr},
				Message:  rel.Message,
			})
		}
		od := ourDiag{diag: diag, key: key, rule: f.Rule}
		for _, fx := range f.Fixes {
			if qf, ok := c.fix(fx); ok {
				od.fixes = append(od.fixes, qf)
			}
		}
		out[uri] = append(out[uri], od)
	}
	return out
}

// fix converts a Fix to a WorkspaceEdit; a fix with an unmappable edit is
// dropped whole (half a fix would leave broken code).
func (c *converter) fix(fx diagnostics.Fix) (quickFix, bool) {
	changes := map[protocol.DocumentURI][]protocol.TextEdit{}
	for _, e := range fx.Edits {
		r, ok := c.rng(e.Location)
		if !ok {
			return quickFix{}, false
		}
		u := c.w.URIFor(e.File)
		changes[u] = append(changes[u], protocol.TextEdit{Range: r, NewText: e.NewText})
	}
	if len(changes) == 0 {
		return quickFix{}, false
	}
	return quickFix{title: fx.Title, edit: protocol.WorkspaceEdit{Changes: changes}}, true
}

// allTypeRulesDisabled reports whether the settings disable every rule that
// needs types, so that the type loop need not load packages at all.
func allTypeRulesDisabled(opts diagnostics.Options) bool {
	for _, r := range diagnostics.Rules() {
		if r.NeedsTypes && !opts.Disabled[r.ID] {
			return false
		}
	}
	return true
}
