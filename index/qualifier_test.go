package index

import "testing"

func TestImportQualifier(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"fmt", "fmt"},
		{"database/sql", "sql"},
		{"gopkg.in/plug.v1", "plug"},
		{"gopkg.in/yaml.v3", "yaml"},
		{"github.com/caddyserver/caddy/v2", "caddy"},
		{"github.com/mattn/go-sqlite3", "sqlite3"},
		{"github.com/jackc/pgx/v5/stdlib", "stdlib"},
		{"example.com/foo-bar", "foo"},
	} {
		if got := ImportQualifier(c.path); got != c.want {
			t.Errorf("ImportQualifier(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}
