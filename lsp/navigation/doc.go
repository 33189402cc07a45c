// Package navigation answers the plugin-aware navigation queries over one
// index snapshot: which site of the index is at a byte offset (the site
// table, Index, derived once per snapshot and shared through Cache), and
// definition, references, implementations, completion context and ranking,
// workspace symbols, hover text, rename edits and code lenses at it.
//
// It speaks index refs (FileIDs and byte offsets) and plain Go values, never
// LSP: package lsp converts positions and locations with its Mapper and
// decides what to merge with gopls's answers. So every query is tested
// without a server (query_test.go runs the testdata/nav markers directly),
// and this package imports neither the proxy nor any JSON-RPC or LSP
// package (lsp/layering_test.go).
package navigation
