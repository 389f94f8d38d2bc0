package server_test

import (
	"fmt"
	"strconv"
	"testing"

	"lienthong/auth"
	"lienthong/testenv"
)

// registrationWorld adds to accessWorld a registration of every kind that
// holds personal data, all registered by commune 00004 (province 01):
//
//   - deceased, a third member of the applicant's household, died;
//   - the applicant married exWife, who lives in 25747 (province 79), and
//     divorced her;
//   - the applicant's name was corrected and their marital status
//     confirmed;
//   - the applicant was guardian of outsider, and recognised child as his
//     son.
type registrationWorld struct {
	*accessWorld
	deceased, exWife                           string
	death, correction, confirmation            int
	oldMarriage, divorce, guardian, recognised int
}

func newRegistrationWorld(t *testing.T) *registrationWorld {
	w := &registrationWorld{accessWorld: newAccessWorld(t)}
	f := w.fixture
	w.deceased = f.Citizen(testenv.Person{FullName: "Hoàng Văn Mất Thử", Household: w.household})
	f.HouseholdMember(w.household, w.deceased)
	w.death = f.Death(w.deceased, "2025-02-01")
	f.SetRegistration(w.death, "cause", "Nhồi máu cơ tim")
	w.exWife = f.Citizen(testenv.Person{FullName: "Vũ Thị Vợ Cũ Thử", Gender: "female", CommuneCode: "25747"})
	w.oldMarriage = f.MarriageID(w.applicant, w.exWife, "2000-05-05")
	w.divorce = f.Divorce(w.oldMarriage, w.applicant, w.exWife, "2005-06-06")
	w.correction = f.Correction(w.applicant, "Họ, chữ đệm, tên", "Trần Văn Cũ Thử", w.names[w.applicant])
	w.confirmation = f.RegistrationIn(w.applicant, "00004")
	w.guardian = f.Guardianship(w.applicant, w.outsider, "2024-01-01")
	w.recognised = f.Recognition(w.applicant, w.child)
	return w
}

// personalCallers are the callers of accessWorld plus a commune officer
// whose token grants sensitive access.
func (w *accessWorld) personalCallers(t *testing.T) map[string]caller {
	callers := w.callers(t)
	callers["commune_sensitive"] = caller{
		token: testenv.Token(t, auth.Principal{
			ID: "o-00004-s", Role: auth.CommuneOfficer, Unit: "00004", Sensitive: true,
		}),
		purpose: w.openDossier,
	}
	return callers
}

// outcome is what a caller gets from one path.
type outcome int

const (
	// shown: every checked field holds its value and no error names the
	// record.
	shown outcome = iota + 1
	// hidden: the record resolves and every checked field is null with a
	// FORBIDDEN error at exactly that field.
	hidden
	// denied: the response has one error, FORBIDDEN at the gate, where the
	// value is null.
	denied
	// absent: the citizen list that would hold the record is empty and
	// the response has no error, because the list holds only citizens the
	// caller may read.
	absent
)

// fieldCheck is one field of the record under test. sub leads from the
// field to the compared value, such as id for a citizen.
type fieldCheck struct {
	field []any
	sub   []any
	want  any
}

// personalCase is one path to personal data, run by every caller in want.
type personalCase struct {
	name  string
	query string // takes $id and $p, the caller's purpose argument
	id    string
	// gate is the path a denied caller gets FORBIDDEN at; record is the
	// object whose fields are checked.
	gate, record []any
	fields       []fieldCheck
	want         map[string]outcome
}

// matrixCallers are the roles every case must cover: commune officer with
// and without a purpose, province officer in and out of the province,
// central officer, reporting tool, citizen reading their own records and
// another citizen.
var matrixCallers = []string{
	"commune_argument", "commune", "province01", "province79",
	"central", "reporting", "citizen_applicant", "citizen_outsider",
}

func runPersonalCases(t *testing.T, w *accessWorld, cases []personalCase) {
	callers := w.personalCallers(t)
	for _, pc := range cases {
		for _, name := range matrixCallers {
			if _, ok := pc.want[name]; !ok {
				t.Errorf("case %s has no expectation for caller %s", pc.name, name)
			}
		}
		for name, want := range pc.want {
			t.Run(pc.name+"/"+name, func(t *testing.T) {
				c, ok := callers[name]
				if !ok {
					t.Fatalf("unknown caller %s", name)
				}
				resp := c.query(t, w.env, pc.query, map[string]any{"id": pc.id, "p": c.purpose})
				checkOutcome(t, resp, pc, want)
			})
		}
	}
}

