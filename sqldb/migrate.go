package sqldb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Migrate applies the migrations in dir of fsys that the database has not
// applied yet, each in its own transaction, and records them in
// schema_migrations. Files are named NNN_description.sql and applied in
// number order. Text columns follow byte order on both engines (see
// dialect).
//
// The first run records the source name in schema_source, and Migrate
// fails, changing nothing, when the database belongs to another source or
// holds a migration newer than the newest in fsys (a newer binary wrote
// it). A database migrated before schema_source existed is claimed when
// every migration it records has the file name of this source's migration
// of the same version. On PostgreSQL, Migrate holds an advisory lock of
// the database throughout, so concurrent runs apply each migration once.
func (db *DB) Migrate(ctx context.Context, fsys fs.FS, dir string) error {
	migrations, err := readMigrations(fsys, dir)
	if err != nil {
		return fmt.Errorf("%s: %w", db.name, err)
	}
	newest := 0
	if len(migrations) > 0 {
		newest = migrations[len(migrations)-1].version
	}

	conn, err := db.x.Connx(ctx)
	if err != nil {
		return fmt.Errorf("%s: connect for migrations: %w", db.name, err)
	}
	defer conn.Close()
	if db.engine == Postgres {
		unlock, err := db.lockMigrations(ctx, conn)
		if err != nil {
			return err
		}
		defer unlock()
	}

	const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version     INTEGER PRIMARY KEY,
		name        TEXT NOT NULL,
		applied_at  TEXT NOT NULL
	)`
	if _, err := conn.ExecContext(ctx, db.dialect(createMigrations)); err != nil {
		return fmt.Errorf("%s: create schema_migrations: %w", db.name, err)
	}
	if err := db.claim(ctx, conn, migrations); err != nil {
		return err
	}

	var current int
	if err := conn.GetContext(ctx, &current, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`); err != nil {
		return fmt.Errorf("%s: read schema version: %w", db.name, err)
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
		if err := db.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// migrationLock is the key of the PostgreSQL advisory lock that
// serialises migrations. Advisory locks belong to one database, so
// migrations of different databases on one server do not wait for each
// other.
const migrationLock int64 = 0x6c69656e74686f6e // "lienthon" in ASCII

// lockMigrations waits for the migration lock of the database on conn, so
// that two processes starting together on an empty database do not both
// run CREATE TABLE, which fails on PostgreSQL's catalog. The wait has no
// statement timeout, because the other process may be building an index
// over millions of rows. unlock releases the lock and restores the
// connection's statement timeout.
func (db *DB) lockMigrations(ctx context.Context, conn *sqlx.Conn) (unlock func(), err error) {
	if _, err := conn.ExecContext(ctx, "SET statement_timeout = 0"); err != nil {
		return nil, fmt.Errorf("%s: lift the statement timeout for migrations: %w", db.name, err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("%s: wait for the migration lock: %w", db.name, err)
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		_, unlockErr := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLock)
		_, resetErr := conn.ExecContext(ctx, "RESET statement_timeout")
		if unlockErr != nil || resetErr != nil {
			// Closing the session releases its locks, and ErrBadConn
			// makes database/sql close the connection in place of
			// returning it to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// claim records in schema_source that the database belongs to this
// source, or fails when it belongs to another. Two sources configured on
// one database would otherwise share schema_migrations, and the second
// would skip its own migrations because the first's versions are there.
func (db *DB) claim(ctx context.Context, conn *sqlx.Conn, migrations []migration) error {
	const createSource = `CREATE TABLE IF NOT EXISTS schema_source (
		source      TEXT PRIMARY KEY,
		claimed_at  TEXT NOT NULL
	)`
	if _, err := conn.ExecContext(ctx, db.dialect(createSource)); err != nil {
		return fmt.Errorf("%s: create schema_source: %w", db.name, err)
	}
	var owners []string
	if err := conn.SelectContext(ctx, &owners, `SELECT source FROM schema_source`); err != nil {
		return fmt.Errorf("%s: read schema_source: %w", db.name, err)
	}
	for _, owner := range owners {
		if owner != db.name {
			return fmt.Errorf("the %s database %s already belongs to the %s source: "+
				"give each source (and the audit trail) a database of its own", db.name, db.database, owner)
		}
	}
	if len(owners) > 0 {
		return nil
	}

	// A database migrated by a build without schema_source records only
	// migration file names, so those decide whose it is.
	var applied []struct {
		Version int    `db:"version"`
		Name    string `db:"name"`
	}
	if err := conn.SelectContext(ctx, &applied, `SELECT version, name FROM schema_migrations ORDER BY version`); err != nil {
		return fmt.Errorf("%s: read schema_migrations: %w", db.name, err)
	}
	ours := make(map[int]string, len(migrations))
	for _, m := range migrations {
		ours[m.version] = m.name
	}
	for _, a := range applied {
		if name, ok := ours[a.Version]; ok && name != a.Name {
			return fmt.Errorf("the %s database already holds migration %s, which is not a %s migration "+
				"(its version %d is %s), so it belongs to another source: "+
				"give each source (and the audit trail) a database of its own", db.name, a.Name, db.name, a.Version, name)
		}
	}

	record := conn.Rebind(`INSERT INTO schema_source (source, claimed_at) VALUES (?, ?)`)
	if _, err := conn.ExecContext(ctx, record, db.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("%s: record the source in schema_source: %w", db.name, err)
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

func (db *DB) apply(ctx context.Context, conn *sqlx.Conn, m migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
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
	record := conn.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`)
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
