package server_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// durationPattern matches the time a source took, which the demo's
// extensions.sources report beside the statement count. It varies from run
// to run whatever the query.
var durationPattern = regexp.MustCompile(`"durationMs":[0-9.eE+-]+`)

// rawQuery posts query as c and returns the response body unparsed, with
// source durations zeroed, so that two responses can be compared byte for
// byte.
func rawQuery(t *testing.T, env *testenv.Env, c caller, query string, vars map[string]any) []byte {
	t.Helper()
	headers := map[string]string{"Authorization": "Bearer " + c.token}
	for k, v := range c.headers {
		headers[k] = v
	}
	body := env.QueryWith(t, headers, query, vars).Body
	return durationPattern.ReplaceAll(body, []byte(`"durationMs":0`))
}

// citizenSearch selects everything of a name search that could tell
// whether a citizen matches.
const citizenSearch = `query($n: String, $c: ID, $p: ID) { citizens(filter: {name: $n, communeCode: $c}, purpose: $p) {
	totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`

// TestCitizenSearchRevealsNoStranger checks that a commune officer's name
// search returns the same response for a citizen the officer may not read
// as for a name no citizen bears.
func TestCitizenSearchRevealsNoStranger(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	nobody := "Nguyễn Văn Không Có Thử"
	tests := []struct {
		name, caller, existing string
		commune                any
	}{
		// Without a purpose the officer may read nobody, so even a
		// resident of the commune is a stranger.
		{"no_purpose_resident", "commune", w.names[w.member], "00004"},
		{"no_purpose_resident_any_commune", "commune", w.names[w.member], nil},
		{"no_purpose_outsider", "commune", w.names[w.outsider], nil},
		{"closed_purpose_resident", "commune_closed", w.names[w.member], "00004"},
		{"unknown_purpose_resident", "commune_unknown", w.names[w.member], "00004"},
		{"other_unit_purpose_resident", "other_commune", w.names[w.member], nil},
		// With a purpose the list holds the dossier's relatives only.
		{"purpose_outsider", "commune_argument", w.names[w.outsider], nil},
		{"purpose_outsider_in_commune", "commune_argument", w.names[w.outsider], "20194"},
		{"header_purpose_outsider", "commune_header", w.names[w.outsider], nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			vars := func(name string) map[string]any {
				return map[string]any{"n": name, "c": tt.commune, "p": c.purpose}
			}
			existing := rawQuery(t, w.env, c, citizenSearch, vars(tt.existing))
			missing := rawQuery(t, w.env, c, citizenSearch, vars(nobody))
			if !bytes.Equal(existing, missing) {
				t.Errorf("responses differ:\nexisting %s\nmissing  %s", existing, missing)
			}
		})
	}
}

// TestProvinceSearchRevealsNoOutsider checks that a province officer's name
// search returns the same response for a citizen living outside the
// province as for a name no citizen bears. That holds for an applicant of
// one of the province's dossiers too, whom citizen(id) still serves.
func TestProvinceSearchRevealsNoOutsider(t *testing.T) {
	testenv.ForEachEngine(t, provinceSearchRevealsNoOutsider)
}

func provinceSearchRevealsNoOutsider(t *testing.T, engine sqldb.Engine) {
	w := newAccessWorldOn(t, engine)
	applicantName := "Hoàng Văn Nộp Đơn Thử"
	applicant := w.fixture.Citizen(testenv.Person{FullName: applicantName, CommuneCode: "20194"})
	w.fixture.Dossier("1.001193", applicant, "2026-11-21", "processing")
	callers := w.callers(t)
	nobody := "Nguyễn Văn Không Có Thử"
	tests := []struct {
		name, caller, existing string
		commune                any
	}{
		{"outsider", "province01", w.names[w.outsider], nil},
		// 20194 is in Đà Nẵng, where the outsider lives.
		{"outsider_foreign_commune", "province01", w.names[w.outsider], "20194"},
		{"applicant_living_elsewhere", "province01", applicantName, nil},
		{"resident_of_other_province", "province79", w.names[w.member], nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			vars := func(name string) map[string]any {
				return map[string]any{"n": name, "c": tt.commune}
			}
			existing := rawQuery(t, w.env, c, citizenSearch, vars(tt.existing))
			missing := rawQuery(t, w.env, c, citizenSearch, vars(nobody))
			if !bytes.Equal(existing, missing) {
				t.Errorf("responses differ:\nexisting %s\nmissing  %s", existing, missing)
			}
		})
	}

	t.Run("applicant_by_id", func(t *testing.T) {
		resp := callers["province01"].query(t, w.env, `{ citizen(id: "`+applicant+`") { id } }`, nil)
		expectCitizen(t, resp, []any{"citizen"}, applicant)
	})
}

