package synth

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	res, err := Generate(dir, Spec{Files: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files < 200 || res.Registrations == 0 || len(res.Modules) == 0 {
		t.Errorf("result = files %d, registrations %d, modules %v", res.Files, res.Registrations, res.Modules)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.work")); err != nil {
		t.Error(err)
	}
}
