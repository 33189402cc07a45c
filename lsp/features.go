package lsp

// featureTable lists every feature of plugin-lsp, in handler-chain order.
// Adding a feature is one line here plus one file (see doc.go). Methods not
// intercepted by any feature pass between the editor and gopls as raw bytes.
func featureTable() []FeatureFunc {
	return []FeatureFunc{
		statusFeature,
	}
}
