package sqldb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"lienthong/sqldb"
)

func TestSelectKeysBeyondOneChunk(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "test", filepath.Join(t.TempDir(), "keys.db"), sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Exec(ctx, "create", `CREATE TABLE items (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}

	// More keys than SQLite's chunk of 10,000, so the batch takes three
	// statements whose rows must all reach the result.
	const n = 25_000
	tx := db.X().MustBegin()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%06d", i)
		tx.MustExec(`INSERT INTO items (id) VALUES (?)`, keys[i])
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	var got []string
	if err := sqldb.SelectKeys(ctx, db, "items_by_id", &got, `SELECT id FROM items WHERE id = ANY(?)`, keys); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Errorf("SelectKeys returned %d rows for %d keys, want %d", len(got), n, n)
	}
}
