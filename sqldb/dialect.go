package sqldb

import "fmt"

// The expressions below cover the date arithmetic that SQLite and
// PostgreSQL spell differently. Sources store instants as RFC 3339 text in
// UTC, so each expression takes text columns and casts them on PostgreSQL.

// DaysBetween returns an SQL expression for the fractional number of days
// from the instant in column from to the instant in column to. The result is
// NULL when either column is NULL.
func (db *DB) DaysBetween(from, to string) string {
	if db.engine == Postgres {
		return fmt.Sprintf("(EXTRACT(EPOCH FROM (CAST(%s AS timestamptz) - CAST(%s AS timestamptz))) / 86400.0)", to, from)
	}
	return fmt.Sprintf("(julianday(%s) - julianday(%s))", to, from)
}

// LocalMonth returns an SQL expression for the calendar month, as YYYY-MM,
// of the instant in column at a fixed offset east of UTC in hours. Vietnam
// keeps UTC+7 all year, so a fixed offset is exact there. On PostgreSQL the
// instant is first taken to UTC, so the session's time zone never matters.
func (db *DB) LocalMonth(column string, offsetHours int) string {
	if db.engine == Postgres {
		return fmt.Sprintf("to_char((CAST(%s AS timestamptz) AT TIME ZONE 'UTC') + interval '%d hours', 'YYYY-MM')", column, offsetHours)
	}
	return fmt.Sprintf("strftime('%%Y-%%m', %s, '%+d hours')", column, offsetHours)
}

// Unindexed returns column prefixed with a unary plus on SQLite, which keeps
// SQLite's planner from using an index for the term that compares it.
// PostgreSQL has no unary plus for text and picks its indexes by cost, so
// column is returned unchanged there.
func (db *DB) Unindexed(column string) string {
	if db.engine == Postgres {
		return column
	}
	return "+" + column
}
