//go:build !custom || inputs || inputs.cpu

package all

import _ "example.com/telegrafplugins/plugins/inputs/cpu"
