package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"lienthong/server"
	"lienthong/sources"
	"lienthong/telemetry"
)

// registerLimits adds the request limit flags to fs.
func (f *serveFlags) registerLimits(fs *flag.FlagSet) {
	d := server.DefaultLimits
	intVar(fs, &f.limits.MaxDepth, "max-depth", d.MaxDepth,
		"maximum nesting of fields in an operation")
	intVar(fs, &f.limits.MaxComplexity, "max-complexity", d.MaxComplexity,
		"maximum operation complexity: 1 per field plus its children, times first for paginated lists")
	intVar(fs, &f.limits.MaxAliases, "max-aliases", d.MaxAliases,
		"maximum aliased fields in a document")
	intVar(fs, &f.limits.MaxOperations, "max-operations", d.MaxOperations,
		"maximum operations defined in a document")
	intVar(fs, &f.maxBodyBytes, "max-body-bytes", int(d.MaxBodyBytes),
		"maximum request body size in bytes")
	durationVar(fs, &f.limits.RequestTimeout, "request-timeout", d.RequestTimeout,
		"longest time to serve one request")
}

// checkLimits rejects a limit that is zero or negative, which would reject
// every request.
func (f *serveFlags) checkLimits() error {
	l := f.limits
	for _, c := range []struct {
		flag  string
		value int64
	}{
		{"max-depth", int64(l.MaxDepth)},
		{"max-complexity", int64(l.MaxComplexity)},
		{"max-aliases", int64(l.MaxAliases)},
		{"max-operations", int64(l.MaxOperations)},
		{"max-body-bytes", l.MaxBodyBytes},
		{"request-timeout", int64(l.RequestTimeout)},
	} {
		if c.value <= 0 {
			return fmt.Errorf("invalid -%s %d: must be positive", c.flag, c.value)
		}
	}
	return nil
}

// logConfig logs the settings the server starts with. DSN passwords are
// masked.
func logConfig(ctx context.Context, log *slog.Logger, f serveFlags, cfg sources.Config) {
	attrs := []any{
		"addr", f.addr,
		"log_format", f.logFormat,
		"traces_exporter", telemetry.Exporter(),
		"shutdown_grace", f.shutdownGrace,
		"max_depth", f.limits.MaxDepth,
		"max_complexity", f.limits.MaxComplexity,
		"max_aliases", f.limits.MaxAliases,
		"max_operations", f.limits.MaxOperations,
		"max_body_bytes", f.limits.MaxBodyBytes,
		"request_timeout", f.limits.RequestTimeout,
	}
	named := []struct {
		name string
		src  sources.Source
	}{
		{"population", cfg.Population}, {"civilstatus", cfg.CivilStatus},
		{"business", cfg.Business}, {"procedures", cfg.Procedures},
	}
	for _, s := range named {
		attrs = append(attrs, slog.Group(s.name,
			"dsn", server.Redact(s.src.DSN),
			"statement_timeout", s.src.Options.StatementTimeout,
			"breaker_failures", s.src.Options.Breaker.Failures,
			"breaker_cool_down", s.src.Options.Breaker.CoolDown,
		))
	}
	log.InfoContext(ctx, "configuration", attrs...)
}
