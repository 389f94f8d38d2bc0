package server_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// The members' births are read with a lookup of births alone when the
// query selects nothing else of their civil status. The head is also the
// father on the children's births, so that lookup must leave those out and
// return what the lookup of every registration returns.
func TestBirthOnlyMatchesFullCivilStatus(t *testing.T) {
	testenv.ForEachEngine(t, birthOnlyMatchesFullCivilStatus)
}

func birthOnlyMatchesFullCivilStatus(t *testing.T, engine sqldb.Engine) {
	env, f := newEnvWithProcedures(t, engine)
	_, members := f.Household(3)
	head := members[0]
	civil := env.DBs.CivilStatus.X()
	for _, child := range members[1:] {
		var reg int64
		if err := civil.Get(&reg, civil.Rebind(`SELECT registration_id FROM registration_parties
			WHERE citizen_id = ? AND role = 'child'`), child); err != nil {
			t.Fatal(err)
		}
		testenv.Insert(t, env.DBs.CivilStatus, "registration_parties",
			map[string]any{"registration_id": reg, "citizen_id": head, "role": "father", "full_name": "Cha"})
	}

	const query = `query($id: ID!) { citizen(id: $id) { household { members { citizen {
		id civilStatus { birth { id registrationNumber registeredOn childName child { id } father { id } } %s }
	} } } } }`
	birthOnly := env.Query(t, fmt.Sprintf(query, ""), map[string]any{"id": head})
	full := env.Query(t, fmt.Sprintf(query, "all { __typename }"), map[string]any{"id": head})
	if len(birthOnly.Errors)+len(full.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", birthOnly.Errors, full.Errors)
	}

	births := func(r *testenv.Response) []string {
		var data struct {
			Citizen struct {
				Household struct {
					Members []struct {
						Citizen struct {
							ID          string
							CivilStatus struct{ Birth json.RawMessage }
						}
					}
				}
			}
		}
		r.Decode(t, &data)
		var out []string
		for _, m := range data.Citizen.Household.Members {
			out = append(out, m.Citizen.ID+" "+string(m.Citizen.CivilStatus.Birth))
		}
		return out
	}
	got, want := births(birthOnly), births(full)
	if len(got) != 3 {
		t.Fatalf("birth-only query returned %d members, want 3: %v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("member %d: birth-only query returned %s, full query %s", i, got[i], want[i])
		}
	}
	if n := birthOnly.Statements(); n > full.Statements() {
		t.Errorf("birth-only query ran %d statements (%s), more than the full query's %d (%s)",
			n, birthOnly.StatementsBySource(), full.Statements(), full.StatementsBySource())
	}
}
