// Command gen is a module of its own that go.work does not use.
package main

func main() {}
