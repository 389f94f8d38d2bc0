package audit_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// variedEntry returns entry i with text that needs JSON escapes or is not
// ASCII in every third entry, so both the stored values and the hashes
// over them are checked.
func variedEntry(i int) audit.Entry {
	e := entry(i)
	if i%3 == 0 {
		e.Unit = "Phường Bến Nghé"
		e.Purpose = fmt.Sprintf("hồ sơ \"%d\" <&> \\ \n\t", i)
		e.Operation = "Case\u2028Context"
	}
	return e
}

func variedEntries(from, n int) []audit.Entry {
	entries := make([]audit.Entry, n)
	for i := range entries {
		entries[i] = variedEntry(from + i)
	}
	return entries
}

// TestLargeGroupsStoreEveryEntry appends a request larger than one INSERT
// statement, then a group of three requests that spans several statements,
// and checks that verification passes and every stored entry equals the
// appended one.
func TestLargeGroupsStoreEveryEntry(t *testing.T) {
	for _, engine := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "audit.db") }},
		{"postgres", func(t *testing.T) string { return testenv.PostgresDB(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			s, err := audit.Open(context.Background(), engine.dsn(t), testenv.AuditKey, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })

			// 301 entries take one INSERT of each of 128, 128, 32, 8, 4
			// and 1 rows on SQLite.
			first := variedEntries(1, 301)
			if err := s.Append(context.Background(), first); err != nil {
				t.Fatalf("append 301 entries: %v", err)
			}
			batches := [][]audit.Entry{variedEntries(302, 100), variedEntries(402, 60), variedEntries(462, 5)}
			for i, err := range audit.CommitGroup(s, batches...) {
				if err != nil {
					t.Errorf("request %d of the group: %v", i, err)
				}
			}
			want := slices.Concat(append([][]audit.Entry{first}, batches...)...)

			n, err := s.Verify(context.Background())
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if n != int64(len(want)) {
				t.Errorf("verified %d entries, want %d", n, len(want))
			}

			got, err := s.List(context.Background(), audit.Filter{}, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(got)
			for i := range want {
				want[i].Seq = int64(i + 1)
			}
			ignoreChain := func(e audit.Entry) audit.Entry {
				e.PrevHash, e.Hash = "", ""
				return e
			}
			if diff := cmp.Diff(want, got, cmp.Transformer("content", ignoreChain)); diff != "" {
				t.Errorf("stored entries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAppendWithOneConnection appends through a pool of one connection,
// which the transaction holds while the entries are inserted.
func TestAppendWithOneConnection(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "audit.db")
	s, err := audit.Open(context.Background(), dsn, testenv.AuditKey, sqldb.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, n := range []int{301, 6} {
		if err := s.Append(ctx, variedEntries(1, n)); err != nil {
			t.Fatalf("append %d entries: %v", n, err)
		}
	}
	n, err := s.Verify(ctx)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n != 307 {
		t.Errorf("verified %d entries, want 307", n)
	}
}
