// Package index extracts plugin facts from Go source and keeps them in an
// immutable, incrementally updated snapshot with a prefix trie of names.
// It knows nothing of LSP or JSON-RPC.
//
// # API in brief
//
//	ix := index.New(index.Options{Roots: dirs})  // Source, Debounce (150ms), Configs, Watch, CacheDir, Progress, Logf
//	s, err := ix.Build(ctx)                      // cold build; s is an immutable *Snapshot
//	s = ix.SetOverlay(path, text)                // editor text; that file re-extracted now
//	ix.DiskChanged(paths...)                     // batched; Run flushes 150 ms after the last one
//	go ix.Run(ctx, func(s *index.Snapshot){...}) // debounce loop (+ fsnotify with Watch); stops with ctx
//	s = ix.Snapshot()                            // current snapshot, lock-free
//
// A Snapshot answers everything in FileIDs and byte Spans: Modules,
// Packages, Facts(FileID) (per-file syntax facts), Registries,
// Registrations, Lookups, Hosts with Linked/Links/HostsLinking/ImportChain
// per BuildConfig, FileBuilds, NativePlugins, Opens, PluginLookups,
// BuildCommands, Manifests, Graph, and Trie (Exact / Prefix over
// lower-cased names). Position(ref) gives a 1-based line and byte column;
// Dump writes a canonical text form (tests compare incremental and cold
// builds with it). docs/index.md describes what is extracted and what is
// missed.
package index
