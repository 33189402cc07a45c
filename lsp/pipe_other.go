//go:build !linux

package lsp

// growPipe is a no-op where pipe buffers cannot be resized.
func growPipe(any) {}
