package savedquery_test

import (
	"bufio"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"lienthong/server"
	"lienthong/testenv"
)

// BenchmarkCSVExport streams DossierExport as CSV over HTTP for a number of
// dossiers and reports the peak heap in use while it runs, sampled every
// millisecond, next to the heap in use before it started. A streaming
// export keeps the peak about the same for 10,000 and 100,000 rows.
//
//	go test -run '^$' -bench CSVExport -benchtime 1x ./savedquery
func BenchmarkCSVExport(b *testing.B) {
	for _, rows := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			reg := loadEmbedded(b)
			env := testenv.New(b, testenv.Options{Configure: func(c *server.Config) { c.SavedQueries = reg }})
			plantDossiers(b, env, rows)

			token := testenv.CentralToken(b)
			for b.Loop() {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				peak := sampleHeap()

				req, err := http.NewRequest(http.MethodGet, env.Server.URL+"/saved/DossierExport?format=csv", nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				lines := 0
				scanner := bufio.NewScanner(resp.Body)
				for scanner.Scan() {
					lines++
				}
				resp.Body.Close()
				maxHeap := peak()
				if err := scanner.Err(); err != nil {
					b.Fatal(err)
				}
				if lines != rows+1 {
					b.Fatalf("CSV has %d lines, want a header and %d rows", lines, rows)
				}
				b.ReportMetric(float64(maxHeap)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(before.HeapInuse)/(1<<20), "start-heap-MiB")
			}
		})
	}
}

// sampleHeap samples HeapInuse until the returned function is called, which
// returns the maximum seen.
func sampleHeap() func() uint64 {
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			max = maxUint(max, m.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return max
	}
}

func maxUint(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// plantDossiers inserts n dossiers in one transaction.
func plantDossiers(b *testing.B, env *testenv.Env, n int) {
	b.Helper()
	db := env.DBs.Procedures.X()
	tx, err := db.Beginx()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Preparex(`INSERT INTO dossiers (code, procedure_code, applicant_id, applicant_name,
		receiving_commune, province_code, channel, status, received_at, due_at)
		VALUES (?, '1.001193', '001085000001', 'Nguyễn Thị Ánh', '00004', '01', 'online', 'processing', ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		received := start.Add(time.Duration(i) * time.Minute)
		if _, err := stmt.Exec(fmt.Sprintf("000.00.04.H01-%07d", i), received.Format(time.RFC3339),
			received.Add(72*time.Hour).Format(time.RFC3339)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
