package index

import (
	"errors"
	"fmt"
	gobuild "go/build"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultMaxFileSize is the largest file the index reads (16 MiB) unless
// Options.MaxFileSize or $PLUGIN_LSP_MAX_FILE_SIZE says otherwise. Go's
// largest generated sources are a few MiB; anything bigger is skipped and
// reported rather than held in memory.
const DefaultMaxFileSize = 16 << 20

// MaxFileSizeEnv is the environment variable that sets the default file
// size cap (bytes, or with a K, M or G suffix: "64M").
const MaxFileSizeEnv = "PLUGIN_LSP_MAX_FILE_SIZE"

// ParseSize parses a byte count such as "16777216", "64M", "512K" or "1G"
// (binary units).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult, t = 1<<10, t[:n-1]
		case 'M':
			mult, t = 1<<20, t[:n-1]
		case 'G':
			mult, t = 1<<30, t[:n-1]
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q (want a positive byte count such as 16777216 or 16M)", s)
	}
	return v * mult, nil
}

// maxFileSize resolves the cap: the option, else the environment, else the
// default. A malformed environment value falls back to the default (the
// check command validates it and says so).
func maxFileSize(opt int64) int64 {
	if opt > 0 {
		return opt
	}
	if v := os.Getenv(MaxFileSizeEnv); v != "" {
		if n, err := ParseSize(v); err == nil {
			return n
		}
	}
	return DefaultMaxFileSize
}

// SkipError says why the index did not read a file that exists: not a
// regular file (FIFO, device, socket), larger than the cap, a symlink that
// leaves the workspace, or unreadable. Skipped files are reported
// (Snapshot.Problems), never silently dropped.
type SkipError struct {
	Path   string
	Reason string
}

func (e *SkipError) Error() string { return e.Path + ": skipped: " + e.Reason }

// ReadRegular reads path if it is a regular file of at most limit bytes
// (limit <= 0: DefaultMaxFileSize). It never blocks on open (a FIFO is
// opened non-blocking, then refused) and never reads more than limit+1
// bytes, so /dev/zero or a growing file cannot exhaust memory. A missing
// file gives an error for which errors.Is(err, fs.ErrNotExist) holds; any
// other failure is a *SkipError.
func ReadRegular(path string, limit int64) ([]byte, error) {
	return readRegularInto(path, limit, nil)
}

// readRegularInto is ReadRegular reading into buf's storage when it is
// large enough (an extraction worker's reused buffer).
func readRegularInto(path string, limit int64, buf []byte) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	f, err := openNoBlock(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, &SkipError{Path: path, Reason: "unreadable: " + unwrapPathError(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &SkipError{Path: path, Reason: "unreadable: " + unwrapPathError(err)}
	}
	if !st.Mode().IsRegular() {
		return nil, &SkipError{Path: path, Reason: "not a regular file (" + modeName(st.Mode()) + ")"}
	}
	if st.Size() > limit {
		return nil, &SkipError{Path: path, Reason: fmt.Sprintf("%d bytes, larger than the %d-byte cap (%s or -max-file-size)", st.Size(), limit, MaxFileSizeEnv)}
	}
	b := buf[:0]
	if int64(cap(b)) < st.Size()+1 {
		b = make([]byte, 0, st.Size()+1)
	}
	for {
		if int64(len(b)) > limit {
			return nil, &SkipError{Path: path, Reason: fmt.Sprintf("grew past the %d-byte cap while being read", limit)}
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):min(int64(cap(b)), limit+1)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, &SkipError{Path: path, Reason: "unreadable: " + unwrapPathError(err)}
		}
	}
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func modeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "directory"
	}
	return m.Type().String()
}

// fileGuard decides whether the index may read a path from disk: symlinks
// must resolve inside a workspace root (or the module cache), as the walk
// never follows directory symlinks either.
type fileGuard struct {
	roots []string // the roots as given and resolved
	limit int64
}

func newFileGuard(roots []string, limit int64) *fileGuard {
	g := &fileGuard{limit: maxFileSize(limit)}
	add := func(d string) {
		if d == "" {
			return
		}
		g.roots = append(g.roots, filepath.Clean(d))
		if r, err := filepath.EvalSymlinks(d); err == nil && r != d {
			g.roots = append(g.roots, r)
		}
	}
	for _, r := range roots {
		add(r)
	}
	add(moduleCache())
	return g
}

// moduleCache is GOMODCACHE as the go command would default it, without
// running go.
func moduleCache() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	gp := filepath.SplitList(gobuild.Default.GOPATH)
	if len(gp) == 0 || gp[0] == "" {
		return ""
	}
	return filepath.Join(gp[0], "pkg", "mod")
}

// read reads a workspace file from disk through the guard.
func (g *fileGuard) read(path string, buf []byte) ([]byte, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &SkipError{Path: path, Reason: "dangling symlink"}
			}
			return nil, &SkipError{Path: path, Reason: "unreadable symlink: " + unwrapPathError(err)}
		}
		if !g.inside(target) {
			return nil, &SkipError{Path: path, Reason: "symlink to " + target + ", outside the workspace roots"}
		}
	}
	return readRegularInto(path, g.limit, buf)
}

func (g *fileGuard) inside(p string) bool {
	for _, r := range g.roots {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// MaxRegistrationsPerFile bounds the registration-like call sites
// (relevantWords hits) of one Go file whose facts are extracted. Parsing
// keeps every body that holds such a call, and the AST of a generated
// file with 750,000 registrations took over 1 GB while it was extracted;
// such a file is skipped and reported instead. The largest real files
// seen (Telegraf's, CoreDNS's generated lists, GOROOT's) have a few
// hundred.
const MaxRegistrationsPerFile = 100_000

// factScanMin is the size below which a file cannot reach the cap (a hit
// takes at least 4 bytes), so the extra scan is not done.
const factScanMin = 4 * MaxRegistrationsPerFile

// checkFactCap returns a *SkipError when the Go file content has more
// registration-like call sites than MaxRegistrationsPerFile.
func checkFactCap(path string, content []byte) error {
	if len(content) < factScanMin {
		return nil
	}
	if n := len(wordHits(content)); n > MaxRegistrationsPerFile {
		return &SkipError{Path: path, Reason: fmt.Sprintf("%d registration-like calls, more than the per-file cap of %d (extracting them would hold the whole file's syntax tree in memory)", n, MaxRegistrationsPerFile)}
	}
	return nil
}
