// Package whoami is a CoreDNS plugin.
package whoami

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
)

const pluginName = "whoami"

func init() { plugin.Register(pluginName, setup) }

func setup(c *caddy.Controller) error { return nil }
