package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lienthong/auth"
	"lienthong/loaders"
	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/testenv"
)

func TestLoadRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ftp_url", []string{"-url", "ftp://127.0.0.1/graphql"}, "http:// or https://"},
		{"relative_url", []string{"-url", "/graphql"}, "http:// or https://"},
		{"no_host", []string{"-url", "http:///graphql"}, "missing host"},
		{"no_scheme", []string{"-url", "127.0.0.1:8080/graphql"},
			`invalid -url "127.0.0.1:8080/graphql": first path segment in URL cannot contain colon; give`},
		{"port_out_of_range", []string{"-url", "http://127.0.0.1:99999/graphql"}, "port 99999 must be between 1 and 65535"},
		{"bad_graphql_url", []string{"-graphql-url", "http://[::1/graphql"}, `invalid -graphql-url "http://[::1/graphql": missing ']'`},
		{"zero_concurrency", []string{"-concurrency", "0"}, "between 1 and 10000"},
		{"long_duration", []string{"-duration", "48h"}, "at most 1h0m0s"},
		{"unknown_workload", []string{"-workload", "nope"}, `invalid -workload "nope"`},
		{"mix_on_raw_case_context", []string{"-url", "http://127.0.0.1:1/raw/case-context"},
			"serves only -workload case-context"},
		{"case_context_on_raw_list", []string{"-url", "http://127.0.0.1:1/raw/dossier-list", "-workload", "case-context"},
			"serves only -workload dossier-list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := load(context.Background(), tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadDrivesEveryWorkload(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	_, members := f.Household(3)
	f.Dossier("1.001193", members[0], "2026-11-20", "processing")

	// The mix draws each request's workload at random, with 15% for the
	// dossier list, and cancels the requests still running when the run
	// ends. A run of a dozen requests can finish no dossier list, so the
	// run lasts long enough for many of each workload, also under -race.
	flags := loadFlags{url: env.Server.URL + "/graphql", concurrency: 2, duration: 3 * time.Second,
		workload: "mix", timeout: 5 * time.Second, seed: 1}
	client := env.Server.Client()
	withBearer(client, testenv.CentralToken(t))
	codes, err := flags.dossierCodes(context.Background(), client, defaultMix)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 1 {
		t.Fatalf("codes = %q, want one", codes)
	}
	results := drive(context.Background(), client, flags, defaultMix, codes)
	for _, w := range defaultMix {
		r := results.byWorkload[w.workload.name]
		if r == nil || len(r.latencies) == 0 {
			t.Errorf("%s: no successful request", w.workload.name)
			continue
		}
		if r.errors > 0 {
			t.Errorf("%s: %d errors, first %v", w.workload.name, r.errors, r.firstError)
		}
		if r.reported == 0 || r.statements == 0 {
			t.Errorf("%s: no statement counts read from extensions.sources", w.workload.name)
		}
	}
}

func TestLoadDrivesRawBaselines(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	_, members := f.Household(3)
	f.Dossier("1.001193", members[0], "2026-11-20", "processing")

	server := rawBaselineServer(t, env)
	client := server.Client()
	withBearer(client, testenv.CentralToken(t))

	for path, name := range rawWorkloads {
		t.Run(name, func(t *testing.T) {
			flags := loadFlags{url: server.URL + path, concurrency: 2, duration: 300 * time.Millisecond,
				workload: name, timeout: 5 * time.Second, seed: 1}
			if err := flags.validate(); err != nil {
				t.Fatal(err)
			}
			mix, err := flags.mix()
			if err != nil {
				t.Fatal(err)
			}
			codes, err := flags.dossierCodes(context.Background(), client, mix)
			if err != nil {
				t.Fatal(err)
			}
			r := drive(context.Background(), client, flags, mix, codes).byWorkload[name]
			if r == nil || len(r.latencies) == 0 {
				t.Fatal("no successful request")
			}
			if r.errors > 0 {
				t.Errorf("%d errors, first %v", r.errors, r.firstError)
			}
			if r.reported == 0 || r.statements == 0 {
				t.Error("no statement counts read from extensions.sources")
			}
		})
	}
}

// rawBaselineServer starts the gateway of env with the raw endpoints of
// serve --raw-baseline.
func rawBaselineServer(t *testing.T, env *testenv.Env) *httptest.Server {
	t.Helper()
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Secret: testenv.Secret})
	if err != nil {
		t.Fatal(err)
	}
	stores := loaders.Stores{
		Population:  population.New(env.DBs.Population),
		CivilStatus: civilstatus.New(env.DBs.CivilStatus),
		Business:    business.New(env.DBs.Business),
		Procedures:  procedures.New(env.DBs.Procedures),
	}
	log := slog.New(slog.DiscardHandler)
	handler := withRawBaseline(env.Server.Config.Handler, stores, adminunits.MustLoad(),
		&access{verifier: verifier, audit: env.Audit}, log)
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return server
}

// loadEnv starts the gateway with the raw endpoints on a data set of one
// dossier.
func loadEnv(t *testing.T) *httptest.Server {
	t.Helper()
	env := testenv.New(t, testenv.Options{})
	f := env.Fixture(t)
	f.Procedure("1.001193", "Thủ tục đăng ký khai sinh")
	_, members := f.Household(3)
	f.Dossier("1.001193", members[0], "2026-11-20", "processing")
	return rawBaselineServer(t, env)
}