func checkOutcome(t *testing.T, resp *testenv.Response, pc personalCase, want outcome) {
	t.Helper()
	if want == denied {
		expectForbidden(t, resp, pc.gate)
		if len(resp.Errors) != 1 {
			t.Errorf("got %d errors, want one at %v: %+v", len(resp.Errors), pc.gate, resp.Errors)
		}
		return
	}
	if want == absent {
		expectEmptyList(t, resp)
		return
	}
	data := decodeAny(t, resp)
	if lookup(data, pc.record) == nil {
		t.Fatalf("%v is null, want the record; errors %+v", pc.record, resp.Errors)
	}
	expected := map[string]bool{}
	for _, f := range pc.fields {
		path := join(pc.record, f.field)
		if want == hidden {
			expectForbidden(t, resp, path)
			expected[fmt.Sprint(path)] = true
			continue
		}
		if got := lookup(data, join(path, f.sub)); fmt.Sprint(got) != fmt.Sprint(f.want) {
			t.Errorf("%v = %v, want %v; errors %+v", join(path, f.sub), got, f.want, resp.Errors)
		}
	}
	for _, e := range resp.Errors {
		path := normalise(e.Path)
		if len(path) >= len(pc.record) && fmt.Sprint(path[:len(pc.record)]) == fmt.Sprint(pc.record) &&
			!expected[fmt.Sprint(path)] {
			t.Errorf("unexpected error at %v: %s (%v)", path, e.Message, e.Extensions["code"])
		}
	}
}

func join(a, b []any) []any {
	return append(append([]any{}, a...), b...)
}

// registrationQuery looks up a registration by id with the fields of one
// kind.
func registrationQuery(kind, fields string) string {
	return `query($id: ID!, $p: ID) { registration(id: $id, purpose: $p) { id ... on ` + kind + ` { ` + fields + ` } } }`
}

func field(name string, want any, sub ...any) fieldCheck {
	return fieldCheck{field: []any{name}, sub: sub, want: want}
}

