// Command counter is a native plugin (go build -buildmode=plugin).
package main

// Count is read by the host.
var Count int

// Add is called by the host.
func Add(n int) int { Count += n; return Count }
