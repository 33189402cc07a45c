// Package lsp is the language-server edge of plugin-lsp: the transparent proxy
// in front of gopls and the LSP features built on the plugin index.
package lsp
