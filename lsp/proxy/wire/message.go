package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"go.lsp.dev/jsonrpc2"
)

// Kind is what a JSON-RPC message is, judged from its envelope.
type Kind int

// The kinds of messages.
const (
	KindInvalid      Kind = iota
	KindRequest           // id and method
	KindNotification      // method, no id
	KindResponse          // id, result or error, no method
)

// Message is one JSON-RPC message: its raw bytes and the envelope fields,
// which alias Raw. Only the envelope is decoded; params, result and error
// stay raw bytes.
type Message struct {
	Raw    []byte
	Kind   Kind
	ID     json.RawMessage // raw id bytes (number or string), nil if absent
	IDSpan [2]int          // where ID sits in Raw, for rewriting
	Method string
	Params json.RawMessage
	Result json.RawMessage
	Error  json.RawMessage
}

// Responses from gopls are laid out {"jsonrpc":"2.0","result":…,"id":N}
// (golang.org/x/tools/internal/jsonrpc2's wireResponse field order), with the
// id last, after a result that can be hundreds of kilobytes (completion).
var (
	goplsResultPrefix = []byte(`{"jsonrpc":"2.0","result":`)
	goplsErrorPrefix  = []byte(`{"jsonrpc":"2.0","error":`)
)

// ParseGoplsMessage is Parse with a fast path for gopls's responses:
// when raw starts with gopls's response prefix and ends with a numeric id
// member, the envelope is read from both ends without scanning the result.
// Anything else takes the full scan.
func ParseGoplsMessage(raw []byte) (*Message, error) {
	var prefix []byte
	switch {
	case bytes.HasPrefix(raw, goplsResultPrefix):
		prefix = goplsResultPrefix
	case bytes.HasPrefix(raw, goplsErrorPrefix):
		prefix = goplsErrorPrefix
	default:
		return Parse(raw)
	}
	end := len(raw)
	for end > 0 && isSpace(raw[end-1]) {
		end--
	}
	if end == 0 || raw[end-1] != '}' {
		return Parse(raw)
	}
	idEnd := end - 1
	idStart := idEnd
	for idStart > 0 && raw[idStart-1] >= '0' && raw[idStart-1] <= '9' {
		idStart--
	}
	const IDKey = `,"id":`
	if idStart == idEnd || idStart < len(prefix)+len(IDKey) || string(raw[idStart-len(IDKey):idStart]) != IDKey {
		return Parse(raw)
	}
	m := &Message{Raw: raw, Kind: KindResponse, ID: raw[idStart:idEnd], IDSpan: [2]int{idStart, idEnd}}
	value := raw[len(prefix) : idStart-len(IDKey)]
	if len(value) == 0 {
		return Parse(raw)
	}
	if &prefix[0] == &goplsResultPrefix[0] {
		m.Result = value
	} else {
		m.Error = value
	}
	return m, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// Parse decodes the envelope of raw. An error means raw is not a
// JSON-RPC message at all (parse error); an invalid envelope returns a
// message with kindInvalid and whatever id it had, for an InvalidRequest
// reply.
func Parse(raw []byte) (*Message, error) {
	ms, err := objectMembers(raw)
	if err != nil {
		return nil, err
	}
	m := &Message{Raw: raw}
	hasMethod := false
	for _, mb := range ms {
		v := json.RawMessage(raw[mb.start:mb.end])
		switch mb.key {
		case "id":
			if string(v) != "null" {
				m.ID = v
				m.IDSpan = [2]int{mb.start, mb.end}
			}
		case "method":
			if err := json.Unmarshal(v, &m.Method); err != nil {
				return m, nil // kindInvalid
			}
			hasMethod = true
		case "params":
			m.Params = v
		case "result":
			m.Result = v
		case "error":
			m.Error = v
		}
	}
	switch {
	case hasMethod && m.ID != nil:
		m.Kind = KindRequest
	case hasMethod:
		m.Kind = KindNotification
	case m.ID != nil && (m.Result != nil || m.Error != nil):
		m.Kind = KindResponse
	case m.ID == nil && m.Error != nil:
		// A response to a message whose id could not be read: nothing to
		// route it to.
		m.Kind = KindInvalid
	}
	if m.ID != nil && !ValidID(m.ID) {
		m.Kind = KindInvalid
	}
	return m, nil
}

// ValidID reports whether id is a JSON-RPC request id: a string or a number.
func ValidID(id json.RawMessage) bool {
	if len(id) == 0 {
		return false
	}
	if id[0] == '"' {
		var s string
		return json.Unmarshal(id, &s) == nil
	}
	_, err := strconv.ParseFloat(string(id), 64)
	return err == nil
}

// IDKey turns a raw id into a map key that is equal for equal ids however
// they were spelled ("1" the string and 1 the number stay different).
func IDKey(id json.RawMessage) string {
	if len(id) > 0 && id[0] == '"' {
		var s string
		if json.Unmarshal(id, &s) == nil {
			return "s:" + s
		}
	}
	if f, err := strconv.ParseFloat(string(id), 64); err == nil {
		return "n:" + strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "r:" + string(id)
}

// WithID returns a copy of m.raw whose id is newID; every other byte is kept.
func (m *Message) WithID(newID json.RawMessage) []byte {
	out := make([]byte, 0, len(m.Raw)-(m.IDSpan[1]-m.IDSpan[0])+len(newID))
	out = append(out, m.Raw[:m.IDSpan[0]]...)
	out = append(out, newID...)
	return append(out, m.Raw[m.IDSpan[1]:]...)
}

// WriteWithID writes m with its id replaced by newID, without building the
// rewritten message first.
func (m *Message) WriteWithID(w *Writer, newID json.RawMessage) error {
	return w.WriteParts(m.Raw[:m.IDSpan[0]], newID, m.Raw[m.IDSpan[1]:])
}

// Error is a JSON-RPC error object.
type Error struct {
	Code    jsonrpc2.Code   `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error returns the message and code.
func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Error codes beyond the JSON-RPC ones in go.lsp.dev/jsonrpc2.
const (
	CodeRequestCancelled     jsonrpc2.Code = -32800
	CodeRequestFailed        jsonrpc2.Code = -32803
	CodeServerNotInitialized jsonrpc2.Code = -32002
)

// EncodeError encodes an error reply to id.
func EncodeError(id json.RawMessage, e *Error) []byte {
	eb, _ := json.Marshal(e)
	return EncodeReply(id, `,"error":`, eb)
}

// EncodeReply encodes the reply to id (null when nil) whose member is body;
// member is `,"result":` or `,"error":`.
func EncodeReply(id json.RawMessage, member string, body []byte) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	out := make([]byte, 0, len(id)+len(body)+40)
	out = append(out, `{"jsonrpc":"2.0","id":`...)
	out = append(out, id...)
	out = append(out, member...)
	out = append(out, body...)
	return append(out, '}')
}

// EncodeRequest encodes a request.
func EncodeRequest(id json.RawMessage, method string, params json.RawMessage) []byte {
	mb, _ := json.Marshal(method)
	out := make([]byte, 0, len(id)+len(mb)+len(params)+50)
	out = append(out, `{"jsonrpc":"2.0","id":`...)
	out = append(out, id...)
	out = append(out, `,"method":`...)
	out = append(out, mb...)
	if params != nil {
		out = append(out, `,"params":`...)
		out = append(out, params...)
	}
	return append(out, '}')
}

// EncodeNotification encodes a notification.
func EncodeNotification(method string, params json.RawMessage) []byte {
	mb, _ := json.Marshal(method)
	out := make([]byte, 0, len(mb)+len(params)+40)
	out = append(out, `{"jsonrpc":"2.0","method":`...)
	out = append(out, mb...)
	if params != nil {
		out = append(out, `,"params":`...)
		out = append(out, params...)
	}
	return append(out, '}')
}

// ToError converts any error into the error object of a reply.
func ToError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Code: jsonrpc2.InternalError, Message: err.Error()}
}

// MarshalParams encodes params for a message we build: raw JSON passes as is.
func MarshalParams(params any) (json.RawMessage, error) {
	switch p := params.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return p, nil
	case []byte:
		return json.RawMessage(p), nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encoding params: %w", err)
	}
	return b, nil
}
