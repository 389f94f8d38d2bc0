package server_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"lienthong/auth"
	"lienthong/sources/audit"
	"lienthong/testenv"
)

func auditEntries(t *testing.T, s *audit.Store) []audit.Entry {
	t.Helper()
	rows, err := s.List(context.Background(), audit.Filter{}, 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestReadsAreAudited(t *testing.T) {
	w := newAccessWorld(t)
	token := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	before := len(auditEntries(t, w.env.Audit))

	query := `query CaseView { dossier(code: "` + w.openDossier + `") { applicant { id fullName ethnicity { code }
		household { members { citizen { id } } } } } }`
	resp := w.env.QueryWith(t, map[string]string{"Authorization": "Bearer " + token, "X-Request-Id": "req-audit-1"}, query, nil)
	if got := lookup(decodeAny(t, resp), []any{"dossier", "applicant", "id"}); got != w.applicant {
		t.Fatalf("applicant = %v, want %s; errors %+v", got, w.applicant, resp.Errors)
	}

	all := auditEntries(t, w.env.Audit) // newest first
	entries := all[:len(all)-before]
	byCitizen := map[string]audit.Entry{}
	for _, e := range entries {
		byCitizen[e.CitizenID] = e
	}
	if len(entries) != 2 {
		t.Fatalf("got %d entries, want 2 (applicant and member): %+v", len(entries), entries)
	}
	a := byCitizen[w.applicant]
	// ethnicity is sensitive and was withheld, so it is not logged as read.
	if a.Fields != "fullName,household,id" {
		t.Errorf("applicant fields = %q, want fullName,household,id", a.Fields)
	}
	if a.Purpose != w.openDossier {
		t.Errorf("purpose = %q, want %s", a.Purpose, w.openDossier)
	}
	if a.OfficerID != "o-00004" || a.Role != "commune-officer" || a.Unit != "00004" || a.Province != "01" {
		t.Errorf("officer = %s %s %s %s, want o-00004 commune-officer 00004 01", a.OfficerID, a.Role, a.Unit, a.Province)
	}
	if a.RequestID != "req-audit-1" || a.Operation != "CaseView" {
		t.Errorf("request = %q operation = %q, want req-audit-1 CaseView", a.RequestID, a.Operation)
	}
	if m := byCitizen[w.member]; m.Fields != "id" || m.Purpose != w.openDossier {
		t.Errorf("member entry = %+v, want fields id for purpose %s", m, w.openDossier)
	}
	if _, err := w.env.Audit.Verify(context.Background()); err != nil {
		t.Errorf("verify: %v", err)
	}
}

func TestForbiddenReadsAreNotAudited(t *testing.T) {
	w := newAccessWorld(t)
	before := len(auditEntries(t, w.env.Audit))
	token := testenv.Token(t, auth.Principal{ID: "r-1", Role: auth.Reporting})
	w.env.QueryAs(t, token, `{ citizen(id: "`+w.applicant+`") { id } }`, nil)
	if n := len(auditEntries(t, w.env.Audit)) - before; n != 0 {
		t.Errorf("forbidden read left %d entries, want 0", n)
	}
}

func TestAuditDownWithholdsPersonalData(t *testing.T) {
	w := newAccessWorld(t)
	// Break the trail mid-run: later appends fail.
	if err := w.env.Audit.Close(); err != nil {
		t.Fatal(err)
	}
	resp := w.env.QueryAs(t, testenv.CentralToken(t), `{ provinces { code } citizen(id: "`+w.applicant+`") { id fullName } }`, nil)
	if string(resp.Data) != "" && string(resp.Data) != "null" {
		t.Errorf("data = %s, want none", resp.Data)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "SOURCE_UNAVAILABLE" {
		t.Fatalf("errors = %+v, want one SOURCE_UNAVAILABLE", resp.Errors)
	}
	if !strings.Contains(resp.Errors[0].Message, "personal data withheld") {
		t.Errorf("message %q does not say the data was withheld", resp.Errors[0].Message)
	}

	// Public data without personal reads still flows.
	resp = w.env.QueryWith(t, nil, `{ provinces { code } }`, nil)
	if len(resp.Errors) != 0 {
		t.Errorf("public query errors: %+v", resp.Errors)
	}
}

func TestConcurrentRequestsLoseNoEntry(t *testing.T) {
	w := newAccessWorld(t)
	before := len(auditEntries(t, w.env.Audit))
	token := testenv.CentralToken(t)
	query := `{ a: citizen(id: "` + w.applicant + `") { id } b: citizen(id: "` + w.outsider + `") { fullName } }`

	const requests = 24
	var wg sync.WaitGroup
	for range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp := w.env.QueryAs(t, token, query, nil); len(resp.Errors) != 0 {
				t.Errorf("errors: %+v", resp.Errors)
			}
		}()
	}
	wg.Wait()
	if n := len(auditEntries(t, w.env.Audit)) - before; n != 2*requests {
		t.Errorf("got %d new entries, want %d", n, 2*requests)
	}
	if _, err := w.env.Audit.Verify(context.Background()); err != nil {
		t.Errorf("verify: %v", err)
	}
}

// TestFailedAuditCommitReleasesNoData sends concurrent requests, some of
// which read a citizen whose audit entry the trail rejects. Requests that
// share a group commit with such a request fail with it, so the test checks
// for every request that it got data exactly when its entry is stored.
func TestFailedAuditCommitReleasesNoData(t *testing.T) {
	w := newAccessWorld(t)
	if _, err := w.env.Audit.DB().X().Exec(`CREATE TRIGGER reject_outsider BEFORE INSERT ON audit_entries
		WHEN NEW.citizen_id = '` + w.outsider + `' BEGIN SELECT RAISE(ABORT, 'entry rejected'); END`); err != nil {
		t.Fatal(err)
	}
	token := testenv.CentralToken(t)

	const requests = 24
	responses := make([]*testenv.Response, requests)
	var wg sync.WaitGroup
	for i := range requests {
		citizen := w.applicant
		if i%3 == 0 {
			citizen = w.outsider
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			headers := map[string]string{"Authorization": "Bearer " + token, "X-Request-Id": fmt.Sprint("req-group-", i)}
			responses[i] = w.env.QueryWith(t, headers, `{ citizen(id: "`+citizen+`") { id fullName } }`, nil)
		}()
	}
	wg.Wait()

	stored := map[string]bool{}
	for _, e := range auditEntries(t, w.env.Audit) {
		stored[e.RequestID] = true
	}
	for i, resp := range responses {
		id := fmt.Sprint("req-group-", i)
		released := string(resp.Data) != "" && string(resp.Data) != "null"
		if released != stored[id] {
			t.Errorf("%s: data released = %v, entry stored = %v; data %s, errors %+v", id, released, stored[id], resp.Data, resp.Errors)
		}
		if !released && (len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "SOURCE_UNAVAILABLE") {
			t.Errorf("%s: errors = %+v, want one SOURCE_UNAVAILABLE", id, resp.Errors)
		}
		if i%3 == 0 && released {
			t.Errorf("%s read the rejected citizen and got data %s", id, resp.Data)
		}
	}
	if _, err := w.env.Audit.Verify(context.Background()); err != nil {
		t.Errorf("verify: %v", err)
	}
}

func TestTwoServersShareOnePostgresTrail(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	servers := []*testenv.Env{
		testenv.New(t, testenv.Options{AuditDSN: dsn}),
		testenv.New(t, testenv.Options{AuditDSN: dsn}),
	}
	var ids []string
	for _, env := range servers {
		ids = append(ids, env.Fixture(t).Citizen(testenv.Person{}))
	}
	token := testenv.CentralToken(t)

	const perServer = 15
	var wg sync.WaitGroup
	for i, env := range servers {
		for range perServer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if resp := env.QueryAs(t, token, `{ citizen(id: "`+ids[i]+`") { id } }`, nil); len(resp.Errors) != 0 {
					t.Errorf("errors: %+v", resp.Errors)
				}
			}()
		}
	}
	wg.Wait()
	n, err := servers[0].Audit.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n != 2*perServer {
		t.Errorf("chain holds %d entries, want %d", n, 2*perServer)
	}
}

