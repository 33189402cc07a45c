// Package index extracts plugin facts from Go source and keeps them in an
// immutable, incrementally updated snapshot with a prefix trie of names.
// It knows nothing of LSP or JSON-RPC.
package index
