package diagnostics

import (
	"go/format"
	"testing"
)

func TestInsertImportEdit(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"no imports", "package all\n\nfunc f() {}\n", "package all\n\nimport _ \"example.com/p\"\n\nfunc f() {}\n"},
		{"single", "package all\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n", "package all\n\nimport \"fmt\"\nimport _ \"example.com/p\"\n\nvar _ = fmt.Sprint\n"},
		{"block end", "package all\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/b\"\n)\n", "package all\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/b\"\n\t_ \"example.com/p\"\n)\n"},
		{"block middle", "package all\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/z\"\n)\n", "package all\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/p\"\n\t_ \"example.com/z\"\n)\n"},
		{"blank run before others", "package main\n\nimport (\n\t_ \"example.com/a\"\n\n\t\"fmt\"\n)\n\nvar _ = fmt.Sprint\n", "package main\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/p\"\n\n\t\"fmt\"\n)\n\nvar _ = fmt.Sprint\n"},
		{"single with comment", "package all\n\nimport _ \"example.com/a\" // register\n", "package all\n\nimport _ \"example.com/a\" // register\nimport _ \"example.com/p\"\n"},
		{"comment after", "package all\n\nimport (\n\t_ \"example.com/a\" // a\n)\n", "package all\n\nimport (\n\t_ \"example.com/a\" // a\n\t_ \"example.com/p\"\n)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := insertImportEdit([]byte(tt.src), "example.com/p")
			if !ok {
				t.Fatal("no edit")
			}
			got := tt.src[:e.start] + e.text + tt.src[e.end:]
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			f, err := format.Source([]byte(got))
			if err != nil || string(f) != got {
				t.Errorf("not gofmt-clean (%v):\n%s", err, f)
			}
		})
	}
	if _, ok := insertImportEdit([]byte("package a\n\nimport _ \"example.com/p\"\n"), "example.com/p"); ok {
		t.Error("edit for an import that exists")
	}
}
