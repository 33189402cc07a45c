//go:build !unix

package index

import (
	"fmt"
	"os"
)

// openNoBlock opens path for reading after checking that it is a regular
// file (there is no O_NONBLOCK here; the stat keeps the open from waiting
// on a pipe).
func openNoBlock(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open %s: not a regular file", path)
	}
	return os.Open(path)
}
