package wire

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
		got, err := SetMember([]byte(tt.obj), tt.key, []byte(tt.val))
		if err != nil || string(got) != tt.want {
			t.Errorf("SetMember(%s, %s, %s) = %s, %v; want %s", tt.obj, tt.key, tt.val, got, err, tt.want)
		}
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		Raw    string
		Kind   Kind
		Method string
		ID     string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"a","params":{"id":9}}`, KindRequest, "a", "1"},
		{`{"jsonrpc":"2.0","id":"x","method":"a"}`, KindRequest, "a", `"x"`},
		{`{"jsonrpc":"2.0","method":"n"}`, KindNotification, "n", ""},
		{`{"jsonrpc":"2.0","id":3,"result":null}`, KindResponse, "", "3"},
		{`{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}`, KindResponse, "", "3"},
		{`{"jsonrpc":"2.0","id":{},"method":"a"}`, KindInvalid, "a", "{}"},
		{`{"jsonrpc":"2.0"}`, KindInvalid, "", ""},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(tt.Raw))
		if err != nil {
			t.Errorf("%s: %v", tt.Raw, err)
			continue
		}
		if m.Kind != tt.Kind || m.Method != tt.Method || string(m.ID) != tt.ID {
			t.Errorf("%s: kind %d method %q id %s; want %d %q %s", tt.Raw, m.Kind, m.Method, m.ID, tt.Kind, tt.Method, tt.ID)
		}
	}
	m, _ := Parse([]byte(`{"id": 17 ,"method":"a","params":{"id":17}}`))
	if got := string(m.WithID(json.RawMessage(`"plsp:1"`))); got != `{"id": "plsp:1" ,"method":"a","params":{"id":17}}` {
		t.Errorf("withID rewrote more than the id: %s", got)
	}
	if _, err := Parse([]byte(`[1,2]`)); err == nil {
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
		fast, err1 := ParseGoplsMessage([]byte(raw))
		full, err2 := Parse([]byte(raw))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v %v", raw, err1, err2)
			continue
		}
		if fast.Kind != full.Kind || string(fast.ID) != string(full.ID) || fast.IDSpan != full.IDSpan ||
			string(fast.Result) != string(full.Result) || string(fast.Error) != string(full.Error) || fast.Method != full.Method {
			t.Errorf("%s:\n fast %+v\n full %+v", raw, fast, full)
		}
	}
}
