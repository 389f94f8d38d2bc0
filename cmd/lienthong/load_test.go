package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
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
