package baseline_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lienthong/baseline"
	"lienthong/testenv"
)

func newLog(buf *testenv.LogBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestRawBodyOverLimit(t *testing.T) {
	_, _, raw := newBaseline(t)
	body := `{"variables":{"code":"` + strings.Repeat("A", 1<<20) + `"}}`
	got := postRaw(t, raw.URL, testenv.CentralToken(t), body)
	if got.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", got.Status)
	}
	if len(got.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", got.Errors)
	}
	want := fmt.Sprintf("request body of %d bytes exceeds the limit of 1048576 bytes", len(body))
	if got.Errors[0].Message != want {
		t.Errorf("message = %q, want %q", got.Errors[0].Message, want)
	}
	if code := got.Errors[0].Extensions["code"]; code != "LIMIT_EXCEEDED" {
		t.Errorf("code = %v, want LIMIT_EXCEEDED", code)
	}
	if limit := got.Errors[0].Extensions["limit"]; limit != "max-body-bytes" {
		t.Errorf("limit = %v, want max-body-bytes", limit)
	}
}

func TestRawResponsesCarryRequestID(t *testing.T) {
	_, f, raw := newBaseline(t)
	code := plantCase(f)
	token := testenv.CentralToken(t)
	tests := []struct {
		name, token, body, id string
		status                int
	}{
		{"served", token, `{"variables":{"code":"` + code + `"}}`, "", 200},
		{"served_given_id", token, `{"variables":{"code":"` + code + `"}}`, "lb-42", 200},
		{"anonymous", "", `{}`, "", 401},
		{"bad_body", token, `{"variables":{"code":5}}`, "", 400},
		{"injected_id", token, `{}`, "bad id; level=INFO fake", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, raw.URL+baseline.Path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			if tt.id != "" {
				req.Header.Set("X-Request-Id", tt.id)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			id := resp.Header.Get("X-Request-Id")
			if id == "" {
				t.Errorf("response has no X-Request-Id")
			}
			if tt.id == "lb-42" && id != tt.id {
				t.Errorf("X-Request-Id = %q, want the valid id sent, %q", id, tt.id)
			}
			if strings.Contains(id, "fake") {
				t.Errorf("X-Request-Id = %q repeats an invalid id", id)
			}
		})
	}
}

func TestRawRejectionsAreRateLimited(t *testing.T) {
	env, _, _ := newBaseline(t)
	var logs testenv.LogBuffer
	raw := httptest.NewServer(rawHandler(t, env, newLog(&logs)))
	defer raw.Close()

	const requests = 40
	for range requests {
		if got := postRaw(t, raw.URL, "", `{}`); got.Status != http.StatusUnauthorized {
			t.Fatalf("status = %d, want 401", got.Status)
		}
	}
	lines := logs.Lines()
	// A burst of 10, then about one a second.
	if len(lines) < 1 || len(lines) > 15 {
		t.Fatalf("%d requests logged %d lines, want 1 to 15:\n%s", requests, len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		if !strings.Contains(line, "suppressed_since_last=") {
			t.Errorf("line %q has no suppressed_since_last", line)
		}
	}
}

func TestRawCancelledRequestLogsOnce(t *testing.T) {
	env, f, _ := newBaseline(t)
	code := plantCase(f)
	var logs testenv.LogBuffer
	handler := rawHandler(t, env, newLog(&logs))

	// The handler runs only after the client has gone, so that its
	// statements see a cancelled request however fast they would be.
	bodyRead := make(chan struct{})
	raw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		close(bodyRead)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
			t.Error("the request was not cancelled after the client went away")
		}
		// The request goes on with a context the client cancelled.
		r.Body = io.NopCloser(bytes.NewReader(body))
		handler.ServeHTTP(w, r)
	}))

	ctx, cancel := context.WithCancel(context.Background())
	body := `{"variables":{"code":"` + code + `"}}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw.URL+baseline.Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testenv.CentralToken(t))
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-bodyRead
	cancel()
	<-done
	// Close waits for the handler to return.
	raw.Close()

	lines := logs.Lines()
	// The handler runs after the cancellation, so it always logs its one
	// line.
	if len(lines) != 1 {
		t.Fatalf("a cancelled request logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		if !strings.Contains(line, "level=INFO") {
			t.Errorf("line %q is not at INFO", line)
		}
		if !strings.Contains(line, "cancelled by the client") {
			t.Errorf("line %q does not say the client cancelled", line)
		}
	}
}

// slowBodyResponse sends a request whose body stops after 10 of its 100
// bytes to a server over handler with a read timeout of 200ms, and
// returns the response.
func slowBodyResponse(t *testing.T, handler http.Handler, path, token string) (int, string, http.Header) {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ReadTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{\"variabl", path, token)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response (status %d): %v", resp.StatusCode, err)
	}
	if len(out.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", out.Errors)
	}
	return resp.StatusCode, out.Errors[0].Message, resp.Header
}

func TestSlowBodyGets408(t *testing.T) {
	env, _, _ := newBaseline(t)
	token := testenv.CentralToken(t)
	targets := []struct {
		name    string
		handler http.Handler
		path    string
	}{
		{"raw", rawHandler(t, env, slog.New(slog.DiscardHandler)), baseline.Path},
		{"gateway", env.Server.Config.Handler, "/graphql"},
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			status, msg, header := slowBodyResponse(t, tt.handler, tt.path, token)
			if status != http.StatusRequestTimeout {
				t.Errorf("status = %d, want 408", status)
			}
			if want := "read timeout of 200ms"; !strings.Contains(msg, want) {
				t.Errorf("message %q does not contain %q", msg, want)
			}
			if strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "i/o timeout") {
				t.Errorf("message %q shows the read error", msg)
			}
			if header.Get("X-Request-Id") == "" {
				t.Errorf("response has no X-Request-Id")
			}
		})
	}
}

func TestRawRejectsNonJSONContentType(t *testing.T) {
	_, _, raw := newBaseline(t)
	for _, contentType := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"} {
		t.Run(contentType, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, raw.URL+baseline.Path, strings.NewReader(`{"variables":{}}`))
			if err != nil {
				t.Fatal(err)
			}
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			req.Header.Set("Authorization", "Bearer "+testenv.CentralToken(t))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("status = %d, want 415", resp.StatusCode)
			}
			if len(got.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", got.Errors)
			}
			if code := got.Errors[0].Extensions["code"]; code != "UNSUPPORTED_MEDIA_TYPE" {
				t.Errorf("code = %v, want UNSUPPORTED_MEDIA_TYPE", code)
			}
			if !strings.Contains(got.Errors[0].Message, "Content-Type") && !strings.Contains(got.Errors[0].Message, "charset") {
				t.Errorf("message %q names neither the header nor the charset", got.Errors[0].Message)
			}
		})
	}
}
