// Package wire is LSP's base protocol as the proxy needs it: frames
// (Content-Length headers; a malformed frame is reported and reading goes
// on), the JSON-RPC envelope decoded without the params or result (Parse,
// and a fast path for gopls's responses), replies and requests encoded
// around raw bytes, and byte-preserving edits of JSON objects (GetMember,
// SetPath, …), so that a gopls message reaches the editor as gopls wrote it.
package wire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxFrame bounds one message body. A Content-Length above it is treated as a
// malformed frame instead of an allocation of that size.
const maxFrame = 512 << 20

// Reader reads LSP base-protocol frames (Content-Length headers, blank
// line, body). Unlike go.lsp.dev/jsonrpc2's Stream, which decodes and later
// re-encodes every message and ends the connection on the first bad frame,
// it returns the body bytes untouched and reports a malformed header as a
// *frameError after which reading can continue with the next frame.
type Reader struct {
	r *bufio.Reader
	// resync is set after a malformed header: the next read first skips to
	// the next header. It is deferred so that the caller can answer the bad
	// frame before the reader blocks waiting for more input.
	needResync bool
	pending    string // a header line resync read ahead
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

// FrameError is a malformed frame header. The reader has skipped past it;
// the caller answers with a JSON-RPC parse error and keeps reading.
type FrameError struct{ msg string }

// Error describes the fault.
func (e *FrameError) Error() string { return "malformed frame: " + e.msg }

// BareBodyError is a JSON object (or array) that arrived where a frame
// header belongs: a message sent without its Content-Length header. The
// reader has consumed it; the caller answers it as an invalid request (with
// its id when it has a usable one) and keeps reading.
type BareBodyError struct{ Body []byte }

// Error describes the fault.
func (e *BareBodyError) Error() string {
	return "a JSON message without a Content-Length header"
}

// Recoverable reports whether a read error leaves the stream readable (a
// malformed frame or a bare body), as opposed to its end.
func Recoverable(err error) bool {
	var fe *FrameError
	var be *BareBodyError
	return errors.As(err, &fe) || errors.As(err, &be)
}

// Limits on what the reader holds for input that is not a frame: a header
// line (real ones are under 100 bytes) and a JSON body sent without a
// header. Beyond them the input is discarded as it is read, so a peer that
// never sends a newline cannot make memory grow.
const (
	maxHeaderLine = 8 << 10
	maxBareBody   = 1 << 20
)

// Read returns the next frame's body. io.EOF (or another read error) ends
// the stream; a *frameError or *bareBodyError does not.
func (f *Reader) Read() ([]byte, error) {
	if f.needResync {
		f.needResync = false
		f.resync()
	}
	length := -1
	var bad, garbage string
	sawHeader := false
	for {
		line, err := f.pending, error(nil)
		f.pending = ""
		if line == "" {
			if !sawHeader {
				if body, ok, err := f.bareBody(); ok || err != nil {
					if err != nil {
						return nil, err
					}
					return nil, &BareBodyError{Body: body}
				}
			}
			var long bool
			line, long, err = f.readLine()
			if long && err == nil {
				sawHeader = true
				garbage = fmt.Sprintf("header line longer than %d bytes", maxHeaderLine)
				continue
			}
		}
		if err != nil {
			if err == io.EOF && (sawHeader || line != "") {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !sawHeader {
				continue // tolerate stray blank lines between frames
			}
			break
		}
		if !looksLikeHeader([]byte(line)) {
			// Garbage, such as the rest of a body whose Content-Length was
			// too short. A header glued to its end ("…}Content-Length: 52")
			// starts the next frame: keep it, report the garbage.
			if i := indexFold(line, "content-length:"); i > 0 {
				f.pending = line[i:]
				return nil, &FrameError{msg: fmt.Sprintf("unexpected %q before a header", clip(line[:i]))}
			}
			sawHeader = true
			garbage = fmt.Sprintf("header line %q is not \"Name: value\"", clip(line))
			continue
		}
		if garbage != "" {
			// A well-formed header after garbage lines starts the next
			// frame: report the garbage, keep the header.
			f.pending = line
			return nil, &FrameError{msg: garbage}
		}
		sawHeader = true
		name, value, _ := strings.Cut(line, ":")
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			switch {
			case err != nil:
				bad = fmt.Sprintf("Content-Length %q is not a number", clip(strings.TrimSpace(value)))
			case n < 0 || n > maxFrame:
				bad = fmt.Sprintf("Content-Length %d out of range", n)
			default:
				length = n
			}
		}
	}
	if bad == "" {
		bad = garbage
	}
	if bad == "" && length < 0 {
		bad = "missing Content-Length header"
	}
	if bad != "" {
		f.needResync = true
		return nil, &FrameError{msg: bad}
	}
	body, err := readBody(f.r, length)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// readBody reads n bytes. Memory grows with what arrives, not with what
// the header claims: a "Content-Length: 500000000" followed by nothing
// allocated half a gigabyte at once (found by FuzzFraming).
func readBody(r io.Reader, n int) ([]byte, error) {
	const step = 1 << 20
	if n <= step {
		body := make([]byte, n)
		_, err := io.ReadFull(r, body)
		return body, err
	}
	body := make([]byte, 0, step)
	for len(body) < n {
		if len(body) == cap(body) {
			body = slices.Grow(body, min(cap(body), n-len(body)))
		}
		m, err := io.ReadFull(r, body[len(body):min(cap(body), n)])
		body = body[:len(body)+m]
		if err != nil {
			return nil, err
		}
	}
	return body, nil
}

// readLine reads one line of at most maxHeaderLine bytes; the rest of a
// longer line is read and discarded (long reports it).
func (f *Reader) readLine() (line string, long bool, err error) {
	b, err := f.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull && len(b) <= maxHeaderLine {
		return string(b), false, err
	}
	for err == bufio.ErrBufferFull {
		_, err = f.r.ReadSlice('\n')
	}
	if err == io.EOF {
		return "", true, io.ErrUnexpectedEOF
	}
	return "", true, err
}

// bareBody reads a JSON object or array that starts (after blank space)
// where a header should: ok is false, and nothing is consumed but the blank
// space, when the next byte is not '{' or '['. The value ends at its
// matching bracket; one longer than maxBareBody is discarded up to there.
func (f *Reader) bareBody() (body []byte, ok bool, err error) {
	for {
		c, err := f.r.Peek(1)
		if err != nil {
			return nil, false, nil // let readLine report EOF
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n':
			f.r.ReadByte()
			continue
		case '{', '[':
		default:
			return nil, false, nil
		}
		break
	}
	depth, inString, escaped := 0, false, false
	for {
		c, err := f.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, true, err
		}
		if len(body) < maxBareBody {
			body = append(body, c)
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return body, true, nil
			}
		}
	}
}

