package index

import (
	"path/filepath"
	"strings"
)

// extractGo turns one Go file into path-independent facts. It never fails:
// syntax errors are recorded in ParseErr.
func extractGo(src []byte) *FileFacts {
	return &FileFacts{}
}

// forPath returns a copy of cached facts bound to a file.
func (f *FileFacts) forPath(id FileID, path string) *FileFacts {
	c := *f
	c.File = id
	c.Path = path
	base := filepath.Base(path)
	c.IsTest = strings.HasSuffix(base, "_test.go")
	c.NameGOOS, c.NameGOARCH = fileNameConstraint(base)
	return &c
}
