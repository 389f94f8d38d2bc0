package server_test

import (
	"context"
	"testing"

	"lienthong/demo"
	"lienthong/server"
	"lienthong/testenv"
)

// BenchmarkCaseContext runs the CaseContext query for the showcase dossier
// of 3,000 generated citizens over HTTP, on each engine. Run it with
// go test ./server -run '^$' -bench CaseContext.
func BenchmarkCaseContext(b *testing.B) {
	for _, engine := range testenv.Engines {
		b.Run(string(engine), func(b *testing.B) {
			dbs := testenv.Sources(b, engine)
			summary, err := demo.Seed(context.Background(), dbs, demo.Options{Citizens: 3000, Seed: 7}, nil)
			if err != nil {
				b.Fatalf("seed: %v", err)
			}
			env := testenv.Serve(b, dbs, testenv.Options{})
			variables := map[string]any{"code": summary.ShowcaseDossier}

			for b.Loop() {
				resp := env.Query(b, server.CaseContextQuery(), variables)
				if len(resp.Errors) > 0 {
					b.Fatalf("errors: %+v", resp.Errors)
				}
			}
		})
	}
}