func TestAccessLogQueries(t *testing.T) {
	w := newAccessWorld(t)
	commune := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	w.env.QueryAs(t, commune, `{ dossier(code: "`+w.openDossier+`") { applicant { fullName } } }`, nil)

	citizen := testenv.Token(t, auth.Principal{ID: w.applicant, Role: auth.Citizen, CitizenID: w.applicant})
	resp := w.env.QueryAs(t, citizen, `{ myAccessLog(first: 100) { totalCount edges { cursor node { officerId role purpose citizenId fields } } } }`, nil)
	var mine struct {
		MyAccessLog struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct {
					OfficerID, Role, CitizenID string
					Purpose                    *string
					Fields                     []string
				}
			}
		}
	}
	resp.Decode(t, &mine)
	if n := len(mine.MyAccessLog.Edges); n == 0 || mine.MyAccessLog.TotalCount != n {
		t.Errorf("myAccessLog has %d edges and totalCount %d, want the same nonzero number", n, mine.MyAccessLog.TotalCount)
	}
	found := false
	for _, edge := range mine.MyAccessLog.Edges {
		e := edge.Node
		if edge.Cursor == "" {
			t.Errorf("edge of entry by %s has no cursor", e.OfficerID)
		}
		if e.CitizenID != w.applicant {
			t.Errorf("myAccessLog shows entry about citizen %s", e.CitizenID)
		}
		if e.OfficerID == "o-00004" && e.Purpose != nil && *e.Purpose == w.openDossier {
			found = true
		}
	}
	if !found {
		t.Errorf("myAccessLog lacks the commune officer's read for %s: %+v", w.openDossier, mine.MyAccessLog.Edges)
	}

	trail := `query($f: AuditTrailFilter) { auditTrail(filter: $f, first: 100) { totalCount edges { node { officerId } } } }`
	tests := []struct {
		name      string
		token     string
		filter    map[string]any
		forbidden bool
		minimum   int
	}{
		{"central", testenv.CentralToken(t), nil, false, 1},
		{"province_own", testenv.Token(t, auth.Principal{ID: "p", Role: auth.ProvinceOfficer, Unit: "01"}), nil, false, 1},
		{"province_other_scope_empty", testenv.Token(t, auth.Principal{ID: "p", Role: auth.ProvinceOfficer, Unit: "79"}), nil, false, 0},
		{"province_asks_other", testenv.Token(t, auth.Principal{ID: "p", Role: auth.ProvinceOfficer, Unit: "79"}),
			map[string]any{"provinceCode": "01"}, true, 0},
		{"commune", commune, nil, true, 0},
		{"citizen", citizen, nil, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := w.env.QueryAs(t, tt.token, trail, map[string]any{"f": tt.filter})
			if tt.forbidden {
				expectForbidden(t, resp, []any{"auditTrail"})
				return
			}
			var data struct {
				AuditTrail struct {
					TotalCount int
					Edges      []struct{ Node struct{ OfficerID string } }
				}
			}
			resp.Decode(t, &data)
			n := len(data.AuditTrail.Edges)
			if n < tt.minimum || (tt.minimum == 0 && n != 0) {
				t.Errorf("got %d entries, want at least %d (exactly 0 when 0)", n, tt.minimum)
			}
			if data.AuditTrail.TotalCount != n {
				t.Errorf("totalCount = %d, want %d (all entries fit one page)", data.AuditTrail.TotalCount, n)
			}
		})
	}
}

