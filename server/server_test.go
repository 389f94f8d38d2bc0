package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"lienthong/baseline"
	"lienthong/loaders"
	"lienthong/server"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// testDispatch waits for a longer quiet spell than production, so that
// sibling fields join one batch even on a loaded machine under the race
// detector and statement counts are exact.
var testDispatch = loaders.Dispatch{Idle: 5 * time.Millisecond, MaxWait: 2 * time.Second}

// plantCase plants a dossier whose applicant is married, heads a household
// of size members, represents an enterprise, owns a household business and
// has two earlier dossiers.
func plantCase(t *testing.T, env *testenv.Env, f *testenv.Fixture, size int) string {
	t.Helper()
	_, members := f.Household(size)
	applicant := members[0]
	wife := f.Citizen(testenv.Person{FullName: "Trần Thị Hoa", Gender: "female", MaritalStatus: "married"})
	f.Marriage(applicant, wife, "2010-10-10")
	f.Enterprise(applicant)
	f.BusinessHousehold(applicant)
	f.Dossier("1.001193", applicant, "2026-01-05", "returned")
	f.Dossier("1.000894", applicant, "2026-03-05", "returned")
	return f.Dossier("1.001193", applicant, "2026-11-20", "processing")
}

func newEnvWithProcedures(t *testing.T, engine sqldb.Engine) (*testenv.Env, *testenv.Fixture) {
	env := testenv.New(t, testenv.Options{Dispatch: testDispatch, Engine: engine})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	f.Procedure("1.000894", "Thủ tục đăng ký kết hôn")
	return env, f
}

func TestCaseContextReturnsWholeCase(t *testing.T) {
	testenv.ForEachEngine(t, caseContextReturnsWholeCase)
}

