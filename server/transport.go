package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lienthong/apierr"
	"lienthong/httpreq"
)

// httpTransport serves GraphQL over HTTP: POST with a JSON body, and GET
// with query, operationName, variables and extensions as query parameters.
// It replaces gqlgen's GET and POST transports to follow the
// GraphQL-over-HTTP draft for application/json responses. A request that
// is not a well-formed GraphQL request gets 400 with a BAD_REQUEST error
// naming the problem. Every GraphQL error of a well-formed request, from
// parsing to execution, gets 200.
type httpTransport struct {
	schema *ast.Schema
	// maxDepth is Limits.MaxDepth, which messages about deep documents
	// name.
	maxDepth int
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodPost
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/json")
	start := graphql.Now()

	var params *graphql.RawParams
	var paramsErr *gqlerror.Error
	if r.Method == http.MethodGet {
		params, paramsErr = paramsFromQuery(r.URL.RawQuery)
	} else {
		params, paramsErr = paramsFromBody(r.Body)
	}
	if paramsErr != nil {
		setCode(paramsErr, string(apierr.BadRequest))
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{paramsErr}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	if err := checkSourceCharacters(params.Query); err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{err}))
		return
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		t.explain(errs, opCtx, params)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		// GET must not change state, so that a link or a prefetch cannot.
		// NOTE: the schema defines queries only, so validation rejects
		// any other operation before this check.
		w.Header().Set("Allow", "POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
		err := requestError(apierr.MethodNotAllowed, "a %s operation cannot be sent with GET: send it with POST",
			opCtx.Operation.Operation)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{err}))
		return
	}

	warnings := unknownVariables(opCtx.Operation, params.Variables)
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if len(warnings) > 0 && resp != nil {
		if resp.Extensions == nil {
			resp.Extensions = make(map[string]any)
		}
		resp.Extensions["warnings"] = warnings
	}
	writeResponse(w, resp)
}

// writeResponse writes resp as JSON. A response that fails to encode is
// replaced by an internal error rather than a panic.
func writeResponse(w io.Writer, resp *graphql.Response) {
	body, err := json.Marshal(resp)
	if err != nil {
		body, _ = json.Marshal(map[string]any{"errors": []map[string]any{{
			"message":    "internal error: the response could not be encoded as JSON",
			"extensions": map[string]any{"code": string(apierr.Internal)},
		}}})
	}
	w.Write(body)
}

// paramsFromBody decodes a POST body: a JSON object with query,
// operationName, variables and extensions.
func paramsFromBody(body io.Reader) (*graphql.RawParams, *gqlerror.Error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, gqlerror.Errorf("read request body: %v", err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, gqlerror.Errorf(`request body is empty: send a JSON object such as {"query": "{ provinces { code } }"}`)
	}
	if err := checkUTF8(data, "request body"); err != nil {
		return nil, err
	}
	if trimmed[0] != '{' {
		return nil, gqlerror.Errorf("request body must be a JSON object with a query, not %s", httpreq.JSONKind(trimmed))
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		return nil, jsonError(data, err, "request body")
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		line, col := lineColumn(data, int(dec.InputOffset())+bytes.Index(data[dec.InputOffset():], rest[:1]))
		return nil, gqlerror.Errorf("invalid JSON in request body: unexpected data after the JSON object at line %d, column %d",
			line, col)
	}

	params := &graphql.RawParams{}
	if err := decodeString(fields, "query", &params.Query); err != nil {
		return nil, err
	}
	if err := decodeString(fields, "operationName", &params.OperationName); err != nil {
		return nil, err
	}
	if err := decodeObject(fields, "variables", &params.Variables); err != nil {
		return nil, err
	}
	if err := decodeObject(fields, "extensions", &params.Extensions); err != nil {
		return nil, err
	}
	if err := checkQueryPresent(params, `"query" field`); err != nil {
		return nil, err
	}
	return params, nil
}

// paramsFromQuery decodes the query parameters of a GET request.
func paramsFromQuery(rawQuery string) (*graphql.RawParams, *gqlerror.Error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, gqlerror.Errorf("invalid query string: %v", err)
	}
	for _, name := range []string{"query", "operationName", "variables", "extensions"} {
		if err := checkUTF8([]byte(values.Get(name)), "the "+name+" parameter"); err != nil {
			return nil, err
		}
	}
	params := &graphql.RawParams{
		Query:         values.Get("query"),
		OperationName: values.Get("operationName"),
	}
	for _, p := range []struct {
		name string
		dest *map[string]any
	}{{"variables", &params.Variables}, {"extensions", &params.Extensions}} {
		text := values.Get(p.name)
		if text == "" {
			continue
		}
		if err := decodeJSONObject([]byte(text), p.dest, "the "+p.name+" parameter"); err != nil {
			return nil, err
		}
	}
	if err := checkQueryPresent(params, "query parameter"); err != nil {
		return nil, err
	}
	return params, nil
}

// checkQueryPresent rejects a request with no GraphQL document, unless it
// sends a persisted-query hash in place of one.
func checkQueryPresent(params *graphql.RawParams, field string) *gqlerror.Error {
	if strings.TrimSpace(params.Query) != "" || params.Extensions["persistedQuery"] != nil {
		return nil
	}
	if params.Query == "" {
		return gqlerror.Errorf("missing %s: send the GraphQL document to run, such as { provinces { code } }", field)
	}
	return gqlerror.Errorf("the %s contains only whitespace: send the GraphQL document to run", field)
}

