package server_test

import (
	"sort"
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

func TestDossiersOverdueFilter(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	plant := func(code, status, due string, returned any) {
		testenv.Insert(t, env.DBs.Procedures, "dossiers", map[string]any{
			"code": code, "procedure_code": "1.001193", "applicant_id": "001085000001", "applicant_name": "Lê Văn Bình",
			"receiving_commune": "00004", "province_code": "01", "channel": "online", "status": status,
			"received_at": "2026-11-02T02:00:00Z", "due_at": due, "returned_at": returned,
		})
	}
	// The test clock is 1 December 2026.
	plant("open-late", "processing", "2026-11-20T10:00:00Z", nil)
	plant("open-in-time", "processing", "2026-12-10T10:00:00Z", nil)
	plant("returned-in-time", "returned", "2026-11-20T10:00:00Z", "2026-11-19T08:00:00Z")
	plant("returned-late", "returned", "2026-11-20T10:00:00Z", "2026-11-21T08:00:00Z")
	plant("rejected-late", "rejected", "2026-11-20T10:00:00Z", nil)

	codes := func(overdue bool) string {
		var data struct {
			Dossiers struct {
				Edges []struct{ Node struct{ Code string } }
			}
		}
		env.Query(t, `query($overdue: Boolean) { dossiers(filter: { overdue: $overdue }) { edges { node { code } } } }`,
			map[string]any{"overdue": overdue}).Decode(t, &data)
		var out []string
		for _, e := range data.Dossiers.Edges {
			out = append(out, e.Node.Code)
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	if got := codes(true); got != "open-late returned-late" {
		t.Errorf("overdue dossiers = %q, want open-late returned-late", got)
	}
	if got := codes(false); got != "open-in-time rejected-late returned-in-time" {
		t.Errorf("dossiers not overdue = %q, want open-in-time rejected-late returned-in-time", got)
	}
}
