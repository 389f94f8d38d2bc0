package discrepancy_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lienthong/server"
	"lienthong/testenv"
)

// item is a discrepancy as the API returns it.
type item struct {
	Kind       string `json:"kind"`
	RecordType string `json:"recordType"`
	RecordKey  string `json:"recordKey"`
	CitizenID  string `json:"citizenId"`
	Sources    []string
	Values     []struct {
		Source string  `json:"source"`
		Field  string  `json:"field"`
		Value  *string `json:"value"`
	} `json:"values"`
	Resolution          string `json:"resolution"`
	ReplacementCommunes []struct {
		Code string `json:"code"`
	} `json:"replacementCommunes"`
}

// key identifies a finding in comparisons.
func (it item) key() string {
	return it.Kind + " " + it.RecordType + ":" + it.RecordKey + " citizen=" + it.CitizenID
}

// value returns the value a source records in a field, "<none>" when the
// item lists the field with no value, and "<absent>" when it lacks the field.
func (it item) value(source, field string) string {
	for _, v := range it.Values {
		if v.Source == source && v.Field == field {
			if v.Value == nil {
				return "<none>"
			}
			return *v.Value
		}
	}
	return "<absent>"
}

const itemFields = `kind recordType recordKey citizenId sources
	values { source field value } resolution replacementCommunes { code }`

const reportQuery = `query($commune: ID, $province: ID, $kinds: [DiscrepancyKind!], $first: Int, $after: String) {
	discrepancies(communeCode: $commune, provinceCode: $province, kinds: $kinds, first: $first, after: $after) {
		totalCount
		countsByKind { kind count }
		edges { cursor node { ` + itemFields + ` } }
		pageInfo { hasNextPage endCursor }
	}
}`

