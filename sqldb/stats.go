package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"lienthong/metrics"
)

var errNoRows = sql.ErrNoRows

var tracer = otel.Tracer("lienthong/sqldb")

// Stats counts the statements one request ran, per source. It is safe for
// concurrent use by the request's resolvers.
type Stats struct {
	mu      sync.Mutex
	sources map[string]*SourceStats
}

// SourceStats is what one source did for one request.
type SourceStats struct {
	Statements int     `json:"statements"`
	DurationMs float64 `json:"durationMs"`
}

type statsKey struct{}

// WithStats returns a context whose statements are counted in the returned
// Stats.
func WithStats(ctx context.Context) (context.Context, *Stats) {
	s := &Stats{sources: make(map[string]*SourceStats)}
	return context.WithValue(ctx, statsKey{}, s), s
}

// StatsFrom returns the Stats that ctx counts into, or nil.
func StatsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

func (s *Stats) add(source string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sources[source]
	if ss == nil {
		ss = &SourceStats{}
		s.sources[source] = ss
	}
	ss.Statements++
	ss.DurationMs += float64(d.Microseconds()) / 1000
}

// Snapshot returns a copy of the counts keyed by source name.
func (s *Stats) Snapshot() map[string]SourceStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]SourceStats, len(s.sources))
	for name, ss := range s.sources {
		out[name] = *ss
	}
	return out
}

// Total returns the number of statements over all sources.
func (s *Stats) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.sources {
		n += ss.Statements
	}
	return n
}

// Sources returns the names of the sources that ran a statement, sorted.
func (s *Stats) Sources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.sources))
	for name := range s.sources {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// begin starts timing one statement and a span named
// sources.<source>.<op>. The span carries the statement text with its
// placeholders and the batch size, but never the bound values, which are
// personal data. The returned function ends both, and its ran argument
// reports whether the statement reached the database, so that a statement
// the circuit breaker rejected is not counted as run.
func (db *DB) begin(ctx context.Context, op, statement string, keys int) func(err error, ran bool) {
	start := time.Now()
	_, span := tracer.Start(ctx, "sources."+db.name+"."+op, trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(
			attribute.String("db.system", string(db.engine)),
			attribute.String("db.statement", statement),
			attribute.String("lienthong.source", db.name),
			attribute.Int("lienthong.batch_size", keys),
		)
	}
	return func(err error, ran bool) {
		elapsed := time.Since(start)
		if ran {
			if s := StatsFrom(ctx); s != nil {
				s.add(db.name, elapsed)
			}
			metrics.Statements.WithLabelValues(db.name, op).Inc()
			metrics.StatementDuration.WithLabelValues(db.name).Observe(elapsed.Seconds())
			if err != nil && !errors.Is(err, ErrNotFound) {
				metrics.StatementErrors.WithLabelValues(db.name, errorReason(err)).Inc()
			}
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			span.RecordError(err)
			span.SetStatus(codes.Error, "statement failed")
		}
		span.End()
	}
}

// errorReason is the reason label of a failed statement's metric.
func errorReason(err error) string {
	var unavailable *UnavailableError
	if !errors.As(err, &unavailable) {
		return "other"
	}
	if strings.HasPrefix(unavailable.Reason, "statement timed out") {
		return "timeout"
	}
	return "connection"
}
