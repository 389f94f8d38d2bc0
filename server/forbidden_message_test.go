package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestForbiddenErrorsNameNoWithheldCitizen checks that the message of a
// FORBIDDEN error does not contain the personal id that its field withholds.
// Each case reaches a citizen the caller may not read through a record, so
// the id is not in the query and the caller could learn it only from the
// response.
func TestForbiddenErrorsNameNoWithheldCitizen(t *testing.T) {
	w := newRegistrationWorld(t)
	callers := w.personalCallers(t)
	cases := []struct {
		name, caller, query string
		vars                map[string]any
		withheld            string
	}{
		{
			// coOwner is a member of the applicant's enterprise and no
			// relative, so citizenId is null for the applicant's purpose.
			name:   "enterprise_co_owner",
			caller: "commune_argument",
			query: `query($p: ID) { citizen(id: "` + w.applicant + `", purpose: $p) {
				enterprises { enterprise { people { citizenId citizen { id } } } } } }`,
			withheld: w.coOwner,
		},
		{
			name:     "enterprise_representative_to_reporting",
			caller:   "reporting",
			query:    `{ enterprise(code: "` + w.enterprise + `") { name representative { id } } }`,
			withheld: w.applicant,
		},
		{
			name:     "household_by_code_to_other_citizen",
			caller:   "citizen_outsider",
			query:    `{ household(code: "` + w.household + `") { code } }`,
			withheld: w.applicant,
		},
		{
			name:   "household_member_to_citizen",
			caller: "citizen_applicant",
			query: `{ citizen(id: "` + w.applicant + `") {
				household { members { citizenId citizen { id } } } } }`,
			withheld: w.member,
		},
		{
			// The divorce names the ex-wife, whom the dissolved marriage
			// no longer makes the applicant's spouse.
			name:   "divorced_spouse",
			caller: "commune_argument",
			query: `query($p: ID) { citizen(id: "` + w.applicant + `", purpose: $p) {
				civilStatus { divorces { marriage { wife { id } } } } } }`,
			withheld: w.exWife,
		},
		{
			name:   "spouse_to_citizen",
			caller: "citizen_applicant",
			query: `{ citizen(id: "` + w.applicant + `") {
				civilStatus { marriages { spouse { id } } } } }`,
			withheld: w.spouse,
		},
		{
			// The spouse lives in province 79, the applicant in province 01.
			name:   "husband_to_province_without_purpose",
			caller: "province79",
			query: `{ citizen(id: "` + w.spouse + `") {
				civilStatus { marriages { husband { id } } } } }`,
			withheld: w.applicant,
		},
		{
			// A name search without purpose gets one FORBIDDEN error for
			// the whole list.
			name:     "citizen_list_without_purpose",
			caller:   "commune",
			query:    `{ citizens(filter: {communeCode: "00004", name: "` + w.names[w.member] + `"}, first: 100) { edges { node { id } } } }`,
			withheld: w.member,
		},
		{
			name:   "discrepancy_node_without_purpose",
			caller: "commune",
			query: `{ discrepancies(communeCode: "00004", kinds: [MARRIAGE_REGISTERED_BUT_SINGLE]) {
				edges { node { citizenId } } } }`,
			withheld: w.applicant,
		},
		{
			name:     "registration_by_id_to_other_citizen",
			caller:   "citizen_outsider",
			query:    `{ registration(id: "` + strconv.Itoa(w.death) + `") { id } }`,
			withheld: w.deceased,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := callers[tc.caller]
			vars := map[string]any{"p": c.purpose}
			resp := c.query(t, w.env, tc.query, vars)
			if strings.Contains(string(resp.Data), tc.withheld) {
				t.Fatalf("data holds the withheld id %s, so the case tests nothing: %s", tc.withheld, resp.Data)
			}
			forbidden := 0
			for _, e := range resp.Errors {
				if e.Extensions["code"] == "FORBIDDEN" {
					forbidden++
				}
				if strings.Contains(e.Message, tc.withheld) {
					t.Errorf("error at %v names withheld citizen %s: %q", e.Path, tc.withheld, e.Message)
				}
			}
			if forbidden == 0 {
				t.Errorf("no FORBIDDEN error, so the id was not withheld; errors %+v", resp.Errors)
			}
		})
	}
}

