package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"lienthong/server"
	"lienthong/testenv"
)

var (
	spansOnce sync.Once
	spans     *tracetest.InMemoryExporter
)

// recordSpans installs, once per test binary, a global trace provider that
// keeps every ended span in memory, and empties it. The global provider can
// be replaced only once for tracers obtained at package initialisation.
func recordSpans(t *testing.T) *tracetest.InMemoryExporter {
	t.Helper()
	spansOnce.Do(func() {
		spans = tracetest.NewInMemoryExporter()
		otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	})
	spans.Reset()
	return spans
}

// spanNamed returns the first span called name, failing when none is.
func spanNamed(t *testing.T, all tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	t.Fatalf("no span named %q among %v", name, names)
	return tracetest.SpanStub{}
}

func attr(s tracetest.SpanStub, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func TestQueryProducesSpans(t *testing.T) {
	exporter := recordSpans(t)
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	code := plantCase(t, env, f, 3)
	exporter.Reset()

	resp := env.Query(t, server.CaseContextQuery(), map[string]any{"code": code})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors = %+v", resp.Errors)
	}
	all := exporter.GetSpans()

	httpSpan := spanNamed(t, all, "POST /graphql")
	operation := spanNamed(t, all, "query CaseContext")
	if operation.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("operation span's parent is not the HTTP span")
	}
	if v, _ := attr(operation, "graphql.operation.name"); v.AsString() != "CaseContext" {
		t.Errorf("graphql.operation.name = %q, want CaseContext", v.AsString())
	}

	batch := spanNamed(t, all, "loaders.Dossier")
	if batch.SpanContext.TraceID() != httpSpan.SpanContext.TraceID() {
		t.Errorf("batch span is in another trace than the request")
	}
	for key, want := range map[string]string{"lienthong.source": "procedures", "lienthong.loader": "Dossier"} {
		if v, _ := attr(batch, key); v.AsString() != want {
			t.Errorf("batch span %s = %q, want %q", key, v.AsString(), want)
		}
	}
	if v, _ := attr(batch, "lienthong.batch_size"); v.AsInt64() != 1 {
		t.Errorf("batch span lienthong.batch_size = %d, want 1", v.AsInt64())
	}

	// The household's members are loaded in one batch after the
	// applicant's own.
	var members, statement tracetest.SpanStub
	for _, s := range all {
		if v, _ := attr(s, "lienthong.batch_size"); s.Name == "loaders.Citizen" && v.AsInt64() >= 2 {
			members = s
		}
	}
	if !members.SpanContext.IsValid() {
		t.Fatalf("no loaders.Citizen span with the household's members together")
	}
	for _, s := range all {
		if s.Name == "sources.population.citizens_by_id" && s.Parent.SpanID() == members.SpanContext.SpanID() {
			statement = s
		}
	}
	if !statement.SpanContext.IsValid() {
		t.Fatalf("no sources.population.citizens_by_id span below the members' batch span")
	}
	text, ok := attr(statement, "db.statement")
	if !ok || !strings.Contains(text.AsString(), "FROM citizens WHERE id = ANY(?)") {
		t.Errorf("db.statement = %q, want the query with its placeholder", text.AsString())
	}
	if v, _ := attr(statement, "lienthong.batch_size"); v.AsInt64() < 2 {
		t.Errorf("statement lienthong.batch_size = %d, want at least 2", v.AsInt64())
	}

	// No span may carry a value the request bound: the dossier code or a
	// citizen's id or name.
	var data struct {
		Dossier struct{ Applicant struct{ ID, FullName string } }
	}
	resp.Decode(t, &data)
	secrets := []string{code, data.Dossier.Applicant.ID, data.Dossier.Applicant.FullName}
	for _, s := range all {
		for _, kv := range s.Attributes {
			for _, secret := range secrets {
				if strings.Contains(kv.Value.Emit(), secret) {
					t.Errorf("span %s attribute %s = %q contains the bound value %q", s.Name, kv.Key, kv.Value.Emit(), secret)
				}
			}
		}
	}
}

