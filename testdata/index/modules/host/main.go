package main

import (
	"os/exec"
	"plugin"
)

func main() {
	exec.Command("env", "GOWORK=off", "go", "build", "-buildmode=plugin", "-o", "extra.so", "../plugin").Run()
	p, _ := plugin.Open("../plugin/greeter.so")
	_, _ = p.Lookup("Greeting")
}
