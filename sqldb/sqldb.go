// Package sqldb opens the database behind one national source, on SQLite or
// PostgreSQL, and runs every statement of that source: it applies embedded
// migrations, splits key batches to fit the engine, and counts and times each
// statement for the request that caused it.
//
// A source never reaches another source's database; cross-source links are
// resolved by the gateway's batch loaders.
package sqldb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/sony/gobreaker/v2"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "github.com/mattn/go-sqlite3"    // registers the "sqlite3" driver
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options tunes the connection pool and timeouts of one source.
type Options struct {
	// MaxOpenConns caps the pool. Zero picks a default for the engine.
	MaxOpenConns int
	// StatementTimeout bounds one statement. Zero means no bound.
	StatementTimeout time.Duration
	// ConnectTimeout bounds opening the first connection.
	ConnectTimeout time.Duration
	// Breaker tunes the source's circuit breaker.
	Breaker BreakerOptions
	// SQLiteFullSync makes a SQLite commit wait until the WAL is synced to
	// disk (synchronous=FULL), so that a committed transaction survives a
	// power loss or an operating-system crash, at the cost of one fsync per
	// commit. By default commits use synchronous=NORMAL.
	SQLiteFullSync bool
	// SQLiteImmediateTx starts every SQLite transaction with BEGIN
	// IMMEDIATE, which takes the write lock at once, waiting up to the busy
	// timeout. A deferred transaction that reads before it writes may
	// instead fail with "database is locked" when another connection
	// committed in between.
	SQLiteImmediateTx bool
}

// DB is the database of one source.
type DB struct {
	name   string
	engine Engine
	// database names the database without its password, for messages.
	database string
	x        *sqlx.DB
	opts     Options

	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
	// newestMigration is the version of the newest migration file that
	// Migrate found, for readiness checks.
	newestMigration int
}

// Open connects to the database of the source name at dsn and checks that it
// answers. A SQLite file is created if missing.
func Open(ctx context.Context, name, dsn string, opts Options) (*DB, error) {
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	engine, err := EngineOf(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", name, err)
	}
	database, err := DatabaseOf(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", name, err)
	}

	var x *sqlx.DB
	switch engine {
	case Postgres:
		x, err = openPostgres(dsn, opts)
		if opts.MaxOpenConns == 0 {
			opts.MaxOpenConns = 16
		}
	default:
		x, err = sqlx.Open("sqlite3", sqliteDSN(dsn, opts))
		if opts.MaxOpenConns == 0 {
			opts.MaxOpenConns = 8
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", name, err)
	}
	x.SetMaxOpenConns(opts.MaxOpenConns)
	x.SetMaxIdleConns(opts.MaxOpenConns)
	x.SetConnMaxIdleTime(5 * time.Minute)

	pingCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := x.PingContext(pingCtx); err != nil {
		x.Close()
		return nil, fmt.Errorf("connect to %s database: %w", name, err)
	}
	return &DB{name: name, engine: engine, database: database, x: x, opts: opts, breaker: newBreaker(name, opts.Breaker)}, nil
}

// sqliteDSN adds the connection settings every SQLite source uses: WAL so
// that readers never wait for the writer, a busy timeout for concurrent
// writers, and NORMAL synchronisation unless opts.SQLiteFullSync is set.
// NORMAL is durable under WAL against a crash of the process but not
// against power loss. The busy timeout is 5 s, or the statement timeout when that is
// shorter: SQLite's busy handler ignores the interrupt that cancels a
// statement, so a statement waiting on a lock would otherwise outlast its
// timeout. A path that is already a URI or has parameters is used as given.
func sqliteDSN(path string, opts Options) string {
	if strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return path
	}
	busy := 5000
	if opts.StatementTimeout > 0 {
		busy = min(busy, max(1, int(opts.StatementTimeout.Milliseconds())))
	}
	synchronous := "NORMAL"
	if opts.SQLiteFullSync {
		synchronous = "FULL"
	}
	dsn := "file:" + path + "?_journal_mode=WAL&_busy_timeout=" + strconv.Itoa(busy) +
		"&_synchronous=" + synchronous + "&_foreign_keys=on&cache=private"
	if opts.SQLiteImmediateTx {
		dsn += "&_txlock=immediate"
	}
	return dsn
}

// Name returns the source name the database belongs to.
func (db *DB) Name() string { return db.name }

// Engine returns the engine behind the database.
func (db *DB) Engine() Engine { return db.engine }

// X returns the underlying handle, for bulk loading and tests.
func (db *DB) X() *sqlx.DB { return db.x }

// Close closes the pool.
func (db *DB) Close() error { return db.x.Close() }

