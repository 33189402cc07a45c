//go:build !linux

package proxy

// growPipe is a no-op where pipe buffers cannot be resized.
func growPipe(any) {}
