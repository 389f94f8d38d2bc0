package savedquery_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"lienthong/graph"
	"lienthong/savedquery"
	"lienthong/server"
	"lienthong/testenv"
)

func loadEmbedded(t testing.TB) *savedquery.Registry {
	t.Helper()
	reg, err := savedquery.Load(savedquery.Embedded(), graph.NewExecutableSchema(graph.Config{}).Schema())
	if err != nil {
		t.Fatalf("load embedded saved queries: %v", err)
	}
	return reg
}

func TestLoadEmbedded(t *testing.T) {
	reg := loadEmbedded(t)
	var names []string
	for _, q := range reg.All() {
		names = append(names, q.Name)
		if q.Description == "" {
			t.Errorf("saved query %s has no description", q.Name)
		}
	}
	want := []string{"CitizenDossiers", "DossierExport", "DossierStatistics", "DossierStatisticsByProvince",
		"OverdueDossiersOfCommune", "ProcedureChanges"}
	if !slices.Equal(names, want) {
		t.Errorf("saved queries = %v, want %v", names, want)
	}
	if !reg.Get("DossierExport").Paged {
		t.Error("DossierExport is not paged")
	}
}

func TestLoadRejectsBrokenFile(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	cases := []struct {
		name, body, wantErr string
	}{
		{"unknown_field", "query Broken { dossiers { nope } }", `Cannot query field "nope"`},
		{"syntax", "query Broken { dossiers { ", "Expected Name"},
		{"anonymous", "{ provinces { code } }", "has no name"},
		{"two_operations", "query A { provinces { code } } query B { provinces { name } }", "contains 2 operations"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"Broken.graphql": {Data: []byte(tc.body)}}
			_, err := savedquery.Load(fsys, schema)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), "Broken.graphql") {
				t.Errorf("error %q does not name the file", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

// savedEnv starts a gateway with the shipped saved queries and plants seven
// dossiers of commune 00004, with applicant names that a spreadsheet would
// run as formulas.
func savedEnv(t *testing.T) (*testenv.Env, string) {
	t.Helper()
	reg := loadEmbedded(t)
	env := testenv.New(t, testenv.Options{Configure: func(c *server.Config) { c.SavedQueries = reg }})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Đăng ký khai sinh")
	anh := f.Citizen(testenv.Person{FullName: "Nguyễn Thị Ánh", Gender: "female"})

	names := []string{"Nguyễn Thị Ánh", `=HYPERLINK("http://example.invalid","x")`, `Trần "Bé", Văn`, "+84 912", "@SUM(A1)"}
	for i := range 7 {
		status := []string{"processing", "returned", "received"}[i%3]
		row := map[string]any{
			"code": fmt.Sprintf("000.00.04.H01-261120-%04d", i+1), "procedure_code": "1.001193",
			"applicant_id": anh, "applicant_name": names[i%len(names)],
			"receiving_commune": "00004", "province_code": "01", "channel": "online", "status": status,
			"received_at": fmt.Sprintf("2026-11-%02dT02:00:00Z", 10+i), "due_at": fmt.Sprintf("2026-11-%02dT10:00:00Z", 12+i),
		}
		if status == "returned" {
			row["completed_at"] = fmt.Sprintf("2026-11-%02dT09:00:00Z", 13+i)
			row["returned_at"] = fmt.Sprintf("2026-11-%02dT09:30:00Z", 13+i)
		}
		testenv.Insert(t, env.DBs.Procedures, "dossiers", row)
	}
	return env, anh
}

// get fetches a path and returns the status, content type and body.
func get(t *testing.T, env *testenv.Env, path string, header http.Header) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return do(t, req)
}

// do sends req as a central officer unless it carries credentials of its
// own: saved queries run under the same access rules as any other query.
func do(t *testing.T, req *http.Request) (int, string, []byte) {
	t.Helper()
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+testenv.CentralToken(t))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(body))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, body)
	}
	return records
}

