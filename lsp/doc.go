// Package lsp is plugin-lsp's language server: the proxy in front of gopls
// (package proxy) with the features built on the plugin index. It holds the
// features, one file per method, the Workspace that owns the index and its
// settings for a session, and the conversion of findings to diagnostics.
// The queries themselves are pure: package navigation answers them over an
// index snapshot in byte offsets; the features convert positions with the
// proxy's Mapper and decide what to merge with gopls's answers.
//
// # How to add a feature: one file per method
//
// A feature is a FeatureFunc in its own file, listed once in featureTable
// (features.go). It gets the session's Workspace (w.s is the proxy session)
// and returns a proxy.Feature that declares everything it adds (see package
// proxy for the hooks); nothing else needs to change:
//
//	// definition.go
//	func definitionFeature(w *Workspace) proxy.Feature {
//		n := &navState{w: w}
//		return positionFeature("definition", n, map[string]proxy.RequestHandler{
//			"textDocument/definition": n.definition, // ours at a plugin site, else forward(ctx)
//		})
//	}
//
// positionFeature (navfeature.go) gives a textDocument/position request the
// "ours or forward" glue: a claim that sends positions outside the index's
// sites down the raw path, and resolve, which waits for the snapshot of the
// editor's text and finds the site. Every navigation feature reads one
// navigation cache per workspace (Workspace.Nav), so the site table of a
// snapshot is built once whichever feature asks first.
//
// Background work a feature starts must be owned: start it with
// proxy.Session.Go (the session waits for it and cancels its context at the
// end) or stop it in Feature.Shutdown.
package lsp
