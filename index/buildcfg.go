package index

import (
	"runtime"
	"strings"
)

// String renders "goos/goarch" or "goos/goarch+tag1,tag2".
func (c BuildConfig) String() string {
	s := c.GOOS + "/" + c.GOARCH
	if len(c.Tags) > 0 {
		s += "+" + strings.Join(c.Tags, ",")
	}
	return s
}

// DefaultConfigs returns the host GOOS/GOARCH followed by
// {linux,darwin,windows}×{amd64,arm64}, each with the cgo tag (plugins need
// cgo), without duplicates.
func DefaultConfigs() []BuildConfig {
	out := []BuildConfig{{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Tags: []string{"cgo"}}}
	for _, os := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			if os == runtime.GOOS && arch == runtime.GOARCH {
				continue
			}
			out = append(out, BuildConfig{GOOS: os, GOARCH: arch, Tags: []string{"cgo"}})
		}
	}
	return out
}

// unixOS are the GOOS values that satisfy the "unix" build tag.
var unixOS = map[string]bool{"aix": true, "android": true, "darwin": true, "dragonfly": true,
	"freebsd": true, "hurd": true, "illumos": true, "ios": true, "linux": true, "netbsd": true,
	"openbsd": true, "solaris": true}

// knownOS and knownArch are the values that make a _GOOS/_GOARCH file name
// suffix meaningful (from go/build's syslist).
var knownOS = map[string]bool{"aix": true, "android": true, "darwin": true, "dragonfly": true,
	"freebsd": true, "hurd": true, "illumos": true, "ios": true, "js": true, "linux": true,
	"nacl": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true,
	"windows": true, "zos": true}

var knownArch = map[string]bool{"386": true, "amd64": true, "amd64p32": true, "arm": true,
	"armbe": true, "arm64": true, "arm64be": true, "loong64": true, "mips": true, "mipsle": true,
	"mips64": true, "mips64le": true, "mips64p32": true, "mips64p32le": true, "ppc": true,
	"ppc64": true, "ppc64le": true, "riscv": true, "riscv64": true, "s390": true, "s390x": true,
	"sparc": true, "sparc64": true, "wasm": true}

func (c BuildConfig) tag(t string) bool {
	switch {
	case t == c.GOOS || t == c.GOARCH:
		return true
	case t == "unix":
		return unixOS[c.GOOS]
	case t == "gc":
		return true
	case t == "linux" && c.GOOS == "android", t == "darwin" && c.GOOS == "ios", t == "solaris" && c.GOOS == "illumos":
		return true
	case strings.HasPrefix(t, "go1."):
		return true // every release tag up to the current toolchain
	}
	for _, x := range c.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// fileNameConstraint extracts _GOOS/_GOARCH/_GOOS_GOARCH from a file name
// the way go/build does (name without .go and _test).
func fileNameConstraint(name string) (goos, goarch string) {
	name = strings.TrimSuffix(name, ".go")
	name = strings.TrimSuffix(name, "_test")
	i := strings.Index(name, "_")
	if i < 0 {
		return "", ""
	}
	parts := strings.Split(name[i:], "_")
	n := len(parts)
	if n >= 2 && knownOS[parts[n-2]] && knownArch[parts[n-1]] {
		return parts[n-2], parts[n-1]
	}
	if n >= 1 {
		if knownOS[parts[n-1]] {
			return parts[n-1], ""
		}
		if knownArch[parts[n-1]] {
			return "", parts[n-1]
		}
	}
	return "", ""
}

// fileMatches evaluates a file's constraints under cfg.
func fileMatches(f *FileFacts, cfg BuildConfig) bool {
	if f.NameGOOS != "" && !cfg.tag(f.NameGOOS) {
		return false
	}
	if f.NameGOARCH != "" && f.NameGOARCH != cfg.GOARCH {
		return false
	}
	if f.expr == nil {
		return true // none, or broken: the compiler reports that, not us
	}
	return f.expr.Eval(cfg.tag)
}
