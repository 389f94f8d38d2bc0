package server_test

import (
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
