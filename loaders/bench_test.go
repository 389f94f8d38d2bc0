package loaders_test

import (
	"context"
	"testing"
	"time"

	"lienthong/loaders"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/testenv"
)

// BenchmarkCitizenBatch loads 100 citizens through a fresh Citizen loader
// per iteration: one statement on SQLite, plus the scheduler's quiet spell.
func BenchmarkCitizenBatch(b *testing.B) {
	env := testenv.New(b, testenv.Options{})
	f := env.Fixture(b)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = f.Citizen(testenv.Person{FullName: "Nguyễn Văn An"})
	}
	stores := loaders.Stores{
		Population:  population.New(env.DBs.Population),
		CivilStatus: civilstatus.New(env.DBs.CivilStatus),
		Business:    business.New(env.DBs.Business),
		Procedures:  procedures.New(env.DBs.Procedures),
	}
	ctx := context.Background()

	b.ReportAllocs()
	for b.Loop() {
		l := loaders.New(stores, loaders.Dispatch{Idle: 100 * time.Microsecond, MaxWait: time.Second})
		citizens, errs := l.Citizen.LoadMany(ctx, ids)()
		if errs != nil {
			b.Fatal(errs)
		}
		if citizens[99] == nil {
			b.Fatal("citizen 99 not found")
		}
	}
}
