package server_test

import (
	"strings"
	"testing"

	"lienthong/testenv"
)

func TestDossierStatisticsArguments(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Đăng ký khai sinh")
	applicant := f.Citizen(testenv.Person{})
	f.Dossier("1.001193", applicant, "2026-11-20", "processing")
	f.Dossier("1.001193", applicant, "2026-11-21", "received")

	var data struct {
		DossierStatistics []struct {
			Sector       string
			Procedure    struct{ Name string }
			Count        int
			OverdueCount int
		}
	}
	env.Query(t, `{ dossierStatistics(groupBy: [SECTOR, PROCEDURE]) { sector procedure { name } count overdueCount } }`, nil).
		Decode(t, &data)
	if len(data.DossierStatistics) != 1 {
		t.Fatalf("groups = %+v, want one", data.DossierStatistics)
	}
	group := data.DossierStatistics[0]
	if group.Sector != "Hộ tịch" || group.Procedure.Name != "Đăng ký khai sinh" || group.Count != 2 {
		t.Errorf("group = %+v, want Hộ tịch, Đăng ký khai sinh, 2 dossiers", group)
	}
	// Both dossiers were due in November 2026, before the test clock.
	if group.OverdueCount != 2 {
		t.Errorf("overdue = %d, want 2", group.OverdueCount)
	}

	cases := []struct{ name, query, want string }{
		{"no_dimension", `{ dossierStatistics(groupBy: []) { count } }`, "at least one dimension"},
		{"repeated_dimension", `{ dossierStatistics(groupBy: [MONTH, MONTH]) { count } }`, "MONTH is given twice"},
		{"bad_province", `{ dossierStatistics(groupBy: [MONTH], filter: { provinceCode: "1" }) { count } }`, `"1"`},
		{"reversed_period", `{ procedureChanges(from: "2026-01-01", to: "2025-01-01") { on } }`, "must be after"},
		{"bad_date", `{ procedureChanges(from: "2026-02-30", to: "2027-01-01") { on } }`, `invalid Date "2026-02-30"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := env.Query(t, tc.query, nil)
			if len(resp.Errors) == 0 {
				t.Fatal("no error")
			}
			if !strings.Contains(resp.Errors[0].Message, tc.want) {
				t.Errorf("message = %q, want it to contain %q", resp.Errors[0].Message, tc.want)
			}
			if code := resp.Errors[0].Extensions["code"]; code != "INVALID_ARGUMENT" {
				t.Errorf("code = %v, want INVALID_ARGUMENT", code)
			}
		})
	}
}
