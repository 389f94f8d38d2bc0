package baseline_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"lienthong/auth"
	"lienthong/baseline"
	"lienthong/demo"
	"lienthong/loaders"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// newListFloor seeds demo data for 3,000 citizens on engine and serves the
// gateway and, beside it, the raw dossier list handler over the same
// databases, behind the same credentials and audit trail.
func newListFloor(t *testing.T, engine sqldb.Engine) (*testenv.Env, string) {
	t.Helper()
	dbs := testenv.Sources(t, engine)
	opts := demo.Options{Citizens: 3000, Seed: 7, AsOf: demo.DefaultAsOf}
	if _, err := demo.Seed(context.Background(), dbs, opts, nil); err != nil {
		t.Fatalf("seed: %v", err)
	}
	env := testenv.Serve(t, dbs, testenv.Options{})

	list := &baseline.DossierList{
		Stores: loaders.Stores{
			Population:  population.New(dbs.Population),
			CivilStatus: civilstatus.New(dbs.CivilStatus),
			Business:    business.New(dbs.Business),
			Procedures:  procedures.New(dbs.Procedures),
		},
		Now:   func() time.Time { return testenv.Now },
		Audit: env.Audit,
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Secret: testenv.Secret})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	raw := httptest.NewServer(auth.Middleware(verifier, log, baseline.ListHandler(list, log)))
	t.Cleanup(raw.Close)
	return env, raw.URL + baseline.DossierListPath
}

// newAuditEntries returns the entries appended to the trail since it held
// before entries, oldest first.
func newAuditEntries(t *testing.T, store *audit.Store, before int) []audit.Entry {
	t.Helper()
	all, err := store.List(context.Background(), audit.Filter{}, 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	added := slices.Clone(all[:len(all)-before])
	slices.Reverse(added)
	return added
}

func auditCount(t *testing.T, store *audit.Store) int {
	t.Helper()
	all, err := store.List(context.Background(), audit.Filter{}, 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// reads returns the citizen, purpose and fields of each entry, sorted, so
// that trails written in different orders compare equal.
func reads(entries []audit.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprintf("%s for %s: %s", e.CitizenID, e.Purpose, e.Fields)
	}
	slices.Sort(out)
	return out
}

// The floor's data is compared byte for byte, not as decoded values: the
// floor is meant to cost what the gateway's serialisation costs, so it
// must write the same keys in the same order with the same escaping.
func TestRawDossierListMatchesGateway(t *testing.T) {
	testenv.ForEachEngine(t, rawDossierListMatchesGateway)
}

func rawDossierListMatchesGateway(t *testing.T, engine sqldb.Engine) {
	env, url := newListFloor(t, engine)
	for _, first := range []int{50, 7} {
		t.Run(fmt.Sprintf("first_%d", first), func(t *testing.T) {
			before := auditCount(t, env.Audit)
			gql := env.Query(t, baseline.DossierListQuery, map[string]any{"first": first})
			if len(gql.Errors) > 0 {
				t.Fatalf("gateway errors: %+v", gql.Errors)
			}
			gatewayReads := reads(newAuditEntries(t, env.Audit, before))

			before = auditCount(t, env.Audit)
			got := post(t, url, testenv.CentralToken(t), fmt.Sprintf(`{"variables":{"first":%d}}`, first))
			if got.Status != http.StatusOK || len(got.Errors) > 0 {
				t.Fatalf("raw status %d, errors %+v", got.Status, got.Errors)
			}
			floorEntries := newAuditEntries(t, env.Audit, before)

			if !bytes.Equal(gql.Data, got.Data) {
				t.Errorf("raw data differs from the gateway's\ngateway: %s\nraw:     %s", gql.Data, got.Data)
			}
			if edges := bytes.Count(got.Data, []byte(`"status"`)); edges != first {
				t.Errorf("raw data holds %d dossiers, want %d", edges, first)
			}
			t.Logf("raw %d statements (%v), gateway %d (%s)",
				got.statements(), got.Extensions.Sources, gql.Statements(), gql.StatementsBySource())
			if got.statements() > gql.Statements() {
				t.Errorf("raw ran %d statements, more than the gateway's %d", got.statements(), gql.Statements())
			}
			if len(gatewayReads) == 0 {
				t.Fatal("gateway wrote no audit entries")
			}
			if diff := cmpLines(gatewayReads, reads(floorEntries)); diff != "" {
				t.Errorf("raw audit entries differ from the gateway's:\n%s", diff)
			}
			for _, e := range floorEntries {
				if e.Operation != baseline.DossierListOperation || e.Role != string(auth.CentralOfficer) {
					t.Errorf("entry %+v, want operation %q, role central-officer", e, baseline.DossierListOperation)
				}
			}
		})
	}
}

// cmpLines returns the lines only one of want and got holds, or "".
func cmpLines(want, got []string) string {
	var diff strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&diff, "- %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&diff, "+ %s\n", g)
		}
	}
	if diff.Len() == 0 && len(want) != len(got) {
		return fmt.Sprintf("%d entries, want %d", len(got), len(want))
	}
	return diff.String()
}

