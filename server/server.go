// Package server serves the GraphQL API over HTTP: the gqlgen handler with
// its transports, query cache and error presenter, per-request loaders and
// statement counts, and GraphiQL.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/graph"
	"lienthong/httpreq"
	"lienthong/loaders"
	"lienthong/metrics"
	"lienthong/paging"
	"lienthong/persisted"
	"lienthong/ratelog"
	"lienthong/resolvers"
	"lienthong/savedquery"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sqldb"
)

// Config sets up a Server.
type Config struct {
	Stores loaders.Stores
	Units  *adminunits.Units
	Logger *slog.Logger
	// Now is the clock that decides which dossiers are overdue; time.Now
	// when nil.
	Now func() time.Time
	// Dispatch sets when loaders run their batches; loaders.DefaultDispatch
	// when zero.
	Dispatch loaders.Dispatch
	// SourcesExtension adds extensions.sources, the statements each source
	// ran for the request and their total time, to every response.
	SourcesExtension bool
	// Introspection allows schema introspection queries.
	Introspection bool
	// GraphiQL serves the GraphiQL page at /.
	GraphiQL bool
	// GraphiQLPage is the handler of the GraphiQL page and its assets.
	GraphiQLPage http.Handler
	// MaxBodyBytes bounds a request body. Zero means Limits.MaxBodyBytes.
	MaxBodyBytes int64
	// CORSOrigins are the browser origins, such as provincial portals,
	// whose pages may call the API. Use ParseCORSOrigins to read them from
	// a flag. None when empty.
	CORSOrigins []string
	// Auth verifies the credentials of each request. When nil, every
	// request is anonymous and credentials are rejected.
	Auth *auth.Verifier
	// Audit receives an entry for every read of a citizen's personal data.
	// When nil, reads are not audited: use that for benchmarks only.
	Audit *audit.Store
	// SavedQueries are served at /saved when set.
	SavedQueries *savedquery.Registry
	// APQCache stores the queries of Apollo's automatic persisted queries;
	// an in-memory LRU of 1,000 queries when nil.
	APQCache graphql.Cache[string]
	// Registered are operations known in advance, such as those of a
	// persisted-query manifest. Clients may send their hash alone.
	Registered persisted.Operations
	// AllowList rejects every operation that is neither a saved query nor
	// registered.
	AllowList bool
	// Limits bounds the work of one request; each zero field takes its
	// value from DefaultLimits.
	Limits Limits
	// CursorSecret is the secret from which the key that seals citizen-list
	// cursors is derived. Replicas behind one load balancer need the same
	// secret. When empty, the key is random, so only this process opens
	// its cursors.
	CursorSecret []byte
	// DBs are the source databases, and the audit trail's, that /readyz
	// checks and /metrics reports the connection pools of.
	DBs []*sqldb.DB
	// ShuttingDown reports that the process has begun to shut down. While
	// it returns true, /readyz responds 503 without checking the sources,
	// and /healthz still responds 200. Nil means never.
	ShuttingDown func() bool
}