func caseContextReturnsWholeCase(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	code := plantCase(t, env, f, 4)

	resp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": code})
	var data struct {
		Dossier struct {
			Code             string
			Status           string
			Overdue          bool
			ReceivingCommune struct {
				Code, Name string
				Province   struct{ Code, Name string }
			}
			Procedure struct {
				Code, Name string
				Level      []string
			}
			Applicant struct {
				ID                 string
				FullName           string
				MaritalStatus      string
				PermanentResidence struct {
					Address string
					Commune struct{ Code string }
				}
				Household struct {
					Code    string
					Head    struct{ ID string }
					Members []struct {
						RelationToHead string
						Citizen        struct {
							ID          string
							CivilStatus struct {
								Birth struct{ RegistrationNumber string }
							}
						}
					}
				}
				CivilStatus struct {
					Birth struct {
						RegistrationNumber string
						RegisteringCommune struct{ Name string }
					}
					Marriages []struct {
						RegisteredOn string
						Spouse       struct{ FullName string }
						DissolvedOn  *string
					}
					Death *struct{ DateOfDeath string }
				}
				Enterprises        []struct{ Code, Role string }
				BusinessHouseholds []struct {
					Code    string
					Commune struct{ Name string }
				}
				Dossiers struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Code      string
							Procedure struct{ Name string }
						}
					}
				}
			}
		}
	}
	resp.Decode(t, &data)
	d := data.Dossier

	checks := []struct {
		name      string
		got, want any
	}{
		{"code", d.Code, code},
		{"status", d.Status, "PROCESSING"},
		{"overdue", d.Overdue, true},
		{"commune", d.ReceivingCommune.Name, "Ba Đình"},
		{"province", d.ReceivingCommune.Province.Name, "Hà Nội"},
		{"procedure", d.Procedure.Name, "Thủ tục đăng ký khai sinh"},
		{"head", d.Applicant.Household.Head.ID, d.Applicant.ID},
		{"members", len(d.Applicant.Household.Members), 4},
		{"member_birth", d.Applicant.Household.Members[1].Citizen.CivilStatus.Birth.RegistrationNumber != "", true},
		{"residence", d.Applicant.PermanentResidence.Commune.Code, "00004"},
		{"birth_commune", d.Applicant.CivilStatus.Birth.RegisteringCommune.Name, "Ba Đình"},
		{"marriages", len(d.Applicant.CivilStatus.Marriages), 1},
		{"spouse", d.Applicant.CivilStatus.Marriages[0].Spouse.FullName, "Trần Thị Hoa"},
		{"dissolved", d.Applicant.CivilStatus.Marriages[0].DissolvedOn == nil, true},
		{"death", d.Applicant.CivilStatus.Death == nil, true},
		{"enterprise_role", d.Applicant.Enterprises[0].Role, "LEGAL_REPRESENTATIVE"},
		{"business_household", d.Applicant.BusinessHouseholds[0].Commune.Name, "Ba Đình"},
		{"dossier_total", d.Applicant.Dossiers.TotalCount, 3},
		{"dossier_first", d.Applicant.Dossiers.Edges[0].Node.Code, code},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// caseContextStatements is the statement count of the CaseContext query:
// one per loader and level of the query, whatever the size of its lists.
const caseContextStatements = 16

// dossierListStatements is the statement count of dossierListQuery, for a
// page of any length.
const dossierListStatements = 14

func TestCaseContextStatementsIgnoreHouseholdSize(t *testing.T) {
	testenv.ForEachEngine(t, caseContextStatementsIgnoreHouseholdSize)
}

func caseContextStatementsIgnoreHouseholdSize(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	small := plantCase(t, env, f, 2)
	large := plantCase(t, env, f, 8)

	smallResp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": small})
	largeResp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": large})
	if len(smallResp.Errors)+len(largeResp.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", smallResp.Errors, largeResp.Errors)
	}
	for _, r := range []*testenv.Response{smallResp, largeResp} {
		if r.Statements() != caseContextStatements {
			t.Errorf("ran %d statements (%s), want %d; household of 2 ran %d, household of 8 ran %d",
				r.Statements(), r.StatementsBySource(), caseContextStatements,
				smallResp.Statements(), largeResp.Statements())
		}
	}
	t.Logf("CaseContext: %d statements (%s)", largeResp.Statements(), largeResp.StatementsBySource())
}

const dossierListQuery = baseline.DossierListQuery

func TestDossierListStatementsIgnoreLength(t *testing.T) {
	testenv.ForEachEngine(t, dossierListStatementsIgnoreLength)
}

func dossierListStatementsIgnoreLength(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	for i := 0; i < 25; i++ {
		plantCase(t, env, f, 2+i%5)
	}

	one := env.Query(t, dossierListQuery, map[string]any{"first": 1})
	fifty := env.Query(t, dossierListQuery, map[string]any{"first": 50})
	if len(one.Errors)+len(fifty.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", one.Errors, fifty.Errors)
	}
	var data struct{ Dossiers struct{ Edges []any } }
	fifty.Decode(t, &data)
	if len(data.Dossiers.Edges) != 50 {
		t.Fatalf("edges = %d, want 50", len(data.Dossiers.Edges))
	}
	for _, r := range []*testenv.Response{one, fifty} {
		if r.Statements() != dossierListStatements {
			t.Errorf("ran %d statements (%s), want %d; one dossier ran %d, 50 dossiers ran %d",
				r.Statements(), r.StatementsBySource(), dossierListStatements, one.Statements(), fifty.Statements())
		}
	}
}

func TestCitizenSearchIgnoresDiacriticsAndCase(t *testing.T) {
	testenv.ForEachEngine(t, citizenSearchIgnoresDiacriticsAndCase)
}

func citizenSearchIgnoresDiacriticsAndCase(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	an := f.Citizen(testenv.Person{FullName: "Nguyễn Văn An"})
	f.Citizen(testenv.Person{FullName: "Nguyễn Văn Anh"})
	f.Citizen(testenv.Person{FullName: "Đặng Thị Đào", Gender: "female"})

	tests := []struct {
		name, query string
		want        []string
	}{
		{"plain_ascii", "nguyen van an", []string{"Nguyễn Văn An"}},
		{"upper_case", "NGUYEN VAN AN", []string{"Nguyễn Văn An"}},
		{"prefix_of_words", "nguyen van", []string{"Nguyễn Văn An", "Nguyễn Văn Anh"}},
		{"d_with_stroke", "dang thi dao", []string{"Đặng Thị Đào"}},
		{"decomposed_input", "Nguye\u0302\u0303n Va\u0306n An", []string{"Nguyễn Văn An"}},
		{"no_match", "tran", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.Query(t, `query($n: String!) { citizens(filter: {name: $n}) { totalCount edges { node { id fullName } } } }`,
				map[string]any{"n": tt.query})
			var data struct {
				Citizens struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID, FullName string } }
				}
			}
			resp.Decode(t, &data)
			var got []string
			for _, e := range data.Citizens.Edges {
				got = append(got, e.Node.FullName)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
			if data.Citizens.TotalCount != len(tt.want) {
				t.Errorf("totalCount = %d, want %d", data.Citizens.TotalCount, len(tt.want))
			}
		})
	}
	_ = an
}

func TestPaginationVisitsEveryItemOnce(t *testing.T) {
	testenv.ForEachEngine(t, paginationVisitsEveryItemOnce)
}

