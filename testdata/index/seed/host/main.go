// Command host links plugins through the aggregator and one direct import.
package main

import (
	"fmt"

	_ "example.com/agg/all"
	"example.com/contract"
	_ "example.com/gamma"
)

func main() {
	p, ok := contract.Lookup("alpha")
	fmt.Println(p, ok)
	_, ok = contract.Lookup("delta")
	fmt.Println(ok)
}
