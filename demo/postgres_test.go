package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lienthong/sources"
)

// postgresURL is the server the PostgreSQL test creates its databases on;
// LIENTHONG_TEST_POSTGRES overrides it. The test is skipped when the server
// does not answer.
func postgresURL() string {
	if u := os.Getenv("LIENTHONG_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres"
}

// createPostgresDatabases creates one empty database per source, dropped
// when the test ends, and returns the configuration that reaches them.
func createPostgresDatabases(t *testing.T) sources.Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, postgresURL())
	if err != nil {
		t.Skipf("PostgreSQL not reachable at %s: %v", postgresURL(), err)
	}
	// Cleanups run last-in first-out: the databases are dropped before
	// this connection closes.
	t.Cleanup(func() { admin.Close(context.Background()) })
	suffix := make([]byte, 4)
	rand.Read(suffix)
	prefix := "lienthong_demo_test_" + hex.EncodeToString(suffix)

	base := postgresURL()
	base = base[:strings.LastIndex(base, "/")+1]
	dsn := func(source string) sources.Source {
		name := prefix + "_" + source
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatalf("create database %s: %v", name, err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		})
		return sources.Source{DSN: base + name}
	}
	cfg := sources.Config{
		Population:  dsn("population"),
		CivilStatus: dsn("civilstatus"),
		Business:    dsn("business"),
		Procedures:  dsn("procedures"),
	}
	return cfg
}

func TestPostgresMatchesSQLite(t *testing.T) {
	cfg := createPostgresDatabases(t)
	ctx := context.Background()
	pg, err := sources.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open PostgreSQL sources: %v", err)
	}
	defer pg.Close()
	pgSum, err := Seed(ctx, pg, testOptions, nil)
	if err != nil {
		t.Fatalf("seed PostgreSQL: %v", err)
	}

	lite, liteSum := seeded(t)
	want := tableHashes(t, lite)
	got := tableHashes(t, pg)
	for table, h := range want {
		if got[table] != h {
			t.Errorf("table %s: SQLite %s, PostgreSQL %s", table, h, got[table])
		}
	}
	if pgSum.ShowcaseDossier != liteSum.ShowcaseDossier {
		t.Errorf("showcase dossier: SQLite %s, PostgreSQL %s", liteSum.ShowcaseDossier, pgSum.ShowcaseDossier)
	}

	drift := measureDrift(t, dbSet{pg.Population, pg.CivilStatus, pg.Business, pg.Procedures})
	for kind, n := range pgSum.Drift {
		if drift[kind] != n {
			t.Errorf("PostgreSQL drift %s: databases show %d, summary says %d", kind, drift[kind], n)
		}
	}
}
