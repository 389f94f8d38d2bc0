package server_test

import (
	"testing"
	"time"

	"lienthong/loaders"
	"lienthong/server"
	"lienthong/testenv"
)

// BenchmarkCaseContextAudit measures the throughput of the CaseContext
// query for a central officer with the audit trail off, in a SQLite file,
// and in a PostgreSQL database. The sources are SQLite files in every mode.
// Requests run 8 per GOMAXPROCS at a time (16 on 2 cores), so ns/op is the
// inverse of throughput rather than one request's latency. cpu-ns/op is the
// processor time of the test process, server and clients, per request. Loader batches wait at most 1ms, so the
// loaders' waiting does not hide the audit write.
func BenchmarkCaseContextAudit(b *testing.B) {
	for _, mode := range []struct {
		name  string
		trail func(b *testing.B) testenv.Options
	}{
		{"audit_off", func(*testing.B) testenv.Options { return testenv.Options{NoAudit: true} }},
		{"audit_sqlite", func(*testing.B) testenv.Options { return testenv.Options{} }},
		{"audit_postgres", func(b *testing.B) testenv.Options {
			return testenv.Options{AuditDSN: testenv.PostgresDB(b)}
		}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			opts := mode.trail(b)
			opts.Dispatch = loaders.Dispatch{Idle: 100 * time.Microsecond, MaxWait: time.Millisecond}
			env := testenv.New(b, opts)
			f := env.Fixture(b)
			f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
			f.Procedure("1.000894", "Thủ tục đăng ký kết hôn")
			code := plantCaseB(env, f, 4)
			token := testenv.CentralToken(b)
			vars := map[string]any{"code": code}

			b.SetParallelism(8) // 8 × GOMAXPROCS goroutines
			b.ResetTimer()
			cpu := testenv.ProcessCPU(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp := env.QueryAs(b, token, server.CaseContextQuery(), vars)
					if len(resp.Errors) != 0 {
						b.Errorf("errors: %+v", resp.Errors)
						return
					}
				}
			})
			testenv.ReportCPU(b, cpu)
		})
	}
}

// plantCaseB plants the same case as plantCase, for benchmarks.
func plantCaseB(env *testenv.Env, f *testenv.Fixture, size int) string {
	_, members := f.Household(size)
	applicant := members[0]
	wife := f.Citizen(testenv.Person{FullName: "Trần Thị Hoa", Gender: "female", MaritalStatus: "married"})
	f.Marriage(applicant, wife, "2010-10-10")
	f.Enterprise(applicant)
	f.BusinessHousehold(applicant)
	return f.Dossier("1.001193", applicant, "2026-11-20", "processing")
}
