package proxy

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestInitializeParamsHooks: the initialize params gopls gets are the
// editor's passed through every feature's InitializeParams hook, in table
// order, each on the previous one's result; features without a hook leave
// them alone.
func TestInitializeParamsHooks(t *testing.T) {
	appendTo := func(tag string) func(json.RawMessage) json.RawMessage {
		return func(p json.RawMessage) json.RawMessage {
			return json.RawMessage(strings.TrimSuffix(string(p), "}") + `,"` + tag + `":1}`)
		}
	}
	s, err := NewSession(context.Background(), strings.NewReader(""), io.Discard, Options{Features: func(*Session) []Feature {
		return []Feature{{Name: "a", InitializeParams: appendTo("a")}, {Name: "none"}, {Name: "b", InitializeParams: appendTo("b")}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := string(s.goplsInitializeParams(json.RawMessage(`{"processId":1}`))), `{"processId":1,"a":1,"b":1}`; got != want {
		t.Errorf("gopls gets %s, want %s", got, want)
	}
}
