package server_test

import (
	"context"
	"testing"

	"lienthong/demo"
	"lienthong/loaders"
	"lienthong/sources"
	"lienthong/testenv"
)

// BenchmarkDossierList runs the 50-dossier list of the dossier-list load
// workload as a central officer, with the audit trail on, over 3,000
// generated citizens on each engine, with batching and without it. The
// server runs in the test process, so -benchmem counts the allocations of
// the whole request, server side included, and cpu-ms/op is the processor
// time of the whole process per request, because ns/op is mostly the
// loaders' waiting. The ratio of the two modes' cpu-ms/op is what batching
// saves. Run it with go test ./server -run '^$' -bench DossierList -benchmem.
func BenchmarkDossierList(b *testing.B) {
	modes := []struct {
		name     string
		dispatch loaders.Dispatch
	}{
		{"batched", loaders.DefaultDispatch},
		{"unbatched", loaders.Dispatch{Unbatched: true}},
	}
	for _, engine := range testenv.Engines {
		dbs := testenv.Sources(b, engine)
		if _, err := demo.Seed(context.Background(), dbs, demo.Options{Citizens: 3000, Seed: 7}, nil); err != nil {
			b.Fatalf("seed: %v", err)
		}
		for _, mode := range modes {
			b.Run(string(engine)+"/"+mode.name, func(b *testing.B) {
				benchmarkDossierList(b, dbs, mode.dispatch)
			})
		}
	}
}

func benchmarkDossierList(b *testing.B, dbs *sources.DBs, dispatch loaders.Dispatch) {
	env := testenv.Serve(b, dbs, testenv.Options{Dispatch: dispatch})
	token := testenv.CentralToken(b)
	variables := map[string]any{"first": 50}

	b.ReportAllocs()
	cpuBefore := testenv.ProcessCPU(b)
	for b.Loop() {
		resp := env.QueryAs(b, token, dossierListQuery, variables)
		if len(resp.Errors) > 0 {
			b.Fatalf("errors: %+v", resp.Errors)
		}
	}
	cpu := testenv.ProcessCPU(b) - cpuBefore
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