func TestMetricsAfterQuery(t *testing.T) {
	env, f := newEnvWithProcedures(t, testenv.SQLite)
	code := plantCase(t, env, f, 2)
	env.Query(t, server.CaseContextQuery(), map[string]any{"code": code})
	env.Query(t, `query Rejected { a: provinces { code } b: provinces { code } }`, nil)
	env.Query(t, `{ provinces { code } }`, nil)
	body := get(t, env.Server.URL+"/metrics", http.StatusOK)

	for _, series := range []string{
		`lienthong_graphql_requests_total{operation="CaseContext"}`,
		`lienthong_graphql_requests_total{operation="anonymous"}`,
		`lienthong_graphql_request_duration_seconds_count{operation="CaseContext"}`,
		`lienthong_source_statements_total{source="population",statement="citizens_by_id"}`,
		`lienthong_source_statement_duration_seconds_count{source="business"}`,
		`lienthong_loader_batch_size_bucket{loader="Citizen",source="population",le="5"}`,
		`lienthong_source_breaker_state{source="procedures"} 0`,
		`go_sql_max_open_connections{db_name="population"} 8`,
		`go_sql_open_connections{db_name="business"}`,
	} {
		if !strings.Contains(body, series) {
			t.Errorf("/metrics has no series %s", series)
		}
	}
}

func TestMetricsCountErrorsByCode(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limits: server.Limits{MaxAliases: 1}})
	env.Query(t, `query TooManyAliases { a: provinces { code } b: provinces { code } }`, nil)
	body := get(t, env.Server.URL+"/metrics", http.StatusOK)
	want := `lienthong_graphql_errors_total{code="LIMIT_EXCEEDED",operation="TooManyAliases"}`
	if !strings.Contains(body, want) {
		t.Errorf("/metrics has no series %s", want)
	}
}

func TestHealthz(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	body := get(t, env.Server.URL+"/healthz", http.StatusOK)
	if !strings.Contains(body, `"alive"`) {
		t.Errorf("body = %s, want status alive", body)
	}
}

func TestReadyzNamesFailingSource(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	var ready struct {
		Status  string
		Sources map[string]struct {
			Ready   bool
			Breaker string
			Error   string
		}
	}
	if err := json.Unmarshal([]byte(get(t, env.Server.URL+"/readyz", http.StatusOK)), &ready); err != nil {
		t.Fatal(err)
	}
	if ready.Status != "ready" || len(ready.Sources) != 4 {
		t.Errorf("readyz = %+v, want ready with four sources", ready)
	}

	// An applied migration goes missing from civil status, and business
	// closes.
	if _, err := env.DBs.CivilStatus.X().Exec(`DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	env.DBs.Business.Close()

	ready.Sources = nil
	if err := json.Unmarshal([]byte(get(t, env.Server.URL+"/readyz", http.StatusServiceUnavailable)), &ready); err != nil {
		t.Fatal(err)
	}
	if ready.Status != "unavailable" {
		t.Errorf("status = %q, want unavailable", ready.Status)
	}
	if s := ready.Sources["business"]; s.Ready || !strings.Contains(s.Error, "ping failed") {
		t.Errorf("business = %+v, want not ready with a ping error", s)
	}
	if s := ready.Sources["civilstatus"]; s.Ready || !strings.Contains(s.Error, "schema version is") {
		t.Errorf("civilstatus = %+v, want not ready with a schema version error", s)
	}
	if s := ready.Sources["population"]; !s.Ready || s.Breaker != "closed" {
		t.Errorf("population = %+v, want ready with a closed breaker", s)
	}
}

func TestRedactMasksDSNPassword(t *testing.T) {
	got := server.Redact(`connect to postgres://lienthong:s3cr%40t@db.internal:5432/population?sslmode=require: refused`)
	if strings.Contains(got, "s3cr") {
		t.Errorf("Redact = %q, still has the password", got)
	}
	if !strings.Contains(got, "postgres://lienthong:xxxxx@db.internal:5432/population") {
		t.Errorf("Redact = %q, want the user, host and database kept", got)
	}
	got = server.Redact(`postgres://db.internal/population?sslmode=require&password=s3cret&user=x`)
	if want := `postgres://db.internal/population?sslmode=require&password=xxxxx&user=x`; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

// get fetches url and returns the body, failing unless the status is want.
func get(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("get %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("get %s: status %d, want %d\n%s", url, resp.StatusCode, want, body)
	}
	return string(body)
}
