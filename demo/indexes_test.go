package demo

import (
	"context"
	"slices"
	"testing"

	"lienthong/sources"
	"lienthong/testenv"
)

func TestPostgresSeedKeepsIndexes(t *testing.T) {
	dbs := testenv.Sources(t, testenv.Postgres)
	before := indexDefinitions(t, dbs)
	if len(before) < 20 {
		t.Fatalf("migrated sources have %d indexes, want the migrations' 20 or more", len(before))
	}

	if _, err := Seed(context.Background(), dbs, Options{Citizens: 300, Seed: 3}, nil); err != nil {
		t.Fatalf("seed: %v", err)
	}

	after := indexDefinitions(t, dbs)
	if !slices.Equal(before, after) {
		t.Errorf("indexes after the seed differ\nbefore: %q\nafter:  %q", before, after)
	}
}

// indexDefinitions returns the definition of every index of the sources,
// sorted.
func indexDefinitions(t *testing.T, dbs *sources.DBs) []string {
	t.Helper()
	var all []string
	for _, db := range dbs.All() {
		var defs []string
		err := db.X().Select(&defs, `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()`)
		if err != nil {
			t.Fatalf("%s: list indexes: %v", db.Name(), err)
		}
		all = append(all, defs...)
	}
	slices.Sort(all)
	return all
}
