// Command proxy is the workspace the proxy end-to-end tests run gopls on.
package main

import (
	"fmt"
	"strings"

	"example.com/proxy/greet"
)

// shout upper-cases a greeting; "é𝄞" keeps non-ASCII text in the file so
// that positions differ between UTF-8 and UTF-16.
func shout(g greet.Greeter, name string) string {
	const accent = "é𝄞"
	return strings.ToUpper(g.Greet(name)) + accent
}

func main() {
	total := 0
	for i := range 3 {
		total += i
	}
	msg := shout(greet.Default, "gopher")
	fmt.Println(msg, total)
}
