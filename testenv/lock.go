package testenv

import (
	"context"
	"database/sql"
	"testing"

	"lienthong/sqldb"
)

// LockSQLite takes an exclusive lock on the SQLite file of db from another
// connection, as a second process would, so that every statement of db
// blocks until it times out or release is called. In WAL mode only a
// connection in exclusive locking mode keeps readers out, so the lock
// switches to that mode. release is safe to call more than once and runs
// at cleanup.
func LockSQLite(t testing.TB, db *sqldb.DB) (release func()) {
	t.Helper()
	var path string
	row := db.X().QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`)
	if err := row.Scan(&path); err != nil {
		t.Fatalf("find the file of the %s database: %v", db.Name(), err)
	}
	// An open connection keeps a shared lock on the WAL index, which stops
	// another connection from entering exclusive locking mode, so close the
	// idle ones first. Connections opened later wait for the lock.
	maxOpen := db.X().Stats().MaxOpenConnections
	db.X().SetMaxIdleConns(0)
	defer db.X().SetMaxIdleConns(maxOpen)
	return LockSQLiteFile(t, path)
}

// LockSQLiteFile is LockSQLite for a database file given by path.
func LockSQLiteFile(t testing.TB, path string) (release func()) {
	t.Helper()
	locker, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatalf("open %s to lock it: %v", path, err)
	}
	locker.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, stmt := range []string{
		`PRAGMA locking_mode = EXCLUSIVE`,
		`BEGIN EXCLUSIVE`,
		`SELECT count(*) FROM schema_migrations`,
	} {
		if _, err := locker.ExecContext(ctx, stmt); err != nil {
			locker.Close()
			t.Fatalf("lock %s: %s: %v", path, stmt, err)
		}
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		// Closing the only connection ends the transaction and drops the
		// lock.
		if err := locker.Close(); err != nil {
			t.Errorf("unlock %s: %v", path, err)
		}
	}
	t.Cleanup(release)
	return release
}
