package discrepancy_test

import (
	"context"
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
)

// BenchmarkReportProvince counts every kind over Hồ Chí Minh City, the
// most populous province, in demo data of 20,000 citizens on SQLite.
// Seeding runs before the timer starts.
func BenchmarkReportProvince(b *testing.B) {
	ctx := context.Background()
	dbs, err := sources.Open(ctx, sources.DefaultConfig(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dbs.Close() })
	if _, err := demo.Seed(ctx, dbs, demo.Options{Citizens: 20_000, Seed: 1}, nil); err != nil {
		b.Fatal(err)
	}
	stores := loaders.Stores{
		Population:  population.New(dbs.Population),
		CivilStatus: civilstatus.New(dbs.CivilStatus),
		Business:    business.New(dbs.Business),
		Procedures:  procedures.New(dbs.Procedures),
	}
	units := adminunits.MustLoad()
	req := discrepancy.Request{Unit: discrepancy.ProvinceUnit(units, units.Province("79")), Limit: 20, Count: true}

	b.ResetTimer()
	for b.Loop() {
		if _, err := discrepancy.Report(ctx, stores, units, req); err != nil {
			b.Fatal(err)
		}
	}
}
