package server_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lienthong/server"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// caseApplicant is the part of a CaseContext response that shows which
// sources responded.
type caseApplicant struct {
	Dossier *struct {
		Code      string
		Applicant *struct {
			FullName    string
			CivilStatus *struct {
				Birth *struct{ RegistrationNumber string }
			}
			Enterprises        []struct{ Code string }
			BusinessHouseholds []struct{ Code string }
			Dossiers           *struct{ TotalCount int }
		}
	}
}

func decodeCase(t *testing.T, resp *testenv.Response) caseApplicant {
	t.Helper()
	var data caseApplicant
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("decode data: %v\n%s", err, resp.Data)
	}
	if data.Dossier == nil || data.Dossier.Applicant == nil {
		t.Fatalf("dossier or applicant is null, want them from the sources that answered: %s", resp.Data)
	}
	return data
}

// errorsAt returns the errors whose path ends with field.
func errorsAt(resp *testenv.Response, field string) []testenv.Error {
	var out []testenv.Error
	for _, e := range resp.Errors {
		if len(e.Path) > 0 && e.Path[len(e.Path)-1] == field {
			out = append(out, e)
		}
	}
	return out
}

func TestSourceOutageGivesPartialAnswer(t *testing.T) {
	env := testenv.New(t, testenv.Options{
		Dispatch: testDispatch,
		SourceOptions: sqldb.Options{
			StatementTimeout: 400 * time.Millisecond,
			Breaker:          sqldb.BreakerOptions{Failures: 2, CoolDown: 500 * time.Millisecond},
		},
	})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	f.Procedure("1.000894", "Thủ tục đăng ký kết hôn")
	code := plantCase(t, env, f, 3)
	vars := map[string]any{"code": code}

	resp := env.Query(t, server.CaseContextQuery(), vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("before the outage: unexpected errors: %+v", resp.Errors)
	}

	// Lock the business database: its two statements of the case time out.
	release := testenv.LockSQLite(t, env.DBs.Business)
	resp = env.Query(t, server.CaseContextQuery(), vars)
	data := decodeCase(t, resp)
	if data.Dossier.Applicant.FullName == "" {
		t.Errorf("applicant full name is empty, want it from the population source")
	}
	if data.Dossier.Applicant.CivilStatus == nil || data.Dossier.Applicant.CivilStatus.Birth == nil {
		t.Errorf("civil status is missing, want it from the civil status source: %s", resp.Data)
	}
	if data.Dossier.Applicant.Enterprises != nil {
		t.Errorf("enterprises = %v, want null", data.Dossier.Applicant.Enterprises)
	}
	for _, field := range []string{"enterprises", "businessHouseholds"} {
		errs := errorsAt(resp, field)
		if len(errs) != 1 {
			t.Fatalf("errors at %s = %+v, want one", field, resp.Errors)
		}
		if got := errs[0].Extensions["code"]; got != "SOURCE_UNAVAILABLE" {
			t.Errorf("%s error code = %v, want SOURCE_UNAVAILABLE", field, got)
		}
		if got := errs[0].Extensions["source"]; got != "business" {
			t.Errorf("%s error source = %v, want business", field, got)
		}
		if want := "business source unavailable: statement timed out after 400ms"; errs[0].Message != want {
			t.Errorf("%s error message = %q, want %q", field, errs[0].Message, want)
		}
	}
	if got := env.DBs.Business.BreakerState(); got != "open" {
		t.Fatalf("business breaker after two timeouts = %s, want open", got)
	}

	// With the breaker open, requests fail at once without a statement on
	// the business source.
	resp = env.Query(t, server.CaseContextQuery(), vars)
	decodeCase(t, resp)
	if n := resp.Extensions.Sources["business"].Statements; n != 0 {
		t.Errorf("business statements with the breaker open = %d, want 0", n)
	}
	errs := errorsAt(resp, "enterprises")
	if len(errs) != 1 || errs[0].Message != "business source unavailable: circuit open" {
		t.Errorf("enterprises errors with the breaker open = %+v, want \"business source unavailable: circuit open\"", errs)
	}
	if resp.Extensions.Sources["population"].Statements == 0 {
		t.Errorf("population ran no statement, want the other sources to answer")
	}

	// After the cool-down the breaker lets trial statements through, and
	// they succeed.
	release()
	deadline := time.Now().Add(5 * time.Second)
	for env.DBs.Business.BreakerState() == "open" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	resp = env.Query(t, server.CaseContextQuery(), vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("after the cool-down: unexpected errors: %+v", resp.Errors)
	}
	if got := env.DBs.Business.BreakerState(); got == "open" {
		t.Errorf("business breaker after recovery = %s, want half-open or closed", got)
	}
	if data := decodeCase(t, resp); len(data.Dossier.Applicant.Enterprises) != 1 {
		t.Errorf("enterprises after recovery = %v, want one", data.Dossier.Applicant.Enterprises)
	}
}

func TestClosedSourceIsUnavailable(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	code := plantCase(t, env, f, 2)
	if err := env.DBs.Procedures.Close(); err != nil {
		t.Fatal(err)
	}
	resp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": code})
	if resp.Status != 200 {
		t.Errorf("status = %d, want 200", resp.Status)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %+v, want one for the dossier", resp.Errors)
	}
	e := resp.Errors[0]
	if got := e.Extensions["code"]; got != "SOURCE_UNAVAILABLE" {
		t.Errorf("code = %v, want SOURCE_UNAVAILABLE", got)
	}
	if want := "procedures source unavailable: connection failed"; e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
	if len(e.Path) != 1 || e.Path[0] != "dossier" {
		t.Errorf("path = %v, want [dossier]", e.Path)
	}
	if strings.Contains(e.Message, ".db") {
		t.Errorf("message %q names the database file", e.Message)
	}
}
