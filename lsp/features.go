package lsp

import (
	"context"
	"io"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// Options configure a session (see proxy.Options). Features nil means
// featureTable.
type Options = proxy.Options

// ErrExitWithoutShutdown is returned by Serve when the editor sent exit
// without shutdown first; the protocol says the server then exits with 1.
var ErrExitWithoutShutdown = proxy.ErrExitWithoutShutdown

// Serve runs one LSP session on in/out: the proxy in front of gopls with
// plugin-lsp's features (featureTable), until the editor sends exit or
// closes in.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	if opts.Features == nil {
		opts.Features = sessionFeatures(featureTable())
	}
	return proxy.Serve(ctx, in, out, opts)
}

// FeatureFunc builds one feature of a session over its Workspace (the
// index, the navigation cache; w.s is the proxy session).
type FeatureFunc func(w *Workspace) proxy.Feature

// sessionFeatures builds a session's features from table: one Workspace per
// session, shared by every feature.
func sessionFeatures(table []FeatureFunc) proxy.FeaturesFunc {
	return func(s *proxy.Session) []proxy.Feature {
		w := newWorkspace(s)
		out := make([]proxy.Feature, len(table))
		for i, f := range table {
			out[i] = f(w)
		}
		return out
	}
}

// featureTable lists every feature of plugin-lsp, in handler-chain order.
// Adding a feature is one line here plus one file (see doc.go). Methods not
// intercepted by any feature pass between the editor and gopls as raw bytes.
func featureTable() []FeatureFunc {
	return []FeatureFunc{
		statusFeature,
		workspaceFeature, codeActionFeature, // index, diagnostics, quick fixes (workspace*.go, diagnostics.go, codeaction.go)
		definitionFeature,     // plugin strings → registrations, types, symbols (definition.go)
		referencesFeature,     // plugin name mentions across modules (references.go)
		implementationFeature, // registered plugin types of a contract (implementation.go)
		hoverFeature,          // registry, contract, type, hosts, manifest (hover.go)
		completionFeature,     // plugin names and plugin symbols in strings (completion.go)
		symbolsFeature,        // plugins in workspace/symbol (symbols.go)
		codeLensFeature,       // linked-by and plugin-count lenses (codelens.go)
		renameFeature,         // plugin name rename (rename.go)
	}
}