func column(t *testing.T, records [][]string, header string) []string {
	t.Helper()
	i := slices.Index(records[0], header)
	if i < 0 {
		t.Fatalf("CSV header %v has no column %s", records[0], header)
	}
	var out []string
	for _, r := range records[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestListSaved(t *testing.T) {
	env, _ := savedEnv(t)
	status, ctype, body := get(t, env, "/saved", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /saved status = %d\n%s", status, body)
	}
	if ctype != "application/json" {
		t.Errorf("content type = %q", ctype)
	}

	var list struct {
		Queries []savedquery.Query `json:"queries"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	var stats *savedquery.Query
	for i := range list.Queries {
		if list.Queries[i].Name == "DossierStatistics" {
			stats = &list.Queries[i]
		}
	}
	if stats == nil {
		t.Fatalf("DossierStatistics missing from %s", body)
	}

	if !strings.HasPrefix(stats.Description, "Dossier statistics grouped by") {
		t.Errorf("description = %q", stats.Description)
	}
	groupBy := stats.Variables[0]
	if groupBy.Name != "groupBy" || groupBy.Type != "[StatisticsDimension!]!" || groupBy.Required {
		t.Errorf("first variable = %+v, want groupBy of type [StatisticsDimension!]! with a default", groupBy)
	}
	if fmt.Sprint(groupBy.Default) != "[PROVINCE MONTH]" {
		t.Errorf("groupBy default = %v", groupBy.Default)
	}
}

// TestShippedQueries runs every shipped saved query as JSON and as CSV.
func TestShippedQueries(t *testing.T) {
	env, anh := savedEnv(t)
	params := map[string]string{
		"CitizenDossiers":             "id=" + anh,
		"DossierExport":               "province=01",
		"DossierStatistics":           "groupBy=STATUS,channel&province=01",
		"DossierStatisticsByProvince": "",
		"OverdueDossiersOfCommune":    "commune=00004",
		"ProcedureChanges":            "from=2024-01-01&to=2025-01-01",
	}
	for _, q := range loadEmbedded(t).All() {
		t.Run(q.Name, func(t *testing.T) {
			query, ok := params[q.Name]
			if !ok {
				t.Fatalf("no parameters for saved query %s; add them to this test", q.Name)
			}
			status, _, body := get(t, env, "/saved/"+q.Name+"?"+query, nil)
			if status != http.StatusOK {
				t.Fatalf("JSON status = %d\n%s", status, body)
			}
			var resp testenv.Response
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatal(err)
			}
			if len(resp.Errors) > 0 {
				t.Fatalf("JSON errors: %+v", resp.Errors)
			}

			status, ctype, body := get(t, env, "/saved/"+q.Name+"?"+query, http.Header{"Accept": {"text/csv"}})
			if status != http.StatusOK {
				t.Fatalf("CSV status = %d\n%s", status, body)
			}
			if ctype != "text/csv; charset=utf-8" {
				t.Errorf("CSV content type = %q", ctype)
			}
			records := readCSV(t, body)
			if len(records) < 2 {
				t.Errorf("CSV has %d records, want a header and rows:\n%s", len(records), body)
			}
		})
	}
}

func TestCSVExport(t *testing.T) {
	env, _ := savedEnv(t)
	// Two rows a page, so seven dossiers take four pages.
	status, _, body := get(t, env, "/saved/DossierExport?format=csv&commune=00004&first=2", nil)
	if status != http.StatusOK {
		t.Fatalf("status = %d\n%s", status, body)
	}
	records := readCSV(t, body)
	header := records[0]
	if header[0] != "node.code" || !slices.Contains(header, "node.applicantName") {
		t.Errorf("header = %v", header)
	}
	if len(records) != 8 {
		t.Errorf("records = %d, want a header and 7 rows", len(records))
	}
	names := column(t, records, "node.applicantName")
	for _, want := range []string{
		"Nguyễn Thị Ánh",
		`'=HYPERLINK("http://example.invalid","x")`,
		`Trần "Bé", Văn`,
		"'+84 912",
		"'@SUM(A1)",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("applicant names %q lack %q", names, want)
		}
	}
	if !bytes.Contains(body, []byte(`"Trần ""Bé"", Văn"`)) {
		t.Error("a cell with quotes and a comma is not quoted as RFC 4180 asks")
	}
	if bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("body starts with a BOM without bom=1")
	}

	_, _, withBOM := get(t, env, "/saved/DossierExport?format=csv&commune=00004&bom=1", nil)
	if !bytes.HasPrefix(withBOM, []byte("\ufeffnode.code,")) {
		t.Errorf("bom=1 body starts %q, want a UTF-8 BOM then the header", withBOM[:min(len(withBOM), 20)])
	}
}

func TestCitizenDossiersCSV(t *testing.T) {
	env, anh := savedEnv(t)
	_, _, body := get(t, env, "/saved/CitizenDossiers?format=csv&first=3&id="+anh, nil)
	records := readCSV(t, body)
	if len(records) != 8 {
		t.Errorf("records = %d, want a header and 7 rows", len(records))
	}
	if got := column(t, records, "node.receivingCommune.fullName")[0]; got != "Phường Ba Đình" {
		t.Errorf("receiving commune = %q, want Phường Ba Đình", got)
	}
}

