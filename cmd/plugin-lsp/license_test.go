package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLicense: the repository has a BSD-3-Clause LICENSE and the VS Code
// extension's package.json names that licence (vsce and the marketplace
// read the SPDX identifier from it).
func TestLicense(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"Copyright 2026 The plugin-lsp Authors",
		"Redistribution and use in source and binary forms",
		"Neither the name of the copyright holder nor the names of its contributors",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("LICENSE lacks %q (BSD-3-Clause text)", want)
		}
	}
	pj, err := os.ReadFile(filepath.Join(root, "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		License string `json:"license"`
	}
	if err := json.Unmarshal(pj, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.License != "BSD-3-Clause" {
		t.Errorf("editors/vscode/package.json license = %q, want BSD-3-Clause", pkg.License)
	}
}
