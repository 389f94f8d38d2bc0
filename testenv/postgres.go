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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		msg := "POSTGRES TESTS SKIPPED: cannot connect to " + PostgresURL() + ": " + err.Error() +
			"; start PostgreSQL there or set LIENTHONG_TEST_POSTGRES to a server's URL"
		if os.Getenv("LIENTHONG_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	defer admin.Close(context.Background())

	var b [6]byte
	rand.Read(b[:])
	name := "lienthong_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
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
