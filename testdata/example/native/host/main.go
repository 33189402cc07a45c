//go:build linux || darwin

// Command host opens the greeter plugin.
package main

import (
	"fmt"
	"log"
	"plugin"
)

func main() {
	p, err := plugin.Open("greeter.so")
	if err != nil {
		log.Fatal(err)
	}
	sym, err := p.Lookup("greet")
	if err != nil {
		log.Fatal(err)
	}
	greet := sym.(func(string) string)
	g, err := p.Lookup("Greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(greet(g.(string)))
}
