// Command host links every plugin and runs two of them.
package main

import (
	"fmt"

	_ "example.com/plugins/alpha"
	_ "example.com/plugins/beta"
	_ "example.com/plugins/gamma"

	"example.com/contract/registry"
)

func main() {
	for _, name := range []string{"metrics"} {
		fmt.Println(registry.Lookup(name).Setup())
	}
	fmt.Println(registry.Lookup("loger").Setup())
}