func TestLoadFailsFastOnBadSetup(t *testing.T) {
	server := loadEnv(t)
	central := testenv.CentralToken(t)
	commune := testenv.Token(t, auth.Principal{ID: "officer-1", Role: auth.CommuneOfficer, Unit: "00004"})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no_token", []string{"-url", server.URL + "/graphql", "-workload", "dossier-list"},
			[]string{"check request of workload dossier-list", "requires credentials"}},
		{"commune_officer_on_raw_list",
			[]string{"-url", server.URL + "/raw/dossier-list", "-workload", "dossier-list", "-token", commune},
			[]string{"status 403", "central officers only"}},
		{"server_down", []string{"-url", closed.URL + "/graphql", "-workload", "citizen-search", "-token", central},
			[]string{"connection refused"}},
		{"wrong_path", []string{"-url", server.URL + "/nope", "-workload", "report", "-token", central},
			[]string{"status 404 Not Found", `"404 page not found"`}},
		{"timeout", []string{"-url", server.URL + "/graphql", "-workload", "dossier-list", "-token", central,
			"-timeout", "1ns"}, []string{"timed out after -timeout 1ns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := load(context.Background(), append(tt.args, "-concurrency", "1", "-duration", "1m"))
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if elapsed := time.Since(start); elapsed > 30*time.Second {
				t.Errorf("failed after %s, not before the run", elapsed)
			}
		})
	}
}

func TestLoadHintsAtRawBaseline(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	err := load(context.Background(), []string{"-url", env.Server.URL + "/raw/dossier-list",
		"-workload", "dossier-list", "-token", testenv.CentralToken(t), "-duration", "1s"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"status 404", "--raw-baseline"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestLoadAcceptsRawTrailingSlash(t *testing.T) {
	server := loadEnv(t)
	err := load(context.Background(), []string{"-url", server.URL + "/raw/case-context/",
		"-workload", "case-context", "-token", testenv.CentralToken(t), "-concurrency", "1", "-duration", "200ms"})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadFailsWithoutCompletedRequest(t *testing.T) {
	server := loadEnv(t)
	err := load(context.Background(), []string{"-url", server.URL + "/graphql", "-workload", "citizen-search",
		"-token", testenv.CentralToken(t), "-duration", "1ns"})
	if err == nil {
		t.Fatal("no error")
	}
	if want := "no request completed within -duration 1ns"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// TestLoadFailsOnFailedRequests drives a server that serves the check
// request and fails every later one.
func TestLoadFailsOnFailedRequests(t *testing.T) {
	var served atomic.Int64
	long := strings.Repeat("x", 5000)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) == 1 {
			w.Write([]byte(`{"data":{}}`))
			return
		}
		http.Error(w, "database unavailable "+long, http.StatusServiceUnavailable)
	}))
	t.Cleanup(server.Close)

	err := load(context.Background(), []string{"-url", server.URL + "/graphql", "-workload", "citizen-search",
		"-concurrency", "1", "-duration", "200ms"})
	if err == nil {
		t.Fatal("no error")
	}
	// A request in flight when the run ends reaches the server but is
	// cancelled and not counted, so the count may be one below the
	// server's.
	var failed, total int64
	if _, scanErr := fmt.Sscanf(err.Error(), "%d of %d requests failed", &failed, &total); scanErr != nil {
		t.Fatalf("error %q does not start with the failed count: %v", err, scanErr)
	}
	if failed != total {
		t.Errorf("%d of %d requests failed, want all", failed, total)
	}
	if sent := served.Load() - 1; failed < 1 || failed > sent {
		t.Errorf("%d requests failed, want between 1 and the %d the server answered", failed, sent)
	}
	if want := "status 503 Service Unavailable"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if len(err.Error()) > 2*maxExcerpt+100 {
		t.Errorf("error is %d bytes long, want it bounded", len(err.Error()))
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i))
	}
	for _, c := range []struct{ p, want int }{{50, 50}, {90, 90}, {99, 99}, {100, 100}, {1, 1}} {
		if got := percentile(sorted, c.p); got != time.Duration(c.want) {
			t.Errorf("p%d = %d, want %d", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %d, want 0", got)
	}
}

func TestRawEndpointsRejectBadTokensWithRequestID(t *testing.T) {
	server := loadEnv(t)
	for _, path := range []string{"/raw/case-context", "/raw/dossier-list"} {
		req, err := http.NewRequest(http.MethodPost, server.URL+path, strings.NewReader(`{"variables":{}}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer not-a-token")
		resp, err := server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", path, resp.StatusCode)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: 401 without X-Request-Id", path)
		}
	}
}

func TestLoadBoundsDossierCodeErrors(t *testing.T) {
	long := strings.Repeat("x", 200000)
	bodies := map[string]string{
		"graphql error": `{"errors":[{"message":"` + long + `"}]}`,
		"not json":      "oops " + long,
		"wrong shape":   `{"data":{"dossiers":5},"pad":"` + long + `"}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(body))
			}))
			t.Cleanup(server.Close)
			err := load(context.Background(), []string{"-url", server.URL + "/graphql", "-workload", "case-context",
				"-duration", "1s"})
			if err == nil {
				t.Fatal("no error")
			}
			if len(err.Error()) > 2*maxExcerpt+200 {
				t.Errorf("error is %d bytes long, want it bounded", len(err.Error()))
			}
			if strings.Contains(err.Error(), "Go value") {
				t.Errorf("error %q names a Go type", err)
			}
		})
	}
}