func TestRawDossierListRejectsBadInput(t *testing.T) {
	env, url := newListFloor(t, testenv.SQLite)
	token := testenv.CentralToken(t)
	const usage = `send {"variables":{"first":50}}`
	tests := []struct {
		name, body string
		code       string
		want       []string
	}{
		{"not_json", `{"variables":`, "BAD_REQUEST", []string{"ends after 13 bytes", usage}},
		{"first_zero", `{"variables":{"first":0}}`, "INVALID_ARGUMENT",
			[]string{"invalid variables.first 0: must be an integer between 1 and 100", usage}},
		{"first_negative", `{"variables":{"first":-3}}`, "INVALID_ARGUMENT", []string{"invalid variables.first -3:"}},
		{"first_too_large", `{"variables":{"first":101}}`, "INVALID_ARGUMENT", []string{"invalid variables.first 101:"}},
		{"first_beyond_int", `{"variables":{"first":4294967296}}`, "INVALID_ARGUMENT",
			[]string{"invalid variables.first 4294967296:"}},
		{"first_fraction", `{"variables":{"first":2.5}}`, "INVALID_ARGUMENT", []string{"invalid variables.first 2.5:"}},
		{"first_string", `{"variables":{"first":"50"}}`, "INVALID_ARGUMENT",
			[]string{`invalid variables.first "50": must be an integer between 1 and 100`}},
		{"first_long", `{"variables":{"first":"` + strings.Repeat("9", 100_000) + `"}}`, "INVALID_ARGUMENT",
			[]string{`invalid variables.first "` + strings.Repeat("9", 63) + `… (100002 characters)`}},
		{"variables_not_object", `{"variables":[50]}`, "BAD_REQUEST",
			[]string{`invalid "variables": expected a JSON object, got an array [50]`, usage}},
		{"unknown_after", `{"variables":{"first":5,"after":"x"}}`, "INVALID_ARGUMENT",
			[]string{`unknown variable "after": this endpoint accepts only variables.first`, usage}},
		{"unknown_two", `{"variables":{"filter":{},"after":"x"}}`, "INVALID_ARGUMENT",
			[]string{`unknown variables "after", "filter"`}},
		{"trailing_object", `{"variables":{"first":5}}{}`, "BAD_REQUEST",
			[]string{"unexpected data after the JSON object at byte offset 25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := auditCount(t, env.Audit)
			got := post(t, url, token, tt.body)
			if got.Status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", got.Status)
			}
			if len(got.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", got.Errors)
			}
			for _, want := range tt.want {
				if !strings.Contains(got.Errors[0].Message, want) {
					t.Errorf("message %.300q does not contain %q", got.Errors[0].Message, want)
				}
			}
			if len(got.Errors[0].Message) > 300 {
				t.Errorf("message is %d bytes long, want at most 300", len(got.Errors[0].Message))
			}
			if code := got.Errors[0].Extensions["code"]; code != tt.code {
				t.Errorf("code = %v, want %s", code, tt.code)
			}
			if n := auditCount(t, env.Audit) - before; n != 0 {
				t.Errorf("wrote %d audit entries for a rejected request", n)
			}
		})
	}
}

func TestRawDossierListDefaultsToGatewayPageSize(t *testing.T) {
	env, url := newListFloor(t, testenv.SQLite)
	gql := env.Query(t, baseline.DossierListQuery, nil)
	if len(gql.Errors) > 0 {
		t.Fatalf("gateway errors: %+v", gql.Errors)
	}
	for _, body := range []string{`{}`, `{"variables":{}}`, `{"variables":{"first":null}}`} {
		got := post(t, url, testenv.CentralToken(t), body)
		if got.Status != http.StatusOK {
			t.Fatalf("body %s: status %d, errors %+v", body, got.Status, got.Errors)
		}
		if !bytes.Equal(gql.Data, got.Data) {
			t.Errorf("body %s: raw data differs from the gateway's without first", body)
		}
	}
}

func TestRawDossierListNeedsCentralOfficer(t *testing.T) {
	_, url := newListFloor(t, testenv.SQLite)
	commune := testenv.Token(t, auth.Principal{ID: "o-00004", Role: auth.CommuneOfficer, Unit: "00004"})
	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"anonymous", "", http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"commune_officer", commune, http.StatusForbidden, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := post(t, url, tt.token, `{"variables":{"first":5}}`)
			if got.Status != tt.status {
				t.Errorf("status = %d, want %d", got.Status, tt.status)
			}
			if len(got.Data) != 0 && string(got.Data) != "null" {
				t.Errorf("data = %s, want none", got.Data)
			}
			if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != tt.code {
				t.Errorf("errors = %+v, want one %s", got.Errors, tt.code)
			}
		})
	}
}