// New returns the HTTP handler of the API.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Dispatch == (loaders.Dispatch{}) {
		cfg.Dispatch = loaders.DefaultDispatch
	}
	if cfg.Limits.MaxBodyBytes == 0 {
		cfg.Limits.MaxBodyBytes = cfg.MaxBodyBytes
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	if cfg.Auth == nil {
		cfg.Auth, _ = auth.NewVerifier(auth.VerifierConfig{})
	}

	cursors := paging.RandomSealer()
	if len(cfg.CursorSecret) > 0 {
		var err error
		if cursors, err = paging.NewSealer(cfg.CursorSecret); err != nil {
			panic(err) // NewSealer fails only on an empty secret
		}
	}
	root := &resolvers.Resolver{
		Stores:  cfg.Stores,
		Units:   cfg.Units,
		Now:     cfg.Now,
		Audit:   cfg.Audit,
		Cursors: cursors,
	}
	gqlConfig := graph.Config{
		Resolvers:  root,
		Directives: graph.DirectiveRoot{Sensitive: sensitive, Personal: root.Personal},
	}
	setComplexity(&gqlConfig.Complexity)
	schema := graph.NewExecutableSchema(gqlConfig)
	gql := handler.New(schema)
	gql.AddTransport(transport.Options{})
	gql.AddTransport(httpTransport{schema: schema.Schema(), maxDepth: cfg.Limits.MaxDepth})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		gql.Use(extension.Introspection{})
	}
	if cfg.SourcesExtension {
		gql.Use(sourcesExtension{})
	}
	if cfg.Audit != nil {
		gql.Use(auditExtension{store: cfg.Audit, units: cfg.Units, log: cfg.Logger, now: cfg.Now,
			timeout: cfg.Limits.RequestTimeout})
	}

	usePersistedQueries(gql, cfg)
	gql.Use(operationExtension{})
	gql.Use(&limitsExtension{limits: cfg.Limits})
	gql.AroundFields(touchScheduler)
	gql.SetErrorPresenter(presentError(cfg.Logger, cfg.Limits))
	gql.SetRecoverFunc(recoverPanic(cfg.Logger))

	mux := http.NewServeMux()
	api := limitBody(cfg.Logger, cfg.Limits.MaxBodyBytes, loaders.Middleware(cfg.Stores, cfg.Dispatch, gql))
	api = withMetrics(withTimeout(cfg.Limits.RequestTimeout, api))
	api = auth.Middleware(cfg.Auth, cfg.Logger, withRecorder(api))
	// Cancelled requests log through one rate-limited log: about one line a
	// second after a burst of ten, counting the lines left out.
	cancelLog := ratelog.New(cfg.Logger, 1, 10)
	mux.Handle("/graphql", withRequest(cancelLog, checkProtocol(cfg.Logger, api)))
	if cfg.SavedQueries != nil {
		savedquery.NewHandler(cfg.SavedQueries, withRequest(cancelLog, api), cfg.Logger).Register(mux)
	}
	mux.Handle("GET /schema.graphql", schemaHandler())
	mux.Handle("GET /metrics", metricsHandler(cfg.DBs))
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(cfg.DBs, cfg.ShuttingDown))
	if cfg.GraphiQL && cfg.GraphiQLPage != nil {
		mux.Handle("GET /{$}", cfg.GraphiQLPage)
		mux.Handle("GET /graphiql/", cfg.GraphiQLPage)
	}
	var handler http.Handler = mux
	if len(cfg.CORSOrigins) > 0 {
		handler = withCORS(cfg.CORSOrigins, handler)
	}
	return withTracing(handler)
}

