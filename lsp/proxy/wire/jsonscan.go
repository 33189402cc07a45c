package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// This file reads and edits JSON objects at the byte level. The proxy decodes
// only a message's envelope and edits only the members it must change (an id,
// a capability), so every other byte of a gopls message reaches the editor as
// gopls wrote it (design.md §1: never re-encode gopls messages).

// member is one top-level member of a JSON object: its decoded key and the
// byte range of its value inside the object.
type member struct {
	key        string
	start, end int // value bytes are obj[start:end]
}

// objectMembers scans the top level of the JSON object obj and returns its
// members in order. Values are skipped, not decoded; the scan is linear.
func objectMembers(obj []byte) ([]member, error) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, errors.New("not a JSON object")
	}
	i = skipSpace(obj, i+1)
	var ms []member
	if i < len(obj) && obj[i] == '}' {
		return ms, checkTrailing(obj, i+1)
	}
	for {
		if i >= len(obj) || obj[i] != '"' {
			return nil, fmt.Errorf("expected object key at offset %d", i)
		}
		kend, err := skipString(obj, i)
		if err != nil {
			return nil, err
		}
		key, err := decodeKey(obj[i:kend])
		if err != nil {
			return nil, err
		}
		i = skipSpace(obj, kend)
		if i >= len(obj) || obj[i] != ':' {
			return nil, fmt.Errorf("expected ':' at offset %d", i)
		}
		i = skipSpace(obj, i+1)
		vend, err := skipValue(obj, i)
		if err != nil {
			return nil, err
		}
		ms = append(ms, member{key: key, start: i, end: vend})
		i = skipSpace(obj, vend)
		if i >= len(obj) {
			return nil, errors.New("unterminated object")
		}
		switch obj[i] {
		case ',':
			i = skipSpace(obj, i+1)
		case '}':
			return ms, checkTrailing(obj, i+1)
		default:
			return nil, fmt.Errorf("expected ',' or '}' at offset %d", i)
		}
	}
}

func checkTrailing(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

func decodeKey(raw []byte) (string, error) {
	// The fast path only for plain keys: encoding/json turns invalid UTF-8
	// into U+FFFD, and the scan must name members as it does (found by
	// FuzzFraming).
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("bad object key: %w", err)
	}
	return s, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset just past the string starting at b[i]=='"'.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errors.New("unterminated string")
		}
		q := j + k
		// The quote is escaped if an odd number of backslashes precede it.
		n := 0
		for q-1-n > i && b[q-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q + 1, nil
		}
		j = q + 1
	}
}

// skipValue returns the offset just past the JSON value starting at b[i].
// Nested values are matched by bracket depth; scalars are checked loosely
// (json.Valid on the whole message has already been run by the caller when
// it matters).
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated value")
	default:
		j := i
		for j < len(b) {
			c := b[j]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				break
			}
			j++
		}
		if j == i {
			return 0, fmt.Errorf("unexpected %q at offset %d", b[i], i)
		}
		return j, nil
	}
}

// GetMember returns the raw value of key in obj, or nil if obj has no such
// member (or is not an object).
func GetMember(obj []byte, key string) json.RawMessage {
	ms, err := objectMembers(obj)
	if err != nil {
		return nil
	}
	for _, m := range ms {
		if m.key == key {
			return json.RawMessage(obj[m.start:m.end])
		}
	}
	return nil
}

// GetPath follows keys through nested objects: GetPath(caps, "textDocument",
// "completion") is caps.textDocument.completion, or nil.
func GetPath(obj []byte, keys ...string) json.RawMessage {
	cur := json.RawMessage(obj)
	for _, k := range keys {
		cur = GetMember(cur, k)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// SetMember returns a copy of obj with key's value replaced by value, or with
// key appended as the last member if obj has none. Every other byte is kept.
func SetMember(obj []byte, key string, value []byte) ([]byte, error) {
	ms, err := objectMembers(obj)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.key == key {
			out := make([]byte, 0, len(obj)-(m.end-m.start)+len(value))
			out = append(out, obj[:m.start]...)
			out = append(out, value...)
			return append(out, obj[m.end:]...), nil
		}
	}
	kb, _ := json.Marshal(key)
	closing := bytes.LastIndexByte(obj, '}')
	out := make([]byte, 0, len(obj)+len(kb)+len(value)+2)
	out = append(out, obj[:closing]...)
	if len(ms) > 0 {
		out = append(out, ',')
	}
	out = append(out, kb...)
	out = append(out, ':')
	out = append(out, value...)
	return append(out, obj[closing:]...), nil
}

// SetPath sets a value inside nested objects, creating missing objects on the
// way: SetPath(caps, v, "completionProvider", "triggerCharacters").
func SetPath(obj []byte, value []byte, keys ...string) ([]byte, error) {
	if len(keys) == 1 {
		return SetMember(obj, keys[0], value)
	}
	inner := GetMember(obj, keys[0])
	if inner == nil || !IsObject(inner) {
		inner = json.RawMessage("{}")
	}
	v, err := SetPath(inner, value, keys[1:]...)
	if err != nil {
		return nil, err
	}
	return SetMember(obj, keys[0], v)
}

// IsObject reports whether b (after leading space) is a JSON object.
func IsObject(b []byte) bool {
	i := skipSpace(b, 0)
	return i < len(b) && b[i] == '{'
}

// AppendStrings returns the JSON array arr with each of add appended that it
// does not already hold. A nil or non-array arr counts as empty.
func AppendStrings(arr json.RawMessage, add ...string) (json.RawMessage, error) {
	var have []json.RawMessage
	if len(arr) > 0 {
		if err := json.Unmarshal(arr, &have); err != nil {
			have = nil
		}
	}
	seen := make(map[string]bool, len(have))
	for _, h := range have {
		var s string
		if json.Unmarshal(h, &s) == nil {
			seen[s] = true
		}
	}
	changed := false
	for _, a := range add {
		if seen[a] {
			continue
		}
		seen[a] = true
		b, _ := json.Marshal(a)
		have = append(have, b)
		changed = true
	}
	if !changed && len(arr) > 0 {
		return arr, nil
	}
	return JoinArray(have), nil
}

// JoinArray builds a JSON array from already-encoded elements.
func JoinArray(elems []json.RawMessage) json.RawMessage {
	n := 2
	for _, e := range elems {
		n += len(e) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, e := range elems {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, e...)
	}
	return append(out, ']')
}