func TestCitizenSearchWithoutPurposeIsForbidden(t *testing.T) {
	w := newAccessWorld(t)
	c := w.callers(t)["commune"]
	resp := c.query(t, w.env, citizenSearch, map[string]any{"n": w.names[w.member], "c": "00004"})
	expectForbidden(t, resp, []any{"citizens"})
	if len(resp.Errors) != 1 {
		t.Errorf("got %d errors, want one at citizens: %+v", len(resp.Errors), resp.Errors)
	}
	msg := resp.Errors[0].Message
	for _, want := range []string{"unit 00004", "purpose", "X-Purpose-Dossier", "open dossier"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

// TestCitizenSearchServesLawfulCallers checks what each caller finds: a
// commune officer with a purpose finds the dossier's applicant and
// relatives, a province officer the province's residents, and a central
// officer everyone.
func TestCitizenSearchServesLawfulCallers(t *testing.T) {
	testenv.ForEachEngine(t, citizenSearchServesLawfulCallers)
}

func citizenSearchServesLawfulCallers(t *testing.T, engine sqldb.Engine) {
	w := newAccessWorldOn(t, engine)
	// The namesake bears the member's name and lives in Đà Nẵng.
	namesake := w.fixture.Citizen(testenv.Person{FullName: w.names[w.member], CommuneCode: "20194"})
	callers := w.callers(t)
	tests := []struct {
		name, caller string
		filter       map[string]any
		want         []string
	}{
		{"purpose_member", "commune_argument", map[string]any{"n": w.names[w.member]}, []string{w.member}},
		{"purpose_spouse", "commune_argument", map[string]any{"n": w.names[w.spouse]}, []string{w.spouse}},
		{"header_applicant", "commune_header", map[string]any{"n": w.names[w.applicant]}, []string{w.applicant}},
		{"purpose_outsider", "commune_argument", map[string]any{"n": w.names[w.outsider]}, nil},
		// The household of the open dossier's applicant lives in 00004;
		// the spouse lives elsewhere.
		{"purpose_own_commune", "commune_argument", map[string]any{"c": "00004"}, []string{w.applicant, w.member}},
		{"central_outsider", "central", map[string]any{"n": w.names[w.outsider]}, []string{w.outsider}},
		{"central_namesakes", "central", map[string]any{"n": w.names[w.member]}, []string{w.member, namesake}},
		{"central_other_province_commune", "central", map[string]any{"c": "20194"},
			[]string{w.outsider, w.coOwner, w.child, namesake}},
		{"province_resident", "province01", map[string]any{"n": w.names[w.member]}, []string{w.member}},
		{"province_outsider", "province01", map[string]any{"n": w.names[w.outsider]}, nil},
		{"province_own_commune", "province01", map[string]any{"c": "00004"}, []string{w.applicant, w.member}},
		{"province_foreign_commune", "province01", map[string]any{"c": "20194"}, nil},
		{"province_resident_foreign_commune", "province01",
			map[string]any{"n": w.names[w.member], "c": "20194"}, nil},
		{"other_province_resident", "province79", map[string]any{"n": w.names[w.spouse]}, []string{w.spouse}},
		{"other_province_namesakes", "province79", map[string]any{"n": w.names[w.member]}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			vars := map[string]any{"p": c.purpose}
			for k, v := range tt.filter {
				vars[k] = v
			}
			resp := c.query(t, w.env, citizenSearch, vars)
			var data struct {
				Citizens struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			resp.Decode(t, &data)
			got := map[string]bool{}
			for _, e := range data.Citizens.Edges {
				got[e.Node.ID] = true
			}
			for _, id := range tt.want {
				if !got[id] {
					t.Errorf("list lacks %s; data %s", id, resp.Data)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d citizens, want %d; data %s", len(got), len(tt.want), resp.Data)
			}
			if data.Citizens.TotalCount != len(tt.want) {
				t.Errorf("totalCount = %d, want %d", data.Citizens.TotalCount, len(tt.want))
			}
		})
	}
}

func TestCitizenSearchReadsAreAudited(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	query := `query($n: String, $p: ID) { citizens(filter: {name: $n}, purpose: $p) { edges { node { id } } } }`
	tests := []struct {
		name, caller, citizen string
		want                  map[string]string // fields by "citizen purpose"
	}{
		{"purpose", "commune_argument", w.member, map[string]string{w.member + " " + w.openDossier: "id"}},
		{"header", "commune_header", w.member, map[string]string{w.member + " " + w.openDossier: "id"}},
		{"central", "central", w.outsider, map[string]string{w.outsider + " ": "id"}},
		{"province_resident", "province01", w.member, map[string]string{w.member + " ": "id"}},
		{"province_outsider", "province01", w.outsider, map[string]string{}},
		{"no_purpose", "commune", w.member, map[string]string{}},
		{"purpose_outsider", "commune_argument", w.outsider, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(auditEntries(t, w.env.Audit))
			c := callers[tt.caller]
			c.query(t, w.env, query, map[string]any{"n": w.names[tt.citizen], "p": c.purpose})
			expectEntries(t, newEntries(t, w.env.Audit, before), tt.want)
		})
	}
}
