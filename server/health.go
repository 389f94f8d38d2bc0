package server

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"lienthong/sqldb"
)

// readyTimeout bounds each source's check in /readyz, so that a probe
// gets a response in time even when a source hangs.
const readyTimeout = 2 * time.Second

// sourceReadiness is one source's entry in the /readyz body.
type sourceReadiness struct {
	Ready   bool   `json:"ready"`
	Breaker string `json:"breaker"`
	Error   string `json:"error,omitempty"`
}

// readiness is the /readyz body.
type readiness struct {
	Status  string                     `json:"status"`
	Sources map[string]sourceReadiness `json:"sources"`
}

// healthz reports that the process serves HTTP.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"alive"}` + "\n"))
}

// readyz checks every source concurrently. A source is ready when it
// responds to a ping and its schema is at the newest migration embedded in
// this binary. The status is 200 when all are ready, and otherwise 503
// with each failing source named. Once shuttingDown returns true, the
// status is 503 with status "shutting down", so that load balancers stop
// sending requests.
func readyz(dbs []*sqldb.DB, shuttingDown func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if shuttingDown != nil && shuttingDown() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(readiness{Status: "shutting down", Sources: map[string]sourceReadiness{}})
			return
		}
		body := readiness{Status: "ready", Sources: make(map[string]sourceReadiness, len(dbs))}
		var (
			mu sync.Mutex
			wg sync.WaitGroup
		)
		for _, db := range dbs {
			wg.Go(func() {
				entry := sourceReadiness{Ready: true, Breaker: db.BreakerState()}
				if err := db.CheckReady(r.Context(), readyTimeout); err != nil {
					entry.Ready = false
					entry.Error = Redact(err.Error())
				}
				mu.Lock()
				body.Sources[db.Name()] = entry
				mu.Unlock()
			})
		}
		wg.Wait()

		status := http.StatusOK
		for _, s := range body.Sources {
			if !s.Ready {
				body.Status = "unavailable"
				status = http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
	}
}
