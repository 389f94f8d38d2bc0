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
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"lienthong/auth"
	"lienthong/loaders"
	"lienthong/server"
	"lienthong/sources"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/sqldb"
)

// Now is the fixed clock of test servers, the day after the demo data's
// reference day.
var Now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// Secret is the HMAC secret test servers verify tokens with.
var Secret = []byte("lienthong-test-secret")

// AuditKey is the key test audit trails are hashed and signed with.
var AuditKey = []byte("lienthong-test-audit-key-of-32-bytes-or-more")

// Env is a running test gateway.
type Env struct {
	DBs    *sources.DBs
	Server *httptest.Server
	// Audit is the audit trail, or nil when Options.NoAudit is set.
	Audit *audit.Store
	// token is the bearer token Query sends: a central officer's, so tests
	// about data see every record.
	token string
}

// Options tunes New.
type Options struct {
	// Dispatch overrides when loaders run their batches.
	Dispatch loaders.Dispatch
	// Engine is the engine of all four sources. Empty means SQLite.
	Engine sqldb.Engine
	// CORSOrigins are the browser origins allowed to call the API.
	CORSOrigins []string
	// NoAudit serves without an audit trail. By default the trail is a
	// SQLite file in the test's temporary folder.
	NoAudit bool
	// AuditDSN puts the audit trail in this database instead, such as a
	// PostgreSQL URL from PostgresDB.
	AuditDSN string
	// NoIntrospection turns schema introspection off.
	NoIntrospection bool
	// GraphiQL is the handler served at / and /graphiql/; nil serves none.
	GraphiQL http.Handler
	// APIKeysFile is passed to the credential verifier.
	APIKeysFile string
	// Configure, when set, changes the server configuration before the
	// server starts, such as to add saved queries.
	Configure func(*server.Config)
	// SourceOptions sets the statement timeout and circuit breaker of
	// every source.
	SourceOptions sqldb.Options
	// Limits overrides the request limits; zero fields keep the defaults.
	Limits server.Limits
}

// The engines New can build the sources on.
const (
	SQLite   = sqldb.SQLite
	Postgres = sqldb.Postgres
)

// Engines lists every engine, SQLite first.
var Engines = []sqldb.Engine{SQLite, Postgres}

// ForEachEngine runs fn as one subtest per engine, named "sqlite" and
// "postgres". The PostgreSQL subtest is skipped, or fails in CI, as
// described at PostgresDB.
func ForEachEngine(t *testing.T, fn func(t *testing.T, engine sqldb.Engine)) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(string(engine), func(t *testing.T) { fn(t, engine) })
	}
}

// Sources opens fresh, migrated sources on engine: SQLite files in
// t.TempDir, or the schemas of a throwaway PostgreSQL database from
// PostgresSources. They are closed when the test ends.
func Sources(t testing.TB, engine sqldb.Engine) *sources.DBs {
	t.Helper()
	return SourcesWith(t, engine, sqldb.Options{})
}

// SourcesWith is Sources with the statement timeout and circuit breaker of
// every source set by options.
func SourcesWith(t testing.TB, engine sqldb.Engine, options sqldb.Options) *sources.DBs {
	t.Helper()
	var cfg sources.Config
	switch engine {
	case SQLite, "":
		cfg = sources.DefaultConfig(t.TempDir())
	case Postgres:
		cfg = PostgresSources(t)
	default:
		t.Fatalf("unknown engine %q: use %q or %q", engine, SQLite, Postgres)
	}
	for _, src := range []*sources.Source{&cfg.Population, &cfg.CivilStatus, &cfg.Business, &cfg.Procedures} {
		src.Options = options
	}
	dbs, err := sources.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s sources: %v", engine, err)
	}
	t.Cleanup(func() { dbs.Close() })
	return dbs
}

// New opens fresh, migrated sources on opts.Engine and serves them. The
// sources extension is on, so responses report statement counts. Requests
// are authenticated with tokens signed with Secret (see Token), and reads
// are audited to a SQLite trail unless Options turn it off.
func New(t testing.TB, opts Options) *Env {
	t.Helper()
	return Serve(t, SourcesWith(t, opts.Engine, opts.SourceOptions), opts)
}

