package wire

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// readAll reads frames from in until the stream ends and renders each
// result: "B:<body>" for a frame, "E" for a malformed frame, "J:<body>" for
// a bare JSON body without header.
func readAll(t *testing.T, in io.Reader) []string {
	t.Helper()
	r := NewReader(in)
	var out []string
	for i := 0; i < 100; i++ {
		body, err := r.Read()
		var fe *FrameError
		var be *BareBodyError
		switch {
		case err == nil:
			out = append(out, "B:"+string(body))
		case errors.As(err, &fe):
			out = append(out, "E")
		case errors.As(err, &be):
			out = append(out, "J:"+string(be.Body))
		default:
			return out
		}
	}
	t.Fatal("reader did not end")
	return nil
}

// TestFrameReaderFaults: a malformed frame never takes the next valid frame
// with it (issue 11, item 5).
func TestFrameReaderFaults(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"valid", "Content-Length: 2\r\n\r\n{}", []string{"B:{}"}},
		{"two headers", "Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", []string{"B:{}"}},
		{"stray blank lines", "\r\n\r\nContent-Length: 2\r\n\r\n{}", []string{"B:{}"}},
		// The rest of the short body and the next header share a line.
		{"Content-Length shorter than body", "Content-Length: 5\r\n\r\n{\"a\":1,\"b\":2}Content-Length: 2\r\n\r\n{}",
			[]string{`B:{"a":`, "E", "B:{}"}},
		{"Content-Length shorter than a multi-line body", "Content-Length: 3\r\n\r\n{\n\"a\":\n1\n}\nContent-Length: 2\r\n\r\n{}",
			[]string{"B:{\n\"", "E", "B:{}"}},
		{"garbage lines before a header", "hello\r\nworld\r\nContent-Length: 2\r\n\r\n{}", []string{"E", "B:{}"}},
		{"bad Content-Length", "Content-Length: abc\r\n\r\n{\"x\":1}Content-Length: 2\r\n\r\n{}", []string{"E", "B:{}"}},
		{"missing Content-Length", "Content-Type: x\r\n\r\n{\"x\":1}\r\nContent-Length: 2\r\n\r\n{}", []string{"E", "B:{}"}},
		{"long header line", strings.Repeat("x", 200<<10) + "\r\nContent-Length: 2\r\n\r\n{}", []string{"E", "B:{}"}},
		{"bare JSON body", `{"jsonrpc":"2.0","id":7,"method":"x"}Content-Length: 2` + "\r\n\r\n{}",
			[]string{`J:{"jsonrpc":"2.0","id":7,"method":"x"}`, "B:{}"}},
		{"bare JSON with brackets in strings", `{"a":"}{\"]","id":[1]}` + "\nContent-Length: 2\r\n\r\n{}",
			[]string{`J:{"a":"}{\"]","id":[1]}`, "B:{}"}},
		{"bare JSON array", `[1,{"a":2}]Content-Length: 2` + "\r\n\r\n{}", []string{`J:[1,{"a":2}]`, "B:{}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, strings.NewReader(tt.in))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// endless is an input that never sends a newline.
type endless struct{ left int }

func (e *endless) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := min(len(p), e.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	e.left -= n
	return n, nil
}

// TestFrameReaderHeaderLineBounded: 64 MiB without a newline is read and
// dropped as it comes; the reader's allocations stay far below the input
// (they grew with it before the header line cap).
func TestFrameReaderHeaderLineBounded(t *testing.T) {
	const size = 64 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := NewReader(&endless{left: size})
	if _, err := r.Read(); err == nil || Recoverable(err) {
		t.Fatalf("read: %v, want the end of the stream", err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/8 {
		t.Errorf("reading %d MiB without a newline allocated %d MiB", size>>20, alloc>>20)
	}
}

// TestFrameReaderClaimedLengthNotAllocated: a header that claims a body far
// larger than what follows does not allocate the claimed size.
func TestFrameReaderClaimedLengthNotAllocated(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := NewReader(strings.NewReader("Content-Length: 536870000\r\n\r\n{}"))
	if _, err := r.Read(); err != io.ErrUnexpectedEOF {
		t.Fatalf("read: %v, want unexpected EOF", err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("a 512 MB claim with a 2-byte body allocated %d MiB", alloc>>20)
	}
}
