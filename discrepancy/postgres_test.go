package discrepancy_test

import (
	"context"
	"strings"
	"testing"

	"lienthong/demo"
	"lienthong/discrepancy"
	"lienthong/loaders"
	"lienthong/sources"
	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/testenv"
)

// TestReportOnPostgres runs the report over demo data on PostgreSQL, so the
// unit-scan indexes and key-list queries are checked on both engines.
func TestReportOnPostgres(t *testing.T) {
	ctx := context.Background()
	cfg := sources.Config{
		Population:  sources.Source{DSN: testenv.PostgresDB(t)},
		CivilStatus: sources.Source{DSN: testenv.PostgresDB(t)},
		Business:    sources.Source{DSN: testenv.PostgresDB(t)},
		Procedures:  sources.Source{DSN: testenv.PostgresDB(t)},
	}
	dbs, err := sources.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open PostgreSQL sources: %v", err)
	}
	t.Cleanup(func() { dbs.Close() })
	sum, err := demo.Seed(ctx, dbs, demo.Options{Citizens: 1000, Seed: 3}, nil)
	if err != nil {
		t.Fatalf("seed demo data: %v", err)
	}

	stores := loaders.Stores{
		Population:  population.New(dbs.Population),
		CivilStatus: civilstatus.New(dbs.CivilStatus),
		Business:    business.New(dbs.Business),
		Procedures:  procedures.New(dbs.Procedures),
	}
	units := adminunits.MustLoad()
	found := map[discrepancy.Kind]int{}
	for _, p := range units.Provinces {
		req := discrepancy.Request{Unit: discrepancy.ProvinceUnit(units, p), Limit: 1, Count: true}
		page, err := discrepancy.Report(ctx, stores, units, req)
		if err != nil {
			t.Fatalf("report over province %s: %v", p.Code, err)
		}
		for k, n := range page.Counts {
			found[k] += n
		}
	}
	for _, kind := range discrepancy.Kinds {
		planted := sum.Drift[strings.ToLower(string(kind))]
		if found[kind] < planted {
			t.Errorf("%s: found %d, planted %d", kind, found[kind], planted)
		}
	}
}
