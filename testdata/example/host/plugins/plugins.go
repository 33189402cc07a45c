// Package plugins links the logging plugins into the host.
package plugins

import (
	_ "example.com/plugins/console"
	_ "example.com/plugins/file"
	_ "example.com/plugins/syslog"
)
