// Package caddymod is a Caddy module: the ID comes from CaddyModule().
package caddymod

import "github.com/caddyserver/caddy/v2"

const prefix = "http.handlers."

// Handler is a Caddy HTTP handler.
type Handler struct{}

// CaddyModule returns the module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.hello",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Other takes its ID from a constant.
type Other struct{}

const otherID = "http.handlers.other"

// CaddyModule returns the module information.
func (*Other) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{ID: otherID, New: func() caddy.Module { return new(Other) }}
}

func init() {
	caddy.RegisterModule(Handler{})
	caddy.RegisterModule(&Other{})
}
