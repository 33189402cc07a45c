//go:build race

package lsp

// raceBuild is true under the race detector, which makes heavy tests
// several times slower: they scale their inputs down.
const raceBuild = true
