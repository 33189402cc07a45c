// Package all links every plugin (an aggregator).
package all

import _ "example.com/alpha"
