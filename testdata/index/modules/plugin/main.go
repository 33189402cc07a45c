package main

// Greeting is looked up by the host.
var Greeting = "hello"
