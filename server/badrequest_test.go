package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// badRequest is one malformed or invalid request to /graphql and the
// response it must get.
type badRequest struct {
	name        string
	method      string
	rawQuery    string // URL query string, already encoded
	contentType string // "-" sends no Content-Type header
	body        string
	header      map[string]string

	status int
	code   string
	// contains are fragments of the first error's message, which name the
	// offending value and what to send instead.
	contains []string
	// absent are texts the message must not contain, such as the rest of
	// a malformed body.
	absent []string
	allow  string // expected Allow header, when set
}

// secret stands for personal data in a malformed body, which the error
// must not echo.
const secret = "SECRET-CITIZEN-NAME-0123456789-SECRET-CITIZEN-NAME"

// tooDeep nests fields 14 deep, over the default max-depth of 12.
const tooDeep = `{ citizen(id: "001085000001") { household { members { citizen { household { members { citizen { household { members { citizen { household { members { citizen { id } } } } } } } } } } } } } }`

func badRequests() []badRequest {
	const json = "application/json"
	twoOps := `query A { provinces { code } } query B { provinces { code } }`
	post := func(query string, extra string) string {
		b, _ := jsonMarshal(query)
		return `{"query":` + b + extra + `}`
	}
	return []badRequest{
		// The HTTP method and media type.
		{name: "content_type_text", method: "POST", contentType: "text/plain", body: post("{ provinces { code } }", ""),
			status: 415, code: "UNSUPPORTED_MEDIA_TYPE", contains: []string{`"text/plain"`, "POST with Content-Type application/json", "GET"}},
		{name: "content_type_missing", method: "POST", contentType: "-", body: post("{ provinces { code } }", ""),
			status: 415, code: "UNSUPPORTED_MEDIA_TYPE", contains: []string{"missing Content-Type", "application/json"}},
		{name: "content_type_form", method: "POST", contentType: "application/x-www-form-urlencoded", body: "query=%7Bprovinces%7Bcode%7D%7D",
			status: 415, code: "UNSUPPORTED_MEDIA_TYPE", contains: []string{`"application/x-www-form-urlencoded"`}},
		{name: "content_type_graphql", method: "POST", contentType: "application/graphql", body: "{ provinces { code } }",
			status: 415, code: "UNSUPPORTED_MEDIA_TYPE", contains: []string{`"application/graphql"`}},
		{name: "charset_latin1", method: "POST", contentType: "application/json; charset=latin1", body: post("{ provinces { code } }", ""),
			status: 415, code: "UNSUPPORTED_MEDIA_TYPE", contains: []string{`"latin1"`, "UTF-8"}},
		{name: "method_put", method: "PUT", contentType: json, body: post("{ provinces { code } }", ""),
			status: 405, code: "METHOD_NOT_ALLOWED", contains: []string{`"PUT"`, "POST", "GET"}, allow: "GET, POST, OPTIONS"},
		{name: "method_delete", method: "DELETE",
			status: 405, code: "METHOD_NOT_ALLOWED", contains: []string{`"DELETE"`}, allow: "GET, POST, OPTIONS"},

		// Bodies that are not a well-formed GraphQL request.
		{name: "empty_body", method: "POST", contentType: json, body: "",
			status: 400, code: "BAD_REQUEST", contains: []string{"request body is empty"}},
		{name: "empty_object", method: "POST", contentType: json, body: "{}",
			status: 400, code: "BAD_REQUEST", contains: []string{`missing "query" field`}},
		{name: "whitespace_query", method: "POST", contentType: json, body: post("  \n ", ""),
			status: 400, code: "BAD_REQUEST", contains: []string{`"query" field contains only whitespace`}},
		{name: "null_body", method: "POST", contentType: json, body: "null",
			status: 400, code: "BAD_REQUEST", contains: []string{"JSON object", "not null"}},
		{name: "batched_array", method: "POST", contentType: json, body: `[` + post("{ provinces { code } }", "") + `]`,
			status: 400, code: "BAD_REQUEST", contains: []string{"batched requests", "one operation per request"}},
		{name: "malformed_json", method: "POST", contentType: json,
			body:   `{"query":"{ provinces { code } }", "variables": {"a": 1,, "name": "` + secret + `"}}`,
			status: 400, code: "BAD_REQUEST",
			contains: []string{"line 1, column 57", "invalid character ','", `1,,`},
			absent:   []string{secret, "provinces"}},
		{name: "malformed_json_second_line", method: "POST", contentType: json, body: "{\"query\":\n  \"{ provinces { code } }\" \"x\"}",
			status: 400, code: "BAD_REQUEST", contains: []string{"line 2, column 28", `after object key:value pair`}},
		{name: "truncated_json", method: "POST", contentType: json, body: `{"query":"{ provinces { code } }", "variables": {"a"`,
			status: 400, code: "BAD_REQUEST", contains: []string{"ends after 52 bytes"}},
		{name: "trailing_data", method: "POST", contentType: json, body: post("{ provinces { code } }", "") + ` xx`,
			status: 400, code: "BAD_REQUEST", contains: []string{"unexpected data after the JSON object", "column 36"}},
		{name: "query_number", method: "POST", contentType: json, body: `{"query": 5}`,
			status: 400, code: "BAD_REQUEST", contains: []string{`"query" must be a string, not a number`}},
		{name: "operation_name_object", method: "POST", contentType: json, body: post("{ provinces { code } }", `,"operationName":{}`),
			status: 400, code: "BAD_REQUEST", contains: []string{`"operationName" must be a string, not an object`}},
		{name: "variables_array", method: "POST", contentType: json, body: post("{ provinces { code } }", `,"variables":[1]`),
			status: 400, code: "BAD_REQUEST", contains: []string{`"variables" must be a JSON object, not an array`}},
		{name: "body_not_utf8", method: "POST", contentType: json, body: "{\"query\":\"{ provinces { code \xff\xfe } }\"}",
			status: 400, code: "BAD_REQUEST", contains: []string{"not valid UTF-8", "0xff", "byte offset 29"}},
		{name: "raw_control_byte", method: "POST", contentType: json, body: "{\"query\":\"{ provinces\x01 { code } }\"}",
			status: 400, code: "BAD_REQUEST", contains: []string{"line 1, column 22", `'\x01' in string literal`}},
		{name: "body_too_large", method: "POST", contentType: json,
			body:   post("{ provinces { code } }", `,"variables":{"pad":"`+strings.Repeat("x", 1<<20)+`"}`),
			status: 413, code: "LIMIT_EXCEEDED", contains: []string{"exceeds the limit of 1048576 bytes"}},

		// GET requests.
		{name: "get_no_query", method: "GET",
			status: 400, code: "BAD_REQUEST", contains: []string{"missing query parameter"}},
		{name: "get_bad_escape", method: "GET", rawQuery: "query=%ZZ",
			status: 400, code: "BAD_REQUEST", contains: []string{`invalid URL escape "%ZZ"`}},
		{name: "get_bad_variables", method: "GET", rawQuery: "query=" + url.QueryEscape("{ provinces { code } }") + "&variables=%7Bx",
			status: 400, code: "BAD_REQUEST", contains: []string{"variables parameter", "line 1, column 2", `"{x"`}},
		{name: "get_variables_string", method: "GET", rawQuery: "query=" + url.QueryEscape("{ provinces { code } }") + "&variables=%22x%22",
			status: 400, code: "BAD_REQUEST", contains: []string{"variables parameter must be a JSON object, not a string"}},
		{name: "get_query_not_utf8", method: "GET", rawQuery: "query=%7B%FF%7D",
			status: 400, code: "BAD_REQUEST", contains: []string{"query parameter is not valid UTF-8", "0xff"}},
		{name: "get_mutation", method: "GET", rawQuery: "query=" + url.QueryEscape("mutation { x }"),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{`operation type "mutation"`}},

		// Well-formed requests whose GraphQL is invalid get 200.
		{name: "escaped_nul_in_query", method: "POST", contentType: json, body: `{"query":"{ provinces\u0000 { code } }"}`,
			status: 200, code: "GRAPHQL_PARSE_FAILED", contains: []string{"U+0000", "line 1, column 12"}},
		{name: "parse_error", method: "POST", contentType: json, body: post("{ provinces { code ", ""),
			status: 200, code: "GRAPHQL_PARSE_FAILED", contains: []string{"Expected Name, found <EOF>"}},
		{name: "fragments_only", method: "POST", contentType: json, body: post("fragment F on Province { code }", ""),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"no operation"}},
		{name: "first_fraction_inline", method: "POST", contentType: json, body: post("{ dossiers(first: 1.5) { totalCount } }", ""),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{`argument "first" of field "dossiers"`, "1.5"}},
		{name: "first_fraction_variable", method: "POST", contentType: json,
			body:   post("query($f: Int) { dossiers(first: $f) { totalCount } }", `,"variables":{"f":1.5}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $f", "1.5", "Int"}},
		{name: "variable_object_for_id", method: "POST", contentType: json,
			body:   post("query($c: ID!) { province(code: $c) { name } }", `,"variables":{"c":{"x":1}}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $c", `{"x":1}`, "ID!"}},
		{name: "variable_bad_enum", method: "POST", contentType: json,
			body:   post("query($s: DossierStatus) { dossiers(filter: {status: $s}) { totalCount } }", `,"variables":{"s":"DONE"}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $s", `"DONE"`, "DossierStatus", "RECEIVED"}},
		{name: "variable_nested_bad_enum", method: "POST", contentType: json,
			body:   post("query($f: DossierFilter) { dossiers(filter: $f) { totalCount } }", `,"variables":{"f":{"status":5}}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $f at status", "invalid value 5", "DossierStatus"}},
		{name: "variable_unknown_field", method: "POST", contentType: json,
			body:   post("query($f: DossierFilter) { dossiers(filter: $f) { totalCount } }", `,"variables":{"f":{"bogus":1}}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $f", `unknown field "bogus"`, "DossierFilter"}},
		{name: "variable_missing", method: "POST", contentType: json,
			body:   post("query($c: ID!) { province(code: $c) { name } }", ""),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"missing value for variable $c", "ID!"}},
		{name: "variable_null", method: "POST", contentType: json,
			body:   post("query($c: ID!) { province(code: $c) { name } }", `,"variables":{"c":null}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"variable $c", "null is not allowed", "ID!"}},
		{name: "variable_undeclared", method: "POST", contentType: json, body: post("{ province(code: $c) { name } }", ""),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{`"$c" is not defined`}},
		{name: "operation_name_empty", method: "POST", contentType: json, body: post(twoOps, `,"operationName":""`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"operationName is empty", "2 operations (A, B)"}},
		{name: "operation_name_absent", method: "POST", contentType: json, body: post(twoOps, ""),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{"operationName is empty", "(A, B)"}},
		{name: "operation_name_unknown", method: "POST", contentType: json, body: post(twoOps, `,"operationName":"C"`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{`operation "C" not found`, "(A, B)"}},
		{name: "operation_name_for_anonymous", method: "POST", contentType: json,
			body:   post("{ provinces { code } }", `,"operationName":"C"`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", contains: []string{`operation "C" not found`, "anonymous"}},
		{name: "parser_nesting", method: "POST", contentType: json,
			body:   post("{ provinces "+strings.Repeat("{ code ", 1500)+strings.Repeat("}", 1500)+" }", ""),
			status: 200, code: "LIMIT_EXCEEDED", contains: []string{"more than 1000 levels", "at most 12"}},
		{name: "depth_limit", method: "POST", contentType: json, body: post(tooDeep, ""),
			status: 200, code: "LIMIT_EXCEEDED", contains: []string{"query depth 14 exceeds the limit of 12"}},
		{name: "aliases_limit", method: "POST", contentType: json,
			body:   post("{ "+aliases(31)+" }", ""),
			status: 200, code: "LIMIT_EXCEEDED", contains: []string{"31 aliased fields", "limit of 30"}},

		// Persisted queries.
		{name: "persisted_hash_unknown", method: "POST", contentType: json,
			body:   `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("ab", 32) + `"}}}`,
			status: 200, code: "PERSISTED_QUERY_NOT_FOUND", contains: []string{"PersistedQueryNotFound"}},
		{name: "persisted_hash_mismatch", method: "POST", contentType: json,
			body:   post("{ provinces { code } }", `,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abab"}}`),
			status: 200, code: "INVALID_ARGUMENT", contains: []string{"hash does not match", `"abab"`}},
		{name: "persisted_not_object", method: "POST", contentType: json,
			body:   post("{ provinces { code } }", `,"extensions":{"persistedQuery":"abab"}`),
			status: 200, code: "INVALID_ARGUMENT", contains: []string{`persistedQuery "abab"`, "sha256Hash"}},
		{name: "persisted_version", method: "POST", contentType: json,
			body:   post("{ provinces { code } }", `,"extensions":{"persistedQuery":{"version":2,"sha256Hash":"abab"}}`),
			status: 200, code: "INVALID_ARGUMENT", contains: []string{`"version":2`, `"version": 1`}},

		// Credentials.
		{name: "invalid_token", method: "POST", contentType: json, body: post("{ provinces { code } }", ""),
			header: map[string]string{"Authorization": "Bearer not-a-token"},
			status: 401, code: "UNAUTHENTICATED", contains: []string{"invalid token"}},
	}
}

// aliases returns n aliased fields, b1 to bn.
func aliases(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("b")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(": provinces { code } ")
	}
	return b.String()
}

func jsonMarshal(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	for _, tt := range badRequests() {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := sendRaw(t, env, tt)
			if status != tt.status {
				t.Errorf("status = %d, want %d; body %.300s", status, tt.status, body)
			}
			if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tt.allow != "" && header.Get("Allow") != tt.allow {
				t.Errorf("Allow = %q, want %q", header.Get("Allow"), tt.allow)
			}
			for _, leak := range []string{"goroutine ", "panic", ".go:"} {
				if bytes.Contains(body, []byte(leak)) {
					t.Errorf("body contains %q: %.300s", leak, body)
				}
			}

			var resp testenv.Response
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatalf("decode body: %v\n%.300s", err, body)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no errors; body %.300s", body)
			}
			e := resp.Errors[0]
			if got := e.Extensions["code"]; got != tt.code {
				t.Errorf("code = %v, want %s (message %q)", got, tt.code, e.Message)
			}
			for _, want := range tt.contains {
				if !strings.Contains(e.Message, want) {
					t.Errorf("message %q does not contain %q", e.Message, want)
				}
			}
			for _, unwanted := range tt.absent {
				if strings.Contains(e.Message, unwanted) {
					t.Errorf("message %q contains %q", e.Message, unwanted)
				}
			}
			if len(e.Message) > 400 {
				t.Errorf("message is %d bytes long, want a short one: %q", len(e.Message), e.Message)
			}
		})
	}
}

// sendRaw sends tt to /graphql and returns the status, headers and body.
func sendRaw(t *testing.T, env *testenv.Env, tt badRequest) (int, http.Header, []byte) {
	t.Helper()
	target := env.Server.URL + "/graphql"
	if tt.rawQuery != "" {
		target += "?" + tt.rawQuery
	}
	var body io.Reader
	if tt.body != "" {
		body = strings.NewReader(tt.body)
	}
	req, err := http.NewRequest(tt.method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if tt.contentType != "" && tt.contentType != "-" {
		req.Header.Set("Content-Type", tt.contentType)
	}
	for k, v := range tt.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", tt.method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

func TestUnknownVariableIsReported(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	status, _, body := sendRaw(t, env, badRequest{method: "POST", contentType: "application/json",
		body: `{"query":"query P($c: ID!) { province(code: $c) { name } }","variables":{"c":"01","cde":"01"}}`})
	if status != http.StatusOK {
		t.Errorf("status = %d, want 200", status)
	}
	var resp struct {
		Data       map[string]any
		Errors     []testenv.Error
		Extensions struct {
			Warnings []struct{ Message, Code string }
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	if len(resp.Errors) > 0 {
		t.Errorf("errors = %+v, want none: GraphQL ignores unknown variables", resp.Errors)
	}
	if resp.Data["province"] == nil {
		t.Errorf("data = %v, want the province", resp.Data)
	}
	if len(resp.Extensions.Warnings) != 1 {
		t.Fatalf("warnings = %+v, want one", resp.Extensions.Warnings)
	}
	w := resp.Extensions.Warnings[0]
	if w.Code != "UNKNOWN_VARIABLE" {
		t.Errorf("warning code = %q, want UNKNOWN_VARIABLE", w.Code)
	}
	for _, want := range []string{`"$cde"`, "operation P declares $c"} {
		if !strings.Contains(w.Message, want) {
			t.Errorf("warning %q does not contain %q", w.Message, want)
		}
	}
}

// TestNULInVariableIsNotInternal sends a NUL character, which PostgreSQL
// rejects in text, in a search variable and in an inline argument.
func TestNULInVariableIsNotInternal(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		env := testenv.New(t, testenv.Options{Engine: engine})
		queries := []struct {
			name, query string
			vars        map[string]any
		}{
			{"search_variable", `query($n: String!) { citizens(filter: {name: $n}) { totalCount } }`, map[string]any{"n": "Nguy\x00n"}},
			{"escaped_argument", `{ dossier(code: "a\u0000b") { code } }`, nil},
			{"id_variable", `query($id: ID!) { citizen(id: $id) { id } }`, map[string]any{"id": "00108500\x000001"}},
		}
		for _, q := range queries {
			t.Run(q.name, func(t *testing.T) {
				resp := env.Query(t, q.query, q.vars)
				if resp.Status != http.StatusOK {
					t.Errorf("status = %d, want 200", resp.Status)
				}
				for _, e := range resp.Errors {
					if e.Extensions["code"] == "INTERNAL" {
						t.Errorf("internal error: %q", e.Message)
					}
				}
			})
		}
	})
}
