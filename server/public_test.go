package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lienthong/auth"
	"lienthong/testenv"
)

func TestAnonymousGetsNoPersonalIDs(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	_, members := f.Household(2)
	enterprise := f.Enterprise(members[0])
	household := f.BusinessHousehold(members[0])
	reporting := testenv.Token(t, auth.Principal{ID: "r-1", Role: auth.Reporting})

	query := `query($e: ID!, $h: ID!) {
		enterprise(code: $e) { name people { citizenId } }
		businessHousehold(code: $h) { name ownerId }
	}`
	vars := map[string]any{"e": enterprise, "h": household}
	for name, token := range map[string]string{"anonymous": "", "reporting": reporting} {
		t.Run(name, func(t *testing.T) {
			resp := env.QueryAs(t, token, query, vars)
			var data struct {
				Enterprise struct {
					Name   string
					People []any
				}
				BusinessHousehold struct {
					Name    string
					OwnerID *string
				}
			}
			json.Unmarshal(resp.Data, &data)
			if data.Enterprise.Name == "" || data.BusinessHousehold.Name == "" {
				t.Errorf("public names missing: %s", resp.Data)
			}
			if data.Enterprise.People != nil {
				t.Errorf("people = %v, want null", data.Enterprise.People)
			}
			if data.BusinessHousehold.OwnerID != nil {
				t.Errorf("ownerId = %s, want null", *data.BusinessHousehold.OwnerID)
			}
			if len(resp.Errors) != 2 {
				t.Fatalf("errors = %+v, want two FORBIDDEN", resp.Errors)
			}
			for _, e := range resp.Errors {
				if e.Extensions["code"] != "FORBIDDEN" {
					t.Errorf("code = %v, want FORBIDDEN (%s)", e.Extensions["code"], e.Message)
				}
			}
		})
	}

	resp := env.Query(t, query, vars)
	if len(resp.Errors) > 0 {
		t.Errorf("central officer errors: %+v", resp.Errors)
	}
}

func TestForbiddenListKeepsRestOfResponse(t *testing.T) {
	env, _ := newEnvWithProcedures(t, testenv.SQLite)
	resp := env.QueryAs(t, "", `{ province(code: "01") { name } dossiers(first: 1) { totalCount } }`, nil)
	var data struct {
		Province struct{ Name string }
		Dossiers *struct{ TotalCount int }
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
	if data.Province.Name != "Hà Nội" {
		t.Errorf("province = %q, want Hà Nội", data.Province.Name)
	}
	if data.Dossiers != nil {
		t.Errorf("dossiers = %+v, want null", data.Dossiers)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("errors = %+v, want one FORBIDDEN", resp.Errors)
	}
}

func TestForgedCursorsAreRejected(t *testing.T) {
	env, _ := newEnvWithProcedures(t, testenv.SQLite)
	tests := []struct{ name, query string }{
		{"procedures", `{ procedures(after: "garbage", first: 2) { totalCount } }`},
		{"dossiers", `{ dossiers(after: "eCcgT1IgMT0xIC0tH3g", first: 2) { totalCount } }`},
		{"citizens", `{ citizens(filter: {name: "an"}, after: "YW4feHg", first: 2) { totalCount } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.Query(t, tt.query, nil)
			if len(resp.Errors) == 0 {
				t.Fatalf("no error; data %s", resp.Data)
			}
			if resp.Errors[0].Extensions["code"] != "INVALID_ARGUMENT" {
				t.Errorf("code = %v, want INVALID_ARGUMENT (%s)", resp.Errors[0].Extensions["code"], resp.Errors[0].Message)
			}
		})
	}
}

func TestProcedureTextMatchesWholeWords(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	f.Procedure("1.000001", "Đăng ký thành lập hộ kinh doanh")
	f.Procedure("1.000002", "Cấp giấy phép cho hoạt động in")

	resp := env.Query(t, `{ procedures(filter: {text: "HỘ kinh"}) { edges { node { code } } } }`, nil)
	var data struct {
		Procedures struct {
			Edges []struct{ Node struct{ Code string } }
		}
	}
	resp.Decode(t, &data)
	if len(data.Procedures.Edges) != 1 || data.Procedures.Edges[0].Node.Code != "1.000001" {
		t.Errorf("procedures = %+v, want only 1.000001", data.Procedures.Edges)
	}
}

func TestSearchTextIsChecked(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	f.Citizen(testenv.Person{FullName: "Nguyễn Văn Anh"})

	long := `{ citizens(filter: {name: "` + strings.Repeat("a", 201) + `"}) { totalCount } }`
	resp := env.Query(t, long, nil)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "INVALID_ARGUMENT" {
		t.Errorf("201-character name: errors = %+v, want INVALID_ARGUMENT", resp.Errors)
	}

	pasted := "Nguy\u200bễn Văn\ufeff Anh"
	resp = env.Query(t, `query($n: String!) { citizens(filter: {name: $n}) { totalCount } }`, map[string]any{"n": pasted})
	var data struct{ Citizens struct{ TotalCount int } }
	resp.Decode(t, &data)
	if data.Citizens.TotalCount != 1 {
		t.Errorf("name with zero-width characters found %d citizens, want 1", data.Citizens.TotalCount)
	}
}
