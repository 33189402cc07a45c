package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"go.lsp.dev/jsonrpc2"
)

// kind is what a JSON-RPC message is, judged from its envelope.
type kind int

const (
	kindInvalid      kind = iota
	kindRequest           // id and method
	kindNotification      // method, no id
	kindResponse          // id, result or error, no method
)

// message is one JSON-RPC message: its raw bytes and the envelope fields,
// which alias raw. Only the envelope is decoded; params, result and error
// stay raw bytes.
type message struct {
	raw    []byte
	kind   kind
	id     json.RawMessage // raw id bytes (number or string), nil if absent
	idSpan [2]int          // where id sits in raw, for rewriting
	method string
	params json.RawMessage
	result json.RawMessage
	error  json.RawMessage
}

// Responses from gopls are laid out {"jsonrpc":"2.0","result":…,"id":N}
// (golang.org/x/tools/internal/jsonrpc2's wireResponse field order), with the
// id last, after a result that can be hundreds of kilobytes (completion).
var (
	goplsResultPrefix = []byte(`{"jsonrpc":"2.0","result":`)
	goplsErrorPrefix  = []byte(`{"jsonrpc":"2.0","error":`)
)

// parseGoplsMessage is parseMessage with a fast path for gopls's responses:
// when raw starts with gopls's response prefix and ends with a numeric id
// member, the envelope is read from both ends without scanning the result.
// Anything else takes the full scan.
func parseGoplsMessage(raw []byte) (*message, error) {
	var prefix []byte
	switch {
	case bytes.HasPrefix(raw, goplsResultPrefix):
		prefix = goplsResultPrefix
	case bytes.HasPrefix(raw, goplsErrorPrefix):
		prefix = goplsErrorPrefix
	default:
		return parseMessage(raw)
	}
	end := len(raw)
	for end > 0 && isSpace(raw[end-1]) {
		end--
	}
	if end == 0 || raw[end-1] != '}' {
		return parseMessage(raw)
	}
	idEnd := end - 1
	idStart := idEnd
	for idStart > 0 && raw[idStart-1] >= '0' && raw[idStart-1] <= '9' {
		idStart--
	}
	const idKey = `,"id":`
	if idStart == idEnd || idStart < len(prefix)+len(idKey) || string(raw[idStart-len(idKey):idStart]) != idKey {
		return parseMessage(raw)
	}
	m := &message{raw: raw, kind: kindResponse, id: raw[idStart:idEnd], idSpan: [2]int{idStart, idEnd}}
	value := raw[len(prefix) : idStart-len(idKey)]
	if len(value) == 0 {
		return parseMessage(raw)
	}
	if &prefix[0] == &goplsResultPrefix[0] {
		m.result = value
	} else {
		m.error = value
	}
	return m, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseMessage decodes the envelope of raw. An error means raw is not a
// JSON-RPC message at all (parse error); an invalid envelope returns a
// message with kindInvalid and whatever id it had, for an InvalidRequest
// reply.
func parseMessage(raw []byte) (*message, error) {
	ms, err := objectMembers(raw)
	if err != nil {
		return nil, err
	}
	m := &message{raw: raw}
	hasMethod := false
	for _, mb := range ms {
		v := json.RawMessage(raw[mb.start:mb.end])
		switch mb.key {
		case "id":
			if string(v) != "null" {
				m.id = v
				m.idSpan = [2]int{mb.start, mb.end}
			}
		case "method":
			if err := json.Unmarshal(v, &m.method); err != nil {
				return m, nil // kindInvalid
			}
			hasMethod = true
		case "params":
			m.params = v
		case "result":
			m.result = v
		case "error":
			m.error = v
		}
	}
	switch {
	case hasMethod && m.id != nil:
		m.kind = kindRequest
	case hasMethod:
		m.kind = kindNotification
	case m.id != nil && (m.result != nil || m.error != nil):
		m.kind = kindResponse
	case m.id == nil && m.error != nil:
		// A response to a message whose id could not be read: nothing to
		// route it to.
		m.kind = kindInvalid
	}
	if m.id != nil && !validID(m.id) {
		m.kind = kindInvalid
	}
	return m, nil
}

func validID(id json.RawMessage) bool {
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

// idKey turns a raw id into a map key that is equal for equal ids however
// they were spelled ("1" the string and 1 the number stay different).
func idKey(id json.RawMessage) string {
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

// withID returns a copy of m.raw whose id is newID; every other byte is kept.
func (m *message) withID(newID json.RawMessage) []byte {
	out := make([]byte, 0, len(m.raw)-(m.idSpan[1]-m.idSpan[0])+len(newID))
	out = append(out, m.raw[:m.idSpan[0]]...)
	out = append(out, newID...)
	return append(out, m.raw[m.idSpan[1]:]...)
}

// writeWithID writes m with its id replaced by newID, without building the
// rewritten message first.
func (m *message) writeWithID(w *frameWriter, newID json.RawMessage) error {
	return w.writeParts(m.raw[:m.idSpan[0]], newID, m.raw[m.idSpan[1]:])
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    jsonrpc2.Code   `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Error codes beyond the JSON-RPC ones in go.lsp.dev/jsonrpc2.
const (
	codeRequestCancelled     jsonrpc2.Code = -32800
	codeRequestFailed        jsonrpc2.Code = -32803
	codeServerNotInitialized jsonrpc2.Code = -32002
)

// NewError returns an error that a request handler can return to choose the
// JSON-RPC error code of the reply (otherwise InternalError is used).
func NewError(code int64, format string, args ...any) error {
	return &rpcError{Code: jsonrpc2.Code(code), Message: fmt.Sprintf(format, args...)}
}

func encodeError(id json.RawMessage, e *rpcError) []byte {
	eb, _ := json.Marshal(e)
	return encodeReply(id, `,"error":`, eb)
}

// encodeReply encodes the reply to id (null when nil) whose member is body;
// member is `,"result":` or `,"error":`.
func encodeReply(id json.RawMessage, member string, body []byte) []byte {
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

func encodeRequest(id json.RawMessage, method string, params json.RawMessage) []byte {
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

func encodeNotification(method string, params json.RawMessage) []byte {
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

// toRPCError converts any error into the error object of a reply.
func toRPCError(err error) *rpcError {
	if e, ok := err.(*rpcError); ok {
		return e
	}
	return &rpcError{Code: jsonrpc2.InternalError, Message: err.Error()}
}

// marshalParams encodes params for a message we build: raw JSON passes as is.
func marshalParams(params any) (json.RawMessage, error) {
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
