package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"lienthong/apierr"
	"lienthong/httpreq"
)

// variables decodes body, a GraphQL request whose query the raw handlers
// ignore, and returns its variables by name. It rejects a body that is not
// one JSON object, variables that are not an object, and any variable not
// in accepted. Every message ends with usage, the body expected.
func variables(body []byte, usage string, accepted ...string) (map[string]json.RawMessage, error) {
	top, err := decodeObject(body, usage)
	if err != nil {
		return nil, err
	}
	raw, ok := top["variables"]
	if !ok || httpreq.JSONKind(raw) == "null" {
		return map[string]json.RawMessage{}, nil
	}
	if kind := httpreq.JSONKind(raw); kind != "an object" {
		return nil, badRequest("invalid \"variables\": expected a JSON object, got %s; %s", describe(raw), usage)
	}
	var vars map[string]json.RawMessage
	// The body has already decoded, so variables is a valid object.
	json.Unmarshal(raw, &vars)

	var unknown []string
	for name := range vars {
		if !slices.Contains(accepted, name) {
			unknown = append(unknown, apierr.Quote(name))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		noun := "variable"
		if len(unknown) > 1 {
			noun = "variables"
		}
		return nil, apierr.Invalid("unknown %s %s: this endpoint accepts only variables.%s; %s",
			noun, strings.Join(unknown, ", "), strings.Join(accepted, ", variables."), usage)
	}
	return vars, nil
}

// decodeObject decodes body, which must be exactly one JSON object, into
// its fields.
func decodeObject(body []byte, usage string) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("request body is empty; %s", usage)
	}
	if !utf8.Valid(body) {
		return nil, badRequest("request body is not valid UTF-8: invalid byte at byte offset %d; %s",
			invalidUTF8Offset(body), usage)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var value json.RawMessage
	if err := dec.Decode(&value); err != nil {
		return nil, syntaxError(body, err, usage)
	}
	rest := body[dec.InputOffset():]
	if trimmed := bytes.TrimSpace(rest); len(trimmed) > 0 {
		at := int(dec.InputOffset()) + bytes.Index(rest, trimmed[:1])
		return nil, badRequest("invalid JSON in request body: unexpected data after the JSON object "+
			"at byte offset %d; %s", at, usage)
	}
	if kind := httpreq.JSONKind(value); kind != "an object" {
		return nil, badRequest("invalid request body: expected a JSON object, got %s; %s", describe(value), usage)
	}
	var fields map[string]json.RawMessage
	json.Unmarshal(value, &fields)
	return fields, nil
}

// syntaxError explains a failed decode of body by its byte offset, without
// quoting the body, which may contain personal data.
func syntaxError(body []byte, err error, usage string) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read, including the one that failed.
		return badRequest("invalid JSON in request body at byte offset %d: %s; %s",
			max(syntax.Offset-1, 0), syntax.Error(), usage)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return badRequest("invalid JSON in request body: it ends after %d bytes, before the JSON value is complete; %s",
			len(body), usage)
	}
	return badRequest("invalid JSON in request body: %v; %s", err, usage)
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

func badRequest(format string, args ...any) error {
	return &apierr.Error{Code: apierr.BadRequest, Message: fmt.Sprintf(format, args...)}
}

// describe names the type of a valid JSON value and shows the value, cut
// to apierr.MaxEcho characters, as in: an array [1,2].
func describe(value []byte) string {
	kind := httpreq.JSONKind(value)
	if kind == "null" {
		return kind
	}
	return kind + " " + apierr.Excerpt(string(bytes.TrimSpace(value)))
}

// stringVariable returns the string variable name of vars, or an error
// when it is missing, null or not a string.
func stringVariable(vars map[string]json.RawMessage, name, usage string) (string, error) {
	raw, ok := vars[name]
	if !ok || httpreq.JSONKind(raw) == "null" {
		return "", apierr.Invalid("missing variables.%s; %s", name, usage)
	}
	if httpreq.JSONKind(raw) != "a string" {
		return "", apierr.Invalid("invalid variables.%s: expected a string, got %s; %s", name, describe(raw), usage)
	}
	var s string
	json.Unmarshal(raw, &s)
	return s, nil
}
