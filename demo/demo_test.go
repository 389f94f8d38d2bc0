package demo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"lienthong/sources"
	"lienthong/sqldb"
	"lienthong/vntext"
)

// testOptions keep the package tests fast; the shared data set is seeded
// once per test binary.
var testOptions = Options{Citizens: 3000, Seed: 42}

var shared struct {
	once sync.Once
	dir  string
	dbs  *sources.DBs
	sum  *Summary
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dbs != nil {
		shared.dbs.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// seeded returns the shared data set, seeding it on first use.
func seeded(t *testing.T) (*sources.DBs, *Summary) {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "demo-test-")
		if shared.err != nil {
			return
		}
		shared.dbs, shared.sum, shared.err = seedDir(context.Background(), shared.dir, testOptions)
	})
	if shared.err != nil {
		t.Fatalf("seed shared data set: %v", shared.err)
	}
	return shared.dbs, shared.sum
}

func seedDir(ctx context.Context, dir string, opts Options) (*sources.DBs, *Summary, error) {
	dbs, err := sources.Open(ctx, sources.DefaultConfig(dir))
	if err != nil {
		return nil, nil, err
	}
	s, err := Seed(ctx, dbs, opts, nil)
	if err != nil {
		dbs.Close()
		return nil, nil, err
	}
	return dbs, s, nil
}

// query runs q on db and returns every row as strings, NULL as "".
func query(t *testing.T, db *sqldb.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.X().Queryx(db.X().Rebind(q), args...)
	if err != nil {
		t.Fatalf("%s: %s: %v", db.Name(), q, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatalf("%s: scan %s: %v", db.Name(), q, err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = canonical(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %s: %v", db.Name(), q, err)
	}
	return out
}

// canonical renders a scanned value the same way for both engines.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// tableHashes returns a hash of the sorted rows of every table Seed fills.
func tableHashes(t *testing.T, dbs *sources.DBs) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db, tables := range tablesOf(dbs) {
		for _, table := range tables {
			rows := query(t, db, "SELECT * FROM "+table)
			lines := make([]string, len(rows))
			for i, r := range rows {
				lines[i] = strings.Join(r, "\x1f")
			}
			sort.Strings(lines)
			sum := sha256.Sum256([]byte(strings.Join(lines, "\x1e")))
			out[db.Name()+"."+table] = fmt.Sprintf("%x (%d rows)", sum[:8], len(rows))
		}
	}
	return out
}

func TestSeedIsDeterministic(t *testing.T) {
	dbs, sum := seeded(t)
	want := tableHashes(t, dbs)

	again, sum2, err := seedDir(context.Background(), t.TempDir(), testOptions)
	if err != nil {
		t.Fatalf("second seed: %v", err)
	}
	defer again.Close()
	got := tableHashes(t, again)
	for table, h := range want {
		if got[table] != h {
			t.Errorf("table %s differs between two seeds: %s vs %s", table, h, got[table])
		}
	}
	if sum.ShowcaseDossier != sum2.ShowcaseDossier {
		t.Errorf("showcase dossier differs: %s vs %s", sum.ShowcaseDossier, sum2.ShowcaseDossier)
	}

	other, _, err := seedDir(context.Background(), t.TempDir(), Options{Citizens: testOptions.Citizens, Seed: 7})
	if err != nil {
		t.Fatalf("seed with another seed: %v", err)
	}
	defer other.Close()
	if h := tableHashes(t, other); h["population.citizens"] == want["population.citizens"] {
		t.Error("another seed produced the same citizens")
	}
}

func TestSeedRejectsNonEmptyDatabase(t *testing.T) {
	dbs, _ := seeded(t)
	_, err := Seed(context.Background(), dbs, testOptions, nil)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Seed on a seeded database returned %v, want ErrNotEmpty", err)
	}
}

func TestSeedRowCounts(t *testing.T) {
	dbs, sum := seeded(t)
	if got := sum.Rows["population.citizens"]; got != int64(testOptions.Citizens) {
		t.Errorf("citizens = %d, want %d", got, testOptions.Citizens)
	}
	if got := sum.Rows["procedures.procedures"]; got != 4429 {
		t.Errorf("procedures = %d, want the 4,429 of the catalogue", got)
	}
	for db, tables := range tablesOf(dbs) {
		for _, table := range tables {
			n := query(t, db, "SELECT COUNT(*) FROM "+table)[0][0]
			if want := strconv.FormatInt(sum.Rows[db.Name()+"."+table], 10); n != want {
				t.Errorf("%s.%s holds %s rows, summary says %s", db.Name(), table, n, want)
			}
		}
	}

	households := sum.Rows["population.households"]
	members := sum.Rows["population.household_members"]
	if avg := float64(members) / float64(households); avg < 3 || avg > 4 {
		t.Errorf("average household size %.2f, want 3 to 4", avg)
	}
	dossiers := float64(sum.Rows["procedures.dossiers"]) / float64(testOptions.Citizens)
	if dossiers < 0.45 || dossiers > 0.6 {
		t.Errorf("%.2f dossiers per citizen, want about 0.5", dossiers)
	}
	enterprises := sum.Rows["business.enterprises"]
	if enterprises != int64(testOptions.Citizens/100) {
		t.Errorf("enterprises = %d, want one per hundred citizens", enterprises)
	}
}

func TestPersonalIDsDecode(t *testing.T) {
	dbs, _ := seeded(t)
	prefixes := map[string]bool{}
	for _, row := range mustRead(t, "province-codes-63-to-34.csv") {
		prefixes[row["pin_prefix_before_2025"]] = true
	}
	for _, r := range query(t, dbs.Population, "SELECT id, date_of_birth, gender FROM citizens") {
		id, born, gender := r[0], r[1], r[2]
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			t.Errorf("id %q is not 12 digits", id)
			continue
		}
		if !prefixes[id[:3]] {
			t.Errorf("id %s: prefix %s is no province code", id, id[:3])
		}
		year, _ := strconv.Atoi(born[:4])
		digit := (year/100 - 19) * 2
		if gender == "female" {
			digit++
		}
		if int(id[3]-'0') != digit {
			t.Errorf("id %s: century-gender digit %c, want %d for a %s born %s", id, id[3], digit, gender, born)
		}
		if id[4:6] != born[2:4] {
			t.Errorf("id %s: year digits %s, want %s", id, id[4:6], born[2:4])
		}
	}
}

