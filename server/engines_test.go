package server_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"lienthong/demo"
	"lienthong/server"
	"lienthong/sources"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// seededEnv seeds demo data for 3,000 citizens into fresh sources on engine
// and serves them.
func seededEnv(t *testing.T, engine sqldb.Engine) (*testenv.Env, *demo.Summary) {
	t.Helper()
	return seed(t, testenv.Sources(t, engine))
}

// mixedEnv seeds and serves sources with population on PostgreSQL and the
// rest on SQLite.
func mixedEnv(t *testing.T) (*testenv.Env, *demo.Summary) {
	t.Helper()
	cfg := sources.DefaultConfig(t.TempDir())
	cfg.Population = sources.Source{DSN: testenv.PostgresDB(t)}
	dbs, err := sources.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open mixed sources: %v", err)
	}
	t.Cleanup(func() { dbs.Close() })
	if dbs.Population.Engine() != sqldb.Postgres || dbs.Business.Engine() != sqldb.SQLite {
		t.Fatalf("engines: population %s, business %s", dbs.Population.Engine(), dbs.Business.Engine())
	}
	return seed(t, dbs)
}

func seed(t *testing.T, dbs *sources.DBs) (*testenv.Env, *demo.Summary) {
	t.Helper()
	summary, err := demo.Seed(context.Background(), dbs, demo.Options{Citizens: 3000, Seed: 7, AsOf: demo.DefaultAsOf}, nil)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return testenv.Serve(t, dbs, testenv.Options{Dispatch: testDispatch}), summary
}

// sampleDossiers returns the showcase dossier and every 97th other one, so
// that dossiers of every kind of procedure and status take part.
func sampleDossiers(t *testing.T, dbs *sources.DBs, showcase string) []string {
	t.Helper()
	var all []string
	if err := dbs.Procedures.X().Select(&all, `SELECT code FROM dossiers ORDER BY code`); err != nil {
		t.Fatalf("list dossiers: %v", err)
	}
	codes := []string{showcase}
	for i := 0; i < len(all); i += 97 {
		codes = append(codes, all[i])
	}
	return codes
}

// TestEnginesReturnIdenticalData compares all sources on SQLite with all on
// PostgreSQL and with population alone on PostgreSQL.
func TestEnginesReturnIdenticalData(t *testing.T) {
	lite, liteSummary := seededEnv(t, testenv.SQLite)
	pg, pgSummary := seededEnv(t, testenv.Postgres)
	mixed, _ := mixedEnv(t)
	if liteSummary.ShowcaseDossier != pgSummary.ShowcaseDossier {
		t.Fatalf("showcase dossier: SQLite %s, PostgreSQL %s", liteSummary.ShowcaseDossier, pgSummary.ShowcaseDossier)
	}

	type request struct {
		name      string
		query     string
		variables map[string]any
	}
	var requests []request
	for _, code := range sampleDossiers(t, lite.DBs, liteSummary.ShowcaseDossier) {
		requests = append(requests, request{"CaseContext " + code, server.CaseContextQuery(), map[string]any{"code": code}})
	}
	// Lists ordered by name keys and codes, where a collation difference
	// would show.
	for _, e := range server.Examples() {
		switch e.Name {
		case "CitizenSearch":
			for _, name := range []string{"nguyen", "tran thi", "le van an", "dang"} {
				requests = append(requests, request{e.Name + " " + name, e.Query, map[string]any{"name": name}})
			}
		case "OpenDossiers":
			for _, province := range []string{"01", "79", "48"} {
				requests = append(requests, request{e.Name + " " + province, e.Query, map[string]any{"province": province}})
			}
		case "ProcedureCatalogue":
			requests = append(requests, request{e.Name, e.Query, nil})
		}
	}
	if len(requests) < 20 {
		t.Fatalf("only %d requests; the demo data or the examples changed", len(requests))
	}

	for _, r := range requests {
		want := lite.Query(t, r.query, r.variables)
		got := pg.Query(t, r.query, r.variables)
		if len(want.Errors)+len(got.Errors) > 0 {
			t.Errorf("%s: errors: SQLite %+v, PostgreSQL %+v", r.name, want.Errors, got.Errors)
			continue
		}
		if bytes.Contains(want.Data, []byte(`"dossier":null`)) {
			t.Errorf("%s: no dossier on SQLite", r.name)
		}
		if !bytes.Equal(withoutCursors(want.Data), withoutCursors(got.Data)) {
			t.Errorf("%s: data differs\nSQLite:     %s\nPostgreSQL: %s", r.name, want.Data, got.Data)
		}
		if mixedData := mixed.Query(t, r.query, r.variables); !bytes.Equal(withoutCursors(want.Data), withoutCursors(mixedData.Data)) {
			t.Errorf("%s: data differs\nSQLite: %s\nmixed:  %s (errors %+v)", r.name, want.Data, mixedData.Data, mixedData.Errors)
		}
	}
}

// cursorValue matches the value of a cursor or endCursor field.
var cursorValue = regexp.MustCompile(`("(?:cursor|endCursor)"):"[^"]*"`)

// withoutCursors blanks the cursors in data: sealed cursors take a random
// nonce, so two responses with the same items differ in them.
func withoutCursors(data []byte) []byte {
	return cursorValue.ReplaceAll(data, []byte(`$1:""`))
}
