// Package ratelog logs repeated events, such as rejected requests, at a
// bounded rate, and counts the events it leaves out, so that a client
// repeating a bad request cannot flood the log.
package ratelog

import (
	"context"
	"log/slog"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// Logger writes at most about perSecond lines a second after a burst. Each
// line it writes carries suppressed_since_last, the number of lines it
// left out since the previous one. It is safe for concurrent use.
type Logger struct {
	log        *slog.Logger
	limit      *rate.Limiter
	suppressed atomic.Int64
}

// New returns a Logger that writes to log at most perSecond lines a
// second after a burst of burst lines.
func New(log *slog.Logger, perSecond float64, burst int) *Logger {
	return &Logger{log: log, limit: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// Log writes msg with args at level, or counts it as suppressed when the
// rate is spent.
func (l *Logger) Log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if !l.limit.Allow() {
		l.suppressed.Add(1)
		return
	}
	args = append(args, "suppressed_since_last", l.suppressed.Swap(0))
	l.log.Log(ctx, level, msg, args...)
}
