// Package file logs to a file.
package file

import (
	"os"

	"example.com/contract"
)

type logger struct{ path string }

func (l logger) Log(msg string) error {
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(msg + "\n")
	return err
}

func init() {
	contract.Register("file", logger{path: "app.log"})
}
