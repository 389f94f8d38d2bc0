package audit_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/testenv"
)

func openSQLite(t *testing.T) *audit.Store {
	t.Helper()
	s, err := audit.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), testenv.AuditKey, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func entry(i int) audit.Entry {
	return audit.Entry{
		At: fmt.Sprintf("2026-12-01T09:00:%02dZ", i%60), OfficerID: "o-1", Role: "central-officer",
		CitizenID: fmt.Sprintf("0010850%05d", i), Fields: "fullName,id", RequestID: fmt.Sprint("r", i),
	}
}

// appendEntries appends n entries, one transaction each.
func appendEntries(t *testing.T, s *audit.Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if err := s.Append(context.Background(), []audit.Entry{entry(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func exec(t *testing.T, s *audit.Store, query string, args ...any) {
	t.Helper()
	if _, err := s.DB().X().Exec(s.DB().X().Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestVerifyIntactChain(t *testing.T) {
	s := openSQLite(t)
	appendEntries(t, s, 5)
	if err := s.Append(context.Background(), []audit.Entry{entry(6), entry(7)}); err != nil {
		t.Fatal(err)
	}
	n, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n != 7 {
		t.Errorf("verified %d entries, want 7", n)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, s *audit.Store)
		broken int64
	}{
		{"edited_field", func(t *testing.T, s *audit.Store) {
			exec(t, s, `UPDATE audit_entries SET purpose = 'forged' WHERE seq = 3`)
		}, 3},
		{"edited_with_rehash", func(t *testing.T, s *audit.Store) {
			// Recomputing the edited entry's own hash, even with the
			// key, still breaks the next entry's link.
			var e audit.Entry
			if err := s.DB().X().Get(&e, `SELECT * FROM audit_entries WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			e.OfficerID = "someone-else"
			exec(t, s, `UPDATE audit_entries SET officer_id = ?, hash = ? WHERE seq = 3`, e.OfficerID, e.KeyedHash(testenv.AuditKey))
		}, 4},
		{"deleted_middle", func(t *testing.T, s *audit.Store) {
			exec(t, s, `DELETE FROM audit_entries WHERE seq = 2`)
		}, 2},
		{"deleted_last", func(t *testing.T, s *audit.Store) {
			exec(t, s, `DELETE FROM audit_entries WHERE seq = 5`)
		}, 5},
		{"reordered", func(t *testing.T, s *audit.Store) {
			// Swap the contents of entries 2 and 3, keeping seq in order.
			exec(t, s, `UPDATE audit_entries SET seq = -2 WHERE seq = 2`)
			exec(t, s, `UPDATE audit_entries SET seq = 2 WHERE seq = 3`)
			exec(t, s, `UPDATE audit_entries SET seq = 3 WHERE seq = -2`)
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSQLite(t)
			appendEntries(t, s, 5)
			tt.tamper(t, s)
			_, err := s.Verify(context.Background())
			var broken *audit.BrokenError
			if !errors.As(err, &broken) {
				t.Fatalf("verify = %v, want a broken chain", err)
			}
			if broken.Seq != tt.broken {
				t.Errorf("first broken entry = %d (%s), want %d", broken.Seq, broken.Reason, tt.broken)
			}
		})
	}
}

// appendConcurrently appends n single-entry batches from n goroutines
// across the stores, round robin.
func appendConcurrently(t *testing.T, n int, stores ...*audit.Store) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- stores[i%len(stores)].Append(context.Background(), []audit.Entry{entry(i), entry(i + 1000)})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	s := openSQLite(t)
	appendConcurrently(t, 40, s)
	n, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n != 80 {
		t.Errorf("verified %d entries, want 80", n)
	}
}

// TestInterleavedWritersKeepOneChain appends from two stores on one trail
// in turn, so each store's cached chain head is stale at every append but
// the first.
func TestInterleavedWritersKeepOneChain(t *testing.T) {
	for _, engine := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "audit.db") }},
		{"postgres", func(t *testing.T) string { return testenv.PostgresDB(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			dsn := engine.dsn(t)
			var stores []*audit.Store
			for range 2 {
				s, err := audit.Open(context.Background(), dsn, testenv.AuditKey, sqldb.Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores = append(stores, s)
			}
			for i := 1; i <= 6; i++ {
				if err := stores[i%2].Append(context.Background(), []audit.Entry{entry(i), entry(i + 100)}); err != nil {
					t.Fatalf("append %d: %v", i, err)
				}
			}
			n, err := stores[0].Verify(context.Background())
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if n != 12 {
				t.Errorf("verified %d entries, want 12", n)
			}
		})
	}
}

func TestAppendLeavesEntriesUnchanged(t *testing.T) {
	s := openSQLite(t)
	entries := []audit.Entry{entry(1), entry(2)}
	if err := s.Append(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Seq != 0 || e.PrevHash != "" || e.Hash != "" {
			t.Errorf("entry %d = seq %d, prev %q, hash %q after append, want them unset", i, e.Seq, e.PrevHash, e.Hash)
		}
	}
}

func TestAppendWithEndedContextStoresNothing(t *testing.T) {
	s := openSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Append(ctx, []audit.Entry{entry(1)}); !errors.Is(err, context.Canceled) {
		t.Errorf("append = %v, want %v", err, context.Canceled)
	}
	n, err := s.Count(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("trail holds %d entries, want 0", n)
	}
}

func TestTwoWritersOnPostgresKeepOneChain(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	var stores []*audit.Store
	for range 2 {
		// Each store has its own pool and mutex, like two gateway replicas.
		s, err := audit.Open(context.Background(), dsn, testenv.AuditKey, sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	appendConcurrently(t, 40, stores...)
	n, err := stores[0].Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n != 80 {
		t.Errorf("verified %d entries, want 80", n)
	}
}
