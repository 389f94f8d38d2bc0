package audit_test

import (
	"context"
	"sync/atomic"
	"testing"

	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// BenchmarkAppendParallel measures the throughput of the trail alone:
// 8 goroutines per GOMAXPROCS (16 on 2 cores) each append batches of 6
// entries, one more than a CaseContext request for a household of 4 and a
// spouse writes. ns/op is the inverse of the number of batches stored per second,
// and cpu-ns/op the processor time of the test process per batch.
func BenchmarkAppendParallel(b *testing.B) {
	for _, engine := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return b.TempDir() + "/audit.db" }},
		{"postgres", func(b *testing.B) string { return testenv.PostgresDB(b) }},
	} {
		b.Run(engine.name, func(b *testing.B) {
			s, err := audit.Open(context.Background(), engine.dsn(b), testenv.AuditKey, sqldb.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next atomic.Int64

			b.SetParallelism(8) // 8 × GOMAXPROCS goroutines
			b.ResetTimer()
			cpu := testenv.ProcessCPU(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(6))
					batch := []audit.Entry{entry(i), entry(i + 1), entry(i + 2), entry(i + 3), entry(i + 4), entry(i + 5)}
					if err := s.Append(context.Background(), batch); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			testenv.ReportCPU(b, cpu)
			if n, err := s.Verify(context.Background()); err != nil || n != int64(6*b.N) {
				b.Errorf("verify = %d, %v; want %d entries", n, err, 6*b.N)
			}
		})
	}
}
