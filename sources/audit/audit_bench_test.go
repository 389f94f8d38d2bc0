package audit_test

import (
	"context"
	"fmt"
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
	forEachTrail(b, func(b *testing.B, s *audit.Store) {
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

// BenchmarkAppendRequest measures one request's append of 200 entries, as
// a central officer's 50-dossier list writes: 4 reads of each of 50
// citizens, appended one request at a time. cpu-ns/op is the processor
// time of the test process per request.
func BenchmarkAppendRequest(b *testing.B) {
	forEachTrail(b, func(b *testing.B, s *audit.Store) {

		// 60 pages of 50 citizens cover the 3,000 citizens, so the
		// benchmark touches every part of the citizen index.
		requests := make([][]audit.Entry, 60)
		for i := range requests {
			requests[i] = make([]audit.Entry, 200)
			for j := range requests[i] {
				requests[i][j] = listEntry(i, j)
			}
		}
		b.ResetTimer()
		cpu := testenv.ProcessCPU(b)
		for i := range b.N {
			if err := s.Append(context.Background(), requests[i%len(requests)]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		testenv.ReportCPU(b, cpu)
		if n, err := s.Verify(context.Background()); err != nil || n != int64(200*b.N) {
			b.Errorf("verify = %d, %v; want %d entries", n, err, 200*b.N)
		}
	})
}

// forEachTrail runs bench as a sub-benchmark on a new trail in SQLite and
// in PostgreSQL.
func forEachTrail(b *testing.B, bench func(b *testing.B, s *audit.Store)) {
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
			bench(b, s)
		})
	}
}

// listEntry returns entry j of request i of a dossier list: citizen j/4 of
// a page of 50 picked among 3,000, read for one of 4 purposes.
func listEntry(i, j int) audit.Entry {
	citizen := (i*50 + j/4) % 3000
	return audit.Entry{
		At:        fmt.Sprintf("2026-12-01T09:%02d:%02d.%06dZ", i/60%60, i%60, j),
		OfficerID: "central-officer-01", Role: "central-officer",
		CitizenID: fmt.Sprintf("0010850%05d", citizen),
		Fields:    "dateOfBirth,fullName,gender,id,permanentAddress",
		Purpose:   fmt.Sprintf("000.00.%02d.H%02d-261120-%04d", j%4, citizen%63, citizen),
		RequestID: fmt.Sprintf("req-%08x-%04x", i, i%65536),
		Operation: "DossierList",
	}
}
