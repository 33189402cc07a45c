//go:build !race

package lsp

// raceBuild: see race_on_test.go.
const raceBuild = false
