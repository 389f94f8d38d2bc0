package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"lienthong/baseline"
	"lienthong/demo"
	"lienthong/loaders"
	"lienthong/persisted"
	"lienthong/server"
	"lienthong/server/graphiql"
	"lienthong/sources"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/telemetry"
)

// serveFlags are the settings of the serve command.
type serveFlags struct {
	stores           storeFlags
	addr             string
	logFormat        string
	demoCitizens     int
	dispatch         loaders.Dispatch
	sourcesExtension string
	introspection    bool
	graphiql         bool
	corsOrigins      string
	shutdownGrace    time.Duration
	shutdownDelay    time.Duration
	rawBaseline      bool
	pprofAddr        string
	auditHeadLog     time.Duration
	access           accessFlags
	persisted        persistedFlags
	limits           server.Limits
	maxBodyBytes     int
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.stores.register(fs)
	stringVar(fs, &f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	stringVar(fs, &f.logFormat, "log-format", "text", "log format: text or json")
	intVar(fs, &f.demoCitizens, "demo-citizens", 50_000,
		"citizens to generate when the demo databases are empty; 0 never generates")
	durationVar(fs, &f.dispatch.Idle, "batch-idle", loaders.DefaultDispatch.Idle,
		"how long a request must make no progress before its pending loader batches run")
	durationVar(fs, &f.dispatch.MaxWait, "batch-max-wait", loaders.DefaultDispatch.MaxWait,
		"longest a loader key waits for its batch on a busy server")
	stringVar(fs, &f.sourcesExtension, "sources-extension", "auto",
		"add extensions.sources (statements and time per source) to responses: on, off, or auto (on for the embedded demo)")
	boolVar(fs, &f.introspection, "introspection", true, "allow schema introspection")
	boolVar(fs, &f.graphiql, "graphiql", true, "serve GraphiQL at /")
	stringVar(fs, &f.corsOrigins, "cors-origins", "",
		"comma-separated browser origins allowed to call the API, such as https://dichvucong.example.gov.vn; "+
			"one * in a host matches subdomains; none when empty")
	durationVar(fs, &f.shutdownGrace, "shutdown-grace", 20*time.Second,
		"longest to wait for requests in flight on SIGTERM, after -shutdown-delay")
	durationVar(fs, &f.shutdownDelay, "shutdown-delay", 5*time.Second,
		"on SIGTERM, how long /readyz reports 503 while the gateway still serves requests, "+
			"so that load balancers stop sending new ones before the listener closes; 0 closes it at once")
	boolVar(fs, &f.dispatch.Unbatched, "no-batching", false,
		"run every loader key as its own statement, with no batching or caching; for benchmarks only")
	boolVar(fs, &f.rawBaseline, "raw-baseline", false,
		"also serve POST "+baseline.Path+" and POST "+baseline.DossierListPath+", the data of the CaseContext "+
			"query and of the dossier list read without GraphQL, to central officers with audit; for benchmarks only")
	stringVar(fs, &f.pprofAddr, "pprof-addr", "",
		"address of a separate listener for net/http/pprof, such as 127.0.0.1:6060; empty means off")
	durationVar(fs, &f.auditHeadLog, "audit-head-log-interval", 10*time.Minute,
		"how often to log the audit chain head (seq and hash) at INFO, besides at start and shutdown; 0 means only then")
	f.access.register(fs)
	f.persisted.register(fs)
	f.registerLimits(fs)
}

// App is the running gateway: its sources and HTTP server.
type App struct {
	log      *slog.Logger
	dbs      *sources.DBs
	audit    *audit.Store
	handler  http.Handler
	server   *http.Server
	listener net.Listener
	grace    time.Duration
	delay    time.Duration
	// auditHeadLog is the interval of the periodic audit chain head log,
	// or 0 for none.
	auditHeadLog time.Duration
	// shuttingDown is set on SIGTERM, and makes /readyz report 503.
	shuttingDown atomic.Bool
	profiler     *profiler
	apq          *persisted.RedisCache
	// closers run in order after the HTTP server has shut down, while the
	// sources are still open, to flush what the requests left behind.
	closers []closer
}

// closer is a named step of the shutdown.
type closer struct {
	name  string
	close func(context.Context) error
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(f.logFormat)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	flushTraces, err := telemetry.Setup(ctx)
	if err != nil {
		return err
	}
	app, err := NewApp(ctx, f, log)
	if err != nil {
		flushTraces(context.Background())
		return err
	}
	defer app.Close()
	app.OnShutdown("traces", flushTraces)
	return app.Run(ctx)
}

// NewApp opens and migrates the sources, fills the embedded demo when it is
// empty, and binds the listener.
func NewApp(ctx context.Context, f serveFlags, log *slog.Logger) (*App, error) {
	corsOrigins, err := server.ParseCORSOrigins(f.corsOrigins)
	if err != nil {
		return nil, fmt.Errorf("-cors-origins: %w", err)
	}
	f.limits.MaxBodyBytes = int64(f.maxBodyBytes)
	if err := f.checkLimits(); err != nil {
		return nil, err
	}
	if f.shutdownDelay < 0 || f.shutdownGrace < 0 {
		return nil, fmt.Errorf("invalid -shutdown-delay %s or -shutdown-grace %s: durations must not be negative",
			f.shutdownDelay, f.shutdownGrace)
	}
	if err := f.stores.validate(); err != nil {
		return nil, err
	}
	if f.auditHeadLog < 0 {
		return nil, fmt.Errorf("invalid -audit-head-log-interval %s: must not be negative", f.auditHeadLog)
	}
	cfg, isDemo := f.stores.config()
	auditDSN := f.access.auditDSN
	if auditDSN == "" {
		auditDSN = filepath.Join(f.stores.dataDir, audit.Name+".db")
	}
	if err := checkDistinctDatabases(append(dsns(cfg), namedDSN{"audit", auditDSN})); err != nil {
		return nil, err
	}
	logConfig(ctx, log, f, cfg)
	if f.stores.usesDataDir() {
		if err := os.MkdirAll(f.stores.dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	dbs, err := sources.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	app := &App{log: log, dbs: dbs, grace: f.shutdownGrace, delay: f.shutdownDelay, auditHeadLog: f.auditHeadLog}

	summaryPath := filepath.Join(f.stores.dataDir, "demo.json")
	if isDemo && f.demoCitizens > 0 {
		if err := app.seedIfEmpty(ctx, f.demoCitizens, summaryPath); err != nil {
			app.Close()
			return nil, err
		}
	}

	var showcase string
	summary, err := demo.ReadSummary(summaryPath)
	if err == nil {
		showcase = summary.ShowcaseDossier
	}
	// The demo summary, written when this binary generates the data, marks
	// the folder as the embedded demo: SQLite files alone may be real data.
	demoData := isDemo && summary != nil
	access, err := f.access.open(ctx, log, f.stores.dataDir, demoData)
	if err != nil {
		app.Close()
		return nil, err
	}
	app.audit = access.audit
	app.OnShutdown("audit head", func(ctx context.Context) error {
		head, err := app.audit.ReadHead(ctx)
		if err != nil {
			return fmt.Errorf("read audit chain head: %w", err)
		}
		logAuditHead(ctx, log, "shutdown", head)
		return nil
	})
	// Statement counts show how a request ran, which can tell a caller
	// whether a withheld record exists, so auto turns them on for the demo
	// alone.
	extension := f.sourcesExtension == "on" || (f.sourcesExtension == "auto" && f.access.isDemo(demoData))
	if f.sourcesExtension != "on" && f.sourcesExtension != "off" && f.sourcesExtension != "auto" {
		app.Close()
		return nil, fmt.Errorf("invalid -sources-extension %q: use on, off or auto", f.sourcesExtension)
	}

	stores := loaders.Stores{
		Population:  population.New(dbs.Population),
		CivilStatus: civilstatus.New(dbs.CivilStatus),
		Business:    business.New(dbs.Business),
		Procedures:  procedures.New(dbs.Procedures),
	}
	units := adminunits.MustLoad()
	setup, err := f.persisted.build(ctx, log)
	if err != nil {
		app.Close()
		return nil, err
	}
	app.apq = setup.redis

	app.handler = server.New(server.Config{
		Stores:           stores,
		Units:            units,
		Logger:           log,
		Dispatch:         f.dispatch,
		SourcesExtension: extension,
		Introspection:    f.introspection,
		GraphiQL:         f.graphiql,
		GraphiQLPage:     graphiqlPage(ctx, log, showcase, access.demoHeaders),
		CORSOrigins:      corsOrigins,
		Auth:             access.verifier,
		Audit:            access.audit,
		CursorSecret:     access.cursorSecret,
		SavedQueries:     setup.saved,
		APQCache:         setup.cache,
		Registered:       setup.registered,
		AllowList:        f.persisted.allowList,
		Limits:           f.limits,
		// The trail is checked with the sources: while it is down, every
		// read of personal data is withheld.
		DBs:          append(dbs.All(), access.audit.DB()),
		ShuttingDown: app.shuttingDown.Load,
	})

	if f.rawBaseline {
		app.handler = withRawBaseline(app.handler, stores, units, access, log)
	}
	if f.pprofAddr != "" {
		if app.profiler, err = startProfiler(f.pprofAddr, log); err != nil {
			app.Close()
			return nil, err
		}
	}

	app.listener, err = net.Listen("tcp", f.addr)
	if err != nil {
		app.Close()
		return nil, fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	app.server = &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	attrs := []any{"addr", "http://" + app.listener.Addr().String() + "/graphql",
		"graphiql", f.graphiql, "sources_extension", extension, "cors_origins", corsOrigins,
		"no_batching", f.dispatch.Unbatched, "raw_baseline", f.rawBaseline}
	for _, db := range dbs.All() {
		attrs = append(attrs, db.Name(), string(db.Engine()))
	}
	log.InfoContext(ctx, "listening", attrs...)
	logAuditHead(ctx, log, "start", access.auditHead)
	if showcase != "" {
		log.InfoContext(ctx, "try the CaseContext example in GraphiQL with this dossier",
			"url", "http://"+app.listener.Addr().String()+"/", "dossier", showcase)
	}
	return app, nil
}

// seedIfEmpty generates the demo data when the population source has no
// citizen yet.
func (a *App) seedIfEmpty(ctx context.Context, citizens int, summaryPath string) error {
	var one int
	err := a.dbs.Population.X().GetContext(ctx, &one, `SELECT 1 FROM citizens LIMIT 1`)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check for demo data: %w", err)
	}
	a.log.InfoContext(ctx, "generating demo data", "citizens", citizens)
	start := time.Now()
	summary, err := demo.Seed(ctx, a.dbs, demo.Options{Citizens: citizens, Seed: 1, AsOf: demo.DefaultAsOf}, a.log)
	if err != nil {
		return fmt.Errorf("generate demo data (delete the data folder to start over): %w", err)
	}
	a.log.InfoContext(ctx, "generated demo data", "elapsed", time.Since(start).Round(time.Millisecond))
	return demo.WriteSummary(summaryPath, summary)
}

// graphiqlPage serves GraphiQL with the example operations. headers, a
// JSON object or "", prefills every tab's headers pane.
func graphiqlPage(ctx context.Context, log *slog.Logger, showcase, headers string) http.Handler {
	variables := ""
	if showcase != "" {
		variables = fmt.Sprintf(`{"code": %q}`, showcase)
	}
	loaded, skipped := server.LoadExamples()
	for _, err := range skipped {
		log.WarnContext(ctx, "GraphiQL example skipped", "err", err)
	}
	// The first tab is CaseContext with the showcase dossier, so the
	// examples that follow leave it out.
	var examples []graphiql.Example
	for _, e := range loaded {
		if e.Name == "CaseContext" {
			continue
		}
		examples = append(examples, graphiql.Example{Name: e.Name, Query: e.Query, Variables: e.Variables})
	}
	return graphiql.Handler(graphiql.Options{
		Endpoint:         "/graphql",
		Title:            "Liên thông",
		DefaultQuery:     server.CaseContextQuery(),
		DefaultVariables: variables,
		DefaultHeaders:   headers,
		Examples:         examples,
	})
}

// Handler returns the HTTP handler, for tests.
func (a *App) Handler() http.Handler { return a.handler }

// Addr returns the address the app listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Run serves until ctx is cancelled. Then /readyz reports 503 while the
// server goes on serving for the shutdown delay, so that load balancers
// stop sending requests, and the listener closes and requests in flight
// finish within the grace period. /healthz responds 200 until the exit.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	if a.auditHeadLog > 0 {
		go logAuditHeads(ctx, a.log, a.audit, a.auditHeadLog)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.shuttingDown.Store(true)
	a.log.Info("shutting down", "delay", a.delay, "grace", a.grace)
	if a.delay > 0 {
		select {
		case err := <-errc:
			return err
		case <-time.After(a.delay):
		}
		a.log.Info("closing listener")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.grace)
	defer cancel()
	err := a.server.Shutdown(shutdownCtx)
	if err != nil {
		err = fmt.Errorf("shut down: requests still in flight after %s: %w", a.grace, err)
	}
	if closeErr := a.runClosers(); closeErr != nil {
		err = errors.Join(err, closeErr)
	}
	if err != nil {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// Close releases the sources and the audit trail, and stops the profiler.
func (a *App) Close() error {
	if a.profiler != nil {
		a.profiler.Close()
	}
	if a.listener != nil && a.server == nil {
		a.listener.Close()
	}
	if a.apq != nil {
		a.apq.Close()
	}
	err := a.dbs.Close()
	if a.audit != nil {
		err = errors.Join(err, a.audit.Close())
	}
	return err
}
