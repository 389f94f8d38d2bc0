package baseline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lienthong/auth"
	"lienthong/baseline"
	"lienthong/loaders"
	"lienthong/server"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/testenv"
)

// newBaseline starts a gateway and, beside it, the raw handler over the
// same databases, behind the same credentials and audit trail.
func newBaseline(t *testing.T) (*testenv.Env, *testenv.Fixture, *httptest.Server) {
	env := testenv.New(t, testenv.Options{Dispatch: loaders.Dispatch{Idle: 2 * time.Millisecond, MaxWait: time.Second}})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	f.Procedure("1.000894", "Thủ tục đăng ký kết hôn")
	raw := httptest.NewServer(rawHandler(t, env, slog.New(slog.DiscardHandler)))
	t.Cleanup(raw.Close)
	return env, f, raw
}

// rawHandler returns the raw CaseContext handler over the databases and
// audit trail of env, behind auth.Middleware as serve wires it, logging to
// log.
func rawHandler(t *testing.T, env *testenv.Env, log *slog.Logger) http.Handler {
	t.Helper()
	c := &baseline.CaseContext{
		Stores: loaders.Stores{
			Population:  population.New(env.DBs.Population),
			CivilStatus: civilstatus.New(env.DBs.CivilStatus),
			Business:    business.New(env.DBs.Business),
			Procedures:  procedures.New(env.DBs.Procedures),
		},
		Units: adminunits.MustLoad(),
		Now:   func() time.Time { return testenv.Now },
		Audit: env.Audit,
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Secret: testenv.Secret})
	if err != nil {
		t.Fatal(err)
	}
	return auth.Middleware(verifier, log, baseline.Handler(c, log))
}

// plantCase plants an open dossier whose applicant heads a household of
// four, is married, represents an enterprise, owns a household business
// and has two earlier dossiers.
func plantCase(f *testenv.Fixture) string {
	_, members := f.Household(4)
	applicant := members[0]
	wife := f.Citizen(testenv.Person{FullName: "Trần Thị Hoa", Gender: "female", MaritalStatus: "married"})
	f.Marriage(applicant, wife, "2010-10-10")
	f.Enterprise(applicant)
	f.BusinessHousehold(applicant)
	f.Dossier("1.001193", applicant, "2026-01-05", "returned")
	f.Dossier("1.000894", applicant, "2026-03-05", "returned")
	return f.Dossier("1.001193", applicant, "2026-11-20", "processing")
}

type rawResponse struct {
	Status     int
	Data       json.RawMessage `json:"data"`
	Errors     []testenv.Error `json:"errors"`
	Extensions struct {
		Sources map[string]struct{ Statements int } `json:"sources"`
	} `json:"extensions"`
}

// postRaw posts body to the raw CaseContext handler served at url with
// token as bearer credential, or with none when token is "".
func postRaw(t *testing.T, url, token, body string) *rawResponse {
	t.Helper()
	return post(t, url+baseline.Path, token, body)
}

// post posts body to endpoint as postRaw does.
func post(t *testing.T, endpoint, token, body string) *rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &rawResponse{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", resp.StatusCode, err, raw)
	}
	return out
}

func (r *rawResponse) statements() int {
	n := 0
	for _, s := range r.Extensions.Sources {
		n += s.Statements
	}
	return n
}

