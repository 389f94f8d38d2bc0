package server_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// The members' births, marriages and deaths are read with a lookup of
// those registrations alone when the query selects nothing else of their
// civil status. The head is also the father on the children's births, so
// that lookup must leave those out and return what the lookup of every
// registration returns.
func TestLifeEventsMatchFullCivilStatus(t *testing.T) {
	testenv.ForEachEngine(t, lifeEventsMatchFullCivilStatus)
}

func lifeEventsMatchFullCivilStatus(t *testing.T, engine sqldb.Engine) {
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

	wife := f.Citizen(testenv.Person{FullName: "Trần Thị Hoa", Gender: "female", MaritalStatus: "married"})
	f.Marriage(head, wife, "2010-10-10")
	f.Death(members[2], "2020-02-02")

	const query = `query($id: ID!) { citizen(id: $id) { household { members { citizen {
		id civilStatus {
			birth { id registrationNumber registeredOn childName child { id } father { id } }
			marriages { id registeredOn spouse { id } }
			death { id registeredOn }
			%s
		}
	} } } } }`
	lifeEvents := env.Query(t, fmt.Sprintf(query, ""), map[string]any{"id": head})
	full := env.Query(t, fmt.Sprintf(query, "all { __typename }"), map[string]any{"id": head})
	if len(lifeEvents.Errors)+len(full.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", lifeEvents.Errors, full.Errors)
	}

	events := func(r *testenv.Response) []string {
		var data struct {
			Citizen struct {
				Household struct {
					Members []struct {
						Citizen struct {
							ID          string
							CivilStatus struct{ Birth, Marriages, Death json.RawMessage }
						}
					}
				}
			}
		}
		r.Decode(t, &data)
		var out []string
		for _, m := range data.Citizen.Household.Members {
			cs := m.Citizen.CivilStatus
			out = append(out, fmt.Sprintf("%s birth %s marriages %s death %s",
				m.Citizen.ID, cs.Birth, cs.Marriages, cs.Death))
		}
		return out
	}
	got, want := events(lifeEvents), events(full)
	if len(got) != 3 {
		t.Fatalf("life-event query returned %d members, want 3: %v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("member %d: life-event query returned %s, full query %s", i, got[i], want[i])
		}
	}
	if n := lifeEvents.Statements(); n > full.Statements() {
		t.Errorf("life-event query ran %d statements (%s), more than the full query's %d (%s)",
			n, lifeEvents.StatementsBySource(), full.Statements(), full.StatementsBySource())
	}
}
