package index

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// watcher turns fsnotify events under the roots into changed paths. Its
// goroutine stops with the context; wait blocks until it has.
type watcher struct {
	events chan string
	wg     sync.WaitGroup
}

func startWatcher(ctx context.Context, roots []string, logf func(string, ...any)) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	addTree := func(dir string) {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if p != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			if err := fw.Add(p); err != nil {
				logf("index: watch %s: %v", p, err)
			}
			return nil
		})
	}
	for _, r := range roots {
		addTree(r)
	}
	w := &watcher{events: make(chan string, 256)}
	w.wg.Go(func() {
		defer fw.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					addTree(ev.Name) // a new directory is watched too; files are ignored by WalkDir's callback
				}
				select {
				case w.events <- ev.Name:
				case <-ctx.Done():
					return
				}
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				logf("index: watch: %v", err)
			}
		}
	})
	return w, nil
}

func (w *watcher) wait() { w.wg.Wait() }
