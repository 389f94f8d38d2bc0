package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"lienthong/auth"
	"lienthong/server"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// accessWorld is a small world of citizens around one open dossier of
// commune 00004 (Ba Đình, Hà Nội, province 01):
//
//   - applicant heads a household in 00004 with member, is married to
//     spouse, who lives in 25747 (province 79), represents enterprise and
//     owns a household business;
//   - coOwner, of 20194, is a member of enterprise and no relative;
//   - child, of 20194, is the applicant's son outside the household, whose
//     birth registration names the applicant as father;
//   - outsider lives in 20194 (province 48) and represents enterprise2.
type accessWorld struct {
	env                                 *testenv.Env
	fixture                             *testenv.Fixture
	applicant, member, spouse, outsider string
	coOwner, child                      string
	names                               map[string]string
	household, enterprise, enterprise2  string
	openDossier, closedDossier          string
}

func newAccessWorld(t *testing.T) *accessWorld {
	return newAccessWorldOn(t, testenv.SQLite)
}

// newAccessWorldOn builds accessWorld with every source on engine.
func newAccessWorldOn(t *testing.T, engine sqldb.Engine) *accessWorld {
	env, f := newEnvWithProcedures(t, engine)
	w := &accessWorld{env: env, fixture: f, names: map[string]string{}}
	var members []string
	w.household, members = f.Household(2)
	w.applicant, w.member = members[0], members[1]
	w.spouse = f.Citizen(testenv.Person{FullName: "Lê Thị Vợ Thử", Gender: "female", CommuneCode: "25747"})
	w.outsider = f.Citizen(testenv.Person{FullName: "Phạm Văn Ngoài Thử", CommuneCode: "20194"})
	f.Marriage(w.applicant, w.spouse, "2010-10-10")
	w.enterprise = f.Enterprise(w.applicant)
	w.enterprise2 = f.Enterprise(w.outsider)
	w.coOwner = f.Citizen(testenv.Person{FullName: "Đỗ Văn Góp Vốn Thử", CommuneCode: "20194"})
	testenv.Insert(t, env.DBs.Business, "enterprise_people", map[string]any{
		"enterprise_code": w.enterprise, "citizen_id": w.coOwner, "role": "member",
	})
	w.child = f.Citizen(testenv.Person{FullName: "Trần Văn Con Thử", CommuneCode: "20194"})
	var childBirth int
	if err := env.DBs.CivilStatus.X().Get(&childBirth, env.DBs.CivilStatus.X().Rebind(
		`SELECT registration_id FROM registration_parties WHERE citizen_id = ? AND role = 'child'`), w.child); err != nil {
		t.Fatal(err)
	}
	testenv.Insert(t, env.DBs.CivilStatus, "registration_parties", map[string]any{
		"registration_id": childBirth, "citizen_id": w.applicant, "role": "father", "full_name": "",
	})
	f.BusinessHousehold(w.applicant)
	w.openDossier = f.Dossier("1.001193", w.applicant, "2026-11-20", "processing")
	w.closedDossier = f.Dossier("1.001193", w.applicant, "2026-01-05", "returned")

	resp := env.QueryAs(t, testenv.CentralToken(t), `{ a: citizen(id: "`+w.applicant+`") { fullName }
		m: citizen(id: "`+w.member+`") { fullName } }`, nil)
	var data struct{ A, M struct{ FullName string } }
	resp.Decode(t, &data)
	w.names[w.applicant], w.names[w.member] = data.A.FullName, data.M.FullName
	w.names[w.spouse], w.names[w.outsider] = "Lê Thị Vợ Thử", "Phạm Văn Ngoài Thử"
	return w
}

// caller is a role as a test sends it: a token and extra headers.
type caller struct {
	name    string
	token   string
	headers map[string]string
	purpose any // the purpose argument of root fields, or nil
}

// query sends query as c and checks every FORBIDDEN message of the
// response with checkForbiddenMessages, so each access table also checks
// that no refusal leaks personal data.
func (c caller) query(t *testing.T, env *testenv.Env, query string, vars map[string]any) *testenv.Response {
	t.Helper()
	headers := map[string]string{"Authorization": "Bearer " + c.token}
	for k, v := range c.headers {
		headers[k] = v
	}
	resp := env.QueryWith(t, headers, query, vars)
	checkForbiddenMessages(t, resp)
	return resp
}

// personalIDPattern matches a 12-digit personal id.
var personalIDPattern = regexp.MustCompile(`\d{12}`)

