package lsp

import (
	"encoding/json"
	"testing"
)

func TestSetMemberKeepsBytes(t *testing.T) {
	tests := []struct {
		obj, key, val, want string
	}{
		{`{"a": 1, "b":{"x":"}"} }`, "a", `2`, `{"a": 2, "b":{"x":"}"} }`},
		{`{"a":1}`, "c", `[1]`, `{"a":1,"c":[1]}`},
		{`{}`, "c", `true`, `{"c":true}`},
		{`{"k\"e":"v","z":null}`, "z", `"q"`, `{"k\"e":"v","z":"q"}`},
	}
	for _, tt := range tests {
		got, err := setMember([]byte(tt.obj), tt.key, []byte(tt.val))
		if err != nil || string(got) != tt.want {
			t.Errorf("setMember(%s, %s, %s) = %s, %v; want %s", tt.obj, tt.key, tt.val, got, err, tt.want)
		}
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		raw    string
		kind   kind
		method string
		id     string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"a","params":{"id":9}}`, kindRequest, "a", "1"},
		{`{"jsonrpc":"2.0","id":"x","method":"a"}`, kindRequest, "a", `"x"`},
		{`{"jsonrpc":"2.0","method":"n"}`, kindNotification, "n", ""},
		{`{"jsonrpc":"2.0","id":3,"result":null}`, kindResponse, "", "3"},
		{`{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}`, kindResponse, "", "3"},
		{`{"jsonrpc":"2.0","id":{},"method":"a"}`, kindInvalid, "a", "{}"},
		{`{"jsonrpc":"2.0"}`, kindInvalid, "", ""},
	}
	for _, tt := range tests {
		m, err := parseMessage([]byte(tt.raw))
		if err != nil {
			t.Errorf("%s: %v", tt.raw, err)
			continue
		}
		if m.kind != tt.kind || m.method != tt.method || string(m.id) != tt.id {
			t.Errorf("%s: kind %d method %q id %s; want %d %q %s", tt.raw, m.kind, m.method, m.id, tt.kind, tt.method, tt.id)
		}
	}
	m, _ := parseMessage([]byte(`{"id": 17 ,"method":"a","params":{"id":17}}`))
	if got := string(m.withID(json.RawMessage(`"plsp:1"`))); got != `{"id": "plsp:1" ,"method":"a","params":{"id":17}}` {
		t.Errorf("withID rewrote more than the id: %s", got)
	}
	if _, err := parseMessage([]byte(`[1,2]`)); err == nil {
		t.Errorf("array message: want an error")
	}
}

// TestParseGoplsMessage: the fast path for gopls's responses finds the same
// envelope as the full scan, and falls back on anything else.
func TestParseGoplsMessage(t *testing.T) {
	for _, raw := range []string{
		`{"jsonrpc":"2.0","result":{"a":"x\"y\\","id":5},"id":17}`,
		`{"jsonrpc":"2.0","result":null,"id":3}` + "\n",
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"no"},"id":4}`,
		`{"jsonrpc":"2.0","method":"window/logMessage","params":{"id":1}}`,
		`{"jsonrpc":"2.0","method":"workspace/configuration","params":{},"id":9}`,
		`{"jsonrpc":"2.0","result":[1],"id":"s"}`,
		`{"jsonrpc":"2.0","id":1,"result":{"id":2}}`,
	} {
		fast, err1 := parseGoplsMessage([]byte(raw))
		full, err2 := parseMessage([]byte(raw))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v %v", raw, err1, err2)
			continue
		}
		if fast.kind != full.kind || string(fast.id) != string(full.id) || fast.idSpan != full.idSpan ||
			string(fast.result) != string(full.result) || string(fast.error) != string(full.error) || fast.method != full.method {
			t.Errorf("%s:\n fast %+v\n full %+v", raw, fast, full)
		}
	}
}
