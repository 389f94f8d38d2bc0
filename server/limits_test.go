package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lienthong/server"
	"lienthong/testenv"
)

// limitError returns the only error of resp, failing unless it is a
// LIMIT_EXCEEDED error of the named limit.
func limitError(t *testing.T, resp *testenv.Response, limit string) testenv.Error {
	t.Helper()
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", resp.Errors)
	}
	e := resp.Errors[0]
	if got := e.Extensions["code"]; got != "LIMIT_EXCEEDED" {
		t.Errorf("code = %v, want LIMIT_EXCEEDED", got)
	}
	if got := e.Extensions["limit"]; got != limit {
		t.Errorf("limit = %v, want %s", got, limit)
	}
	return e
}

func TestExamplesPassDefaultLimits(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	code := plantCase(t, env, f, 4)
	examples, _ := server.LoadExamples()
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			variables := map[string]any{}
			if ex.Variables != "" {
				if err := json.Unmarshal([]byte(ex.Variables), &variables); err != nil {
					t.Fatalf("decode variables of %s: %v", ex.Name, err)
				}
			}
			if ex.Name == "CaseContext" {
				variables["code"] = code
			}
			resp := env.Query(t, ex.Query, variables)
			if resp.Status != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.Status)
			}
			if len(resp.Errors) > 0 {
				t.Errorf("errors = %+v, want none", resp.Errors)
			}
		})
	}
}

func TestCaseContextDepthAndComplexity(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limits: server.Limits{MaxDepth: 1, MaxComplexity: 1}})
	resp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": "x"})
	e := limitError(t, resp, "max-depth")
	if want := "query depth 8 exceeds the limit of 1"; e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}

	env = testenv.New(t, testenv.Options{Limits: server.Limits{MaxComplexity: 1}})
	resp = env.Query(t, server.CaseContextQuery(), map[string]any{"code": "x"})
	e = limitError(t, resp, "max-complexity")
	if want := "query complexity 118 exceeds the limit of 1"; e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
}

func TestLimitsRejectRequests(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limits: server.Limits{
		MaxDepth:      4,
		MaxComplexity: 300,
		MaxAliases:    2,
		MaxOperations: 2,
	}})
	tests := []struct {
		name    string
		query   string
		limit   string
		message string
	}{
		{
			name:    "depth",
			query:   `{ dossier(code: "x") { applicant { household { members { citizen { id } } } } } }`,
			limit:   "max-depth",
			message: "query depth 6 exceeds the limit of 4",
		},
		{
			name: "depth_through_fragment",
			query: `query Q { dossier(code: "x") { ...D } }
				fragment D on Dossier { applicant { household { members { citizen { id } } } } }`,
			limit:   "max-depth",
			message: "query depth 6 exceeds the limit of 4",
		},
		{
			name:    "complexity_counts_first",
			query:   `{ procedures(first: 100) { edges { node { code name } } } }`,
			limit:   "max-complexity",
			message: "query complexity 401 exceeds the limit of 300",
		},
		{
			name:    "aliases",
			query:   `{ a: provinces { code } b: provinces { code } c: provinces { code } }`,
			limit:   "max-aliases",
			message: "document has 3 aliased fields, which exceeds the limit of 2",
		},
		{
			name:    "operations",
			query:   `query A { provinces { code } } query B { provinces { code } } query C { provinces { code } }`,
			limit:   "max-operations",
			message: "document defines 3 operations, which exceeds the limit of 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": tt.query, "operationName": firstOperation(tt.query)})
			resp := env.Post(t, "application/json", body)
			e := limitError(t, resp, tt.limit)
			if e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if resp.Data != nil && string(resp.Data) != "null" {
				t.Errorf("data = %s, want none", resp.Data)
			}
		})
	}
}

// firstOperation returns the name of the first named operation in query,
// or "" for an anonymous one.
func firstOperation(query string) string {
	_, rest, ok := strings.Cut(query, "query ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, " ")
	return name
}

func TestBodyLimit(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limits: server.Limits{MaxBodyBytes: 100}})
	big := []byte(`{"query":"{ provinces { code } }","variables":{"pad":"` + strings.Repeat("x", 200) + `"}}`)

	t.Run("content_length", func(t *testing.T) {
		resp := env.Post(t, "application/json", big)
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", resp.Status)
		}
		e := limitError(t, resp, "max-body-bytes")
		want := fmt.Sprintf("request body of %d bytes exceeds the limit of 100 bytes", len(big))
		if e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})

	t.Run("chunked", func(t *testing.T) {
		// A reader of unknown length makes the client send the body
		// chunked, without Content-Length.
		req, err := http.NewRequest("POST", env.Server.URL+"/graphql", io.MultiReader(bytes.NewReader(big)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp := do(t, req)
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", resp.Status)
		}
		e := limitError(t, resp, "max-body-bytes")
		if want := "request body exceeds the limit of 100 bytes"; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})

	t.Run("small_body_passes", func(t *testing.T) {
		resp := env.Query(t, `{ provinces { code } }`, nil)
		if len(resp.Errors) > 0 {
			t.Errorf("errors = %+v, want none", resp.Errors)
		}
	})
}

func TestBatchedArrayRejected(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	resp := env.Post(t, "application/json", []byte(`[{"query":"{ provinces { code } }"},{"query":"{ provinces { code } }"}]`))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.Status)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", resp.Errors)
	}
	if got := resp.Errors[0].Extensions["code"]; got != "BAD_REQUEST" {
		t.Errorf("code = %v, want BAD_REQUEST", got)
	}
	if e := resp.Errors[0]; !strings.Contains(e.Message, "batched requests") {
		t.Errorf("message = %q, want it to name batched requests", e.Message)
	}
}

func TestRequestTimeout(t *testing.T) {
	env := testenv.New(t, testenv.Options{
		Dispatch: testDispatch,
		Limits:   server.Limits{RequestTimeout: 200 * time.Millisecond},
	})
	f := env.Fixture(t)
	id := f.Citizen(testenv.Person{FullName: "Lê Văn Tám"})
	testenv.LockSQLite(t, env.DBs.Population)

	resp := env.Query(t, `query C($id: ID!) { citizen(id: $id) { fullName } }`, map[string]any{"id": id})
	e := limitError(t, resp, "request-timeout")
	if want := "request timed out: it ran longer than the limit of 200ms"; e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
	if got := env.DBs.Population.BreakerState(); got != "closed" {
		t.Errorf("population breaker = %s, want closed: the request's own timeout is not the source's fault", got)
	}
}

// do sends req and decodes the GraphQL response.
func do(t *testing.T, req *http.Request) *testenv.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	out := &testenv.Response{Status: resp.StatusCode}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", resp.StatusCode, err, raw)
	}
	return out
}

func TestIntrospectionPassesDepthLimit(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	// Introspection queries nest ofType many levels deep. This one reaches
	// depth 14, above the default limit of 12, and must pass because
	// introspection fields are not counted.
	typeRef := "name kind"
	for range 9 {
		typeRef = "name kind ofType { " + typeRef + " }"
	}
	query := "{ __schema { types { name fields { name type { " + typeRef + " } } } } }"
	resp := env.Query(t, query, nil)
	if len(resp.Errors) > 0 {
		t.Errorf("errors = %+v, want none", resp.Errors)
	}
}