func decodeAny(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func TestRawCaseContextMatchesGateway(t *testing.T) {
	env, f, raw := newBaseline(t)
	codes := map[string]string{
		"whole_case":      plantCase(f),
		"lone_applicant":  f.Dossier("1.000894", f.Citizen(testenv.Person{FullName: "Lê Văn Bình"}), "2026-02-01", "received"),
		"unknown_dossier": "000.00.04.H01-990101-9999",
	}
	for name, code := range codes {
		t.Run(name, func(t *testing.T) {
			gql := env.Query(t, server.CaseContextQuery(), map[string]any{"code": code})
			if len(gql.Errors) > 0 {
				t.Fatalf("gateway errors: %+v", gql.Errors)
			}
			body, _ := json.Marshal(map[string]any{"variables": map[string]any{"code": code}})
			got := postRaw(t, raw.URL, testenv.CentralToken(t), string(body))
			if got.Status != http.StatusOK || len(got.Errors) > 0 {
				t.Fatalf("raw status %d, errors %+v", got.Status, got.Errors)
			}
			if diff := cmp.Diff(decodeAny(t, gql.Data), decodeAny(t, got.Data)); diff != "" {
				t.Errorf("raw data differs from the gateway's (-gateway +raw):\n%s", diff)
			}
			t.Logf("%d statements", got.statements())
			if got.statements() != gql.Statements() {
				t.Errorf("raw ran %d statements, gateway ran %d", got.statements(), gql.Statements())
			}
		})
	}
}

func TestRawCaseContextRejectsBadInput(t *testing.T) {
	_, _, raw := newBaseline(t)
	const usage = `send {"variables":{"code":"DOSSIER-CODE"}}`
	tests := []struct {
		name, body string
		want       []string
		// absent are texts the message must not contain, such as Go type
		// names.
		absent []string
	}{
		{"empty_body", ``, []string{"request body is empty", usage}, []string{"EOF"}},
		{"blank_body", " \n ", []string{"request body is empty"}, nil},
		{"not_json", `{"variables":`, []string{"ends after 13 bytes, before the JSON value is complete", usage}, nil},
		{"syntax_error", `{"variables":{"code":x}}`, []string{"invalid JSON in request body at byte offset 21", usage}, nil},
		{"not_utf8", "{\"variables\":{\"code\":\"\xff\"}}", []string{"not valid UTF-8", "byte offset 22"}, nil},
		{"trailing_text", `{"variables":{"code":"A"}} xyz`,
			[]string{"unexpected data after the JSON object at byte offset 27", usage}, nil},
		{"trailing_object", `{"variables":{"code":"A"}}{}`, []string{"unexpected data after the JSON object"}, nil},
		{"body_array", `[{"variables":{"code":"A"}}]`,
			[]string{`invalid request body: expected a JSON object, got an array [{"variables"`, usage},
			[]string{"Go value", "baseline."}},
		{"variables_string", `{"variables":"code"}`,
			[]string{`invalid "variables": expected a JSON object, got a string "code"`, usage}, []string{"struct"}},
		{"missing_code", `{"variables":{}}`, []string{"missing variables.code", usage}, nil},
		{"null_code", `{"variables":{"code":null}}`, []string{"missing variables.code"}, nil},
		{"code_not_string", `{"variables":{"code":5}}`,
			[]string{"invalid variables.code: expected a string, got a number 5", usage}, []string{"Go value"}},
		{"code_array", `{"variables":{"code":["A"]}}`,
			[]string{`invalid variables.code: expected a string, got an array ["A"]`}, []string{"struct {"}},
		{"malformed_code", `{"variables":{"code":"a b"}}`, []string{`invalid dossier code "a b"`}, nil},
		{"long_code", `{"variables":{"code":"` + strings.Repeat("A", 100_000) + `"}}`,
			[]string{`invalid dossier code "` + strings.Repeat("A", 64) + `"… (100000 characters)`}, nil},
		{"unknown_variable", `{"variables":{"code":"A","after":"x"}}`,
			[]string{`unknown variable "after": this endpoint accepts only variables.code`, usage}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postRaw(t, raw.URL, testenv.CentralToken(t), tt.body)
			if got.Status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", got.Status)
			}
			if len(got.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", got.Errors)
			}
			msg := got.Errors[0].Message
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("message %.300q does not contain %q", msg, want)
				}
			}
			for _, absent := range tt.absent {
				if strings.Contains(msg, absent) {
					t.Errorf("message %.300q contains %q", msg, absent)
				}
			}
			if len(msg) > 300 {
				t.Errorf("message is %d bytes long, want at most 300", len(msg))
			}
		})
	}
}

func TestRawCaseContextNeedsCentralOfficer(t *testing.T) {
	_, f, raw := newBaseline(t)
	body := `{"variables":{"code":"` + plantCase(f) + `"}}`
	commune := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"anonymous", "", http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"invalid_token", "not.a.token", http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"commune_officer", commune, http.StatusForbidden, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postRaw(t, raw.URL, tt.token, body)
			if got.Status != tt.status {
				t.Errorf("status = %d, want %d", got.Status, tt.status)
			}
			if len(got.Data) != 0 && string(got.Data) != "null" {
				t.Errorf("data = %s, want none", got.Data)
			}
			if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != tt.code {
				t.Errorf("errors = %+v, want one %s", got.Errors, tt.code)
			}
		})
	}
}

func TestRawCaseContextIsAudited(t *testing.T) {
	env, f, raw := newBaseline(t)
	code := plantCase(f)
	before, err := env.Audit.List(context.Background(), audit.Filter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := postRaw(t, raw.URL, testenv.CentralToken(t), `{"variables":{"code":"`+code+`"}}`)
	if got.Status != http.StatusOK {
		t.Fatalf("status %d, errors %+v", got.Status, got.Errors)
	}
	all, err := env.Audit.List(context.Background(), audit.Filter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	entries := all[:len(all)-len(before)]
	// The applicant heads a household of four and is married.
	if len(entries) != 5 {
		t.Fatalf("got %d entries, want 5 (4 household members and the wife): %+v", len(entries), entries)
	}
	for _, e := range entries {
		if e.Purpose != code || e.Operation != baseline.Operation || e.Role != string(auth.CentralOfficer) {
			t.Errorf("entry %+v, want purpose %s, operation %q, role central-officer", e, code, baseline.Operation)
		}
	}
	if _, err := env.Audit.Verify(context.Background()); err != nil {
		t.Errorf("verify: %v", err)
	}
}