func TestStatisticsMatchRows(t *testing.T) {
	env, _ := savedEnv(t)
	_, _, body := get(t, env, "/saved/DossierStatistics?format=csv&groupBy=STATUS", nil)
	records := readCSV(t, body)
	counts := map[string]string{}
	statuses := column(t, records, "status")
	for i, n := range column(t, records, "count") {
		counts[statuses[i]] = n
	}
	// savedEnv plants seven dossiers cycling processing, returned, received.
	want := map[string]string{"PROCESSING": "3", "RETURNED": "2", "RECEIVED": "2"}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts by status = %v, want %v", counts, want)
	}
}

func TestVariableErrors(t *testing.T) {
	env, _ := savedEnv(t)
	cases := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"int_not_number", "/saved/DossierExport?first=abc", 400, []string{`"first"`, "Int", `"abc"`}},
		{"unknown_variable", "/saved/DossierExport?provinse=01", 400, []string{`"provinse"`, "province"}},
		{"missing_required", "/saved/OverdueDossiersOfCommune", 400, []string{`"commune"`, "ID!"}},
		{"bad_enum", "/saved/DossierStatistics?groupBy=PROVINCE,FOO", 400, []string{`"groupBy"`, "StatisticsDimension", `"FOO"`, "SECTOR"}},
		{"bad_date", "/saved/ProcedureChanges?from=2025-13-01&to=2026-01-01", 400, []string{"2025-13-01"}},
		{"first_out_of_range", "/saved/DossierExport?first=1000", 400, []string{"first"}},
		{"bad_format", "/saved/DossierExport?format=xlsx", 400, []string{`"xlsx"`, "csv"}},
		{"unknown_query", "/saved/Nope", 404, []string{`"Nope"`, "/saved"}},
		{"empty_enum_in_list", "/saved/DossierStatistics?format=csv&groupBy=", 400, []string{"groupBy"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := get(t, env, tc.path, nil)
			if status != tc.status {
				t.Errorf("status = %d, want %d\n%s", status, tc.status, body)
			}
			var resp testenv.Response
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no errors in %s", body)
			}
			for _, want := range tc.want {
				if !strings.Contains(resp.Errors[0].Message, want) {
					t.Errorf("message %q lacks %q", resp.Errors[0].Message, want)
				}
			}
		})
	}
}

func TestPostVariables(t *testing.T) {
	env, _ := savedEnv(t)
	post := func(body string) (int, []byte) {
		req, err := http.NewRequest(http.MethodPost, env.Server.URL+"/saved/DossierStatistics", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		status, _, out := do(t, req)
		return status, out
	}

	status, body := post(`{"groupBy": ["CHANNEL"], "commune": "00004"}`)
	if status != http.StatusOK {
		t.Fatalf("status = %d\n%s", status, body)
	}
	var resp testenv.Response
	var data struct {
		DossierStatistics []struct {
			Channel string
			Count   int
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	resp.Decode(t, &data)
	if len(data.DossierStatistics) != 1 || data.DossierStatistics[0].Count != 7 {
		t.Errorf("statistics by channel = %+v, want one ONLINE group of 7", data.DossierStatistics)
	}

	for _, tc := range []struct{ body, want string }{
		{`{"groupBy": "MONTHLY"}`, `"MONTHLY"`},
		{`{"groupBy": [1]}`, "StatisticsDimension"},
		{`{"province": true}`, `"province": expected ID, got true`},
		{`[1, 2]`, "JSON object"},
	} {
		status, body := post(tc.body)
		if status != http.StatusBadRequest {
			t.Errorf("POST %s: status = %d, want 400", tc.body, status)
		}
		var resp testenv.Response
		if err := json.Unmarshal(body, &resp); err != nil || len(resp.Errors) == 0 {
			t.Fatalf("POST %s: no errors in %s", tc.body, body)
		}
		if !strings.Contains(resp.Errors[0].Message, tc.want) {
			t.Errorf("POST %s: message %q lacks %q", tc.body, resp.Errors[0].Message, tc.want)
		}
	}
}

func TestListVariableForms(t *testing.T) {
	env, _ := savedEnv(t)
	for _, query := range []string{
		"groupBy=status&groupBy=channel",
		"groupBy=STATUS,%20CHANNEL",
		`groupBy=%5B%22STATUS%22%2C%22CHANNEL%22%5D`,
	} {
		status, _, body := get(t, env, "/saved/DossierStatistics?format=csv&"+query, nil)
		if status != http.StatusOK {
			t.Errorf("%s: status = %d\n%s", query, status, body)
			continue
		}
		records := readCSV(t, body)
		// Three statuses, all online.
		if len(records) != 4 {
			t.Errorf("%s: %d records, want a header and 3 groups", query, len(records))
		}
	}
}
