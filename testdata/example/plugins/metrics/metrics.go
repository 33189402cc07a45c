// Package metrics counts log lines. Nothing imports it yet.
package metrics

import "example.com/contract"

type logger struct{ n *int }

func (l logger) Log(msg string) error {
	*l.n++
	return nil
}

func init() {
	contract.Register("metrics", logger{n: new(int)})
}
