package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lienthong/sources"
	"lienthong/sqldb"
)

// DefaultPostgres is the server the PostgreSQL tests use unless
// LIENTHONG_TEST_POSTGRES names another: a local server with trust
// authentication.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL returns the URL of the server for PostgreSQL tests.
func PostgresURL() string {
	if u := os.Getenv("LIENTHONG_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgres
}

// PostgresDB creates a database with a random name on the test server and
// returns its URL; the database is dropped when the test ends. When the
// server cannot be reached the test is skipped, saying how to enable it,
// or fails when LIENTHONG_REQUIRE_POSTGRES is set, as in CI.
func PostgresDB(t testing.TB) string {
	t.Helper()
	return createPostgresDB(t, "")
}

// PostgresSources creates one throwaway database, as PostgresDB does, with
// a schema per source, and returns the configuration that reaches them.
// Each source gets its own pool, whose search_path is its schema, and no
// source sees another's tables. One database per test, in place of four,
// keeps the suite fast: CREATE and DROP DATABASE each took 1 to 3 seconds
// on a busy 2-core CI machine. Where the server supports ICU, the database
// sorts text by the vi-VN collation, as a Vietnamese deployment would, so
// tests catch any order that depends on the database collation.
func PostgresSources(t testing.TB) sources.Config {
	t.Helper()
	with := ""
	if postgresHasICU(t) {
		with = " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'vi-VN' LOCALE 'C.UTF-8'"
	}
	dsn := createPostgresDB(t, with)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	defer conn.Close(context.Background())

	schema := func(name string) sources.Source {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
			t.Fatalf("create schema %s: %v", name, err)
		}
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse %s: %v", dsn, err)
		}
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		return sources.Source{DSN: u.String()}
	}
	return sources.Config{
		Population:  schema("population"),
		CivilStatus: schema("civilstatus"),
		Business:    schema("business"),
		Procedures:  schema("procedures"),
	}
}

// postgresHasICU reports whether the test server can create databases with
// an ICU default collation: PostgreSQL 15 or later built with ICU.
func postgresHasICU(t testing.TB) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin := connectAdmin(ctx, t)
	defer admin.Close(context.Background())

	var version int
	if err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		t.Fatalf("read PostgreSQL version: %v", err)
	}
	var icu bool
	err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-VN-x-icu')").Scan(&icu)
	if err != nil {
		t.Fatalf("look up ICU collations: %v", err)
	}
	if version < 150000 || !icu {
		t.Logf("PostgreSQL %d without the vi-VN ICU collation: test databases use the server's default collation", version)
		return false
	}
	return true
}

// connectAdmin connects to the test server, skipping the test when it
// cannot, or failing it when LIENTHONG_REQUIRE_POSTGRES is set.
func connectAdmin(ctx context.Context, t testing.TB) *pgx.Conn {
	t.Helper()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		reason := sqldb.RedactDSN("cannot connect to " + PostgresURL() + " (" + err.Error() + ")" +
			"; start PostgreSQL there or set LIENTHONG_TEST_POSTGRES to a postgres:// URL to run them")
		if os.Getenv("LIENTHONG_REQUIRE_POSTGRES") != "" {
			t.Fatal("POSTGRES TESTS FAILED: " + reason)
		}
		AnnounceSkip("PostgreSQL", reason)
		t.Skip("POSTGRES TESTS SKIPPED: " + reason)
	}
	return admin
}

// createPostgresDB creates a randomly named database, passing with to
// CREATE DATABASE, and drops it when the test ends.
func createPostgresDB(t testing.TB, with string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin := connectAdmin(ctx, t)
	defer admin.Close(context.Background())

	var b [6]byte
	rand.Read(b[:])
	name := "lienthong_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+with); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	// Fixtures insert row by row, each in its own transaction. A test
	// database needs no durability, so commits skip waiting for the WAL
	// flush.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
		t.Fatalf("configure database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, PostgresURL())
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})

	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURL(), err)
	}
	u.Path = "/" + name
	return u.String()
}
