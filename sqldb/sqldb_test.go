package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// openEngine opens an empty database on engine, closed when the test ends.
func openEngine(t *testing.T, engine sqldb.Engine, opts sqldb.Options) *sqldb.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if engine == sqldb.Postgres {
		dsn = testenv.PostgresDB(t)
	}
	db, err := sqldb.Open(context.Background(), "test", dsn, opts)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSelectKeysSpansChunks(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		db := openEngine(t, engine, sqldb.Options{})
		ctx := context.Background()
		if err := db.Exec(ctx, "create", `CREATE TABLE items (id BIGINT PRIMARY KEY, label TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		// One row for every tenth key, spread over all chunks.
		tx := db.X().MustBegin()
		for i := 0; i < 25_000; i += 10 {
			tx.MustExec(tx.Rebind(`INSERT INTO items (id, label) VALUES (?, ?)`), i, fmt.Sprint("item ", i))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		keys := make([]int64, 25_000)
		for i := range keys {
			keys[i] = int64(len(keys) - 1 - i)
		}
		type item struct {
			ID    int64  `db:"id"`
			Label string `db:"label"`
		}
		var rows []item
		ctx, stats := sqldb.WithStats(ctx)
		err := sqldb.SelectKeys(ctx, db, "items_by_id", &rows, `SELECT id, label FROM items WHERE id = ANY(?)`, keys)
		if err != nil {
			t.Fatalf("SelectKeys: %v", err)
		}

		if len(rows) != 2_500 {
			t.Errorf("got %d rows, want 2500", len(rows))
		}
		aligned := sqldb.Align(keys, rows, func(r *item) int64 { return r.ID })
		for i, r := range aligned {
			exists := keys[i]%10 == 0
			if exists != (r != nil) {
				t.Fatalf("key %d: row %v, want a row: %v", keys[i], r, exists)
			}
		}
		// PostgreSQL binds the keys as one array; SQLite runs IN lists of
		// 10,000 keys.
		want := map[sqldb.Engine]int{sqldb.SQLite: 3, sqldb.Postgres: 1}[engine]
		if got := stats.Total(); got != want {
			t.Errorf("ran %d statements, want %d", got, want)
		}
	})
}

func TestPostgresStatementTimeout(t *testing.T) {
	db := openEngine(t, sqldb.Postgres, sqldb.Options{StatementTimeout: 300 * time.Millisecond})
	ctx := context.Background()

	// The server enforces the timeout on every connection, even for a
	// statement that bypasses the context deadline of sqldb's methods.
	var setting string
	if err := db.X().GetContext(ctx, &setting, `SHOW statement_timeout`); err != nil {
		t.Fatal(err)
	}
	if setting != "300ms" {
		t.Errorf("statement_timeout = %q, want 300ms", setting)
	}
	start := time.Now()
	_, err := db.X().ExecContext(ctx, `SELECT pg_sleep(5)`)
	if err == nil || !strings.Contains(err.Error(), "statement timeout") {
		t.Errorf("pg_sleep(5) on the raw pool: err = %v, want a statement timeout", err)
	}

	// sqldb's methods stop waiting at the same bound.
	err = db.Exec(ctx, "sleep", `SELECT pg_sleep(5)`)
	if err == nil {
		t.Error("pg_sleep(5) through Exec succeeded, want a timeout")
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Errorf("two timed-out statements took %s, want well under the 10s they asked for", elapsed)
	}
}

func TestPostgresConnectTimeout(t *testing.T) {
	// A server that accepts connections and never sends a byte.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()

	dsn := "postgres://postgres@" + ln.Addr().String() + "/postgres?sslmode=disable"
	start := time.Now()
	_, err = sqldb.Open(context.Background(), "population", dsn, sqldb.Options{ConnectTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("Open succeeded against a server that never responds")
	}
	if !strings.Contains(err.Error(), "connect to population database") {
		t.Errorf("error %q does not name the source", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Open gave up after %s, want about the 300ms connect timeout", elapsed)
	}
}

func TestOpenRejectsInvalidPostgresURL(t *testing.T) {
	_, err := sqldb.Open(context.Background(), "business", "postgres://host:notaport/db", sqldb.Options{})
	if err == nil {
		t.Fatal("Open accepted a URL with an invalid port")
	}
	if !strings.Contains(err.Error(), "business") {
		t.Errorf("error %q does not name the source", err)
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		t.Errorf("Open dialled %s for an invalid URL", netErr.Addr)
	}
}