// indexFold returns the index of the ASCII string sub (lower case) in s,
// ignoring ASCII case, or -1.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// resync discards input up to the next thing that looks like a frame
// header line ("Name: value" at the start of a line, or right after a '}'
// that ended the bad frame's body), so that the body of a frame with an
// unusable header is not read as headers. The header line found is kept in
// f.pending for the next read. Reading stops at a '\n' or '}', so resync
// never waits for input beyond the next header line.
func (f *Reader) resync() {
	var chunk []byte
	for {
		b, err := f.r.ReadByte()
		if err != nil {
			return
		}
		chunk = append(chunk, b)
		if b != '\n' && b != '}' {
			continue
		}
		if b == '\n' && looksLikeHeader(chunk) {
			f.pending = string(chunk)
			return
		}
		chunk = chunk[:0]
	}
}

// looksLikeHeader reports whether line is "Token: value\r\n".
func looksLikeHeader(line []byte) bool {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false
	}
	for _, c := range line[:colon] {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Writer writes frames; it is safe for concurrent use and writes each
// frame whole, so messages never interleave.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sends body as one frame. After a write error every later write fails
// with the same error.
func (f *Writer) Write(body []byte) error {
	return f.WriteParts(body)
}

// WriteParts sends the concatenation of parts as one frame, copying each
// byte once (a message with a rewritten id is written as three parts instead
// of being copied into a new slice first).
func (f *Writer) WriteParts(parts ...[]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	f.buf = append(f.buf[:0], "Content-Length: "...)
	f.buf = strconv.AppendInt(f.buf, int64(n), 10)
	f.buf = append(f.buf, "\r\n\r\n"...)
	for _, p := range parts {
		f.buf = append(f.buf, p...)
	}
	if _, err := f.w.Write(f.buf); err != nil {
		f.err = fmt.Errorf("writing frame: %w", err)
		return f.err
	}
	if cap(f.buf) > 1<<20 {
		f.buf = nil // do not pin a large buffer after one big message
	}
	return nil
}