// fixturePersonalData are parts of the personal data the test fixtures
// write: every fixture name contains "Thử", and every household's address
// is on phố Kim Mã.
var fixturePersonalData = []string{"Thử", "Kim Mã"}

// checkForbiddenMessages fails the test when a FORBIDDEN message contains a
// personal id, a fixture name or an address. A refusal names the rule and
// the caller's own unit, never the citizen withheld, whom the error's path
// already locates.
func checkForbiddenMessages(t *testing.T, resp *testenv.Response) {
	t.Helper()
	for _, e := range resp.Errors {
		if e.Extensions["code"] != "FORBIDDEN" {
			continue
		}
		if id := personalIDPattern.FindString(e.Message); id != "" {
			t.Errorf("FORBIDDEN at %v contains personal id %s: %q", e.Path, id, e.Message)
		}
		for _, part := range fixturePersonalData {
			if strings.Contains(e.Message, part) {
				t.Errorf("FORBIDDEN at %v contains personal data %q: %q", e.Path, part, e.Message)
			}
		}
	}
}

func (w *accessWorld) callers(t *testing.T) map[string]caller {
	tok := func(p auth.Principal) string { return testenv.Token(t, p) }
	commune := tok(auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	return map[string]caller{
		"central":           {token: testenv.CentralToken(t)},
		"province01":        {token: tok(auth.Principal{ID: "o-01", Role: auth.ProvinceOfficer, Unit: "01"})},
		"province79":        {token: tok(auth.Principal{ID: "o-79", Role: auth.ProvinceOfficer, Unit: "79"})},
		"commune":           {token: commune},
		"commune_header":    {token: commune, headers: map[string]string{"X-Purpose-Dossier": w.openDossier}},
		"commune_argument":  {token: commune, purpose: w.openDossier},
		"commune_closed":    {token: commune, purpose: w.closedDossier},
		"commune_unknown":   {token: commune, purpose: "000.00.04.H01-261120-9999"},
		"other_commune":     {token: tok(auth.Principal{ID: "o-00008", Role: auth.CommuneOfficer, Unit: "00008"}), purpose: w.openDossier},
		"reporting":         {token: tok(auth.Principal{ID: "r-1", Role: auth.Reporting})},
		"citizen_applicant": {token: tok(auth.Principal{ID: w.applicant, Role: auth.Citizen, CitizenID: w.applicant})},
		"citizen_outsider":  {token: tok(auth.Principal{ID: w.outsider, Role: auth.Citizen, CitizenID: w.outsider})},
		"anonymous":         {},
	}
}

// allowed lists, per caller, which of the four citizens it may read by a
// root field.
func (w *accessWorld) allowed(name string) map[string]bool {
	all := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	switch name {
	case "central":
		return all(w.applicant, w.member, w.spouse, w.outsider)
	case "province01":
		return all(w.applicant, w.member)
	case "province79":
		return all(w.spouse)
	case "commune_header", "commune_argument":
		return all(w.applicant, w.member, w.spouse)
	case "citizen_applicant":
		return all(w.applicant)
	case "citizen_outsider":
		return all(w.outsider)
	}
	return all()
}

// rootPaths are the ways to reach a citizen from the root: the query, with
// {T} for the target id, {N} for its name and $p for the purpose, and the
// path of the citizen in the response.
var rootPaths = []struct {
	name  string
	query string
	path  []any
}{
	{"direct", `query($p: ID) { citizen(id: "{T}", purpose: $p) { id fullName } }`, []any{"citizen"}},
	{"alias", `query($p: ID) { who: citizen(id: "{T}", purpose: $p) { id fullName } }`, []any{"who"}},
	{"fragment", `query($p: ID) { citizen(id: "{T}", purpose: $p) { ...Person } }
		fragment Person on Citizen { id fullName }`, []any{"citizen"}},
	{"inline_fragment", `query($p: ID) { citizen(id: "{T}", purpose: $p) { ... on Citizen { id fullName } } }`, []any{"citizen"}},
	{"list", `query($p: ID) { citizens(filter: {name: "{N}"}, purpose: $p) { edges { node { id fullName } } } }`,
		[]any{"citizens", "edges", 0, "node"}},
}

// noLists are the callers who get no citizen list at all, because a list's
// size and totalCount tell how many citizens match a name: those who may
// read no citizen but their own, and commune officers without an open
// purpose dossier of their commune, who may read nobody.
var noLists = map[string]bool{
	"anonymous": true, "reporting": true, "citizen_applicant": true, "citizen_outsider": true,
	"commune": true, "commune_closed": true, "commune_unknown": true, "other_commune": true,
}

// narrowedLists are the callers whose citizen list holds only citizens
// they may read: commune officers with an open purpose dossier, and
// province officers, whose list holds the province's residents.
var narrowedLists = map[string]bool{
	"commune_header": true, "commune_argument": true, "province01": true, "province79": true,
}

func TestAccessByRoleAndPath(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	targets := map[string]string{"applicant": w.applicant, "member": w.member, "spouse": w.spouse, "outsider": w.outsider}

	for callerName, c := range callers {
		allowed := w.allowed(callerName)
		for targetName, id := range targets {
			for _, p := range rootPaths {
				t.Run(callerName+"/"+targetName+"/"+p.name, func(t *testing.T) {
					q := strings.ReplaceAll(strings.ReplaceAll(p.query, "{T}", id), "{N}", w.names[id])
					resp := c.query(t, w.env, q, map[string]any{"p": c.purpose})
					path := p.path
					switch {
					case p.name == "list" && noLists[callerName]:
						expectForbidden(t, resp, []any{"citizens"})
					case p.name == "list" && narrowedLists[callerName] && !allowed[id]:
						expectEmptyList(t, resp)
					case allowed[id]:
						expectCitizen(t, resp, path, id)
					default:
						expectForbidden(t, resp, path)
					}
				})
			}
		}
	}
}

// TestAccessThroughLinks follows the links from one record to a citizen:
// the dossier's applicant, the household members, the spouse, an
// enterprise's representative and a household business's owner.
func TestAccessThroughLinks(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	viaDossier := func(code, inner string) string {
		return `{ dossier(code: "` + code + `") { applicant { id ` + inner + ` } } }`
	}
	members := viaDossier(w.openDossier, `household { members { citizen { id fullName } } }`)
	spouse := viaDossier(w.openDossier, `civilStatus { marriages { spouse { id fullName } } }`)
	representative := `{ enterprise(code: "` + w.enterprise + `") { representative { id fullName } } }`
	outsiderRep := `{ enterprise(code: "` + w.enterprise2 + `") { representative { id fullName } } }`
	owner := `{ businessHousehold(code: "` + w.applicant + `") { owner { id fullName } } }`
	householdRoot := `query($p: ID) { household(code: "` + w.household + `", purpose: $p) { members { citizen { id } } } }`

	memberPath := []any{"dossier", "applicant", "household", "members", 1, "citizen"}
	spousePath := []any{"dossier", "applicant", "civilStatus", "marriages", 0, "spouse"}
	repPath := []any{"enterprise", "representative"}
	ownerPath := []any{"businessHousehold", "owner"}
	householdMemberPath := []any{"household", "members", 1, "citizen"}
	ownEnterpriseRep := viaDossier(w.openDossier, `enterprises { enterprise { representative { id } } }`)
	ownEnterpriseRepPath := []any{"dossier", "applicant", "enterprises", 0, "enterprise", "representative"}
	closedEnterpriseRep := viaDossier(w.closedDossier, `enterprises { enterprise { representative { id } } }`)
	enterprisePeople := viaDossier(w.openDossier, `enterprises { enterprise { people { role citizen { id } } } }`)
	peoplePath := []any{"dossier", "applicant", "enterprises", 0, "enterprise", "people"}
	ownBusinessOwner := viaDossier(w.openDossier, `businessHouseholds { owner { id } }`)
	ownBusinessOwnerPath := []any{"dossier", "applicant", "businessHouseholds", 0, "owner"}

	tests := []struct {
		name   string
		caller string
		query  string
		path   []any
		want   string // citizen id, or "" for FORBIDDEN
	}{
		{"commune_dossier_applicant", "commune", viaDossier(w.openDossier, "fullName"), []any{"dossier", "applicant"}, w.applicant},
		{"commune_dossier_member", "commune", members, memberPath, w.member},
		{"commune_dossier_spouse", "commune", spouse, spousePath, w.spouse},
		{"commune_closed_dossier_applicant", "commune", viaDossier(w.closedDossier, "fullName"), []any{"dossier", "applicant"}, ""},
		{"commune_representative", "commune", representative, repPath, ""},
		{"commune_header_representative", "commune_header", representative, repPath, w.applicant},
		{"commune_owner", "commune", owner, ownerPath, ""},
		{"commune_header_owner", "commune_header", owner, ownerPath, w.applicant},
		{"commune_dossier_own_enterprise", "commune", ownEnterpriseRep, ownEnterpriseRepPath, w.applicant},
		{"commune_dossier_own_enterprise_person", "commune", enterprisePeople, append(peoplePath, 0, "citizen"), w.applicant},
		{"commune_dossier_enterprise_co_owner", "commune", enterprisePeople, append(peoplePath, 1, "citizen"), ""},
		{"commune_dossier_own_business_household", "commune", ownBusinessOwner, ownBusinessOwnerPath, w.applicant},
		{"commune_dossier_own_discrepancy", "commune", viaDossier(w.openDossier, "discrepancies { citizen { id } }"),
			[]any{"dossier", "applicant", "discrepancies", 0, "citizen"}, w.applicant},
		{"commune_closed_dossier_own_enterprise", "commune", closedEnterpriseRep, []any{"dossier", "applicant"}, ""},
		{"province01_dossier_enterprise_co_owner", "province01", enterprisePeople, append(peoplePath, 1, "citizen"), ""},
		{"central_dossier_enterprise_co_owner", "central", enterprisePeople, append(peoplePath, 1, "citizen"), w.coOwner},
		{"commune_household_root", "commune", householdRoot, []any{"household"}, ""},
		{"commune_argument_household_member", "commune_argument", householdRoot, householdMemberPath, w.member},
		{"other_commune_dossier", "other_commune", viaDossier(w.openDossier, "fullName"), []any{"dossier"}, ""},
		// The dossier was received in province 01, so it is a purpose for
		// the applicant's spouse although she lives in province 79.
		{"province01_spouse_via_dossier", "province01", spouse, spousePath, w.spouse},
		{"province01_member", "province01", members, memberPath, w.member},
		{"province01_outsider_representative", "province01", outsiderRep, repPath, ""},
		{"province79_dossier", "province79", spouse, []any{"dossier"}, ""},
		{"central_outsider_representative", "central", outsiderRep, repPath, w.outsider},
		{"central_spouse", "central", spouse, spousePath, w.spouse},
		{"citizen_own_dossier", "citizen_applicant", viaDossier(w.openDossier, "fullName"), []any{"dossier", "applicant"}, w.applicant},
		{"citizen_member", "citizen_applicant", members, memberPath, ""},
		{"citizen_spouse", "citizen_applicant", spouse, spousePath, ""},
		{"citizen_owner", "citizen_applicant", owner, ownerPath, w.applicant},
		{"reporting_representative", "reporting", representative, repPath, ""},
		{"reporting_dossier", "reporting", spouse, []any{"dossier"}, ""},
		{"anonymous_owner", "anonymous", owner, ownerPath, ""},
		{"anonymous_household", "anonymous", householdRoot, []any{"household"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			resp := c.query(t, w.env, tt.query, map[string]any{"p": c.purpose})
			if tt.want == "" {
				expectForbidden(t, resp, tt.path)
			} else {
				expectCitizen(t, resp, tt.path, tt.want)
			}
		})
	}
}

func TestMalformedPurposeIsInvalid(t *testing.T) {
	w := newAccessWorld(t)
	resp := w.env.QueryAs(t, testenv.CentralToken(t), `{ citizen(id: "`+w.applicant+`", purpose: "bad code!") { id } }`, nil)
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", resp.Errors)
	}
	if code := resp.Errors[0].Extensions["code"]; code != "INVALID_ARGUMENT" {
		t.Errorf("code = %v, want INVALID_ARGUMENT", code)
	}
	if !strings.Contains(resp.Errors[0].Message, `"bad code!"`) {
		t.Errorf("message %q does not name the value", resp.Errors[0].Message)
	}
}

