//go:build unix

package index

import (
	"os"
	"syscall"
)

// openNoBlock opens path for reading without blocking: O_NONBLOCK makes
// open(2) of a FIFO with no writer return at once (the caller then refuses
// it as not a regular file); for regular files the flag has no effect.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