// StableDispatch is the loaders' timing in tests unless Options.Dispatch
// sets another: it waits for a longer quiet spell than production, so that
// sibling fields join one batch even on a loaded machine under the race
// detector, and statement counts are exact.
var StableDispatch = loaders.Dispatch{Idle: 5 * time.Millisecond, MaxWait: 2 * time.Second}

// Serve serves dbs behind a test HTTP server, as New does.
func Serve(t testing.TB, dbs *sources.DBs, opts Options) *Env {
	t.Helper()
	if opts.Dispatch == (loaders.Dispatch{}) {
		opts.Dispatch = StableDispatch
	}
	ctx := context.Background()
	env := &Env{DBs: dbs, token: CentralToken(t)}
	if !opts.NoAudit {
		dsn := opts.AuditDSN
		if dsn == "" {
			dsn = filepath.Join(t.TempDir(), "audit.db")
		}
		var err error
		env.Audit, err = audit.Open(ctx, dsn, AuditKey, sqldb.Options{})
		if err != nil {
			t.Fatalf("open audit trail: %v", err)
		}
		t.Cleanup(func() { env.Audit.Close() })
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{
		Secret: Secret, APIKeysFile: opts.APIKeysFile, UnitInForce: auth.UnitsInForce(adminunits.MustLoad()),
	})
	if err != nil {
		t.Fatalf("credential verifier: %v", err)
	}

	cfg := server.Config{
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
		Introspection:    !opts.NoIntrospection,
		CORSOrigins:      opts.CORSOrigins,
		GraphiQL:         opts.GraphiQL != nil,
		GraphiQLPage:     opts.GraphiQL,
		Auth:             verifier,
		Audit:            env.Audit,
		Limits:           opts.Limits,
		DBs:              dbs.All(),
	}
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	env.Server = httptest.NewServer(server.New(cfg))
	t.Cleanup(env.Server.Close)
	return env
}

// Token mints a token for p, valid for an hour of the real clock, signed
// with Secret.
func Token(t testing.TB, p auth.Principal) string {
	t.Helper()
	token, err := auth.Mint(Secret, p, time.Now(), time.Hour)
	if err != nil {
		t.Fatalf("mint token for %+v: %v", p, err)
	}
	return token
}

// CentralToken returns a token of a central officer with access to
// sensitive fields, for tests about data rather than access.
func CentralToken(t testing.TB) string {
	return Token(t, auth.Principal{ID: "officer-central", Name: "Cán bộ Trung ương", Role: auth.CentralOfficer})
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
	// Body is the response body as received.
	Body []byte `json:"-"`
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

// Query posts a GraphQL operation as a central officer and decodes the
// response. QueryAs sends another caller's token, or none.
func (e *Env) Query(t testing.TB, query string, variables map[string]any) *Response {
	t.Helper()
	return e.QueryAs(t, e.token, query, variables)
}

// QueryAs posts a GraphQL operation with a bearer token and decodes the
// response. An empty token sends no Authorization header.
func (e *Env) QueryAs(t testing.TB, token, query string, variables map[string]any) *Response {
	t.Helper()
	return e.QueryWith(t, map[string]string{"Authorization": "Bearer " + token}, query, variables)
}

// QueryWith posts a GraphQL operation with extra HTTP headers.
func (e *Env) QueryWith(t testing.TB, headers map[string]string, query string, variables map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		if k == "Authorization" && v == "Bearer " {
			continue
		}
		req.Header.Set(k, v)
	}
	return e.do(t, req)
}

// Post sends a raw body to /graphql and decodes the response.
func (e *Env) Post(t testing.TB, contentType string, body []byte) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return e.do(t, req)
}

func (e *Env) do(t testing.TB, req *http.Request) *Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &Response{Status: resp.StatusCode, Body: raw}
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
