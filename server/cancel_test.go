package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lienthong/server"
	"lienthong/testenv"
)

func TestCancelledRequestLogsOnce(t *testing.T) {
	var logs testenv.LogBuffer
	// PostgreSQL, because a table lock there blocks readers, so the
	// client is gone while the statements wait.
	env := testenv.New(t, testenv.Options{
		Engine:   testenv.Postgres,
		Dispatch: testDispatch,
		Configure: func(cfg *server.Config) {
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		},
	})
	f := env.Fixture(t)
	var ids []string
	for range 4 {
		ids = append(ids, f.Citizen(testenv.Person{FullName: "Nguyễn Văn An"}))
	}
	query := `query($a: ID!, $b: ID!, $c: ID!, $d: ID!) {
  a: citizen(id: $a) { fullName household { code } }
  b: citizen(id: $b) { fullName household { code } }
  c: citizen(id: $c) { fullName }
  d: citizen(id: $d) { fullName }
}`
	body, _ := json.Marshal(map[string]any{"query": query,
		"variables": map[string]any{"a": ids[0], "b": ids[1], "c": ids[2], "d": ids[3]}})

	lock, err := env.DBs.Population.X().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec("LOCK TABLE citizens IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.Server.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testenv.CentralToken(t))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("the request finished with status %d before the client cancelled it: %s", resp.StatusCode, got)
	}
	// Close waits for the handler to return.
	env.Server.Close()
	lock.Rollback()

	var lines []string
	for _, line := range logs.Lines() {
		if !strings.Contains(line, "circuit breaker") {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("a cancelled request logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		if !strings.Contains(line, "level=INFO") {
			t.Errorf("line %q is not at INFO", line)
		}
		if !strings.Contains(line, "request cancelled by the client") {
			t.Errorf("line %q does not say the client cancelled", line)
		}
	}
}

func TestTimedOutRequestNamesTheLimit(t *testing.T) {
	// PostgreSQL, because a table lock there blocks readers, so the
	// request's time limit passes while a statement waits.
	env := testenv.New(t, testenv.Options{
		Engine:   testenv.Postgres,
		Dispatch: testDispatch,
		Limits:   server.Limits{RequestTimeout: 300 * time.Millisecond},
	})
	f := env.Fixture(t)
	id := f.Citizen(testenv.Person{FullName: "Nguyễn Văn An"})

	lock, err := env.DBs.CivilStatus.X().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec("LOCK TABLE registration_parties IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}

	resp := env.Query(t, `query($id: ID!) { citizen(id: $id) { fullName civilStatus { birth { registrationNumber } } } }`,
		map[string]any{"id": id})
	lock.Rollback()
	if len(resp.Errors) == 0 {
		t.Fatalf("no error for a request that outlived its time limit: %s", resp.Data)
	}
	for _, e := range resp.Errors {
		if strings.Contains(e.Message, "audit trail could not record") {
			t.Errorf("message %q blames the audit trail for the request's own time limit", e.Message)
		}
	}
	timedOut := false
	for _, e := range resp.Errors {
		if e.Extensions["code"] == "LIMIT_EXCEEDED" && strings.Contains(e.Message, "request timed out") &&
			strings.Contains(e.Message, "300ms") {
			timedOut = true
		}
	}
	if !timedOut {
		t.Errorf("no LIMIT_EXCEEDED error naming the 300ms limit among %+v", resp.Errors)
	}
}

func TestCancelledRequestsLogAtBoundedRate(t *testing.T) {
	var logs testenv.LogBuffer
	env := testenv.New(t, testenv.Options{
		Engine:   testenv.Postgres,
		Dispatch: testDispatch,
		Configure: func(cfg *server.Config) {
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		},
	})
	f := env.Fixture(t)
	id := f.Citizen(testenv.Person{FullName: "Nguyễn Văn An"})
	body, _ := json.Marshal(map[string]any{"query": `query($id: ID!) { citizen(id: $id) { fullName } }`,
		"variables": map[string]any{"id": id}})

	lock, err := env.DBs.Population.X().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec("LOCK TABLE citizens IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}

	const requests = 30
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, env.Server.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testenv.CentralToken(t))
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	env.Server.Close()
	lock.Rollback()

	cancelled := strings.Count(logs.String(), "request cancelled by the client")
	// The burst is 10 lines, and the 300 ms of the test add at most one.
	if cancelled < 1 || cancelled > 11 {
		t.Errorf("%d cancelled requests logged %d lines, want 1 to 11:\n%s", requests, cancelled, logs.String())
	}
}