// TestForbiddenMessagesSayWhatToDo checks that a refusal names the rule and
// the fix, and that a commune officer's error about another unit's dossier
// names the officer's unit but not the receiving commune.
func TestForbiddenMessagesSayWhatToDo(t *testing.T) {
	w := newAccessWorld(t)
	callers := w.callers(t)
	tests := []struct {
		name, caller, query string
		path                []any
		contains            []string
		excludes            []string
	}{
		{
			name: "commune_without_purpose", caller: "commune",
			query:    `{ citizen(id: "` + w.applicant + `") { id } }`,
			path:     []any{"citizen"},
			contains: []string{"unit 00004", "purpose", "open dossier", "household"},
		},
		{
			name: "purpose_of_other_unit", caller: "other_commune",
			query:    `query($p: ID) { citizen(id: "` + w.applicant + `", purpose: $p) { id } }`,
			path:     []any{"citizen"},
			contains: []string{"unit 00008", w.openDossier},
			excludes: []string{"00004"},
		},
		{
			name: "dossier_of_other_unit", caller: "other_commune",
			query:    `{ dossier(code: "` + w.openDossier + `") { code } }`,
			path:     []any{"dossier"},
			contains: []string{"unit 00008"},
			excludes: []string{"00004"},
		},
		{
			name: "closed_purpose", caller: "commune_closed",
			query:    `query($p: ID) { citizen(id: "` + w.applicant + `", purpose: $p) { id } }`,
			path:     []any{"citizen"},
			contains: []string{"returned", "no longer allows"},
		},
		{
			name: "province_without_purpose", caller: "province79",
			query:    `{ citizen(id: "` + w.applicant + `") { id } }`,
			path:     []any{"citizen"},
			contains: []string{"province officer of 79", "purpose"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callers[tt.caller]
			resp := c.query(t, w.env, tt.query, map[string]any{"p": c.purpose})
			expectForbidden(t, resp, tt.path)
			e := errorAt(resp, tt.path)
			if e == nil {
				return
			}
			for _, want := range tt.contains {
				if !strings.Contains(e.Message, want) {
					t.Errorf("message %q does not contain %q", e.Message, want)
				}
			}
			for _, unwanted := range tt.excludes {
				if strings.Contains(e.Message, unwanted) {
					t.Errorf("message %q contains %q", e.Message, unwanted)
				}
			}
		})
	}
}

// TestMissingRecordsAnswerAsWithheld checks that a caller who may not read
// a record gets the same response for an existing one as for a code or id
// that does not exist, so FORBIDDEN does not reveal existence, and that a
// central officer still gets null without error for a missing one.
func TestMissingRecordsAnswerAsWithheld(t *testing.T) {
	w := newAccessWorld(t)
	f := w.fixture
	// A household, a registration and a dossier of citizens who are no
	// relative of the applicant, outside communes 00004 and 00008.
	household, _ := f.Household(1)
	registration := f.RegistrationIn(w.coOwner, "20194")
	dossier := f.DossierIn("1.001193", w.coOwner, "2026-06-01", "20194")
	f.SetDossier(dossier, "province_code", "48")
	missingCitizen := w.coOwner[:9] + "999"
	missingDossier := dossier[:len(dossier)-4] + "9999"

	roots := []struct {
		name, query       string
		existing, missing any
	}{
		{"citizen", `query($id: ID!, $p: ID) { citizen(id: $id, purpose: $p) { id } }`, w.coOwner, missingCitizen},
		{"household", `query($id: ID!, $p: ID) { household(code: $id, purpose: $p) { code } }`, household, "HK99999999"},
		{"registration", `query($id: ID!, $p: ID) { registration(id: $id, purpose: $p) { id } }`,
			strconv.Itoa(registration), "999999"},
		{"dossier", `query($id: ID!) { dossier(code: $id) { code } }`, dossier, missingDossier},
	}
	callers := w.callers(t)
	central := callers["central"]
	for _, root := range roots {
		resp := central.query(t, w.env, root.query, map[string]any{"id": root.missing})
		if len(resp.Errors) != 0 || lookup(decodeAny(t, resp), []any{root.name}) != nil {
			t.Fatalf("%s %v: central officer got data %s, errors %+v; want null without error",
				root.name, root.missing, resp.Data, resp.Errors)
		}
	}
	for _, root := range roots {
		for _, name := range []string{
			"anonymous", "reporting", "commune", "commune_argument", "commune_unknown",
			"other_commune", "province79", "citizen_applicant", "citizen_outsider",
		} {
			t.Run(root.name+"/"+name, func(t *testing.T) {
				c := callers[name]
				existing := c.query(t, w.env, root.query, map[string]any{"id": root.existing, "p": c.purpose})
				missing := c.query(t, w.env, root.query, map[string]any{"id": root.missing, "p": c.purpose})
				expectForbidden(t, existing, []any{root.name})
				if string(existing.Data) != string(missing.Data) {
					t.Errorf("data: existing %s, missing %s", existing.Data, missing.Data)
				}
				if got, want := fmt.Sprint(missing.Errors), fmt.Sprint(existing.Errors); got != want {
					t.Errorf("errors for a missing %s:\n  %s\nfor an existing one:\n  %s", root.name, got, want)
				}
			})
		}
	}
}
