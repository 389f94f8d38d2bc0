package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/sony/gobreaker/v2"

	"lienthong/metrics"
)

// BreakerOptions tunes the circuit breaker of one source. While the breaker
// is open, every statement fails at once with an *UnavailableError instead
// of waiting on a source that does not respond.
type BreakerOptions struct {
	// Failures is the number of consecutive failed statements that opens the
	// breaker. Zero means 5. Only failures that make the source unavailable
	// (timeouts and connection errors) count.
	Failures int
	// CoolDown is how long the breaker stays open before it turns half-open
	// and lets up to halfOpenTrials statements through: the breaker closes
	// when they all succeed and opens again at the first that fails. Zero
	// means 10 s.
	CoolDown time.Duration
}

// halfOpenTrials is the number of statements a half-open breaker lets
// through. One request usually sends a few statements to a source at once,
// so a single trial would fail the others of the first request after an
// outage.
const halfOpenTrials = 10

func newBreaker(name string, o BreakerOptions) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	failures := o.Failures
	if failures <= 0 {
		failures = 5
	}
	coolDown := o.CoolDown
	if coolDown <= 0 {
		coolDown = 10 * time.Second
	}
	metrics.BreakerState.WithLabelValues(name).Set(0)
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        name,
		Timeout:     coolDown,
		MaxRequests: halfOpenTrials,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= uint32(failures)
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			metrics.BreakerState.WithLabelValues(name).Set(float64(to))
			level := slog.LevelInfo
			if to == gobreaker.StateOpen {
				level = slog.LevelWarn
			}
			slog.Log(context.Background(), level, "source circuit breaker changed state",
				"source", name, "from", from.String(), "to", to.String())
		},
	})
}

// BreakerState returns the state of the source's circuit breaker: closed,
// half-open or open.
func (db *DB) BreakerState() string {
	return db.breaker.State().String()
}

// UnavailableError reports that a source did not respond: its circuit
// breaker is open, a statement timed out, or the connection failed. Its
// message names the source and the reason and is safe to show to callers,
// but the driver's error, which may name hosts or files, is only available
// through Unwrap.
type UnavailableError struct {
	Source string
	Reason string
	Err    error
}

func (e *UnavailableError) Error() string { return e.Source + " source unavailable: " + e.Reason }

func (e *UnavailableError) Unwrap() error { return e.Err }

// run runs one statement through the source's circuit breaker, bounded by
// the statement timeout, and records its span, metrics and request
// statistics. statement is the SQL text with placeholders, never with
// values. keys is the batch size, or 0 for a statement without a batch.
func (db *DB) run(ctx context.Context, op, statement string, keys int, exec func(context.Context) error) error {
	done := db.begin(ctx, op, statement, keys)

	settle, err := db.breaker.Allow()
	if err != nil {
		unavailable := &UnavailableError{Source: db.name, Reason: "circuit open", Err: err}
		metrics.StatementErrors.WithLabelValues(db.name, "circuit_open").Inc()
		done(unavailable, false)
		return unavailable
	}

	stmtCtx, cancel := db.statementContext(ctx)
	defer cancel()
	err = db.classify(ctx, stmtCtx, exec(stmtCtx))

	var unavailable *UnavailableError
	isUnavailable := errors.As(err, &unavailable)
	if isUnavailable {
		settle(err)
	} else {
		// A statement the source executed, even one that failed with an
		// error such as a constraint violation, shows that the source is up.
		// One the caller cancelled shows nothing either way.
		settle(nil)
	}
	done(err, true)
	if err != nil && !isUnavailable && !errors.Is(err, ErrNotFound) {
		return db.wrap(op, keys, err)
	}
	return err
}

// classify turns a driver error into ErrNotFound, an *UnavailableError, the
// caller's context error, or leaves it as it is.
func (db *DB) classify(ctx, stmtCtx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNoRows):
		return ErrNotFound
	case ctx.Err() != nil:
		// The request was cancelled or hit its own deadline: not the
		// source's fault.
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	case stmtCtx.Err() != nil, db.opts.StatementTimeout > 0 && (isSQLiteBusy(err) || isPostgresTimeout(err)):
		// On SQLite the busy timeout is at most the statement timeout, so
		// a lock that outlasts it fails the statement as busy, at about
		// the same moment as the deadline.
		return &UnavailableError{Source: db.name, Err: err,
			Reason: fmt.Sprintf("statement timed out after %s", db.opts.StatementTimeout)}
	case isConnectionError(err):
		return &UnavailableError{Source: db.name, Reason: "connection failed", Err: err}
	}
	return err
}

// isSQLiteBusy reports whether err is the error SQLite returns for a lock that
// outlasted the busy timeout.
func isSQLiteBusy(err error) bool {
	var sqliteErr sqlite3.Error
	return errors.As(err, &sqliteErr) && (sqliteErr.Code == sqlite3.ErrBusy || sqliteErr.Code == sqlite3.ErrLocked)
}

// isPostgresTimeout reports whether PostgreSQL cancelled the statement
// because it outlasted statement_timeout, which the source's connections
// set to the statement timeout; the server usually does so just before the
// context deadline.
func isPostgresTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "57014"
}

// isConnectionError reports whether err means the database could not be
// reached or used, rather than that it rejected the statement.
func isConnectionError(err error) bool {
	var (
		netErr     net.Error
		connectErr *pgconn.ConnectError
		sqliteErr  sqlite3.Error
	)
	switch {
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn):
		return true
	case errors.As(err, &netErr), errors.As(err, &connectErr):
		return true
	case errors.As(err, &sqliteErr):
		switch sqliteErr.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen, sqlite3.ErrIoErr,
			sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return true
		}
	}
	// database/sql has no exported error for a closed pool.
	return strings.Contains(err.Error(), "sql: database is closed")
}
