// Command greeter is a native plugin built by the Makefile.
package main

// Greeting is looked up as a variable (Lookup returns *string).
var Greeting = "hello"

// Greet is looked up as a function.
func Greet(name string) string { return Greeting + ", " + name }

var secret = 42

func main() {}
