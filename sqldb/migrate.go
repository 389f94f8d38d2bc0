package sqldb

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrate applies the migrations in dir of fsys that the database has not
// applied yet, each in its own transaction, and records them in
// schema_migrations. Files are named NNN_description.sql and applied in
// number order. Text columns follow byte order on both engines (see
// dialect). Migrate fails, changing nothing, when the database holds a
// migration newer than the newest in fsys: that database was written by a
// newer binary.
func (db *DB) Migrate(ctx context.Context, fsys fs.FS, dir string) error {
	migrations, err := readMigrations(fsys, dir)
	if err != nil {
		return fmt.Errorf("%s: %w", db.name, err)
	}

	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version     INTEGER PRIMARY KEY,
		name        TEXT NOT NULL,
		applied_at  TEXT NOT NULL
	)`
	if _, err := db.x.ExecContext(ctx, db.dialect(create)); err != nil {
		return fmt.Errorf("%s: create schema_migrations: %w", db.name, err)
	}

	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	newest := 0
	if len(migrations) > 0 {
		newest = migrations[len(migrations)-1].version
	}
	db.newestMigration = newest
	if current > newest {
		return fmt.Errorf("%s database is at schema version %d, but this binary knows versions up to %d: "+
			"upgrade the binary or point it at another database", db.name, current, newest)
	}

	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion returns the newest migration applied, or 0.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.x.GetContext(ctx, &v, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	if err != nil {
		return 0, fmt.Errorf("%s: read schema version: %w", db.name, err)
	}
	return v, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		number, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q: name must start with a number and an underscore", name)
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", name, err)
		}
		out = append(out, migration{version: version, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: migration %s: %w", db.name, m.name, err)
	}
	defer tx.Rollback()

	// A migration may build an index over millions of rows, which takes
	// longer than the statement timeout that suits queries.
	if db.engine == Postgres {
		if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return fmt.Errorf("%s: migration %s: %w", db.name, m.name, err)
		}
	}
	for _, stmt := range splitStatements(m.sql) {
		if _, err := tx.ExecContext(ctx, db.dialect(stmt)); err != nil {
			return fmt.Errorf("%s: migration %s: %w", db.name, m.name, err)
		}
	}
	record := db.x.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`)
	if _, err := tx.ExecContext(ctx, record, m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("%s: record migration %s: %w", db.name, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit migration %s: %w", db.name, m.name, err)
	}
	return nil
}

// splitStatements splits a migration file on semicolons that end a line,
// after dropping "--" comments. Migrations hold plain DDL, so no semicolon
// appears inside a string literal.
func splitStatements(text string) []string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	var out []string
	for _, stmt := range strings.Split(b.String(), ";") {
		if s := strings.TrimSpace(stmt); s != "" {
			out = append(out, s)
		}
	}
	return out
}