func TestSensitiveFields(t *testing.T) {
	w := newAccessWorld(t)
	query := `{ citizen(id: "` + w.applicant + `") { fullName ethnicity { code } religion { code } bloodGroup } }`
	tests := []struct {
		name    string
		token   string
		allowed bool
	}{
		{"central", testenv.CentralToken(t), true},
		{"province", testenv.Token(t, auth.Principal{ID: "o-01", Role: auth.ProvinceOfficer, Unit: "01"}), false},
		{"province_sensitive_claim", testenv.Token(t, auth.Principal{ID: "o-01", Role: auth.ProvinceOfficer, Unit: "01", Sensitive: true}), true},
		{"citizen_own", testenv.Token(t, auth.Principal{ID: w.applicant, Role: auth.Citizen, CitizenID: w.applicant}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := w.env.QueryAs(t, tt.token, query, nil)
			data := decodeAny(t, resp)
			if got := lookup(data, []any{"citizen", "fullName"}); got != w.names[w.applicant] {
				t.Errorf("fullName = %v, want %q", got, w.names[w.applicant])
			}
			if tt.allowed {
				if got := lookup(data, []any{"citizen", "ethnicity", "code"}); got != "01" {
					t.Errorf("ethnicity.code = %v, want 01 (errors %+v)", got, resp.Errors)
				}
				if len(resp.Errors) != 0 {
					t.Errorf("unexpected errors: %+v", resp.Errors)
				}
				return
			}
			for _, field := range []string{"ethnicity", "religion", "bloodGroup"} {
				expectForbidden(t, resp, []any{"citizen", field})
			}
		})
	}
}

