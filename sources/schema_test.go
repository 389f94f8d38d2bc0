package sources_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"lienthong/sqldb"
	"lienthong/testenv"
)

// column is one column as both engines describe it.
type column struct {
	Type    string
	NotNull bool
}

// schema is the tables of one source: columns by table and name, and the
// columns of each index by index name.
type schema struct {
	Columns map[string]map[string]column
	Indexes map[string][]string
}

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	lite := testenv.Sources(t, testenv.SQLite)
	pg := testenv.Sources(t, testenv.Postgres)
	ctx := context.Background()

	pairs := []struct{ lite, pg *sqldb.DB }{
		{lite.Population, pg.Population},
		{lite.CivilStatus, pg.CivilStatus},
		{lite.Business, pg.Business},
		{lite.Procedures, pg.Procedures},
	}
	for _, p := range pairs {
		t.Run(p.lite.Name(), func(t *testing.T) {
			want := sqliteSchema(ctx, t, p.lite)
			got := postgresSchema(ctx, t, p.pg)
			if len(want.Columns) == 0 {
				t.Fatal("SQLite schema has no tables")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("schema differs (-sqlite +postgres):\n%s", diff)
			}
		})
	}
}

func TestPostgresTextColumnsUseByteOrder(t *testing.T) {
	pg := testenv.Sources(t, testenv.Postgres)
	for _, db := range pg.All() {
		var bad []string
		err := db.X().Select(&bad, `
			SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type = 'text'
				AND COALESCE(collation_name, '') <> 'C'
			ORDER BY 1`)
		if err != nil {
			t.Fatalf("%s: list text columns: %v", db.Name(), err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: text columns without COLLATE \"C\": %v", db.Name(), bad)
		}
	}
}

func TestMigrateRejectsNewerSchema(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, engine sqldb.Engine) {
		dbs := testenv.Sources(t, engine)
		ctx := context.Background()

		// A newer binary has applied a migration this one lacks.
		future := fstest.MapFS{
			"migrations/001_a.sql":      {Data: []byte("CREATE TABLE a (x TEXT);")},
			"migrations/999_future.sql": {Data: []byte("CREATE TABLE future (x TEXT);")},
		}
		db := dbs.Business
		if err := db.Migrate(ctx, future, "migrations"); err != nil {
			t.Fatalf("apply the newer migrations: %v", err)
		}
		current := fstest.MapFS{"migrations/001_a.sql": future["migrations/001_a.sql"]}

		err := db.Migrate(ctx, current, "migrations")
		if err == nil {
			t.Fatal("Migrate accepted a database at a newer schema version")
		}
		for _, want := range []string{"business", "schema version 999", "up to 1", "upgrade the binary"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != 999 {
			t.Errorf("schema version after the rejected migration = %d, %v; want 999", v, err)
		}
	})
}

// sqliteSchema reads the user tables of db from SQLite's pragmas.
func sqliteSchema(ctx context.Context, t *testing.T, db *sqldb.DB) schema {
	t.Helper()
	s := schema{Columns: map[string]map[string]column{}, Indexes: map[string][]string{}}
	var tables []string
	err := db.X().SelectContext(ctx, &tables,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	for _, table := range tables {
		var cols []struct {
			CID     int     `db:"cid"`
			Name    string  `db:"name"`
			Type    string  `db:"type"`
			NotNull bool    `db:"notnull"`
			Default *string `db:"dflt_value"`
			PK      int     `db:"pk"`
		}
		if err := db.X().SelectContext(ctx, &cols, fmt.Sprintf("PRAGMA table_info(%q)", table)); err != nil {
			t.Fatalf("columns of %s: %v", table, err)
		}
		s.Columns[table] = map[string]column{}
		primaryKey := map[int]string{}
		for _, c := range cols {
			if c.PK > 0 {
				primaryKey[c.PK] = c.Name
			}
			// PostgreSQL makes primary key columns NOT NULL; SQLite
			// reports them as nullable unless declared so.
			s.Columns[table][c.Name] = column{Type: strings.ToLower(c.Type), NotNull: c.NotNull || c.PK > 0}
		}

		var indexes []struct {
			Seq     int    `db:"seq"`
			Name    string `db:"name"`
			Unique  bool   `db:"unique"`
			Origin  string `db:"origin"`
			Partial bool   `db:"partial"`
		}
		if err := db.X().SelectContext(ctx, &indexes, fmt.Sprintf("PRAGMA index_list(%q)", table)); err != nil {
			t.Fatalf("indexes of %s: %v", table, err)
		}
		for _, ix := range indexes {
			var names []string
			query := fmt.Sprintf("SELECT name FROM pragma_index_info(%q) ORDER BY seqno", ix.Name)
			if err := db.X().SelectContext(ctx, &names, query); err != nil {
				t.Fatalf("columns of index %s: %v", ix.Name, err)
			}
			// SQLite names the index of a primary key sqlite_autoindex_*,
			// PostgreSQL <table>_pkey.
			name := ix.Name
			if ix.Origin == "pk" {
				name = table + "_pkey"
			}
			s.Indexes[name] = names
		}

		// An INTEGER PRIMARY KEY is SQLite's rowid and has no index of its
		// own; PostgreSQL indexes every primary key.
		if _, ok := s.Indexes[table+"_pkey"]; !ok && len(primaryKey) > 0 {
			for i := 1; i <= len(primaryKey); i++ {
				s.Indexes[table+"_pkey"] = append(s.Indexes[table+"_pkey"], primaryKey[i])
			}
		}
	}
	return s
}

// postgresSchema reads the tables of db's schema from information_schema
// and pg_indexes.
func postgresSchema(ctx context.Context, t *testing.T, db *sqldb.DB) schema {
	t.Helper()
	s := schema{Columns: map[string]map[string]column{}, Indexes: map[string][]string{}}
	var cols []struct {
		Table    string `db:"table_name"`
		Name     string `db:"column_name"`
		Type     string `db:"data_type"`
		Nullable string `db:"is_nullable"`
	}
	err := db.X().SelectContext(ctx, &cols, `
		SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatalf("list columns: %v", err)
	}
	for _, c := range cols {
		if s.Columns[c.Table] == nil {
			s.Columns[c.Table] = map[string]column{}
		}
		s.Columns[c.Table][c.Name] = column{Type: c.Type, NotNull: c.Nullable == "NO"}
	}

	var indexes []struct {
		Name    string `db:"indexname"`
		Columns string `db:"columns"`
	}
	err = db.X().SelectContext(ctx, &indexes, `
		SELECT i.relname AS indexname,
			string_agg(a.attname, ',' ORDER BY k.ord) AS columns
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class c ON c.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE n.nspname = current_schema()
		GROUP BY i.relname`)
	if err != nil {
		t.Fatalf("list indexes: %v", err)
	}
	for _, ix := range indexes {
		s.Indexes[ix.Name] = strings.Split(ix.Columns, ",")
	}
	return s
}