func TestDossierApplicantFieldsAreAudited(t *testing.T) {
	w := newAccessWorld(t)
	token := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	before := len(auditEntries(t, w.env.Audit))

	resp := w.env.QueryAs(t, token, `{ dossier(code: "`+w.openDossier+`") { applicantId applicantName } }`, nil)
	if len(resp.Errors) != 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	all := auditEntries(t, w.env.Audit)
	entries := all[:len(all)-before]
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1 (the applicant): %+v", len(entries), entries)
	}
	e := entries[0]
	if e.CitizenID != w.applicant {
		t.Errorf("citizen = %s, want the applicant %s", e.CitizenID, w.applicant)
	}
	if e.Fields != "Dossier.applicantId,Dossier.applicantName" {
		t.Errorf("fields = %q, want Dossier.applicantId,Dossier.applicantName", e.Fields)
	}
	if e.Purpose != w.openDossier {
		t.Errorf("purpose = %q, want the dossier %s", e.Purpose, w.openDossier)
	}
}

// newEntries returns the entries written since the trail held before
// entries, keyed by citizen and purpose.
func newEntries(t *testing.T, s *audit.Store, before int) map[string]audit.Entry {
	t.Helper()
	all := auditEntries(t, s) // newest first
	out := map[string]audit.Entry{}
	for _, e := range all[:len(all)-before] {
		key := e.CitizenID + " " + e.Purpose
		if _, dup := out[key]; dup {
			t.Errorf("two entries for citizen %s and purpose %q in one request", e.CitizenID, e.Purpose)
		}
		out[key] = e
	}
	return out
}