// Select runs a query and scans all rows into dest, a pointer to a slice.
// Placeholders are written as ?.
func (db *DB) Select(ctx context.Context, op string, dest any, query string, args ...any) error {
	return db.run(ctx, op, query, 0, func(ctx context.Context) error {
		return db.x.SelectContext(ctx, dest, db.x.Rebind(query), args...)
	})
}

// Get runs a query that returns one row and scans it into dest. It returns
// ErrNotFound when there is no row.
func (db *DB) Get(ctx context.Context, op string, dest any, query string, args ...any) error {
	return db.run(ctx, op, query, 0, func(ctx context.Context) error {
		return db.x.GetContext(ctx, dest, db.x.Rebind(query), args...)
	})
}

// Exec runs a statement that returns no rows.
func (db *DB) Exec(ctx context.Context, op string, query string, args ...any) error {
	return db.run(ctx, op, query, 0, func(ctx context.Context) error {
		_, err := db.x.ExecContext(ctx, db.x.Rebind(query), args...)
		return err
	})
}

// KeysArg marks where the key batch goes among the arguments of SelectKeys.
// Without it the keys are the last argument.
var KeysArg = keysArg{}

type keysArg struct{}

// SelectKeys runs a query over a batch of keys and appends all rows to dest,
// a pointer to a slice. The query names the key list once as "= ANY(?)".
// PostgreSQL binds the keys as one array parameter; SQLite expands them to an
// IN list, split into chunks below its parameter limit, so a batch of any
// size runs. An empty batch runs nothing.
func SelectKeys[K any](ctx context.Context, db *DB, op string, dest any, query string, keys []K, args ...any) error {
	if len(keys) == 0 {
		return nil
	}
	if db.engine == Postgres {
		return db.selectAppend(ctx, op, query, len(keys), dest, db.x.Rebind(query), withKeys(args, keys))
	}

	inQuery := strings.Replace(query, "= ANY(?)", "IN (?)", 1)
	for start := 0; start < len(keys); start += sqliteChunk {
		chunk := keys[start:min(start+sqliteChunk, len(keys))]
		expanded, expandedArgs, err := sqlx.In(inQuery, withKeys(args, chunk)...)
		if err != nil {
			return fmt.Errorf("%s.%s: expand %d keys: %w", db.name, op, len(chunk), err)
		}
		if err := db.selectAppend(ctx, op, query, len(chunk), dest, expanded, expandedArgs); err != nil {
			return err
		}
	}
	return nil
}

// withKeys returns args with keys in place of KeysArg, or appended.
func withKeys[K any](args []any, keys []K) []any {
	out := make([]any, 0, len(args)+1)
	placed := false
	for _, a := range args {
		if _, ok := a.(keysArg); ok {
			out = append(out, keys)
			placed = true
			continue
		}
		out = append(out, a)
	}
	if !placed {
		out = append(out, keys)
	}
	return out
}

// sqliteChunk keeps an IN list well below SQLite's default limit of 32,766
// bound parameters, leaving room for the query's other arguments.
const sqliteChunk = 10000

// selectAppend runs one chunk and appends its rows to dest, a pointer to a
// slice. sqlx's Select empties the slice before scanning, so each chunk
// scans into a fresh slice of its own. statement is the query as the source
// wrote it, for the span, because the expanded one lists a placeholder per
// key.
func (db *DB) selectAppend(ctx context.Context, op, statement string, n int, dest any, query string, args []any) error {
	out := reflect.ValueOf(dest)
	if out.Kind() != reflect.Pointer || out.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("%s.%s: destination must be a pointer to a slice, got %T", db.name, op, dest)
	}
	chunk := reflect.New(out.Elem().Type())
	err := db.run(ctx, op, statement, n, func(ctx context.Context) error {
		return db.x.SelectContext(ctx, chunk.Interface(), query, args...)
	})
	if err != nil {
		return err
	}
	if out.Elem().Len() == 0 {
		// The first chunk becomes dest itself, without a copy.
		out.Elem().Set(chunk.Elem())
		return nil
	}
	out.Elem().Set(reflect.AppendSlice(out.Elem(), chunk.Elem()))
	return nil
}

func (db *DB) statementContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if db.opts.StatementTimeout > 0 {
		return context.WithTimeout(ctx, db.opts.StatementTimeout)
	}
	return ctx, func() {}
}

// ErrNotFound is returned by Get when no row matches.
var ErrNotFound = errors.New("not found")

// wrap names the source, the operation and the batch size in an error, and
// maps "no rows" to ErrNotFound.
func (db *DB) wrap(op string, keys int, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNoRows):
		return ErrNotFound
	case keys > 0:
		return fmt.Errorf("%s.%s (%d keys): %w", db.name, op, keys, err)
	default:
		return fmt.Errorf("%s.%s: %w", db.name, op, err)
	}
}

// Qualify prefixes each name in a comma-separated column list with a table
// alias: Qualify("c", "id, name") is "c.id, c.name".
func Qualify(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