func TestCommuneOfficerCaseContextBatches(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	small := plantCase(t, env, f, 2)
	large := plantCase(t, env, f, 8)
	token := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})

	smallResp := env.QueryAs(t, token, server.CaseContextQuery(), map[string]any{"code": small})
	largeResp := env.QueryAs(t, token, server.CaseContextQuery(), map[string]any{"code": large})
	for _, r := range []*testenv.Response{smallResp, largeResp} {
		if len(r.Errors) != 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
	}
	if smallResp.Statements() != largeResp.Statements() {
		t.Errorf("household of 2 ran %d statements (%s), household of 8 ran %d (%s); access checks must batch",
			smallResp.Statements(), smallResp.StatementsBySource(), largeResp.Statements(), largeResp.StatementsBySource())
	}
}

func TestInvalidCredentialsGet401(t *testing.T) {
	env := testenv.New(t, testenv.Options{NoAudit: true})
	expired, err := auth.Mint(testenv.Secret, auth.Principal{ID: "x", Role: auth.CentralOfficer},
		testenv.Now.AddDate(-1, 0, 0), 0)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := auth.Mint([]byte("another secret"), auth.Principal{ID: "x", Role: auth.CentralOfficer},
		testenv.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		headers map[string]string
		message string
	}{
		{"garbage_token", map[string]string{"Authorization": "Bearer not.a.token"}, "invalid token"},
		{"expired_token", map[string]string{"Authorization": "Bearer " + expired}, "expired"},
		{"wrong_key", map[string]string{"Authorization": "Bearer " + otherKey}, "signature is invalid"},
		{"unknown_scheme", map[string]string{"Authorization": "Basic dXNlcjpwdw=="}, "unknown scheme Basic"},
		{"unknown_api_key", map[string]string{"X-API-Key": "nope"}, "invalid API key"},
		{"unit_not_in_force", map[string]string{"Authorization": "Bearer " + testenv.Token(t, auth.Principal{
			ID: "o-99999", Role: auth.CommuneOfficer, Unit: "99999",
		})}, `unit "99999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.QueryWith(t, tt.headers, `{ provinces { code } }`, nil)
			if resp.Status != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.Status)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", resp.Errors)
			}
			if code := resp.Errors[0].Extensions["code"]; code != "UNAUTHENTICATED" {
				t.Errorf("code = %v, want UNAUTHENTICATED", code)
			}
			if !strings.Contains(resp.Errors[0].Message, tt.message) {
				t.Errorf("message %q does not contain %q", resp.Errors[0].Message, tt.message)
			}
		})
	}
}

func TestAnonymousReadsPublicData(t *testing.T) {
	env, _ := newEnvWithProcedures(t, testenv.SQLite)
	resp := env.QueryWith(t, nil, `{ provinces { code } procedure(code: "1.001193") { name } commune(code: "00004") { name } }`, nil)
	if len(resp.Errors) != 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if lookup(decodeAny(t, resp), []any{"procedure", "name"}) != "Thủ tục đăng ký khai sinh" {
		t.Errorf("procedure missing: %s", resp.Data)
	}
}

func TestAPIKeyIsReportingRole(t *testing.T) {
	keys := t.TempDir() + "/keys"
	writeFile(t, keys, "# reporting tools\n"+auth.HashAPIKey("s3cret-key")+" dashboard\n")
	env := testenv.New(t, testenv.Options{APIKeysFile: keys})
	f := env.Fixture(t)
	id := f.Citizen(testenv.Person{})

	for _, headers := range []map[string]string{
		{"X-API-Key": "s3cret-key"},
		{"Authorization": "ApiKey s3cret-key"},
	} {
		resp := env.QueryWith(t, headers, `{ provinces { code } citizen(id: "`+id+`") { id } }`, nil)
		if resp.Status != http.StatusOK {
			t.Errorf("status = %d, want 200", resp.Status)
		}
		expectForbidden(t, resp, []any{"citizen"})
		if n := len(lookup(decodeAny(t, resp), []any{"provinces"}).([]any)); n != 34 {
			t.Errorf("provinces = %d, want 34", n)
		}
	}
}

func TestIntrospectionAndGraphiQLCanBeOff(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("graphiql")) })
	on := testenv.New(t, testenv.Options{NoAudit: true, GraphiQL: page})
	off := testenv.New(t, testenv.Options{NoAudit: true, NoIntrospection: true})
	introspect := `{ __schema { queryType { name } } }`

	if resp := on.QueryWith(t, nil, introspect, nil); len(resp.Errors) != 0 {
		t.Errorf("introspection on: errors %+v", resp.Errors)
	}
	resp := off.QueryWith(t, nil, introspect, nil)
	if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "introspection is disabled") {
		t.Errorf("introspection off: errors %+v, want introspection is disabled", resp.Errors)
	}
	for _, tt := range []struct {
		env  *testenv.Env
		want int
	}{{on, http.StatusOK}, {off, http.StatusNotFound}} {
		r, err := http.Get(tt.env.Server.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != tt.want {
			t.Errorf("GET / = %d, want %d", r.StatusCode, tt.want)
		}
	}
}

// expectCitizen checks that the object at path is the citizen id and that
// no error names that path.
func expectCitizen(t *testing.T, resp *testenv.Response, path []any, id string) {
	t.Helper()
	if e := errorAt(resp, path); e != nil {
		t.Errorf("error at %v: %s (%v)", path, e.Message, e.Extensions["code"])
	}
	got := lookup(decodeAny(t, resp), append(append([]any{}, path...), "id"))
	if got != id {
		t.Errorf("%v.id = %v, want %s; data %s, errors %+v", path, got, id, resp.Data, resp.Errors)
	}
}

// expectEmptyList checks that the citizen list has no edges and the
// response no error.
func expectEmptyList(t *testing.T, resp *testenv.Response) {
	t.Helper()
	if len(resp.Errors) != 0 {
		t.Errorf("errors %+v, want none", resp.Errors)
	}
	edges, ok := lookup(decodeAny(t, resp), []any{"citizens", "edges"}).([]any)
	if !ok {
		t.Fatalf("citizens.edges is not a list; data %s", resp.Data)
	}
	if len(edges) != 0 {
		t.Errorf("got %d edges, want none; data %s", len(edges), resp.Data)
	}
}

// expectForbidden checks that the value at path is null and a FORBIDDEN
// error names exactly that path.
func expectForbidden(t *testing.T, resp *testenv.Response, path []any) {
	t.Helper()
	if got := lookup(decodeAny(t, resp), path); got != nil {
		t.Errorf("%v = %v, want null", path, got)
	}
	e := errorAt(resp, path)
	if e == nil {
		t.Fatalf("no error at %v; errors %+v", path, resp.Errors)
	}
	if e.Extensions["code"] != "FORBIDDEN" {
		t.Errorf("error at %v has code %v, want FORBIDDEN (%s)", path, e.Extensions["code"], e.Message)
	}
}

func errorAt(resp *testenv.Response, path []any) *testenv.Error {
	want := fmt.Sprint(normalise(path))
	for i := range resp.Errors {
		if fmt.Sprint(normalise(resp.Errors[i].Path)) == want {
			return &resp.Errors[i]
		}
	}
	return nil
}

// normalise turns JSON numbers into ints so paths compare.
func normalise(path []any) []any {
	out := make([]any, len(path))
	for i, p := range path {
		if f, ok := p.(float64); ok {
			p = int(f)
		}
		out[i] = p
	}
	return out
}

func decodeAny(t *testing.T, resp *testenv.Response) any {
	t.Helper()
	if len(resp.Data) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(resp.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
	return v
}

// lookup follows path through decoded JSON; it returns nil where the path
// ends early.
func lookup(v any, path []any) any {
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[key]
		case int:
			l, ok := v.([]any)
			if !ok || key >= len(l) {
				return nil
			}
			v = l[key]
		}
	}
	return v
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestProvinceOfficerReadsApplicantsOfProvince(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	// Lives in province 48 but applied in province 01 (the fixture's
	// dossiers are received by commune 00004).
	applicant := f.Citizen(testenv.Person{CommuneCode: "20194"})
	f.Dossier("1.001193", applicant, "2026-01-05", "returned")
	stranger := f.Citizen(testenv.Person{CommuneCode: "20194"})
	query := `{ a: citizen(id: "` + applicant + `") { id } s: citizen(id: "` + stranger + `") { id } }`

	resp := env.QueryAs(t, testenv.Token(t, auth.Principal{ID: "o-01", Role: auth.ProvinceOfficer, Unit: "01"}), query, nil)
	expectCitizen(t, resp, []any{"a"}, applicant)
	expectForbidden(t, resp, []any{"s"})

	resp = env.QueryAs(t, testenv.Token(t, auth.Principal{ID: "o-79", Role: auth.ProvinceOfficer, Unit: "79"}), query, nil)
	expectForbidden(t, resp, []any{"a"})
}

// TestPersonalDataInOtherRecords covers personal data that records other
// than the citizen's own hold: personal ids in business registers and the
// household register, and the child's particulars on a birth registration.
func TestPersonalDataInOtherRecords(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	viaDossier := func(inner string) string {
		return `{ dossier(code: "` + w.openDossier + `") { applicant { id ` + inner + ` } } }`
	}
	people := `{ enterprise(code: "` + w.enterprise + `") { people { citizenId } } }`
	ownerID := `{ businessHousehold(code: "` + w.applicant + `") { ownerId } }`
	dossierPeople := viaDossier(`enterprises { enterprise { people { citizenId } } }`)
	dossierOwnerID := viaDossier(`businessHouseholds { ownerId }`)
	memberIDs := viaDossier(`household { members { citizenId } }`)
	// The applicant's registrations, oldest first: their own birth, their
	// son's birth naming them as father, their marriage.
	births := viaDossier(`civilStatus { all { ... on BirthRegistration { childName dateOfBirth gender placeOfBirth } } }`)

	peoplePath := []any{"enterprise", "people"}
	dossierPeoplePath := []any{"dossier", "applicant", "enterprises", 0, "enterprise", "people"}
	allPath := []any{"dossier", "applicant", "civilStatus", "all"}

	tests := []struct {
		name   string
		caller string
		query  string
		path   []any
		want   string // the value at path, or "" for FORBIDDEN
	}{
		{"commune_person_id_no_purpose", "commune", people, append(peoplePath, 0, "citizenId"), ""},
		{"commune_header_person_id", "commune_header", people, append(peoplePath, 0, "citizenId"), w.applicant},
		{"commune_header_co_owner_id", "commune_header", people, append(peoplePath, 1, "citizenId"), ""},
		{"commune_dossier_person_id", "commune", dossierPeople, append(dossierPeoplePath, 0, "citizenId"), w.applicant},
		{"commune_dossier_co_owner_id", "commune", dossierPeople, append(dossierPeoplePath, 1, "citizenId"), ""},
		{"central_co_owner_id", "central", people, append(peoplePath, 1, "citizenId"), w.coOwner},
		{"commune_owner_id_no_purpose", "commune", ownerID, []any{"businessHousehold", "ownerId"}, ""},
		{"commune_dossier_owner_id", "commune", dossierOwnerID,
			[]any{"dossier", "applicant", "businessHouseholds", 0, "ownerId"}, w.applicant},
		{"citizen_own_owner_id", "citizen_applicant", ownerID, []any{"businessHousehold", "ownerId"}, w.applicant},
		{"reporting_owner_id", "reporting", ownerID, []any{"businessHousehold", "ownerId"}, ""},
		{"commune_dossier_member_id", "commune", memberIDs,
			[]any{"dossier", "applicant", "household", "members", 1, "citizenId"}, w.member},
		{"commune_dossier_own_birth_name", "commune", births, append(allPath, 0, "childName"), w.names[w.applicant]},
		{"commune_dossier_son_birth_name", "commune", births, append(allPath, 1, "childName"), ""},
		{"commune_dossier_son_birth_date", "commune", births, append(allPath, 1, "dateOfBirth"), ""},
		{"commune_dossier_son_birth_gender", "commune", births, append(allPath, 1, "gender"), ""},
		{"commune_dossier_son_birth_place", "commune", births, append(allPath, 1, "placeOfBirth"), ""},
		{"central_son_birth_name", "central", births, append(allPath, 1, "childName"), "Trần Văn Con Thử"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			resp := c.query(t, w.env, tt.query, map[string]any{"p": c.purpose})
			if tt.want == "" {
				expectForbidden(t, resp, tt.path)
				return
			}
			if e := errorAt(resp, tt.path); e != nil {
				t.Errorf("error at %v: %s", tt.path, e.Message)
			}
			if got := lookup(decodeAny(t, resp), tt.path); got != tt.want {
				t.Errorf("%v = %v, want %s; errors %+v", tt.path, got, tt.want, resp.Errors)
			}
		})
	}
}

// TestCaseContextAsReceivingCommune runs the CaseContext example, and the
// same case followed into the applicant's businesses, as an officer of the
// receiving commune: only the co-owner, who is no relative, is withheld.
func TestCaseContextAsReceivingCommune(t *testing.T) {
	w := newAccessWorld(t)
	c := w.callers(t)["commune"]

	resp := c.query(t, w.env, server.CaseContextQuery(), map[string]any{"code": w.openDossier})
	if len(resp.Errors) != 0 {
		t.Errorf("CaseContext errors: %+v", resp.Errors)
	}
	if got := lookup(decodeAny(t, resp), []any{"dossier", "applicant", "id"}); got != w.applicant {
		t.Errorf("applicant = %v, want %s", got, w.applicant)
	}

	businesses := `query($code: ID!) { dossier(code: $code) { applicantId applicantName applicant {
		enterprises { code enterprise { representative { id } people { role citizenId citizen { id } } } }
		businessHouseholds { ownerId owner { id } }
		civilStatus { marriages { spouse { id } husband { id } wife { id } } } } } }`
	resp = c.query(t, w.env, businesses, map[string]any{"code": w.openDossier})
	coOwner := []any{"dossier", "applicant", "enterprises", 0, "enterprise", "people", 1}
	want := map[string]bool{
		fmt.Sprint(append(coOwner, "citizenId")): true,
		fmt.Sprint(append(coOwner, "citizen")):   true,
	}
	for _, e := range resp.Errors {
		if !want[fmt.Sprint(normalise(e.Path))] || e.Extensions["code"] != "FORBIDDEN" {
			t.Errorf("unexpected error at %v: %s (%v)", e.Path, e.Message, e.Extensions["code"])
		}
	}
	if len(resp.Errors) != len(want) {
		t.Errorf("got %d errors, want %d at the co-owner: %+v", len(resp.Errors), len(want), resp.Errors)
	}
	for _, path := range [][]any{
		{"dossier", "applicant", "enterprises", 0, "enterprise", "representative", "id"},
		{"dossier", "applicant", "enterprises", 0, "enterprise", "people", 0, "citizen", "id"},
		{"dossier", "applicant", "businessHouseholds", 0, "owner", "id"},
	} {
		if got := lookup(decodeAny(t, resp), path); got != w.applicant {
			t.Errorf("%v = %v, want %s", path, got, w.applicant)
		}
	}
}

func TestDiscrepancyReportNodesFollowTheRule(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	// The applicant is registered as married but recorded as single.
	query := `{ discrepancies(communeCode: "00004", kinds: [MARRIAGE_REGISTERED_BUT_SINGLE]) {
		totalCount edges { node { citizenId values { value } citizen { id } } } } }`
	node := []any{"discrepancies", "edges", 0, "node"}
	for _, tt := range []struct {
		caller  string
		allowed bool
	}{
		{"commune", false},
		{"commune_header", true},
		{"central", true},
	} {
		t.Run(tt.caller, func(t *testing.T) {
			resp := callers[tt.caller].query(t, w.env, query, nil)
			data := decodeAny(t, resp)
			if n := lookup(data, []any{"discrepancies", "totalCount"}); n != float64(1) {
				t.Fatalf("totalCount = %v, want 1; errors %+v", n, resp.Errors)
			}
			if !tt.allowed {
				expectForbidden(t, resp, node)
				return
			}
			if got := lookup(data, append(node, "citizenId")); got != w.applicant {
				t.Errorf("citizenId = %v, want %s; errors %+v", got, w.applicant, resp.Errors)
			}
			expectCitizen(t, resp, append(node, "citizen"), w.applicant)
		})
	}
}
