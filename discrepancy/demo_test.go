package discrepancy_test

import (
	"context"
	"strings"
	"testing"

	"lienthong/demo"
	"lienthong/discrepancy"
	"lienthong/sources/adminunits"
	"lienthong/testenv"
)

// TestReportFindsDemoDrift seeds demo data and checks that the reports over
// all 34 provinces together find at least the drift the generator planted,
// kind by kind. They may find more: a citizen whose residence cites an old
// commune split across two provinces is scanned in both, and the generator
// counts only what it changed, not disagreements that arise by chance.
func TestReportFindsDemoDrift(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	sum, err := demo.Seed(context.Background(), env.DBs, demo.Options{Citizens: 2000, Seed: 7}, nil)
	if err != nil {
		t.Fatalf("seed demo data: %v", err)
	}

	found := map[string]int{}
	q := `query($province: ID) { discrepancies(provinceCode: $province, first: 1) { countsByKind { kind count } } }`
	for _, p := range adminunits.MustLoad().Provinces {
		var r report
		env.Query(t, q, map[string]any{"province": p.Code}).Decode(t, &r)
		for _, c := range r.Discrepancies.CountsByKind {
			found[c.Kind] += c.Count
		}
	}

	for _, kind := range discrepancy.Kinds {
		planted := sum.Drift[strings.ToLower(string(kind))]
		if planted == 0 {
			t.Errorf("%s: the demo planted none; the test cannot check this kind", kind)
		}
		if found[string(kind)] < planted {
			t.Errorf("%s: found %d, planted %d", kind, found[string(kind)], planted)
		}
		t.Logf("%s: planted %d, found %d", kind, planted, found[string(kind)])
	}
	if len(sum.Drift) != len(discrepancy.Kinds) {
		t.Errorf("the demo plants %d kinds, the rules know %d", len(sum.Drift), len(discrepancy.Kinds))
	}
}