// decodeString sets dest to the string field name of fields. An absent or
// null field leaves dest empty.
func decodeString(fields map[string]json.RawMessage, name string, dest *string) *gqlerror.Error {
	raw, ok := fields[name]
	if !ok || httpreq.JSONKind(raw) == "null" {
		return nil
	}
	if kind := httpreq.JSONKind(raw); kind != "a string" {
		return gqlerror.Errorf("%q must be a string, not %s", name, kind)
	}
	// The body has already decoded, so the string is valid JSON.
	json.Unmarshal(raw, dest)
	return nil
}

// decodeObject sets dest to the JSON object field name of fields. An absent
// or null field leaves dest nil.
func decodeObject(fields map[string]json.RawMessage, name string, dest *map[string]any) *gqlerror.Error {
	raw, ok := fields[name]
	if !ok || httpreq.JSONKind(raw) == "null" {
		return nil
	}
	return decodeJSONObject(raw, dest, fmt.Sprintf("%q", name))
}

// decodeJSONObject decodes data, which must be a JSON object, into dest.
// Numbers stay json.Number, so that variable coercion can tell 1 from 1.5.
func decodeJSONObject(data []byte, dest *map[string]any, input string) *gqlerror.Error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] != '{' {
		return gqlerror.Errorf("%s must be a JSON object, not %s", input, httpreq.JSONKind(trimmed))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(dest); err != nil {
		return jsonError(data, err, input)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return gqlerror.Errorf("invalid JSON in %s: unexpected data after the JSON object", input)
	}
	return nil
}

// excerptBytes is the most of the input a JSON error message quotes.
const excerptBytes = 16

// jsonError explains a failed decode of data: the position and the
// decoder's reason, with a short excerpt that ends where decoding failed.
// It never quotes the whole input, which may hold personal data.
func jsonError(data []byte, err error, input string) *gqlerror.Error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read, including the one that failed.
		at := max(int(syntax.Offset)-1, 0)
		line, col := lineColumn(data, at)
		return gqlerror.Errorf("invalid JSON in %s at line %d, column %d: %s, after %s",
			input, line, col, syntax.Error(), excerptBefore(data, at+1))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return gqlerror.Errorf("invalid JSON in %s: it ends after %d bytes, before the JSON value is complete",
			input, len(data))
	}
	return gqlerror.Errorf("invalid JSON in %s: %v", input, err)
}

// excerptBefore quotes at most excerptBytes of data ending at end, starting
// on a character boundary.
func excerptBefore(data []byte, end int) string {
	end = min(end, len(data))
	start := max(end-excerptBytes, 0)
	for start < end && !utf8.RuneStart(data[start]) {
		start++
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	return fmt.Sprintf("%q", prefix+string(data[start:end]))
}

// lineColumn returns the 1-based line and column, in characters, of byte
// offset at of data.
func lineColumn(data []byte, at int) (line, col int) {
	at = min(max(at, 0), len(data))
	before := data[:at]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// checkUTF8 rejects data that is not valid UTF-8, which JSON and GraphQL
// text must be, naming the first invalid byte and its offset. Go's JSON
// decoder would otherwise replace such bytes with U+FFFD without an error.
func checkUTF8(data []byte, input string) *gqlerror.Error {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return gqlerror.Errorf("%s is not valid UTF-8: invalid byte 0x%02x at byte offset %d", input, data[i], i)
		}
		i += size
	}
	return nil
}

// checkSourceCharacters rejects a document with a control character other
// than tab, line feed or carriage return, which the GraphQL grammar does
// not allow anywhere (October 2021 edition, SourceCharacter), with its
// code point and position. The parser would report "Expected Name, found
// <Invalid>" without naming the character.
func checkSourceCharacters(query string) *gqlerror.Error {
	line, col := 1, 1
	for _, r := range query {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			err := gqlerror.ErrorLocf("", line, col,
				"the query contains the control character U+%04X at line %d, column %d, which GraphQL does not allow; "+
					"write it as an escape such as \\u%04X inside a string", r, line, col, r)
			err.Extensions = map[string]any{"code": "GRAPHQL_PARSE_FAILED"}
			return err
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return nil
}

// unknownVariables returns a warning for each variable the request sent
// that op does not declare. GraphQL ignores such variables, so the request
// still runs, but a misspelt name would otherwise pass unnoticed.
func unknownVariables(op *ast.OperationDefinition, variables map[string]any) []map[string]any {
	var unknown []string
	for name := range variables {
		if op.VariableDefinitions.ForName(name) == nil {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)

	declared := "declares no variables"
	if len(op.VariableDefinitions) > 0 {
		names := make([]string, len(op.VariableDefinitions))
		for i, v := range op.VariableDefinitions {
			names[i] = "$" + v.Variable
		}
		declared = "declares " + strings.Join(names, ", ")
	}
	warnings := make([]map[string]any, len(unknown))
	for i, name := range unknown {
		warnings[i] = map[string]any{
			"message": fmt.Sprintf("variable %s was ignored: operation %s %s",
				quoteShort("$"+name), operationTitle(op), declared),
			"code": "UNKNOWN_VARIABLE",
		}
	}
	return warnings
}

// operationTitle names op in messages: its name, or "(anonymous)".
func operationTitle(op *ast.OperationDefinition) string {
	if op.Name == "" {
		return "(anonymous)"
	}
	return op.Name
}
