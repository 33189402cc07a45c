//go:build windows

package cpu

import (
	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/plugins/inputs"
)

// CPU is the input.
type CPU struct{}

func init() {
	inputs.Add("cpu", func() telegraf.Input { return &CPU{} })
}
