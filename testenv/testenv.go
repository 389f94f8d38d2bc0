// Package testenv starts the gateway for tests: four real SQLite databases
// in a temporary folder, migrated, behind a real HTTP server.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"lienthong/loaders"
	"lienthong/server"
	"lienthong/sources"
	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/sqldb"
)

// Now is the fixed clock of test servers, the day after the demo data's
// reference day.
var Now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// Env is a running test gateway.
type Env struct {
	DBs    *sources.DBs
	Server *httptest.Server
}

// Options tunes New.
type Options struct {
	// Dispatch overrides when loaders run their batches.
	Dispatch loaders.Dispatch
	// SourceOptions sets the statement timeout and circuit breaker of
	// every source.
	SourceOptions sqldb.Options
	// Limits overrides the request limits; zero fields keep the defaults.
	Limits server.Limits
}

// New opens fresh, migrated SQLite sources in t.TempDir and serves them.
// The sources extension is on, so responses report statement counts.
func New(t testing.TB, opts Options) *Env {
	t.Helper()
	ctx := context.Background()
	cfg := sources.DefaultConfig(t.TempDir())
	for _, src := range []*sources.Source{&cfg.Population, &cfg.CivilStatus, &cfg.Business, &cfg.Procedures} {
		src.Options = opts.SourceOptions
	}
	dbs, err := sources.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open sources: %v", err)
	}
	t.Cleanup(func() { dbs.Close() })

	handler := server.New(server.Config{
		Stores: loaders.Stores{
			Population:  population.New(dbs.Population),
			CivilStatus: civilstatus.New(dbs.CivilStatus),
			Business:    business.New(dbs.Business),
			Procedures:  procedures.New(dbs.Procedures),
		},
		Units:            adminunits.MustLoad(),
		Now:              func() time.Time { return Now },
		Dispatch:         opts.Dispatch,
		SourcesExtension: true,
		Introspection:    true,
		Limits:           opts.Limits,
		DBs:              dbs.All(),
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &Env{DBs: dbs, Server: srv}
}

// Response is a decoded GraphQL response.
type Response struct {
	Data       json.RawMessage `json:"data"`
	Errors     []Error         `json:"errors"`
	Extensions struct {
		Sources map[string]sqldb.SourceStats `json:"sources"`
	} `json:"extensions"`
	// Status is the HTTP status code.
	Status int `json:"-"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Statements returns the number of statements the request ran, over all
// sources.
func (r *Response) Statements() int {
	n := 0
	for _, s := range r.Extensions.Sources {
		n += s.Statements
	}
	return n
}

// StatementsBySource returns the statement count of each source, as
// "name=count" sorted by name, for readable test failures.
func (r *Response) StatementsBySource() string {
	var parts []string
	for name, s := range r.Extensions.Sources {
		parts = append(parts, name+"="+itoa(s.Statements))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Query posts a GraphQL operation and decodes the response.
func (e *Env) Query(t testing.TB, query string, variables map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	return e.Post(t, "application/json", body)
}

// Post sends a raw body to /graphql and decodes the response.
func (e *Env) Post(t testing.TB, contentType string, body []byte) *Response {
	t.Helper()
	resp, err := http.Post(e.Server.URL+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &Response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", resp.StatusCode, err, raw)
	}
	return out
}

// Decode unmarshals the response data into v, failing on GraphQL errors.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// Insert adds rows to a table. Each row maps column names to values.
func Insert(t testing.TB, db *sqldb.DB, table string, rows ...map[string]any) {
	t.Helper()
	for _, row := range rows {
		cols := make([]string, 0, len(row))
		for c := range row {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		args := make([]any, len(cols))
		for i, c := range cols {
			args[i] = row[c]
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
		query := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + marks + ")"
		if _, err := db.X().Exec(db.X().Rebind(query), args...); err != nil {
			t.Fatalf("insert into %s: %v", table, err)
		}
	}
}
