package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"lienthong/auth"
	"lienthong/baseline"
	"lienthong/graph"
	"lienthong/loaders"
	"lienthong/resolvers"
	"lienthong/server"
	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/testenv"
)

// benchCase plants one whole case and returns the stores over it and the
// dossier code.
func benchCase(b *testing.B) (loaders.Stores, string) {
	b.Helper()
	env := testenv.New(b, testenv.Options{})
	f := env.Fixture(b)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	f.Procedure("1.000894", "Thủ tục đăng ký kết hôn")
	_, members := f.Household(4)
	applicant := members[0]
	wife := f.Citizen(testenv.Person{FullName: "Trần Thị Hoa", Gender: "female", MaritalStatus: "married"})
	f.Marriage(applicant, wife, "2010-10-10")
	f.Enterprise(applicant)
	f.BusinessHousehold(applicant)
	f.Dossier("1.000894", applicant, "2026-03-05", "returned")
	code := f.Dossier("1.001193", applicant, "2026-11-20", "processing")
	stores := loaders.Stores{
		Population:  population.New(env.DBs.Population),
		CivilStatus: civilstatus.New(env.DBs.CivilStatus),
		Business:    business.New(env.DBs.Business),
		Procedures:  procedures.New(env.DBs.Procedures),
	}
	return stores, code
}

func BenchmarkParseAndValidate(b *testing.B) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{Units: adminunits.MustLoad()}})
	exec := executor.New(schema)
	exec.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	query := server.CaseContextQuery()
	vars := map[string]any{"code": "060.00.30.H75-261126-0001"}

	cases := []struct {
		name  string
		query func(i int) string
	}{
		{"cache_hit", func(int) string { return query }},
		// A comment changes the cache key without changing the work.
		{"cache_miss", func(i int) string { return fmt.Sprintf("%s\n# %d", query, i) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := graphql.StartOperationTrace(context.Background())
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				params := &graphql.RawParams{Query: c.query(i), Variables: vars}
				if _, errs := exec.CreateOperationContext(ctx, params); errs != nil {
					b.Fatal(errs)
				}
			}
		})
	}
}

func BenchmarkCaseContextJSON(b *testing.B) {
	stores, code := benchCase(b)
	floor := &baseline.CaseContext{Stores: stores, Units: adminunits.MustLoad(), Now: func() time.Time { return testenv.Now }}
	data, err := floor.Data(context.Background(), code)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("floor_data", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gateway_response", func(b *testing.B) {
		resp := &graphql.Response{Data: raw, Extensions: map[string]any{"sources": map[string]any{}}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCaseContextRequest(b *testing.B) {
	stores, code := benchCase(b)
	units := adminunits.MustLoad()
	now := func() time.Time { return testenv.Now }
	body, _ := json.Marshal(map[string]any{"query": server.CaseContextQuery(), "variables": map[string]any{"code": code}})

	verifier, err := auth.NewVerifier(auth.VerifierConfig{Secret: testenv.Secret})
	if err != nil {
		b.Fatal(err)
	}
	token := testenv.CentralToken(b)
	handlers := []struct {
		name    string
		path    string
		handler http.Handler
	}{
		{"gateway", "/graphql", server.New(server.Config{Stores: stores, Units: units, Now: now, SourcesExtension: true,
			Auth: verifier, Logger: slog.New(slog.DiscardHandler)})},
		{"gateway_unbatched", "/graphql", server.New(server.Config{Stores: stores, Units: units, Now: now,
			SourcesExtension: true, Dispatch: loaders.Dispatch{Unbatched: true}, Auth: verifier,
			Logger: slog.New(slog.DiscardHandler)})},
		{"raw_floor", baseline.Path, auth.Middleware(verifier, slog.New(slog.DiscardHandler),
			baseline.Handler(&baseline.CaseContext{Stores: stores, Units: units, Now: now}, slog.New(slog.DiscardHandler)))},
	}
	for _, h := range handlers {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, h.path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				h.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
