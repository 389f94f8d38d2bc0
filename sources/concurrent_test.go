package sources_test

import (
	"context"
	"sync"
	"testing"

	"lienthong/sources/population"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// Two replicas that start together on an empty database both migrate it.
// Without a lock, both ran CREATE TABLE and one failed on PostgreSQL's
// catalog ("duplicate key value violates unique constraint
// pg_type_typname_nsp_index").
func TestConcurrentMigrateOnFreshPostgres(t *testing.T) {
	for range 3 {
		dsn := testenv.PostgresDB(t)
		ctx := context.Background()
		var dbs [2]*sqldb.DB
		for i := range dbs {
			db, err := sqldb.Open(ctx, population.Name, dsn, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbs[i] = db
		}

		var wg sync.WaitGroup
		errs := make([]error, len(dbs))
		for i, db := range dbs {
			wg.Go(func() { errs[i] = db.Migrate(ctx, population.Migrations, "migrations") })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("migration %d: %v", i, err)
			}
		}
		var applied int
		if err := dbs[0].X().GetContext(ctx, &applied, `SELECT COUNT(*) FROM schema_migrations`); err != nil {
			t.Fatal(err)
		}
		if applied != 2 {
			t.Errorf("schema_migrations holds %d rows, want 2", applied)
		}
	}
}
