package sources_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lienthong/sources"
	"lienthong/sources/audit"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// sharedDSN returns one empty database on engine for several sources.
func sharedDSN(t *testing.T, engine sqldb.Engine) string {
	t.Helper()
	if engine == sqldb.Postgres {
		return testenv.PostgresDB(t)
	}
	return filepath.Join(t.TempDir(), "shared.db")
}

func assertContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, want := range parts {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestOpenRejectsSourcesSharingDatabase(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		dsn := sharedDSN(t, engine)
		one := sources.Source{DSN: dsn}
		cfg := sources.Config{Population: one, CivilStatus: one, Business: one, Procedures: one}

		dbs, err := sources.Open(context.Background(), cfg)
		if err == nil {
			dbs.Close()
		}
		assertContains(t, err, "the civilstatus database ")
		assertContains(t, err, " already belongs to the population source")
	})
}

func TestAuditRejectsSourceDatabase(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		ctx := context.Background()
		dsn := sharedDSN(t, engine)
		db, err := sqldb.Open(ctx, population.Name, dsn, sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx, population.Migrations, "migrations"); err != nil {
			t.Fatalf("migrate population: %v", err)
		}

		store, err := audit.Open(ctx, dsn, []byte("ownership-test-audit-key-of-32-bytes-or-more"), sqldb.Options{})
		if err == nil {
			store.Close()
		}
		assertContains(t, err, "the audit database ")
		assertContains(t, err, " already belongs to the population source")
	})
}

// An earlier build recorded versions in schema_migrations but not the
// source, so the migration file names decide who owns the database.
func TestMigrateClaimsDatabaseOfEarlierBuild(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		ctx := context.Background()
		dsn := sharedDSN(t, engine)
		db, err := sqldb.Open(ctx, population.Name, dsn, sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx, population.Migrations, "migrations"); err != nil {
			t.Fatalf("migrate population: %v", err)
		}
		if _, err := db.X().ExecContext(ctx, `DROP TABLE schema_source`); err != nil {
			t.Fatal(err)
		}

		other, err := sqldb.Open(ctx, civilstatus.Name, dsn, sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		err = other.Migrate(ctx, civilstatus.Migrations, "migrations")
		assertContains(t, err, "civilstatus database already holds migration 001_citizens.sql",
			"its version 1 is 001_registrations.sql")

		if err := db.Migrate(ctx, population.Migrations, "migrations"); err != nil {
			t.Fatalf("migrate the earlier build's population database: %v", err)
		}
		var owner string
		if err := db.X().GetContext(ctx, &owner, `SELECT source FROM schema_source`); err != nil {
			t.Fatal(err)
		}
		if owner != population.Name {
			t.Errorf("schema_source = %q, want %q", owner, population.Name)
		}
	})
}
