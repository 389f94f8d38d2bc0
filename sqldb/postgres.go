package sqldb

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// openPostgres returns a pool for a postgres:// URL or a keyword/value
// DSN. Every connection of
// the pool starts with opts.StatementTimeout as its statement_timeout, so
// the server cancels a statement that runs too long even when the client
// stops waiting for it, and gives up connecting after opts.ConnectTimeout.
// Zero keeps the DSN's own settings.
func openPostgres(dsn string, opts Options) (*sqlx.DB, error) {
	cfg, err := parsePostgres(dsn)
	if err != nil {
		return nil, err
	}
	if opts.ConnectTimeout > 0 {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	if opts.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	return sqlx.NewDb(stdlib.OpenDB(*cfg), "pgx"), nil
}

// textColumn matches the TEXT type of a column definition.
var textColumn = regexp.MustCompile(`\bTEXT\b`)

// dialect adapts one migration statement to the engine.
//
// On PostgreSQL every TEXT column of CREATE TABLE and ALTER TABLE gets
// COLLATE "C", so that comparisons, ORDER BY and the indexes that serve
// them follow byte order, as on SQLite. A linguistic database collation,
// such as ICU vi-VN or glibc en_US.UTF-8, compares by language rules
// instead. Names, dossier codes and keyset cursors would then sort
// differently from SQLite, and name-prefix ranges would miss rows: under
// vi-VN every citizen search came back empty. A statement that already
// names a collation is left as written.
func (db *DB) dialect(stmt string) string {
	if db.engine != Postgres || strings.Contains(stmt, "COLLATE") {
		return stmt
	}
	upper := strings.ToUpper(strings.TrimSpace(stmt))
	if !strings.HasPrefix(upper, "CREATE TABLE") && !strings.HasPrefix(upper, "ALTER TABLE") {
		return stmt
	}
	return textColumn.ReplaceAllString(stmt, `TEXT COLLATE "C"`)
}