type report struct {
	Discrepancies struct {
		TotalCount   int `json:"totalCount"`
		CountsByKind []struct {
			Kind  string `json:"kind"`
			Count int    `json:"count"`
		} `json:"countsByKind"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   item   `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			HasNextPage bool    `json:"hasNextPage"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
	} `json:"discrepancies"`
}

// planted holds the records of plantAll.
type planted struct {
	want       []string // keys of every planted finding
	consistent []string
	dossier    string
	citizen    string
	fixture    *testenv.Fixture
}

// plantAll plants consistent records and one record of every kind in
// commune 00004 (Phường Ba Đình), or citing an old code merged into it.
func plantAll(t *testing.T, env *testenv.Env) *planted {
	t.Helper()
	f := env.Fixture(t)
	f.Procedure("1.001193", "Đăng ký khai sinh")
	p := &planted{fixture: f}
	add := func(kind, recordType, key, citizen string) {
		p.want = append(p.want, item{Kind: kind, RecordType: recordType, RecordKey: key, CitizenID: citizen}.key())
	}

	// Consistent records: a household, a married couple, a divorced couple,
	// a registered death, and businesses and a dossier of living people.
	household, members := f.Household(2)
	p.consistent = append(p.consistent, members...)
	husband := f.Citizen(testenv.Person{MaritalStatus: "married"})
	wife := f.Citizen(testenv.Person{MaritalStatus: "married", Gender: "female"})
	f.MarriageID(husband, wife, "2012-05-20")
	exHusband := f.Citizen(testenv.Person{MaritalStatus: "divorced"})
	exWife := f.Citizen(testenv.Person{MaritalStatus: "divorced", Gender: "female"})
	f.Divorce(f.MarriageID(exHusband, exWife, "2010-01-10"), exHusband, exWife, "2019-09-09")
	dead := f.Citizen(testenv.Person{Status: "deceased"})
	f.SetCitizen(dead, "date_of_death", "2024-01-05")
	f.Death(dead, "2024-01-05")
	f.Enterprise(husband)
	f.BusinessHousehold(wife)
	f.Dossier("1.001193", husband, "2025-06-12", "received")
	// The dead citizen is consistent on its own but heads a business below.
	p.consistent = append(p.consistent, husband, wife, exHusband, exWife)

	// Life status.
	aliveDead := f.Citizen(testenv.Person{})
	f.Death(aliveDead, "2023-02-02")
	add("DEATH_REGISTERED_BUT_ALIVE", "CITIZEN", aliveDead, aliveDead)
	p.citizen = aliveDead
	deceased := f.Citizen(testenv.Person{Status: "deceased"})
	f.SetCitizen(deceased, "date_of_death", "2022-07-07")
	add("DECEASED_WITHOUT_DEATH_REGISTRATION", "CITIZEN", deceased, deceased)

	// Marital status.
	h1 := f.Citizen(testenv.Person{MaritalStatus: "married"})
	w1 := f.Citizen(testenv.Person{MaritalStatus: "single", Gender: "female"})
	f.MarriageID(h1, w1, "2015-10-10")
	add("MARRIAGE_REGISTERED_BUT_SINGLE", "CITIZEN", w1, w1)
	married := f.Citizen(testenv.Person{MaritalStatus: "married"})
	add("MARRIED_WITHOUT_MARRIAGE_REGISTRATION", "CITIZEN", married, married)
	h2 := f.Citizen(testenv.Person{MaritalStatus: "divorced"})
	w2 := f.Citizen(testenv.Person{MaritalStatus: "married", Gender: "female"})
	f.Divorce(f.MarriageID(h2, w2, "2008-08-08"), h2, w2, "2020-02-20")
	add("DIVORCE_REGISTERED_BUT_MARRIED", "CITIZEN", w2, w2)

	// Birth details.
	misnamed := f.Citizen(testenv.Person{FullName: "Trần Thị Bích Ngọc", Gender: "female"})
	f.SetBirth(misnamed, "subject_name", "Trần Thị Bích Ngoc")
	add("BIRTH_REGISTRATION_NAME_MISMATCH", "CITIZEN", misnamed, misnamed)
	misdated := f.Citizen(testenv.Person{})
	f.SetBirth(misdated, "event_date", "1985-03-24")
	add("BIRTH_REGISTRATION_DATE_MISMATCH", "CITIZEN", misdated, misdated)
	misgendered := f.Citizen(testenv.Person{})
	f.SetBirth(misgendered, "subject_gender", "female")
	add("BIRTH_REGISTRATION_GENDER_MISMATCH", "CITIZEN", misgendered, misgendered)

	// Dossiers.
	const unknown = "001099000001"
	d := f.Dossier("1.001193", unknown, "2025-06-13", "received")
	add("DOSSIER_APPLICANT_UNKNOWN", "DOSSIER", d, unknown)
	d = f.Dossier("1.001193", dead, "2025-06-14", "received")
	add("DOSSIER_APPLICANT_DECEASED", "DOSSIER", d, dead)
	p.dossier = f.DossierIn("1.001193", husband, "2025-06-15", "00013")
	add("DOSSIER_ABOLISHED_COMMUNE_CODE", "DOSSIER", p.dossier, husband)

	// Businesses.
	bh := f.BusinessHousehold(dead)
	add("BUSINESS_HOUSEHOLD_OWNER_DECEASED", "BUSINESS_HOUSEHOLD", bh, dead)
	bh = f.BusinessHousehold("001099000002")
	add("BUSINESS_HOUSEHOLD_OWNER_UNKNOWN", "BUSINESS_HOUSEHOLD", bh, "001099000002")
	e := f.Enterprise(dead)
	add("ENTERPRISE_REPRESENTATIVE_DECEASED", "ENTERPRISE", e, dead)
	e = f.Enterprise("001099000003")
	add("ENTERPRISE_REPRESENTATIVE_UNKNOWN", "ENTERPRISE", e, "001099000003")

	// A household member without a citizen record.
	f.HouseholdMember(household, "001099000004")
	add("HOUSEHOLD_MEMBER_UNKNOWN", "HOUSEHOLD", household, "001099000004")

	// Old commune codes: 00013 (Phường Quán Thánh) merged whole into 00004;
	// 00016 (Phường Ngọc Hà) was split between 00004 and other communes.
	// The citizen's permanent residence and birth registration cite 00013.
	oldResident := f.Citizen(testenv.Person{CommuneCode: "00013"})
	residences := query(t, env, `SELECT id FROM residences WHERE citizen_id = ?`, oldResident)
	add("RESIDENCE_ABOLISHED_COMMUNE_CODE", "RESIDENCE", residences, oldResident)
	births := queryCivil(t, env, `SELECT registration_id FROM registration_parties WHERE citizen_id = ?`, oldResident)
	add("REGISTRATION_ABOLISHED_COMMUNE_CODE", "REGISTRATION", births, oldResident)
	temp := f.TemporaryResidence(husband, "00016")
	add("RESIDENCE_ABOLISHED_COMMUNE_CODE", "RESIDENCE", fmt.Sprint(temp), husband)
	reg := f.RegistrationIn(wife, "00016")
	add("REGISTRATION_ABOLISHED_COMMUNE_CODE", "REGISTRATION", fmt.Sprint(reg), wife)

	sort.Strings(p.want)
	return p
}

func query(t *testing.T, env *testenv.Env, q string, args ...any) string {
	t.Helper()
	var s string
	if err := env.DBs.Population.X().Get(&s, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

func queryCivil(t *testing.T, env *testenv.Env, q string, args ...any) string {
	t.Helper()
	var s string
	if err := env.DBs.CivilStatus.X().Get(&s, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

func runReport(t *testing.T, env *testenv.Env, vars map[string]any) (*report, *testenv.Response) {
	t.Helper()
	resp := env.Query(t, reportQuery, vars)
	var r report
	resp.Decode(t, &r)
	return &r, resp
}

func TestReportFindsEveryPlantedKind(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	p := plantAll(t, env)

	r, _ := runReport(t, env, map[string]any{"commune": "00004", "first": 100})
	var got []string
	for _, e := range r.Discrepancies.Edges {
		got = append(got, e.Node.key())
	}
	sort.Strings(got)
	if diff := cmp.Diff(p.want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r.Discrepancies.TotalCount != len(p.want) {
		t.Errorf("totalCount = %d, want %d", r.Discrepancies.TotalCount, len(p.want))
	}
	counts := map[string]int{}
	for _, c := range r.Discrepancies.CountsByKind {
		counts[c.Kind] = c.Count
	}
	if len(counts) != 18 {
		t.Errorf("countsByKind lists %d kinds, want all 18", len(counts))
	}
	if counts["RESIDENCE_ABOLISHED_COMMUNE_CODE"] != 2 {
		t.Errorf("RESIDENCE_ABOLISHED_COMMUNE_CODE count = %d, want 2", counts["RESIDENCE_ABOLISHED_COMMUNE_CODE"])
	}
	if counts["DEATH_REGISTERED_BUT_ALIVE"] != 1 {
		t.Errorf("DEATH_REGISTERED_BUT_ALIVE count = %d, want 1", counts["DEATH_REGISTERED_BUT_ALIVE"])
	}
	if r.Discrepancies.PageInfo.HasNextPage {
		t.Error("hasNextPage = true on a page holding every finding")
	}
}

func TestReportValues(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	plantAll(t, env)
	r, _ := runReport(t, env, map[string]any{"commune": "00004", "first": 100})
	found := map[string][]item{}
	for _, e := range r.Discrepancies.Edges {
		found[e.Node.Kind] = append(found[e.Node.Kind], e.Node)
	}

	tests := []struct {
		kind, source, field, want string
	}{
		{"DEATH_REGISTERED_BUT_ALIVE", "POPULATION", "status", "alive"},
		{"DEATH_REGISTERED_BUT_ALIVE", "CIVIL_STATUS", "date of death", "2023-02-02"},
		{"DECEASED_WITHOUT_DEATH_REGISTRATION", "POPULATION", "date of death", "2022-07-07"},
		{"DECEASED_WITHOUT_DEATH_REGISTRATION", "CIVIL_STATUS", "death registration", "<none>"},
		{"MARRIAGE_REGISTERED_BUT_SINGLE", "POPULATION", "marital status", "single"},
		{"MARRIAGE_REGISTERED_BUT_SINGLE", "CIVIL_STATUS", "date of marriage", "2015-10-10"},
		{"MARRIED_WITHOUT_MARRIAGE_REGISTRATION", "CIVIL_STATUS", "marriage registration", "<none>"},
		{"DIVORCE_REGISTERED_BUT_MARRIED", "CIVIL_STATUS", "date of divorce", "2020-02-20"},
		{"DIVORCE_REGISTERED_BUT_MARRIED", "POPULATION", "marital status", "married"},
		{"BIRTH_REGISTRATION_NAME_MISMATCH", "CIVIL_STATUS", "full name", "Trần Thị Bích Ngoc"},
		{"BIRTH_REGISTRATION_NAME_MISMATCH", "POPULATION", "full name", "Trần Thị Bích Ngọc"},
		{"BIRTH_REGISTRATION_DATE_MISMATCH", "CIVIL_STATUS", "date of birth", "1985-03-24"},
		{"BIRTH_REGISTRATION_DATE_MISMATCH", "POPULATION", "date of birth", "1985-03-14"},
		{"BIRTH_REGISTRATION_GENDER_MISMATCH", "CIVIL_STATUS", "gender", "female"},
		{"BIRTH_REGISTRATION_GENDER_MISMATCH", "POPULATION", "gender", "male"},
		{"DOSSIER_APPLICANT_UNKNOWN", "PROCEDURES", "applicant id", "001099000001"},
		{"DOSSIER_APPLICANT_UNKNOWN", "POPULATION", "citizen", "<none>"},
		{"DOSSIER_APPLICANT_DECEASED", "POPULATION", "date of death", "2024-01-05"},
		{"DOSSIER_APPLICANT_DECEASED", "PROCEDURES", "received at", "2025-06-14T08:00:00Z"},
		{"DOSSIER_ABOLISHED_COMMUNE_CODE", "PROCEDURES", "receiving commune code", "00013"},
		{"DOSSIER_ABOLISHED_COMMUNE_CODE", "ADMINISTRATIVE_UNITS", "communes in force", "00004"},
		{"BUSINESS_HOUSEHOLD_OWNER_DECEASED", "POPULATION", "status", "deceased"},
		{"BUSINESS_HOUSEHOLD_OWNER_UNKNOWN", "BUSINESS", "owner id", "001099000002"},
		{"ENTERPRISE_REPRESENTATIVE_DECEASED", "POPULATION", "date of death", "2024-01-05"},
		{"ENTERPRISE_REPRESENTATIVE_UNKNOWN", "BUSINESS", "legal representative id", "001099000003"},
		{"HOUSEHOLD_MEMBER_UNKNOWN", "POPULATION", "member id", "001099000004"},
		{"RESIDENCE_ABOLISHED_COMMUNE_CODE", "POPULATION", "permanent residence commune code", "00013"},
		{"REGISTRATION_ABOLISHED_COMMUNE_CODE", "CIVIL_STATUS", "registering commune code", "00013"},
	}
	for _, tt := range tests {
		items := found[tt.kind]
		if len(items) == 0 {
			t.Errorf("%s: not found", tt.kind)
			continue
		}
		var got []string
		for _, it := range items {
			got = append(got, it.value(tt.source, tt.field))
			if it.Resolution == "" {
				t.Errorf("%s: empty resolution", tt.kind)
			}
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("%s: %s %q = %q, want %q", tt.kind, tt.source, tt.field, got, tt.want)
		}
	}

	old := found["DOSSIER_ABOLISHED_COMMUNE_CODE"][0]
	if len(old.ReplacementCommunes) != 1 || old.ReplacementCommunes[0].Code != "00004" {
		t.Errorf("dossier replacement communes = %+v, want [00004]", old.ReplacementCommunes)
	}
}

func TestReportSplitCommuneReplacements(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	c := f.Citizen(testenv.Person{})
	f.TemporaryResidence(c, "00016")

	r, _ := runReport(t, env, map[string]any{"commune": "00004", "kinds": []string{"RESIDENCE_ABOLISHED_COMMUNE_CODE"}})
	if len(r.Discrepancies.Edges) != 1 {
		t.Fatalf("got %d findings, want 1", len(r.Discrepancies.Edges))
	}
	var codes []string
	for _, rc := range r.Discrepancies.Edges[0].Node.ReplacementCommunes {
		codes = append(codes, rc.Code)
	}
	if len(codes) < 2 || !strings.Contains(strings.Join(codes, ","), "00004") {
		t.Errorf("replacement communes = %v, want several including 00004", codes)
	}
}

func TestReportConsistentRecordsFindNothing(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Đăng ký khai sinh")
	_, members := f.Household(3)
	h := f.Citizen(testenv.Person{MaritalStatus: "married"})
	w := f.Citizen(testenv.Person{MaritalStatus: "married", Gender: "female"})
	f.MarriageID(h, w, "2012-05-20")
	f.Enterprise(h)
	f.BusinessHousehold(w)
	f.Dossier("1.001193", members[0], "2025-06-12", "received")

	r, _ := runReport(t, env, map[string]any{"province": "01"})
	if n := r.Discrepancies.TotalCount; n != 0 {
		t.Errorf("totalCount = %d, want 0; first: %+v", n, r.Discrepancies.Edges)
	}
}

func TestReportKindsFilter(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	plantAll(t, env)
	kinds := []string{"DOSSIER_APPLICANT_UNKNOWN", "HOUSEHOLD_MEMBER_UNKNOWN"}
	r, _ := runReport(t, env, map[string]any{"province": "01", "kinds": kinds})
	if r.Discrepancies.TotalCount != 2 {
		t.Errorf("totalCount = %d, want 2", r.Discrepancies.TotalCount)
	}
	if len(r.Discrepancies.CountsByKind) != 2 {
		t.Errorf("countsByKind lists %d kinds, want 2", len(r.Discrepancies.CountsByKind))
	}
	for _, e := range r.Discrepancies.Edges {
		if e.Node.Kind != kinds[0] && e.Node.Kind != kinds[1] {
			t.Errorf("kind %s passed the filter %v", e.Node.Kind, kinds)
		}
	}
}

func TestReportPagesCoverEveryFinding(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	p := plantAll(t, env)

	var got []string
	var after any
	for pages := 0; ; pages++ {
		if pages > len(p.want) {
			t.Fatal("paging does not end")
		}
		// Without totalCount the scan stops after the page.
		q := `query($after: String) { discrepancies(communeCode: "00004", first: 4, after: $after) {
			edges { node { ` + itemFields + ` } } pageInfo { hasNextPage endCursor } } }`
		resp := env.Query(t, q, map[string]any{"after": after})
		var r report
		resp.Decode(t, &r)
		for _, e := range r.Discrepancies.Edges {
			got = append(got, e.Node.key())
		}
		if !r.Discrepancies.PageInfo.HasNextPage {
			break
		}
		after = *r.Discrepancies.PageInfo.EndCursor
	}
	sort.Strings(got)
	if diff := cmp.Diff(p.want, got); diff != "" {
		t.Errorf("findings over all pages (-want +got):\n%s", diff)
	}
}

func TestReportStatementsDoNotGrowWithCitizens(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := plantAll(t, env).fixture
	_, before := runReport(t, env, map[string]any{"commune": "00004"})

	for range 40 {
		c := f.Citizen(testenv.Person{MaritalStatus: "married"})
		f.Dossier("1.001193", c, "2025-07-01", "received")
		f.BusinessHousehold(c)
	}
	_, after := runReport(t, env, map[string]any{"commune": "00004"})
	if before.Statements() != after.Statements() {
		t.Errorf("statements grew from %d (%s) to %d (%s) with 40 more citizens",
			before.Statements(), before.StatementsBySource(), after.Statements(), after.StatementsBySource())
	}
	// One listing statement and at most three lookups per segment.
	if n := after.Statements(); n > 6*4 {
		t.Errorf("report ran %d statements (%s), want at most 24", n, after.StatementsBySource())
	}
}

func TestReportRejectsBadArguments(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	tests := []struct {
		name string
		vars map[string]any
		want string
	}{
		{"no_unit", map[string]any{}, "missing unit"},
		{"both_units", map[string]any{"commune": "00004", "province": "01"}, "not both"},
		{"malformed_commune", map[string]any{"commune": "4"}, `invalid commune code "4"`},
		{"abolished_commune", map[string]any{"commune": "00013"}, `invalid commune code "00013"`},
		{"unknown_province", map[string]any{"province": "99"}, `invalid province code "99"`},
		{"bad_cursor", map[string]any{"commune": "00004", "after": "zzz"}, `invalid cursor "zzz"`},
		{"bad_first", map[string]any{"commune": "00004", "first": 0}, "invalid first 0"},
		{"unknown_kind", map[string]any{"commune": "00004", "kinds": []string{"NOPE"}}, "NOPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.Query(t, reportQuery, tt.vars)
			if len(resp.Errors) == 0 {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if !strings.Contains(resp.Errors[0].Message, tt.want) {
				t.Errorf("error %q, want it to contain %q", resp.Errors[0].Message, tt.want)
			}
			if resp.Status >= 500 {
				t.Errorf("status %d", resp.Status)
			}
		})
	}
}

func TestCitizenAndDossierDiscrepancies(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	p := plantAll(t, env)

	q := `query($id: ID!, $code: ID!) {
		citizen(id: $id) { discrepancies { ` + itemFields + ` } }
		dossier(code: $code) { discrepancies { ` + itemFields + ` } }
	}`
	var data struct {
		Citizen struct{ Discrepancies []item } `json:"citizen"`
		Dossier struct{ Discrepancies []item } `json:"dossier"`
	}
	env.Query(t, q, map[string]any{"id": p.citizen, "code": p.dossier}).Decode(t, &data)
	if len(data.Citizen.Discrepancies) != 1 || data.Citizen.Discrepancies[0].Kind != "DEATH_REGISTERED_BUT_ALIVE" {
		t.Errorf("citizen discrepancies = %+v, want one DEATH_REGISTERED_BUT_ALIVE", data.Citizen.Discrepancies)
	}
	if len(data.Dossier.Discrepancies) != 1 || data.Dossier.Discrepancies[0].Kind != "DOSSIER_ABOLISHED_COMMUNE_CODE" {
		t.Errorf("dossier discrepancies = %+v, want one DOSSIER_ABOLISHED_COMMUNE_CODE", data.Dossier.Discrepancies)
	}
}

func TestCitizenListDiscrepanciesBatch(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	p := plantAll(t, env)

	q := `{ citizens(filter: {communeCode: "00004"}, first: 100) {
		edges { node { id discrepancies { kind recordKey citizen { id } } } } } }`
	resp := env.Query(t, q, nil)
	var data struct {
		Citizens struct {
			Edges []struct {
				Node struct {
					ID            string
					Discrepancies []item
				}
			}
		}
	}
	resp.Decode(t, &data)
	kinds := map[string]string{}
	for _, e := range data.Citizens.Edges {
		for _, d := range e.Node.Discrepancies {
			kinds[e.Node.ID+" "+d.Kind] = d.RecordKey
		}
	}
	for _, id := range p.consistent {
		for k := range kinds {
			if strings.HasPrefix(k, id+" ") && !strings.Contains(k, "ABOLISHED") {
				t.Errorf("consistent citizen %s has discrepancy %s", id, k)
			}
		}
	}
	if _, ok := kinds[p.citizen+" DEATH_REGISTERED_BUT_ALIVE"]; !ok {
		t.Errorf("citizen %s lacks DEATH_REGISTERED_BUT_ALIVE; got %v", p.citizen, kinds)
	}
	// The list, then one level of loaders for the rules, one for the
	// represented enterprises and one for the cited citizens.
	if n := resp.Statements(); n > 12 {
		t.Errorf("citizen list with discrepancies ran %d statements (%s), want at most 12",
			n, resp.StatementsBySource())
	}
}

func TestDiscrepancyReportExampleRuns(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	p := plantAll(t, env)
	var query string
	for _, e := range server.Examples() {
		if e.Name == "DiscrepancyReport" {
			query = e.Query
		}
	}
	if query == "" {
		t.Fatal("no DiscrepancyReport example")
	}
	var r report
	env.Query(t, query, nil).Decode(t, &r)
	if r.Discrepancies.TotalCount != len(p.want) {
		t.Errorf("example totalCount = %d, want %d", r.Discrepancies.TotalCount, len(p.want))
	}
}
