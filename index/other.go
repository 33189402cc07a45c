package index

// extractOther extracts a non-Go file: manifest, script, config.
func extractOther(ws *workspace, id FileID, path string, kind fileKind, content []byte) any {
	return nil
}

func parseConfig(b []byte) *Config { return &Config{} }
