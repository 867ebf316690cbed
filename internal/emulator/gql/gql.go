// Package gql is a small, generic GraphQL executor for the local GitHub
// emulator used by end-to-end tests.
//
// It parses and validates requests with gqlparser against a schema (normally
// GitHub's public schema) and executes them over resolver objects supplied by
// the emulator's state. Errors are shaped like GitHub's, so the CLI under test
// sees the same JSON it would see from api.github.com.
//
// The executor favours simplicity over speed: every operation, queries
// included, is executed serially, and every loop is bounded (see MaxDepth and
// MaxResolvedFields) so that a hostile or buggy document cannot hang a test.
package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
)

// Object is a GraphQL object value.
type Object interface {
	// TypeName is the concrete GraphQL object type name (for __typename and type conditions).
	TypeName() string
	// Field resolves one field. args are coerced per the schema: variables substituted, defaults applied;
	// String/ID -> string, Int -> int, Float -> float64, Boolean -> bool, enum -> string,
	// input object -> map[string]any, list -> []any, null -> nil (absent args without default are absent from the map).
	// Return values allowed: nil; string, int, int64, float64, bool, time.Time (serialized RFC3339 UTC, e.g. "2026-01-02T03:04:05Z");
	// an Object; a slice of any of these (any slice type via reflection, incl. []Object, []*T where *T implements Object, []string, []any).
	// Returning an error wrapping ErrNoField means "not implemented by the emulator".
	Field(ctx context.Context, name string, args map[string]any) (any, error)
}

// ErrNoField reports that the resolver does not implement a field. The
// executor turns it into the GraphQL error
// "emulator: field '<Type>.<field>' is not implemented" at that field's path,
// so a gap in the emulator is never mistaken for a legitimate null.
var ErrNoField = errors.New("field not implemented")

// Fields is a convenience Object backed by a map. Values are either plain
// values or functions called lazily when the field is selected:
// func(args map[string]any) (any, error), func(args map[string]any) any, func() any, or
// func(ctx context.Context, args map[string]any) (any, error).
type Fields struct {
	Type string
	F    map[string]any
}

// TypeName returns f.Type.
func (f Fields) TypeName() string { return f.Type }

// Field returns the value stored under name, calling it first when it is one
// of the supported function types. A missing key yields an error wrapping
// ErrNoField.
func (f Fields) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	v, ok := f.F[name]
	if !ok {
		return nil, &noFieldError{typeName: f.Type, field: name}
	}
	switch fn := v.(type) {
	case func(map[string]any) (any, error):
		return fn(args)
	case func(map[string]any) any:
		return fn(args), nil
	case func() any:
		return fn(), nil
	case func() (any, error):
		return fn()
	case func(context.Context, map[string]any) (any, error):
		return fn(ctx, args)
	}
	return v, nil
}

// noFieldError wraps ErrNoField with the missing field's name, which helps
// when the error is logged outside the executor.
type noFieldError struct{ typeName, field string }

func (e *noFieldError) Error() string {
	return "field not implemented: " + e.typeName + "." + e.field
}

func (e *noFieldError) Unwrap() error { return ErrNoField }

// Error is a resolver error with GitHub's error "type" (e.g. "NOT_FOUND",
// "UNPROCESSABLE", "FORBIDDEN"). Resolvers return it (possibly wrapped) to
// get the "type" member in the response error.
type Error struct {
	Type    string
	Message string
}

// Error returns the message alone, as GitHub shows it.
func (e *Error) Error() string { return e.Message }

// Request is a GraphQL request as POSTed to /graphql.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// ResponseError is one entry of "errors" in the JSON response. Its members
// marshal in GitHub's order: an execution error is {"type","path",
// "locations","message"}, a validation error {"path","extensions",
// "locations","message"} (facebook/sapling#906 quotes one).
type ResponseError struct {
	Type       string         `json:"type,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
	Locations  []Location     `json:"locations,omitempty"`
	Message    string         `json:"message"`
}

// Location is a 1-based line and column in the query document.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Response is the JSON body of a GraphQL response.
//
// Data is nil when the request was invalid (no "data" member, as GitHub
// does), an OrderedMap when execution produced an object, or
// json.RawMessage("null") when a non-null root field failed and nulled the
// whole result, so that the JSON carries "data": null as the spec requires.
type Response struct {
	Data   any             `json:"data,omitempty"` // ordered: object fields marshal in selection order
	Errors []ResponseError `json:"errors,omitempty"`
}

// nullData is the Data of an executed operation whose root was nulled.
var nullData = json.RawMessage("null")

// KeyValue is one member of an OrderedMap.
type KeyValue struct {
	Key   string
	Value any
}

// OrderedMap is a JSON object whose members marshal in slice order. The
// executor builds result objects as OrderedMaps so responses list fields in
// selection order, like GitHub's do; a Go map would sort them.
//
// Values are nil, string, bool, int64, float64, []any or OrderedMap.
type OrderedMap []KeyValue

// Get returns the value stored under key.
func (m OrderedMap) Get(key string) (any, bool) {
	for _, kv := range m {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// MarshalJSON encodes m as a JSON object with members in slice order.
func (m OrderedMap) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := appendJSON(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// appendJSON encodes a result value into buf. It handles the executor's own
// value types directly, so a large response is encoded in one pass instead of
// one json.Marshal round trip per nested object.
func appendJSON(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case OrderedMap:
		buf.WriteByte('{')
		for i, kv := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendJSON(buf, kv.Key); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := appendJSON(buf, kv.Value); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendJSON(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case nil:
		buf.WriteString("null")
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}
