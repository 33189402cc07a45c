// Package syslog logs to the system log. It was copied from the console
// plugin and still registers under the console plugin's name.
package syslog

import (
	"fmt"

	"example.com/contract"
)

type logger struct{}

func (logger) Log(msg string) error {
	fmt.Println("<14>" + msg)
	return nil
}

func init() {
	contract.Register("console", logger{})
}
