// Command host logs through the file logger and the console logger.
package main

import (
	"log"

	"example.com/contract"
	_ "example.com/host/plugins"
)

func main() {
	file, err := contract.Get("file")
	if err != nil {
		log.Fatal(err)
	}
	console, err := contract.Get("consle")
	if err != nil {
		log.Fatal(err)
	}
	_ = file.Log("started")
	_ = console.Log("started")
}
