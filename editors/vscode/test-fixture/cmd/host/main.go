// Command host links the logger plugin and looks plugins up by name.
package main

import (
	"example.com/fixture/contract"
	_ "example.com/fixture/plugins/logger"
)

func main() {
	good := contract.Get("logger")
	good.Log("hello")
	typo := contract.Get("loger")
	typo.Log("never found")
	_ = answer()
}
