package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"lienthong/metrics"
	"lienthong/sqldb"
)

var tracer = otel.Tracer("lienthong/server")

// operationInfo carries the operation label of one request from the
// GraphQL handler, which learns it, to the HTTP middleware that records the
// request's metrics.
type operationInfo struct {
	mu    sync.Mutex
	label string
}

type operationInfoKey struct{}

func (o *operationInfo) set(label string) {
	o.mu.Lock()
	o.label = label
	o.mu.Unlock()
}

func (o *operationInfo) get() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.label
}

// operationLabel returns the operation label of the request ctx belongs to,
// or metrics.Unknown.
func operationLabel(ctx context.Context) string {
	if o, ok := ctx.Value(operationInfoKey{}).(*operationInfo); ok {
		return o.get()
	}
	return metrics.Unknown
}

// withMetrics counts each GraphQL request and observes its duration under
// its operation label.
func withMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &operationInfo{label: metrics.Unknown}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), operationInfoKey{}, info)))
		label := info.get()
		metrics.Requests.WithLabelValues(label).Inc()
		metrics.RequestDuration.WithLabelValues(label).Observe(time.Since(start).Seconds())
	})
}

// operationExtension records the operation label for metrics and wraps the
// execution of each operation in a span named "<type> <name>", such as
// "query CaseContext". The span never carries the document or variables,
// which may hold personal data.
type operationExtension struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = operationExtension{}

func (operationExtension) ExtensionName() string                   { return "OperationTelemetry" }
func (operationExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (operationExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if o, ok := ctx.Value(operationInfoKey{}).(*operationInfo); ok && rc.Operation != nil {
		o.set(metrics.OperationLabel(rc.Operation.Name))
	}
	return nil
}

func (operationExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	rc := graphql.GetOperationContext(ctx)
	if rc.Operation == nil {
		return next(ctx)
	}
	name := rc.Operation.Name
	if name == "" {
		name = metrics.Anonymous
	}
	ctx, span := tracer.Start(ctx, string(rc.Operation.Operation)+" "+name, trace.WithAttributes(
		attribute.String("graphql.operation.type", string(rc.Operation.Operation)),
		attribute.String("graphql.operation.name", rc.Operation.Name),
	))
	defer span.End()

	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
		span.SetStatus(codes.Error, "response has errors")
	}
	return resp
}

// withTracing starts the HTTP server span of each request, continuing a
// trace the caller propagated in traceparent. Probes and scrapes are not
// traced.
func withTracing(next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "http.server",
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			switch r.URL.Path {
			case "/graphql", "/schema.graphql":
				return r.Method + " " + r.URL.Path
			}
			return r.Method
		}),
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/metrics", "/healthz", "/readyz":
				return false
			}
			return true
		}),
	)
}

// metricsHandler serves the process-wide series and the connection pool
// usage of dbs in the Prometheus text format.
func metricsHandler(dbs []*sqldb.DB) http.Handler {
	pools := prometheus.NewRegistry()
	for _, db := range dbs {
		pools.MustRegister(collectors.NewDBStatsCollector(db.X().DB, db.Name()))
	}
	return promhttp.HandlerFor(prometheus.Gatherers{metrics.Registry, pools}, promhttp.HandlerOpts{})
}

// Redact masks the passwords of URLs and DSN parameters in s, such as a
// postgres:// DSN that a driver error repeats, so that the text can be
// logged or shown.
func Redact(s string) string { return sqldb.RedactDSN(s) }
