// Command audithost links both audit plugins: a duplicate name (REG001).
package main

import (
	"example.com/fixture/contract"
	_ "example.com/fixture/plugins/audit"
	_ "example.com/fixture/plugins/auditcopy"
)

func main() {
	contract.Get("audit").Log("started")
}
