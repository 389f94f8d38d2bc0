package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"lienthong/auth"
	"lienthong/baseline"
	"lienthong/httpreq"
	"lienthong/loaders"
	"lienthong/sources/adminunits"
)

// withRawBaseline serves the raw CaseContext handler at baseline.Path and
// the raw dossier list handler at baseline.DossierListPath, to central
// officers with the gateway's credentials and audit trail, and everything
// else with api.
func withRawBaseline(api http.Handler, stores loaders.Stores, units *adminunits.Units, access *access, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	caseContext := &baseline.CaseContext{Stores: stores, Units: units, Now: time.Now, Audit: access.audit}
	mux.Handle(baseline.Path, httpreq.WithIDHeader(auth.Middleware(access.verifier, log, baseline.Handler(caseContext, log))))
	list := &baseline.DossierList{Stores: stores, Now: time.Now, Audit: access.audit}
	mux.Handle(baseline.DossierListPath, httpreq.WithIDHeader(auth.Middleware(access.verifier, log, baseline.ListHandler(list, log))))
	mux.Handle("/", api)
	return mux
}

// profiler serves net/http/pprof on its own listener, so that profiles are
// never reachable on the API's address.
type profiler struct {
	server *http.Server
}

func startProfiler(addr string, log *slog.Logger) (*profiler, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for pprof on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	p := &profiler{server: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := p.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof listener stopped", "err", err, "addr", addr)
		}
	}()
	log.Info("serving pprof", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return p, nil
}

// Close stops the pprof listener.
func (p *profiler) Close() error { return p.server.Close() }
