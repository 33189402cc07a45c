//go:build linux

package all

import _ "example.com/beta"