func TestRegistrationFieldsFollowCitizenRule(t *testing.T) {
	w := newRegistrationWorld(t)
	root := []any{"registration"}
	id := strconv.Itoa
	// A registration naming the applicant alone: officers of 00004 look it
	// up, but read its fields only with a purpose; the applicant reads
	// their own; province 79 has no citizen in it.
	applicantOnly := map[string]outcome{
		"commune_argument": shown, "commune": hidden, "province01": shown, "province79": denied,
		"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
	}
	// The old marriage and the divorce name the ex-wife too, who lives in
	// province 79: a party's rule suffices, and the officer of 79 reads it
	// although the office is in province 01.
	couple := map[string]outcome{
		"commune_argument": shown, "commune": hidden, "province01": shown, "province79": shown,
		"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
	}
	cases := []personalCase{
		{
			name: "death", query: registrationQuery("DeathRegistration", "dateOfDeath placeOfDeath"),
			id: id(w.death), gate: root, record: root,
			fields: []fieldCheck{field("dateOfDeath", "2025-02-01"), field("placeOfDeath", "Tại nhà")},
			// The deceased is a member of the applicant's household; the
			// applicant is another citizen, who may not read it.
			want: map[string]outcome{
				"commune_argument": shown, "commune": hidden, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": denied, "citizen_outsider": denied,
			},
		},
		{
			// The cause is health data: @sensitive on top of the citizen
			// rule.
			name: "death_cause", query: registrationQuery("DeathRegistration", "cause"),
			id: id(w.death), gate: root, record: root,
			fields: []fieldCheck{field("cause", "Nhồi máu cơ tim")},
			want: map[string]outcome{
				"commune_argument": hidden, "commune_sensitive": shown, "commune": hidden,
				"province01": hidden, "province79": denied, "central": shown, "reporting": denied,
				"citizen_applicant": denied, "citizen_outsider": denied,
			},
		},
		{
			name: "correction", query: registrationQuery("CorrectionRegistration", "item oldValue newValue"),
			id: id(w.correction), gate: root, record: root,
			fields: []fieldCheck{
				field("item", "Họ, chữ đệm, tên"), field("oldValue", "Trần Văn Cũ Thử"),
				field("newValue", w.names[w.applicant]),
			},
			want: applicantOnly,
		},
		{
			name: "marital_status_confirmation", query: registrationQuery("MaritalStatusConfirmation", "status purpose"),
			id: id(w.confirmation), gate: root, record: root,
			fields: []fieldCheck{field("status", "SINGLE"), field("purpose", "Để bổ sung hồ sơ xin việc")},
			want:   applicantOnly,
		},
		{
			name: "marriage", query: registrationQuery("MarriageRegistration", "dissolvedOn"),
			id: id(w.oldMarriage), gate: root, record: root,
			fields: []fieldCheck{field("dissolvedOn", "2005-06-06")},
			want:   couple,
		},
		{
			name: "divorce", query: registrationQuery("DivorceRegistration", "decidedOn"),
			id: id(w.divorce), gate: root, record: root,
			fields: []fieldCheck{field("decidedOn", "2005-06-06")},
			want:   couple,
		},
		{
			// The ward is the outsider, who reads the guardianship as their
			// own.
			name: "guardianship", query: registrationQuery("GuardianshipRegistration", "endedOn"),
			id: id(w.guardian), gate: root, record: root,
			fields: []fieldCheck{field("endedOn", "2024-01-01")},
			want: map[string]outcome{
				"commune_argument": shown, "commune": hidden, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": shown,
			},
		},
		{
			name: "recognition_parent", query: registrationQuery("RecognitionRegistration", "parent { id }"),
			id: id(w.recognised), gate: root, record: root,
			fields: []fieldCheck{field("parent", w.applicant, "id")},
			want:   applicantOnly,
		},
		{
			// The recognised son lives in province 48 outside the
			// applicant's household, so only central officers read him.
			name: "recognition_child", query: registrationQuery("RecognitionRegistration", "child { id }"),
			id: id(w.recognised), gate: root, record: root,
			fields: []fieldCheck{field("child", w.child, "id")},
			want: map[string]outcome{
				"commune_argument": hidden, "commune": hidden, "province01": hidden, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": hidden, "citizen_outsider": denied,
			},
		},
		{
			// Reached through the applicant's list, the divorce and the
			// marriage it dissolves carry the purpose of the path.
			name: "divorce_in_list",
			query: `query($id: ID!, $p: ID) { citizen(id: $id, purpose: $p) {
				civilStatus { divorces { decidedOn marriage { dissolvedOn } } } } }`,
			id: w.applicant, gate: []any{"citizen"}, record: []any{"citizen", "civilStatus", "divorces", 0},
			fields: []fieldCheck{
				field("decidedOn", "2005-06-06"),
				{field: []any{"marriage", "dissolvedOn"}, want: "2005-06-06"},
			},
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
	}
	runPersonalCases(t, w.accessWorld, cases)
}

func TestHouseholdFollowsMembersRule(t *testing.T) {
	w := newRegistrationWorld(t)
	fields := []fieldCheck{field("address", "Số 1, phố Kim Mã"), field("commune", "00004", "code")}
	cases := []personalCase{
		{
			name:  "by_code",
			query: `query($id: ID!, $p: ID) { household(code: $id, purpose: $p) { address commune { code } } }`,
			id:    w.household, gate: []any{"household"}, record: []any{"household"}, fields: fields,
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
		{
			// A citizen list reaches the household through each listed
			// citizen. The province officer of 79 gets an empty list,
			// because the member lives in province 01; callers who may
			// read no citizen get no list.
			name: "from_citizen_list",
			query: `query($id: String!, $p: ID) { citizens(filter: {communeCode: "00004", name: $id}, purpose: $p) {
				edges { node { household { address commune { code } } } } } }`,
			id:   w.names[w.member],
			gate: []any{"citizens"}, record: []any{"citizens", "edges", 0, "node", "household"}, fields: fields,
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": absent,
				"central": shown, "reporting": denied, "citizen_applicant": denied, "citizen_outsider": denied,
			},
		},
	}
	runPersonalCases(t, w.accessWorld, cases)
}

func TestCitizenDossiersFollowDossierScope(t *testing.T) {
	w := newAccessWorld(t)
	f := w.fixture
	// Two more dossiers of the applicant: one received by commune 00008 of
	// the same province, one received in province 79. Newest first, the
	// applicant's list is open, d00008, d79, closed.
	d00008 := f.DossierIn("1.001193", w.applicant, "2026-06-01", "00008")
	d79 := f.DossierIn("1.001193", w.applicant, "2026-03-01", "25747")
	f.SetDossier(d79, "province_code", "79")

	query := `query($id: ID!, $p: ID) { citizen(id: $id, purpose: $p) { dossiers(first: 10) { edges { node {
		code applicantId applicantName applicant { id } discrepancies { kind } } } } } }`
	fields := []fieldCheck{
		field("applicantId", w.applicant), field("applicantName", "Người nộp"),
		field("applicant", w.applicant, "id"), field("discrepancies", []any{}),
	}
	node := func(i int) []any { return []any{"citizen", "dossiers", "edges", i, "node"} }
	gate := []any{"citizen"}
	// The province officer of 79 reads the applicant, who applied there.
	cases := []personalCase{
		{
			name: "own_unit", query: query, id: w.applicant, gate: gate, record: node(0), fields: fields,
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": hidden,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
		{
			name: "other_commune", query: query, id: w.applicant, gate: gate, record: node(1), fields: fields,
			want: map[string]outcome{
				"commune_argument": hidden, "commune": denied, "province01": shown, "province79": hidden,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
		{
			name: "other_province", query: query, id: w.applicant, gate: gate, record: node(2), fields: fields,
			want: map[string]outcome{
				"commune_argument": hidden, "commune": denied, "province01": hidden, "province79": shown,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
	}
	runPersonalCases(t, w, cases)
	if d00008 == "" || d79 == "" {
		t.Fatal("dossiers not planted")
	}
}

func TestHouseholdMemberRelationFollowsMemberRule(t *testing.T) {
	w := newAccessWorld(t)
	// The register also lists the outsider, whose citizen record names no
	// household. The officer's purpose covers the applicant's household
	// members by their citizen records, so it does not cover the outsider.
	w.fixture.HouseholdMember(w.household, w.outsider)
	query := `query($id: ID!, $p: ID) { household(code: $id, purpose: $p) { members { citizenId relationToHead } } }`
	row := func(i int) []any { return []any{"household", "members", i} }
	gate := []any{"household"}
	cases := []personalCase{
		{
			name: "head", query: query, id: w.household, gate: gate, record: row(0),
			fields: []fieldCheck{field("citizenId", w.applicant), field("relationToHead", "HEAD")},
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": hidden,
			},
		},
		{
			name: "member", query: query, id: w.household, gate: gate, record: row(1),
			fields: []fieldCheck{field("citizenId", w.member), field("relationToHead", "CHILD")},
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": hidden, "citizen_outsider": hidden,
			},
		},
		{
			name: "outside_purpose", query: query, id: w.household, gate: gate, record: row(2),
			fields: []fieldCheck{field("citizenId", w.outsider), field("relationToHead", "CHILD")},
			want: map[string]outcome{
				"commune_argument": hidden, "commune": denied, "province01": hidden, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": hidden, "citizen_outsider": shown,
			},
		},
	}
	runPersonalCases(t, w, cases)
}

// setDossierNotes writes a note naming the applicant on every status
// change of the dossier, and returns the note.
func setDossierNotes(t *testing.T, w *accessWorld, code string) string {
	t.Helper()
	note := "Hướng dẫn ông Trần Văn Nộp Thử bổ sung giấy tờ"
	db := w.env.DBs.Procedures
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE dossier_events SET note = ? WHERE dossier_code = ?`), note, code); err != nil {
		t.Fatalf("set note of dossier %s: %v", code, err)
	}
	return note
}

func TestDossierNoteFollowsDossierScope(t *testing.T) {
	w := newAccessWorld(t)
	// The applicant's list, newest first, is open, d00008, closed.
	d00008 := w.fixture.DossierIn("1.001193", w.applicant, "2026-06-01", "00008")
	note := setDossierNotes(t, w, w.openDossier)
	setDossierNotes(t, w, d00008)

	byCode := `query($id: ID!) { dossier(code: $id) { statusHistory { status note } } }`
	inList := `query($id: ID!, $p: ID) { citizen(id: $id, purpose: $p) { dossiers(first: 10) { edges { node {
		code statusHistory { status note } } } } } }`
	event := func(i int) []any { return []any{"citizen", "dossiers", "edges", i, "node", "statusHistory", 0} }
	fields := []fieldCheck{field("status", "RECEIVED"), field("note", note)}
	cases := []personalCase{
		{
			// The dossier is the purpose of its own note, so the officers
			// of the receiving commune read it without a purpose argument.
			name: "by_code", query: byCode, id: w.openDossier,
			gate: []any{"dossier"}, record: []any{"dossier", "statusHistory", 0}, fields: fields,
			want: map[string]outcome{
				"commune_argument": shown, "commune": shown, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
		{
			name: "own_unit_in_list", query: inList, id: w.applicant,
			gate: []any{"citizen"}, record: event(0), fields: fields,
			want: map[string]outcome{
				"commune_argument": shown, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
		{
			// A dossier of another commune is no purpose for the officer
			// of 00004, so its note is withheld while its status shows.
			name: "other_commune_in_list", query: inList, id: w.applicant,
			gate: []any{"citizen"}, record: event(1), fields: []fieldCheck{field("note", note)},
			want: map[string]outcome{
				"commune_argument": hidden, "commune": denied, "province01": shown, "province79": denied,
				"central": shown, "reporting": denied, "citizen_applicant": shown, "citizen_outsider": denied,
			},
		},
	}
	runPersonalCases(t, w, cases)
}