// withRequest gives each request an id, a statement counter and a record
// of whether its cancellation has been logged.
func withRequest(cancelLog *ratelog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := sqldb.WithStats(r.Context())
		ctx = httpreq.WithID(ctx, r.Header.Get("X-Request-Id"))
		ctx = withCancelNotice(ctx, cancelLog)
		w.Header().Set("X-Request-Id", RequestID(ctx))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// touchScheduler reports to the request's loader scheduler when each
// resolver starts and returns, so pending batches wait until every
// resolver of the current level has asked for its keys or is blocked on a
// thunk. A field bound to a struct field of its parent's model cannot block,
// so it only records activity.
func touchScheduler(ctx context.Context, next graphql.Resolver) (any, error) {
	sched := loaders.For(ctx).Scheduler
	if fc := graphql.GetFieldContext(ctx); fc != nil && !fc.IsResolver && !fc.IsMethod {
		sched.Touch()
		return next(ctx)
	}
	sched.Enter()
	defer sched.Exit()
	return next(ctx)
}

// sourcesExtension reports, in extensions.sources, the statements each
// source ran for the request, so that anyone can see the batching work.
type sourcesExtension struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = sourcesExtension{}

func (sourcesExtension) ExtensionName() string                   { return "SourceStatements" }
func (sourcesExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (sourcesExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	stats := sqldb.StatsFrom(ctx)
	if stats == nil {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = make(map[string]any)
	}
	resp.Extensions["sources"] = stats.Snapshot()
	return resp
}

// presentError keeps the path and location gqlgen sets, adds
// extensions.code, and replaces the message of any error that is not an
// *apierr.Error, an unavailable source or the request timeout with
// "internal error", logging the original with the request id. It counts
// every error in metrics.Errors.
func presentError(log *slog.Logger, limits Limits) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		defer func() {
			code, _ := gqlErr.Extensions["code"].(string)
			metrics.Errors.WithLabelValues(operationLabel(ctx), code).Inc()
		}()

		var appErr *apierr.Error
		var inner *gqlerror.Error
		var unavailable *sqldb.UnavailableError
		switch {
		case errors.As(err, &unavailable):
			log.WarnContext(ctx, "source unavailable", "source", unavailable.Source,
				"reason", unavailable.Reason, "err", redactedError(unavailable.Err),
				"request_id", RequestID(ctx), "path", gqlErr.Path.String())
			gqlErr.Message = unavailable.Error()
			setCode(gqlErr, string(apierr.SourceUnavailable))
			gqlErr.Extensions["source"] = unavailable.Source
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
			log.WarnContext(ctx, "request timed out", "timeout", limits.RequestTimeout,
				"request_id", RequestID(ctx), "path", gqlErr.Path.String())
			gqlErr.Message = fmt.Sprintf("request timed out: it ran longer than the limit of %s", limits.RequestTimeout)
			setCode(gqlErr, string(apierr.LimitExceeded))
			gqlErr.Extensions["limit"] = "request-timeout"
		case errors.As(err, &appErr):
			// gqlgen prefixes input errors with the argument's path, which
			// helps the caller; keep its message when it ends with ours.
			if !strings.HasSuffix(gqlErr.Message, appErr.Message) {
				gqlErr.Message = appErr.Message
			}
			setCode(gqlErr, string(appErr.Code))
		case errors.As(err, &inner) && inner.Err == nil:
			// Parse and validation errors from gqlparser and gqlgen's own
			// argument errors already name the problem; keep them.
			if _, ok := gqlErr.Extensions["code"]; !ok {
				setCode(gqlErr, string(apierr.InvalidArgument))
			}
			if gqlErr.Extensions["code"] == string(apierr.BadRequest) {
				// The message may quote a few bytes of the body, so only
				// the code is logged.
				log.InfoContext(ctx, "request rejected", "code", string(apierr.BadRequest),
					"request_id", RequestID(ctx))
			}
			if gqlErr.Extensions["code"] == string(apierr.LimitExceeded) {
				// The message holds only the limit and the measured value.
				log.InfoContext(ctx, "request rejected", "err", gqlErr.Message,
					"limit", gqlErr.Extensions["limit"], "request_id", RequestID(ctx))
			}
		case strings.HasSuffix(err.Error(), errIntrospectionDisabled):
			gqlErr.Message = "introspection is disabled on this gateway; the schema is at /schema.graphql"
			setCode(gqlErr, string(apierr.Forbidden))
		case httpreq.CancelledByClient(ctx):
			// Every pending resolver fails once the client has gone; one
			// line for the request is enough.
			logCancelled(ctx, log, "path", gqlErr.Path.String())
			gqlErr.Message = "request cancelled by the client"
			setCode(gqlErr, string(apierr.Cancelled))
		default:
			log.ErrorContext(ctx, "resolver failed", "err", redactedError(err), "request_id", RequestID(ctx),
				"path", gqlErr.Path.String())
			gqlErr.Message = fmt.Sprintf("internal error (request id %s)", RequestID(ctx))
			setCode(gqlErr, string(apierr.Internal))
		}
		return gqlErr
	}
}

// redactedError returns the message of err with URL passwords masked, for
// logging.
func redactedError(err error) string {
	if err == nil {
		return ""
	}
	return Redact(err.Error())
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = make(map[string]any)
	}
	e.Extensions["code"] = code
}

// recoverPanic turns a resolver panic into an internal error: the stack
// goes to the log, never to the client.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panicked", "panic", fmt.Sprint(p), "request_id", RequestID(ctx),
			"stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	}
}