// expectEntries checks that the entries are exactly want: fields by
// citizen and purpose.
func expectEntries(t *testing.T, got map[string]audit.Entry, want map[string]string) {
	t.Helper()
	for key, fields := range want {
		e, ok := got[key]
		if !ok {
			t.Errorf("no entry for %s; entries %+v", key, got)
			continue
		}
		if e.Fields != fields {
			t.Errorf("entry for %s has fields %q, want %q", key, e.Fields, fields)
		}
	}
	for key, e := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected entry for %s: fields %q", key, e.Fields)
		}
	}
}

func TestPersonalFieldReadsAreAudited(t *testing.T) {
	w := newRegistrationWorld(t)
	callers := w.personalCallers(t)
	tests := []struct {
		name   string
		caller string
		query  string
		want   map[string]string // fields by "citizen purpose"
	}{
		{
			// The cause is sensitive and withheld, so it is not logged.
			"death_with_purpose", "commune_argument",
			`query($p: ID) { registration(id: "` + strconv.Itoa(w.death) + `", purpose: $p) {
				... on DeathRegistration { dateOfDeath placeOfDeath cause } } }`,
			map[string]string{
				w.deceased + " " + w.openDossier: "DeathRegistration.dateOfDeath,DeathRegistration.placeOfDeath",
			},
		},
		{
			"death_cause_sensitive", "commune_sensitive",
			`query($p: ID) { registration(id: "` + strconv.Itoa(w.death) + `", purpose: $p) {
				... on DeathRegistration { cause deceased { id } } } }`,
			map[string]string{w.deceased + " " + w.openDossier: "DeathRegistration.cause,id"},
		},
		{
			"death_without_purpose", "commune",
			`{ registration(id: "` + strconv.Itoa(w.death) + `") { ... on DeathRegistration { dateOfDeath } } }`,
			map[string]string{},
		},
		{
			// A divorce is personal data of both spouses.
			"divorce_central", "central",
			`{ registration(id: "` + strconv.Itoa(w.divorce) + `") { ... on DivorceRegistration { decidedOn } } }`,
			map[string]string{
				w.applicant + " ": "DivorceRegistration.decidedOn",
				w.exWife + " ":    "DivorceRegistration.decidedOn",
			},
		},
		{
			"correction_own", "citizen_applicant",
			`{ registration(id: "` + strconv.Itoa(w.correction) + `") { ... on CorrectionRegistration { oldValue newValue } } }`,
			map[string]string{w.applicant + " ": "CorrectionRegistration.newValue,CorrectionRegistration.oldValue"},
		},
		{
			// The address is personal data of every member.
			"household_address", "commune_argument",
			`query($p: ID) { household(code: "` + w.household + `", purpose: $p) { address } }`,
			map[string]string{
				w.applicant + " " + w.openDossier: "Household.address",
				w.member + " " + w.openDossier:    "Household.address",
				w.deceased + " " + w.openDossier:  "Household.address",
			},
		},
		{
			"household_via_citizen", "commune_argument",
			`query($p: ID) { citizen(id: "` + w.member + `", purpose: $p) { household { address } } }`,
			map[string]string{
				w.applicant + " " + w.openDossier: "Household.address",
				w.member + " " + w.openDossier:    "Household.address,household",
				w.deceased + " " + w.openDossier:  "Household.address",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(auditEntries(t, w.env.Audit))
			c := callers[tt.caller]
			c.query(t, w.env, tt.query, map[string]any{"p": c.purpose})
			expectEntries(t, newEntries(t, w.env.Audit, before), tt.want)
		})
	}
	if _, err := w.env.Audit.Verify(context.Background()); err != nil {
		t.Errorf("verify: %v", err)
	}
}

