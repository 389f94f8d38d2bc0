package demo

import (
	"context"
	"testing"

	"lienthong/sources"
	"lienthong/testenv"
)

// createPostgresDatabases creates one empty database per source, dropped
// when the test ends, and returns the configuration that reaches them. The
// test is skipped when no server answers, or fails under
// LIENTHONG_REQUIRE_POSTGRES, as testenv.PostgresDB says.
func createPostgresDatabases(t *testing.T) sources.Config {
	t.Helper()
	return sources.Config{
		Population:  sources.Source{DSN: testenv.PostgresDB(t)},
		CivilStatus: sources.Source{DSN: testenv.PostgresDB(t)},
		Business:    sources.Source{DSN: testenv.PostgresDB(t)},
		Procedures:  sources.Source{DSN: testenv.PostgresDB(t)},
	}
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
