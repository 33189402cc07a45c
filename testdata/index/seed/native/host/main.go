// Command host opens the greeter plugin.
package main

import (
	"fmt"
	"plugin"
)

func main() {
	p, err := plugin.Open("greeter.so")
	if err != nil {
		panic(err)
	}
	g, err := p.Lookup("Greeting")
	if err != nil {
		panic(err)
	}
	fmt.Println(*g.(*string))
	f, err := p.Lookup("Greet")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.(func(string) string)("you"))
}
