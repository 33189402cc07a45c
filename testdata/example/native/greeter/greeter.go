// Command greeter is a native plugin: build it with -buildmode=plugin.
package main

// Greeting is read by the host.
var Greeting = "hello"

// Greet returns the greeting for name.
func Greet(name string) string { return greet(name) }

func greet(name string) string { return Greeting + ", " + name }

func main() {}
