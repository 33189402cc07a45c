// Command host opens the counter plugin.
package main

import (
	"fmt"
	"plugin"
)

func main() {
	p, err := plugin.Open("counter.so")
	if err != nil {
		panic(err)
	}
	v, err := p.Lookup("Count")
	if err != nil {
		panic(err)
	}
	n := v.(int)
	f, err := p.Lookup("Add")
	if err != nil {
		panic(err)
	}
	fmt.Println(n, f.(func(int) int)(1))
}
