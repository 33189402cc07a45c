package index

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
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
	out := []BuildConfig{mustConfig(runtime.GOOS, runtime.GOARCH)}
	for _, os := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			if os == runtime.GOOS && arch == runtime.GOARCH {
				continue
			}
			out = append(out, mustConfig(os, arch))
		}
	}
	return out
}

func mustConfig(goos, goarch string) BuildConfig {
	c, err := NewBuildConfig(goos, goarch, nil)
	if err != nil {
		panic(err) // the host and the default ports are known ports
	}
	return c
}

// PortGOOS and PortGOARCH are the GOOS and GOARCH values a build
// configuration may name: the first-class and secondary ports of the go
// toolchain (`go tool dist list`; TestPortsMatchDistList keeps them
// honest). Every surface of the configuration (.plugin-lsp.yaml, check's
// -goos/-goarch, the editor's buildConfigs) validates against them through
// NewBuildConfig.
var (
	PortGOOS = []string{"aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js",
		"linux", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows"}
	PortGOARCH = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le",
		"mipsle", "ppc64", "ppc64le", "riscv64", "s390x", "wasm"}
)

var tagRe = regexp.MustCompile(`^!?[A-Za-z0-9_.]+$`)

// CheckGOOS returns an error naming the known values unless goos is one.
func CheckGOOS(goos string) error {
	if !slices.Contains(PortGOOS, goos) {
		return fmt.Errorf("unknown GOOS %q (known: %s)", goos, strings.Join(PortGOOS, ", "))
	}
	return nil
}

// CheckGOARCH returns an error naming the known values unless goarch is one.
func CheckGOARCH(goarch string) error {
	if !slices.Contains(PortGOARCH, goarch) {
		return fmt.Errorf("unknown GOARCH %q (known: %s)", goarch, strings.Join(PortGOARCH, ", "))
	}
	return nil
}

// NewBuildConfig is the one constructor of a build configuration from what
// a user wrote: an empty goos or goarch means the host's; both must be
// known ports; tags must be build-tag words. The cgo rule: every
// configuration gets the "cgo" tag (native plugins need cgo) unless tags
// lists "!cgo". Tags come back sorted and without duplicates, so that two
// spellings of one configuration compare equal (BuildConfig.String).
func NewBuildConfig(goos, goarch string, tags []string) (BuildConfig, error) {
	goos, goarch = strings.TrimSpace(goos), strings.TrimSpace(goarch)
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	if err := CheckGOOS(goos); err != nil {
		return BuildConfig{}, err
	}
	if err := CheckGOARCH(goarch); err != nil {
		return BuildConfig{}, err
	}
	c := BuildConfig{GOOS: goos, GOARCH: goarch}
	cgo := true
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if !tagRe.MatchString(t) {
			return BuildConfig{}, fmt.Errorf("bad build tag %q", t)
		}
		if t == "!cgo" {
			cgo = false
			continue
		}
		if !slices.Contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
	switch i := slices.Index(c.Tags, "cgo"); {
	case cgo && i < 0:
		c.Tags = append(c.Tags, "cgo")
	case !cgo && i >= 0:
		c.Tags = slices.Delete(c.Tags, i, i+1)
	}
	sort.Strings(c.Tags)
	return c, nil
}

// ParseBuildConfig reads the short form of a configuration,
// "goos/goarch[+tag,…]" (BuildConfig.String's), through NewBuildConfig.
func ParseBuildConfig(s string) (BuildConfig, error) {
	spec, tags, _ := strings.Cut(strings.TrimSpace(s), "+")
	goos, goarch, ok := strings.Cut(spec, "/")
	if !ok {
		return BuildConfig{}, fmt.Errorf("%q: want \"goos/goarch[+tag,…]\" or {goos: …, goarch: …, tags: […]}", s)
	}
	var list []string
	if tags != "" {
		list = strings.Split(tags, ",")
	}
	return NewBuildConfig(goos, goarch, list)
}

// AppendConfig appends c to list unless an equal configuration is there.
func AppendConfig(list []BuildConfig, c BuildConfig) []BuildConfig {
	for _, x := range list {
		if x.String() == c.String() {
			return list
		}
	}
	return append(list, c)
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
