// Package console logs to standard error.
package console

import (
	"fmt"
	"os"

	"example.com/contract"
)

type logger struct{}

func (logger) Log(msg string) error {
	_, err := fmt.Fprintln(os.Stderr, msg)
	return err
}

func init() {
	contract.Register("console", logger{})
}
