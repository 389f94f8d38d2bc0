package demo

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"lienthong/sources"
)

// shardedOptions splits the test data set into three shards.
var shardedOptions = Options{Citizens: 3000, Seed: 42, shardCitizens: 1000}

func TestShardSizes(t *testing.T) {
	for _, tc := range []struct {
		citizens, limit int
		want            []int
	}{
		{100, 1000, []int{100}},
		{1000, 1000, []int{1000}},
		{1001, 1000, []int{501, 500}},
		{3000, 1000, []int{1000, 1000, 1000}},
		{10_000_000, 1_000_000, slices.Repeat([]int{1_000_000}, 10)},
		{2_500_001, 1_000_000, []int{833_334, 833_334, 833_333}},
	} {
		if got := shardSizes(tc.citizens, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("shardSizes(%d, %d) = %v, want %v", tc.citizens, tc.limit, got, tc.want)
		}
	}
}

// TestSeedInShards seeds a data set in three shards. The primary keys of the
// tables reject any personal id, household code, registration id, residence
// id, enterprise code or dossier code issued twice, so the seed succeeding
// already shows that the shards share one ledger.
func TestSeedInShards(t *testing.T) {
	ctx := context.Background()
	dbs, sum, err := seedDir(ctx, t.TempDir(), shardedOptions)
	if err != nil {
		t.Fatalf("seed in shards: %v", err)
	}
	defer dbs.Close()

	if sum.Citizens != shardedOptions.Citizens || sum.Rows["population.citizens"] != int64(shardedOptions.Citizens) {
		t.Errorf("summary: %d citizens and %d citizen rows, want %d", sum.Citizens, sum.Rows["population.citizens"], shardedOptions.Citizens)
	}
	if got := sum.Rows["procedures.procedures"]; got != 4429 {
		t.Errorf("procedures = %d, want the catalogue's 4,429 written once", got)
	}
	if got := sum.Rows["business.enterprises"]; got != int64(shardedOptions.Citizens/100) {
		t.Errorf("enterprises = %d, want one per hundred citizens", got)
	}
	for db, tables := range tablesOf(dbs) {
		for _, table := range tables {
			if n, want := query(t, db, "SELECT COUNT(*) FROM "+table)[0][0], sum.Rows[db.Name()+"."+table]; n != strconv.FormatInt(want, 10) {
				t.Errorf("%s.%s holds %s rows, summary says %d", db.Name(), table, n, want)
			}
		}
	}

	// Books continue from shard to shard: no number repeats in a book.
	dupes := query(t, dbs.CivilStatus, `SELECT registering_commune, kind, book, number, COUNT(*) FROM registrations
		GROUP BY registering_commune, kind, book, number HAVING COUNT(*) > 1`)
	if len(dupes) > 0 {
		t.Errorf("%d registration numbers repeat within a book, first %v", len(dupes), dupes[0])
	}
	ids := query(t, dbs.Population, "SELECT MIN(id), MAX(id), COUNT(*) FROM residences")[0]
	if ids[0] != "1" || ids[1] != ids[2] {
		t.Errorf("residence ids run from %s to %s over %s rows, want 1 to the count", ids[0], ids[1], ids[2])
	}

	got := measureDrift(t, dbSet{dbs.Population, dbs.CivilStatus, dbs.Business, dbs.Procedures})
	for kind, n := range sum.Drift {
		if got[kind] != n {
			t.Errorf("drift %s: databases show %d, summary says %d", kind, got[kind], n)
		}
	}
	if sum.ShowcaseDossier == "" || sum.ShowcaseEnterprise == "" || sum.ShowcaseBusinessHousehold == "" {
		t.Errorf("summary lacks a showcase: %+v", sum)
	}
}

// TestPostgresSeedsShardsLikeSQLite checks that the shards reach PostgreSQL
// through COPY exactly as they reach SQLite.
func TestPostgresSeedsShardsLikeSQLite(t *testing.T) {
	cfg := createPostgresDatabases(t)
	ctx := context.Background()
	pg, err := sources.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open PostgreSQL sources: %v", err)
	}
	defer pg.Close()
	if _, err := Seed(ctx, pg, shardedOptions, nil); err != nil {
		t.Fatalf("seed PostgreSQL in shards: %v", err)
	}
	lite, _, err := seedDir(ctx, t.TempDir(), shardedOptions)
	if err != nil {
		t.Fatalf("seed SQLite in shards: %v", err)
	}
	defer lite.Close()
	want, got := tableHashes(t, lite), tableHashes(t, pg)
	for table, h := range want {
		if got[table] != h {
			t.Errorf("table %s: SQLite %s, PostgreSQL %s", table, h, got[table])
		}
	}
}