func mustRead(t *testing.T, name string) []map[string]string {
	t.Helper()
	rows, err := readCSV(name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestNamesAreNFC(t *testing.T) {
	dbs, _ := seeded(t)
	for _, r := range query(t, dbs.Population, "SELECT id, full_name, name_key FROM citizens") {
		if !norm.NFC.IsNormalString(r[1]) {
			t.Errorf("citizen %s: name %q is not NFC", r[0], r[1])
		}
		if r[2] != vntext.Fold(r[1]) {
			t.Errorf("citizen %s: name_key %q, want %q", r[0], r[2], vntext.Fold(r[1]))
		}
		if words := len(strings.Fields(r[1])); words < 2 || words > 5 {
			t.Errorf("citizen %s: name %q has %d words", r[0], r[1], words)
		}
	}
	for _, r := range query(t, dbs.CivilStatus, "SELECT registration_id, full_name FROM registration_parties") {
		if !norm.NFC.IsNormalString(r[1]) {
			t.Errorf("registration %s: party name %q is not NFC", r[0], r[1])
		}
	}
}

func TestFamilyNameShares(t *testing.T) {
	dbs, _ := seeded(t)
	counts := map[string]int{}
	rows := query(t, dbs.Population, "SELECT full_name FROM citizens WHERE ethnicity_code = '01'")
	for _, r := range rows {
		counts[strings.Fields(r[0])[0]]++
	}
	share := float64(counts["Nguyễn"]) / float64(len(rows))
	if share < 0.33 || share > 0.44 {
		t.Errorf("Nguyễn is %.1f %% of Kinh family names, want about 38 %%", share*100)
	}
}

func TestBirthRegistrationPerCitizen(t *testing.T) {
	dbs, _ := seeded(t)
	births := map[string]int{}
	q := `SELECT p.citizen_id FROM registration_parties p JOIN registrations r ON r.id = p.registration_id
	      WHERE r.kind = 'birth' AND p.role = 'child'`
	for _, r := range query(t, dbs.CivilStatus, q) {
		births[r[0]]++
	}
	for _, r := range query(t, dbs.Population, "SELECT id FROM citizens") {
		if births[r[0]] != 1 {
			t.Errorf("citizen %s has %d birth registrations, want 1", r[0], births[r[0]])
		}
	}
}

func TestRegistrationBooks(t *testing.T) {
	dbs, _ := seeded(t)
	q := `SELECT book, registered_on FROM registrations`
	for _, r := range query(t, dbs.CivilStatus, q) {
		if r[0] != "01/"+r[1][:4] {
			t.Errorf("book %s for a registration of %s", r[0], r[1])
		}
	}
	q = `SELECT registering_commune, kind, book, COUNT(*), MAX(number) FROM registrations
	     GROUP BY registering_commune, kind, book HAVING COUNT(*) <> MAX(number)`
	if rows := query(t, dbs.CivilStatus, q); len(rows) > 0 {
		t.Errorf("%d books are not numbered 1..n, e.g. %v", len(rows), rows[0])
	}
}

func TestEnumValues(t *testing.T) {
	dbs, _ := seeded(t)
	cases := []struct {
		db     *sqldb.DB
		column string
		table  string
		values string
	}{
		{dbs.Population, "gender", "citizens", "male female"},
		{dbs.Population, "status", "citizens", "alive deceased missing"},
		{dbs.Population, "marital_status", "citizens", "single married divorced widowed"},
		{dbs.Population, "relation_to_head", "household_members",
			"head wife husband child father mother grandfather grandmother grandchild sibling child_in_law other"},
		{dbs.Population, "kind", "residences", "permanent temporary"},
		{dbs.CivilStatus, "kind", "registrations",
			"birth death marriage divorce recognition guardianship correction marital_status_confirmation"},
		{dbs.CivilStatus, "role", "registration_parties",
			"child father mother deceased husband wife parent guardian ward subject"},
		{dbs.Business, "type", "enterprises", "private single_member_llc multi_member_llc joint_stock partnership"},
		{dbs.Business, "status", "enterprises", "active suspended not_at_address revoked dissolving bankrupting dissolved"},
		{dbs.Business, "role", "enterprise_people", "legal_representative owner member shareholder partner"},
		{dbs.Business, "status", "business_households", "active suspended terminated"},
		{dbs.Procedures, "online_service_level", "procedures", "full partial none"},
		{dbs.Procedures, "status", "procedures", "in_force amended abolished"},
		{dbs.Procedures, "channel", "dossiers", "online in_person postal"},
		{dbs.Procedures, "status", "dossiers",
			"received supplement_requested processing result_ready returned rejected withdrawn"},
		{dbs.Procedures, "status", "dossier_events",
			"received supplement_requested processing result_ready returned rejected withdrawn"},
	}
	for _, c := range cases {
		allowed := map[string]bool{}
		for _, v := range strings.Fields(c.values) {
			allowed[v] = true
		}
		for _, r := range query(t, c.db, "SELECT DISTINCT "+c.column+" FROM "+c.table) {
			if !allowed[r[0]] {
				t.Errorf("%s.%s has value %q", c.table, c.column, r[0])
			}
		}
	}
}

func TestEnterpriseCodesHaveCheckDigit(t *testing.T) {
	dbs, _ := seeded(t)
	for _, r := range query(t, dbs.Business, "SELECT code FROM enterprises") {
		check, ok := taxCheckDigit(r[0])
		if len(r[0]) != 10 || !ok || int(r[0][9]-'0') != check {
			t.Errorf("enterprise code %s has an invalid check digit", r[0])
		}
	}
	q := "SELECT code FROM business_households WHERE code <> owner_id"
	if rows := query(t, dbs.Business, q); len(rows) > 0 {
		t.Errorf("%d household businesses have a code other than the owner's id", len(rows))
	}
}

func TestTaxCheckDigit(t *testing.T) {
	cases := []struct {
		body  string
		check int
		ok    bool
	}{
		{"010010910", 6, true}, // 0100109106, a published Hà Nội enterprise code
		{"030000000", 0, true},
		{"000000000", 0, false}, // would need 10

	}
	for _, c := range cases {
		check, ok := taxCheckDigit(c.body)
		if ok != c.ok || ok && check != c.check {
			t.Errorf("taxCheckDigit(%s) = %d, %v; want %d, %v", c.body, check, ok, c.check, c.ok)
		}
	}
}

func TestProcessingDays(t *testing.T) {
	cases := []struct {
		value, unit string
		want        float64
		ok          bool
	}{
		{"5", "Ngày làm việc", 5, true},
		{"10", "Ngày", 10, true},
		{"1", "Giờ", 0.125, true},
		{"2", "Tháng", 44, true},
		{"1", "", 1, true},
		{"120.000", "", 120, true},
		{"", "", 0, false},
	}
	for _, c := range cases {
		got, ok, err := processingDays(c.value, c.unit)
		if err != nil || ok != c.ok || got != c.want {
			t.Errorf("processingDays(%q, %q) = %v, %v, %v; want %v, %v", c.value, c.unit, got, ok, err, c.want, c.ok)
		}
	}
}

func TestDossierCodesAndTimes(t *testing.T) {
	dbs, _ := seeded(t)
	q := "SELECT code, received_at, due_at, completed_at, returned_at, status FROM dossiers"
	for _, r := range query(t, dbs.Procedures, q) {
		code, received, due := r[0], r[1], r[2]
		parts := strings.Split(code, "-")
		if len(parts) != 3 || len(parts[1]) != 6 || len(parts[2]) != 4 {
			t.Errorf("dossier code %s is not unit-YYMMDD-NNNN", code)
			continue
		}
		if !strings.HasSuffix(received, "Z") {
			t.Errorf("dossier %s: received_at %s is not UTC", code, received)
		}
		if due < received {
			t.Errorf("dossier %s: due %s before received %s", code, due, received)
		}
		if r[5] == "returned" && r[4] < r[3] {
			t.Errorf("dossier %s: returned %q before completed %q", code, r[4], r[3])
		}
		if r[5] == "returned" && r[4] == "" {
			t.Errorf("dossier %s: returned without returned_at", code)
		}
		if received > "2026-12-01" {
			t.Errorf("dossier %s received after AsOf: %s", code, received)
		}
	}
	q = `SELECT d.code FROM dossiers d WHERE d.status <> (SELECT e.status FROM dossier_events e
	     WHERE e.dossier_code = d.code ORDER BY e.seq DESC LIMIT 1)`
	if rows := query(t, dbs.Procedures, q); len(rows) > 0 {
		t.Errorf("%d dossiers have a status other than their last event, e.g. %s", len(rows), rows[0][0])
	}
	q = `SELECT COUNT(*) FROM dossiers WHERE returned_at > due_at
	     OR (status IN ('received', 'supplement_requested', 'processing', 'result_ready') AND due_at < '2026-11-30T17:00:00Z')`
	if n, _ := strconv.Atoi(query(t, dbs.Procedures, q)[0][0]); n == 0 {
		t.Error("no dossier is overdue")
	}
}

func TestShowcaseDossier(t *testing.T) {
	dbs, sum := seeded(t)
	d := query(t, dbs.Procedures, "SELECT applicant_id, status, receiving_commune FROM dossiers WHERE code = ?", sum.ShowcaseDossier)
	if len(d) != 1 {
		t.Fatalf("showcase dossier %s not found", sum.ShowcaseDossier)
	}
	applicant, status, commune := d[0][0], d[0][1], d[0][2]
	if applicant != sum.ShowcaseCitizen {
		t.Errorf("showcase dossier applicant %s, summary citizen %s", applicant, sum.ShowcaseCitizen)
	}
	if status == "returned" || status == "rejected" || status == "withdrawn" {
		t.Errorf("showcase dossier status %s, want an open dossier", status)
	}
	communes := map[string]bool{}
	for _, row := range mustRead(t, "admin-units-2025.csv") {
		communes[row["commune_code"]] = true
	}
	if !communes[commune] {
		t.Errorf("showcase dossier received by %s, which is no current commune", commune)
	}

	c := query(t, dbs.Population, "SELECT status, marital_status, household_code FROM citizens WHERE id = ?", applicant)
	if len(c) != 1 {
		t.Fatalf("showcase citizen %s not found", applicant)
	}
	if c[0][0] != "alive" {
		t.Errorf("showcase citizen status %s, want alive", c[0][0])
	}
	if c[0][1] != "married" {
		t.Errorf("showcase citizen marital status %s, want married", c[0][1])
	}
	if c[0][2] != sum.ShowcaseHousehold {
		t.Errorf("showcase citizen household %s, summary says %s", c[0][2], sum.ShowcaseHousehold)
	}
	members := query(t, dbs.Population, "SELECT relation_to_head FROM household_members WHERE household_code = ?", sum.ShowcaseHousehold)
	if len(members) < 4 {
		t.Errorf("showcase household has %d members, want 4 or more", len(members))
	}
	if n := query(t, dbs.Population, "SELECT COUNT(*) FROM residences WHERE citizen_id = ? AND kind = 'permanent'", applicant)[0][0]; n != "1" {
		t.Errorf("showcase citizen has %s permanent residences", n)
	}

	q := `SELECT r.kind FROM registrations r JOIN registration_parties p ON p.registration_id = r.id
	      WHERE p.citizen_id = ? AND r.kind IN ('birth', 'marriage')`
	kinds := map[string]bool{}
	for _, r := range query(t, dbs.CivilStatus, q, applicant) {
		kinds[r[0]] = true
	}
	if !kinds["birth"] || !kinds["marriage"] {
		t.Errorf("showcase citizen registrations %v, want birth and marriage", kinds)
	}
	if rep := query(t, dbs.Business, "SELECT representative_id FROM enterprises WHERE code = ?", sum.ShowcaseEnterprise); len(rep) != 1 || rep[0][0] != applicant {
		t.Errorf("showcase enterprise %s: representative %v", sum.ShowcaseEnterprise, rep)
	}
	if own := query(t, dbs.Business, "SELECT owner_id FROM business_households WHERE code = ?", sum.ShowcaseBusinessHousehold); len(own) != 1 || own[0][0] != applicant {
		t.Errorf("showcase household business %s: owner %v", sum.ShowcaseBusinessHousehold, own)
	}
	if n, _ := strconv.Atoi(query(t, dbs.Procedures, "SELECT COUNT(*) FROM dossiers WHERE applicant_id = ?", applicant)[0][0]); n < 4 {
		t.Errorf("showcase citizen has %d dossiers, want 4 or more", n)
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	_, sum := seeded(t)
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := WriteSummary(path, sum); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ShowcaseDossier != sum.ShowcaseDossier || got.Drift[DriftHouseholdMemberUnknown] != sum.Drift[DriftHouseholdMemberUnknown] {
		t.Errorf("summary read back as %+v", got)
	}
}

// indexNames lists the indexes of db, those behind primary keys included.
func indexNames(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
	if db.Engine() == sqldb.Postgres {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
	}
	var names []string
	for _, r := range query(t, db, q) {
		names = append(names, r[0])
	}
	return names
}

// checkIndexesKept fails unless every database of seeded has the indexes
// that a freshly migrated database of fresh has.
func checkIndexesKept(t *testing.T, fresh, seeded *sources.DBs) {
	t.Helper()
	pairs := [][2]*sqldb.DB{
		{fresh.Population, seeded.Population}, {fresh.CivilStatus, seeded.CivilStatus},
		{fresh.Business, seeded.Business}, {fresh.Procedures, seeded.Procedures},
	}
	for _, p := range pairs {
		want, got := strings.Join(indexNames(t, p[0]), " "), strings.Join(indexNames(t, p[1]), " ")
		if want == "" {
			t.Errorf("%s: a freshly migrated database has no indexes", p[0].Name())
		}
		if got != want {
			t.Errorf("%s indexes after seeding: %s, want %s", p[1].Name(), got, want)
		}
	}
}

func TestSeedKeepsIndexes(t *testing.T) {
	dbs, _ := seeded(t)
	fresh, err := sources.Open(context.Background(), sources.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	checkIndexesKept(t, fresh, dbs)
}
