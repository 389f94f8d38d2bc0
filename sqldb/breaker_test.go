package sqldb_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lienthong/sqldb"
	"lienthong/testenv"
)

func TestPostgresTimeoutOpensBreaker(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "business", dsn, sqldb.Options{
		StatementTimeout: 100 * time.Millisecond,
		Breaker:          sqldb.BreakerOptions{Failures: 2, CoolDown: 300 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.X().Exec(`CREATE TABLE enterprises (code TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}

	// Another session holds a lock that blocks every read of the table.
	locker, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE enterprises IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	var codes []string
	for i := range 2 {
		err := sqldb.SelectKeys(ctx, db, "enterprises_by_code", &codes,
			`SELECT code FROM enterprises WHERE code = ANY(?)`, []string{"0101234567"})
		var unavailable *sqldb.UnavailableError
		if !errors.As(err, &unavailable) {
			t.Fatalf("statement %d: err = %v, want an *UnavailableError", i+1, err)
		}
		if want := "business source unavailable: statement timed out after 100ms"; err.Error() != want {
			t.Errorf("statement %d: err = %q, want %q", i+1, err, want)
		}
	}
	if got := db.BreakerState(); got != "open" {
		t.Fatalf("breaker after two timeouts = %s, want open", got)
	}

	start := time.Now()
	err = db.Select(ctx, "enterprises", &codes, `SELECT code FROM enterprises`)
	if err == nil || err.Error() != "business source unavailable: circuit open" {
		t.Errorf("err with the breaker open = %v, want circuit open", err)
	}
	if elapsed := time.Since(start); elapsed >= 100*time.Millisecond {
		t.Errorf("failing with the breaker open took %s, want less than the statement timeout", elapsed)
	}

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := db.Select(ctx, "enterprises", &codes, `SELECT code FROM enterprises`); err != nil {
		t.Errorf("after the cool-down: %v", err)
	}
}

func TestCallerCancelKeepsBreakerClosed(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "population", filepath.Join(t.TempDir(), "p.db"), sqldb.Options{
		Breaker: sqldb.BreakerOptions{Failures: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var n int
	err = db.Get(cancelled, "count", &n, `SELECT 1`)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := db.BreakerState(); got != "closed" {
		t.Errorf("breaker after a cancelled request = %s, want closed", got)
	}
}

func TestStatementErrorKeepsBreakerClosed(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "population", filepath.Join(t.TempDir(), "p.db"), sqldb.Options{
		Breaker: sqldb.BreakerOptions{Failures: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var n int
	err = db.Get(ctx, "missing_table", &n, `SELECT count(*) FROM no_such_table`)
	var unavailable *sqldb.UnavailableError
	if err == nil || errors.As(err, &unavailable) {
		t.Errorf("err = %v, want a plain statement error", err)
	}
	if got := db.BreakerState(); got != "closed" {
		t.Errorf("breaker after a rejected statement = %s, want closed: the source answered", got)
	}
}
