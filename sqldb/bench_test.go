package sqldb_test

import (
	"context"
	"path/filepath"
	"testing"

	"lienthong/sqldb"
)

// BenchmarkStatementOverhead compares one small SQLite statement run
// through DB.Get, with its circuit breaker, metrics and a span on the no-op
// tracer, against the same statement on the bare sqlx handle.
func BenchmarkStatementOverhead(b *testing.B) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "population", filepath.Join(b.TempDir(), "p.db"), sqldb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	b.Run("sqldb", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			if err := db.Get(ctx, "one", &n, `SELECT 1`); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sqlx", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			if err := db.X().GetContext(ctx, &n, `SELECT 1`); err != nil {
				b.Fatal(err)
			}
		}
	})
}
