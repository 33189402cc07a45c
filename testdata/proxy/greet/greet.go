// Package greet builds greetings; the proxy end-to-end tests ask gopls about it.
package greet

import "fmt"

// Greeter says hello to someone.
type Greeter interface {
	Greet(name string) string
}

// English greets in English.
type English struct {
	Punctuation string
}

// Greet implements Greeter.
func (e English) Greet(name string) string {
	return fmt.Sprintf("Hello, %s%s", name, e.Punctuation)
}

// Default is the greeter used when none is chosen.
var Default Greeter = English{Punctuation: "!"}