func TestOtherUnitDossierIsNoPurpose(t *testing.T) {
	w := newAccessWorld(t)
	other := w.fixture.DossierIn("1.001193", w.applicant, "2026-06-01", "00008")
	c := w.callers(t)["commune_argument"]
	before := len(auditEntries(t, w.env.Audit))

	resp := c.query(t, w.env, `query($p: ID) { citizen(id: "`+w.applicant+`", purpose: $p) {
		id dossiers { edges { node { code applicantId applicantName } } } } }`, map[string]any{"p": c.purpose})
	if got := lookup(decodeAny(t, resp), []any{"citizen", "dossiers", "edges", 1, "node", "code"}); got != other {
		t.Fatalf("second dossier = %v, want %s; errors %+v", got, other, resp.Errors)
	}
	// The open and the closed dossier were received by the officer's
	// commune; the dossier of 00008 yields FORBIDDEN and no entry.
	expectEntries(t, newEntries(t, w.env.Audit, before), map[string]string{
		w.applicant + " " + w.openDossier:   "Dossier.applicantId,Dossier.applicantName,dossiers,id",
		w.applicant + " " + w.closedDossier: "Dossier.applicantId,Dossier.applicantName",
	})
}

func TestDiscrepancyCountsAreNotAudited(t *testing.T) {
	w := newAccessWorld(t)
	before := len(auditEntries(t, w.env.Audit))
	resp := w.callers(t)["commune"].query(t, w.env,
		`{ discrepancies(communeCode: "00004") { totalCount countsByKind { kind count } } }`, nil)
	if len(resp.Errors) != 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if n := lookup(decodeAny(t, resp), []any{"discrepancies", "totalCount"}); n == nil || n.(float64) < 1 {
		t.Errorf("totalCount = %v, want at least 1", n)
	}
	expectEntries(t, newEntries(t, w.env.Audit, before), map[string]string{})
}

func TestAuditDownWithholdsRegistration(t *testing.T) {
	w := newRegistrationWorld(t)
	if err := w.env.Audit.Close(); err != nil {
		t.Fatal(err)
	}
	resp := w.env.QueryAs(t, testenv.CentralToken(t), `{ registration(id: "`+strconv.Itoa(w.death)+`") {
		... on DeathRegistration { placeOfDeath cause } } }`, nil)
	if string(resp.Data) != "" && string(resp.Data) != "null" {
		t.Errorf("data = %s, want none", resp.Data)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "SOURCE_UNAVAILABLE" {
		t.Errorf("errors = %+v, want one SOURCE_UNAVAILABLE", resp.Errors)
	}
}

func TestRelationAndNoteReadsAreAudited(t *testing.T) {
	w := newAccessWorld(t)
	w.fixture.HouseholdMember(w.household, w.outsider)
	other := w.fixture.DossierIn("1.001193", w.applicant, "2026-06-01", "00008")
	setDossierNotes(t, w, w.openDossier)
	setDossierNotes(t, w, other)
	callers := w.callers(t)
	relations := `query($p: ID) { household(code: "` + w.household + `", purpose: $p) { members { relationToHead } } }`
	notes := `{ dossier(code: "` + w.openDossier + `") { statusHistory { note } } }`
	listNotes := `query($p: ID) { citizen(id: "` + w.applicant + `", purpose: $p) {
		dossiers { edges { node { statusHistory { note } } } } } }`
	tests := []struct {
		name   string
		caller string
		query  string
		want   map[string]string // fields by "citizen purpose"
	}{
		{
			// The outsider's relation is withheld, so it is not logged.
			"relations_with_purpose", "commune_argument", relations,
			map[string]string{
				w.applicant + " " + w.openDossier: "HouseholdMember.relationToHead",
				w.member + " " + w.openDossier:    "HouseholdMember.relationToHead",
			},
		},
		{
			"relations_central", "central", relations,
			map[string]string{
				w.applicant + " ": "HouseholdMember.relationToHead",
				w.member + " ":    "HouseholdMember.relationToHead",
				w.outsider + " ":  "HouseholdMember.relationToHead",
			},
		},
		{"relations_without_purpose", "commune", relations, map[string]string{}},
		{
			"note_own_unit", "commune", notes,
			map[string]string{w.applicant + " " + w.openDossier: "DossierEvent.note"},
		},
		{
			"note_central", "central", notes,
			map[string]string{w.applicant + " " + w.openDossier: "DossierEvent.note"},
		},
		{
			// The note of the dossier of 00008 is withheld and not logged.
			"notes_in_list", "commune_argument", listNotes,
			map[string]string{
				w.applicant + " " + w.openDossier:   "DossierEvent.note,dossiers",
				w.applicant + " " + w.closedDossier: "DossierEvent.note",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(auditEntries(t, w.env.Audit))
			c := callers[tt.caller]
			c.query(t, w.env, tt.query, map[string]any{"p": c.purpose})
			expectEntries(t, newEntries(t, w.env.Audit, before), tt.want)
		})
	}
}
