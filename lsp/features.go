package lsp

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
