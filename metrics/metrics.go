// Package metrics defines the gateway's Prometheus metrics: GraphQL
// operations and their errors, statements per source, loader batch sizes and
// circuit breaker states. The series live in Registry, which the server
// exposes at /metrics together with the connection pool usage of its own
// sources.
//
// Label values come from fixed sets (source, statement and loader names
// written in code, error codes) or, for operation names, from OperationLabel,
// which caps how many distinct names are kept.
package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Registry holds the process-wide series and the Go runtime and process
// collectors.
var Registry = prometheus.NewRegistry()

var factory = promauto.With(Registry)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
}

var (
	// Requests counts GraphQL requests by operation label.
	Requests = factory.NewCounterVec(prometheus.CounterOpts{
		Name: "lienthong_graphql_requests_total",
		Help: "GraphQL requests served, by operation name.",
	}, []string{"operation"})

	// Errors counts the errors of GraphQL responses by operation label and
	// extensions.code.
	Errors = factory.NewCounterVec(prometheus.CounterOpts{
		Name: "lienthong_graphql_errors_total",
		Help: "Errors in GraphQL responses, by operation name and error code.",
	}, []string{"operation", "code"})

	// RequestDuration observes the time to serve a GraphQL request.
	RequestDuration = factory.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "lienthong_graphql_request_duration_seconds",
		Help:    "Time to serve a GraphQL request, by operation name.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
	}, []string{"operation"})

	// Statements counts the statements run on each source.
	Statements = factory.NewCounterVec(prometheus.CounterOpts{
		Name: "lienthong_source_statements_total",
		Help: "Statements run on a source, by source and statement name.",
	}, []string{"source", "statement"})

	// StatementErrors counts failed statements by source and reason:
	// timeout, circuit_open, connection or other.
	StatementErrors = factory.NewCounterVec(prometheus.CounterOpts{
		Name: "lienthong_source_statement_errors_total",
		Help: "Failed statements on a source, by source and reason (timeout, circuit_open, connection, other).",
	}, []string{"source", "reason"})

	// StatementDuration observes the time of each statement.
	StatementDuration = factory.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "lienthong_source_statement_duration_seconds",
		Help:    "Time to run one statement on a source.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 3, 12),
	}, []string{"source"})

	// BatchSize observes the number of keys in each loader batch.
	BatchSize = factory.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "lienthong_loader_batch_size",
		Help:    "Keys in one loader batch, by source and loader.",
		Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000},
	}, []string{"source", "loader"})

	// BreakerState is the state of each source's circuit breaker.
	BreakerState = factory.NewGaugeVec(prometheus.GaugeOpts{
		Name: "lienthong_source_breaker_state",
		Help: "Circuit breaker state of a source: 0 closed, 1 half-open, 2 open.",
	}, []string{"source"})
)

// Operation labels other than real operation names.
const (
	// Anonymous labels an operation without a name.
	Anonymous = "anonymous"
	// Unknown labels a request whose operation is not known, because it was
	// rejected before parsing or failed to parse.
	Unknown = "unknown"
	// Other labels every operation name after the first MaxOperationNames.
	Other = "other"
)

// MaxOperationNames caps the distinct operation names kept as labels, so
// that clients sending ever new names cannot grow the series without bound.
const MaxOperationNames = 200

var operationNames = struct {
	sync.Mutex
	seen map[string]struct{}
}{seen: make(map[string]struct{})}

// OperationLabel returns the label for an operation name: the name itself
// for the first MaxOperationNames distinct names, Other after that, and
// Anonymous for an empty name. GraphQL restricts names to
// [_A-Za-z][_0-9A-Za-z]*, so a parsed name is safe as a label value.
func OperationLabel(name string) string {
	if name == "" {
		return Anonymous
	}
	operationNames.Lock()
	defer operationNames.Unlock()
	if _, ok := operationNames.seen[name]; ok {
		return name
	}
	if len(operationNames.seen) >= MaxOperationNames {
		return Other
	}
	operationNames.seen[name] = struct{}{}
	return name
}