func paginationVisitsEveryItemOnce(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	for i := 0; i < 23; i++ {
		f.Citizen(testenv.Person{FullName: fmt.Sprintf("Lê Văn Bình %02d", i%7), CommuneCode: "00008"})
		f.Dossier("1.001193", "001085000001", fmt.Sprintf("2026-0%d-1%d", 1+i%9, i%10), "returned")
	}

	lists := []struct {
		name, query, field string
		vars               map[string]any
		total              int
	}{
		{"citizens_by_commune", `query($after: String) { citizens(filter: {communeCode: "00008"}, first: 5, after: $after) {
			totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, "citizens", nil, 23},
		{"dossiers", `query($after: String) { dossiers(first: 5, after: $after) {
			totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } }`, "dossiers", nil, 23},
		{"procedures", `query($after: String) { procedures(first: 1, after: $after) {
			totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } }`, "procedures", nil, 2},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			seen := map[string]bool{}
			var after any
			for page := 0; page < 20; page++ {
				resp := env.Query(t, l.query, map[string]any{"after": after})
				var data map[string]struct {
					TotalCount int
					Edges      []struct{ Node map[string]string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
				resp.Decode(t, &data)
				conn := data[l.field]
				if conn.TotalCount != l.total {
					t.Fatalf("totalCount = %d, want %d", conn.TotalCount, l.total)
				}
				for _, e := range conn.Edges {
					for _, key := range e.Node {
						if seen[key] {
							t.Fatalf("item %s on two pages", key)
						}
						seen[key] = true
					}
				}
				if !conn.PageInfo.HasNextPage {
					break
				}
				after = *conn.PageInfo.EndCursor
			}
			if len(seen) != l.total {
				t.Errorf("visited %d items, want %d", len(seen), l.total)
			}
		})
	}
}

func TestBadInputGetsClearErrors(t *testing.T) {
	testenv.ForEachEngine(t, badInputGetsClearErrors)
}

func badInputGetsClearErrors(t *testing.T, engine sqldb.Engine) {
	env, _ := newEnvWithProcedures(t, engine)

	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		code     string
		contains []string
	}{
		{"malformed_id", `{ citizen(id: "12ab") { id } }`, nil, "INVALID_ARGUMENT", []string{`"12ab"`, "12 digits"}},
		{"malformed_commune", `{ commune(code: "1") { name } }`, nil, "INVALID_ARGUMENT", []string{`"1"`, "5 digits"}},
		{"malformed_procedure", `{ procedure(code: "abc") { name } }`, nil, "INVALID_ARGUMENT", []string{`"abc"`}},
		{"first_too_large", `{ dossiers(first: 1000) { totalCount } }`, nil, "INVALID_ARGUMENT", []string{"1000", "between 1 and 100"}},
		{"bad_cursor", `{ dossiers(after: "zzz") { totalCount } }`, nil, "INVALID_ARGUMENT", []string{`"zzz"`, "cursor"}},
		{"empty_filter", `{ citizens(filter: {}) { totalCount } }`, nil, "INVALID_ARGUMENT", []string{"name or a communeCode"}},
		{"parse_error", `{ citizen(id: "001085000001") { id `, nil, "GRAPHQL_PARSE_FAILED", []string{"Expected"}},
		{"unknown_field", `{ citizen(id: "001085000001") { salary } }`, nil, "GRAPHQL_VALIDATION_FAILED", []string{"salary"}},
		{"bad_variable_type", `query($d: DateTime) { dossiers(filter: {receivedFrom: $d}) { totalCount } }`,
			map[string]any{"d": "yesterday"}, "INVALID_ARGUMENT", []string{"yesterday", "RFC 3339"}},
		{"bad_enum", `{ dossiers(filter: {status: DONE}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", []string{"DONE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.Query(t, tt.query, tt.vars)
			if resp.Status >= 500 {
				t.Fatalf("status %d", resp.Status)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error; data %s", resp.Data)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code {
				t.Errorf("code = %v, want %s (message %q)", e.Extensions["code"], tt.code, e.Message)
			}
			for _, want := range tt.contains {
				if !strings.Contains(e.Message, want) {
					t.Errorf("message %q does not contain %q", e.Message, want)
				}
			}
		})
	}
}

func TestUnknownCodesReturnNull(t *testing.T) {
	testenv.ForEachEngine(t, unknownCodesReturnNull)
}

func unknownCodesReturnNull(t *testing.T, engine sqldb.Engine) {
	env, _ := newEnvWithProcedures(t, engine)
	resp := env.Query(t, `{
		citizen(id: "001099999999") { id }
		dossier(code: "000.00.04.H01-990101-9999") { code }
		enterprise(code: "0100000000") { code }
		procedure(code: "9.999999") { code }
		commune(code: "99999") { code }
		province(code: "99") { code }
		household(code: "HK0") { code }
		registration(id: "999999") { id }
	}`, nil)
	if resp.Status != 200 {
		t.Errorf("status = %d, want 200", resp.Status)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	var data map[string]any
	json.Unmarshal(resp.Data, &data)
	for field, v := range data {
		if v != nil {
			t.Errorf("%s = %v, want null", field, v)
		}
	}
}

func TestMalformedRequestBodies(t *testing.T) {
	testenv.ForEachEngine(t, malformedRequestBodies)
}

func malformedRequestBodies(t *testing.T, engine sqldb.Engine) {
	env, _ := newEnvWithProcedures(t, engine)
	bodies := []struct{ name, contentType, body string }{
		{"not_json", "application/json", `{"query": `},
		{"wrong_types", "application/json", `{"query": 5}`},
		{"empty", "application/json", ``},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			resp := env.Post(t, b.contentType, []byte(b.body))
			if resp.Status >= 500 {
				t.Errorf("status = %d, want a 4xx", resp.Status)
			}
			if len(resp.Errors) == 0 || resp.Errors[0].Message == "" {
				t.Errorf("no error message: %+v", resp)
			}
		})
	}
}
