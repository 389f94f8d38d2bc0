package server_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"lienthong/loaders"
	"lienthong/server"
	"lienthong/testenv"
)

func TestUnbatchedMatchesBatchedData(t *testing.T) {
	batched, f := newEnvWithProcedures(t, testenv.SQLite)
	unbatched := testenv.New(t, testenv.Options{Dispatch: loaders.Dispatch{Unbatched: true}})
	g := unbatched.Fixture(t)
	g.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	g.Procedure("1.000894", "Thủ tục đăng ký kết hôn")

	// The fixture numbers records in order, so planting the same cases in
	// both environments gives the same codes and ids.
	var code string
	for i := 0; i < 5; i++ {
		code = plantCase(t, batched, f, 2+i)
		if got := plantCase(t, unbatched, g, 2+i); got != code {
			t.Fatalf("planted %s and %s, want the same code in both environments", code, got)
		}
	}

	queries := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"case_context", server.CaseContextQuery(), map[string]any{"code": code}},
		{"dossier_list", dossierListQuery, map[string]any{"first": 10}},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			want := batched.Query(t, q.query, q.vars)
			got := unbatched.Query(t, q.query, q.vars)
			if len(want.Errors)+len(got.Errors) > 0 {
				t.Fatalf("errors: batched %+v, unbatched %+v", want.Errors, got.Errors)
			}
			if diff := cmp.Diff(string(want.Data), string(got.Data)); diff != "" {
				t.Errorf("data differs (-batched +unbatched):\n%s", diff)
			}
			if got.Statements() <= want.Statements() {
				t.Errorf("unbatched ran %d statements, batched %d; want more without batching",
					got.Statements(), want.Statements())
			}
			t.Logf("statements: batched %d, unbatched %d", want.Statements(), got.Statements())
		})
	}
}
