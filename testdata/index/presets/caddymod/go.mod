module example.com/caddymod

go 1.26

require github.com/caddyserver/caddy/v2 v2.8.0
