package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lienthong/auth"
	"lienthong/demo"
)

// TestSIGTERMFinishesRequestInFlight starts the real binary, begins a
// request whose body arrives slowly, sends SIGTERM while the request is in
// flight, and checks that the request gets its whole answer and the process
// exits 0.
func TestSIGTERMFinishesRequestInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	cmd, logs, host, dataDir := startServer(t, "-shutdown-delay", "0")
	summary, err := demo.ReadSummary(filepath.Join(dataDir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"query":"query Case($code: ID!) { dossier(code: $code) { code applicant { fullName household { members { citizen { fullName } } } } } }","variables":{"code":%q}}`,
		summary.ShowcaseDossier)

	// Send the headers and half of the body, so that the request is in
	// flight when SIGTERM arrives.
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	half := len(body) / 2
	token, err := auth.Mint([]byte(auth.DemoSecret), auth.Principal{ID: "officer-test", Name: "Cán bộ thử", Role: auth.CentralOfficer},
		time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		host, token, len(body), body[:half])
	time.Sleep(100 * time.Millisecond)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitForLog(t, logs, "shutting down")

	// New connections are refused while the request in flight goes on. The
	// listener closes just after the log line, so allow it a moment.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Errorf("new connections were still accepted 5 s after SIGTERM")
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatalf("send the rest of the body after SIGTERM: %v", err)
	}

	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Data struct {
			Dossier struct {
				Code      string
				Applicant struct {
					FullName  string
					Household struct{ Members []struct{} }
				}
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("decode response (status %d): %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || len(answer.Errors) > 0 {
		t.Errorf("status %d, errors %v; want 200 and none", resp.StatusCode, answer.Errors)
	}
	if answer.Data.Dossier.Code != summary.ShowcaseDossier || answer.Data.Dossier.Applicant.FullName == "" {
		t.Errorf("answer = %+v, want the showcase dossier and its applicant", answer.Data)
	}

	waitForLog(t, logs, "stopped")
	waitForExit(t, cmd)
}

// TestSIGTERMMakesReadyzFail sends SIGTERM with a shutdown delay and checks
// that during the delay /readyz responds 503, /healthz 200, and queries
// are still served, and that the listener then closes and the process
// exits 0.
func TestSIGTERMMakesReadyzFail(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	cmd, logs, host, _ := startServer(t, "-shutdown-delay", "3s")
	base := "http://" + host

	status, body := get(t, base+"/readyz")
	if status != http.StatusOK {
		t.Fatalf("/readyz before SIGTERM: status %d, want 200: %s", status, body)
	}
	if !strings.Contains(string(body), `"audit":{"ready":true`) {
		t.Errorf("/readyz before SIGTERM does not report the audit trail ready: %s", body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	entry := waitForLog(t, logs, "shutting down")
	if entry["delay"] != float64(3*time.Second) {
		t.Errorf("shutting down log: delay = %v ns, want 3 s", entry["delay"])
	}

	status, body = get(t, base+"/readyz")
	if status != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the delay: status %d, want 503", status)
	}
	var readiness struct{ Status string }
	if err := json.Unmarshal(body, &readiness); err != nil || readiness.Status != "shutting down" {
		t.Errorf("/readyz during the delay: body %s, want status \"shutting down\"", body)
	}
	if status, body := get(t, base+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz during the delay: status %d, want 200: %s", status, body)
	}
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ provinces { code } }"}`))
	if err != nil {
		t.Fatalf("query during the delay: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("query during the delay: status %d, want 200", resp.StatusCode)
	}

	// The listener closes right after this log entry.
	waitForLog(t, logs, "closing listener")
	refused := false
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			refused = true
			break
		}
		conn.Close()
	}
	if !refused {
		t.Errorf("new connections were still accepted 2 s after the delay")
	}
	waitForLog(t, logs, "stopped")
	waitForExit(t, cmd)
}

// get sends a GET on a new connection and returns the status and body.
func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// startServer builds the binary and serves 2,000 demo citizens on a free
// port with JSON logs, a grace period of 10 s and the extra flags. It
// returns the process, its log entries, its host:port and its data folder.
func startServer(t *testing.T, flags ...string) (*exec.Cmd, <-chan map[string]any, string, string) {
	t.Helper()
	dir := t.TempDir()
	binary := filepath.Join(dir, "lienthong")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	dataDir := filepath.Join(dir, "data")
	args := []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dataDir,
		"-demo-citizens", "2000", "-graphiql=false", "-log-format", "json", "-shutdown-grace", "10s"}
	cmd := exec.Command(binary, append(args, flags...)...)
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	logs := make(chan map[string]any, 100)
	go func() {
		defer close(logs)
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			var entry map[string]any
			if json.Unmarshal(scanner.Bytes(), &entry) == nil {
				logs <- entry
			}
		}
	}()
	addr := waitForLog(t, logs, "listening")["addr"].(string)
	host := strings.TrimSuffix(strings.TrimPrefix(addr, "http://"), "/graphql")
	return cmd, logs, host, dataDir
}

// waitForExit fails unless cmd exits 0 within 10 s.
func waitForExit(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Errorf("exit code = %d, want 0", exit.ExitCode())
		} else if err != nil {
			t.Errorf("wait: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not exit within 10 s")
	}
}

// waitForLog returns the first log entry with message msg, failing after
// 60 s or when the process closes its log.
func waitForLog(t *testing.T, logs <-chan map[string]any, msg string) map[string]any {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case entry, ok := <-logs:
			if !ok {
				t.Fatalf("the process ended before logging %q", msg)
			}
			if entry["msg"] == msg {
				return entry
			}
		case <-timeout:
			t.Fatalf("no %q log within 60 s", msg)
		}
	}
}

func TestAuditHeadLogged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	cmd, logs, _, _ := startServer(t, "-shutdown-delay", "0", "-audit-head-log-interval", "100ms")
	for _, when := range []string{"start", "interval"} {
		entry := waitForLog(t, logs, "audit chain head")
		if entry["when"] != when {
			t.Errorf("audit chain head log: when = %v, want %s", entry["when"], when)
		}
		if _, ok := entry["seq"].(float64); !ok {
			t.Errorf("audit chain head log (%s): seq = %v, want a number", when, entry["seq"])
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitForLog(t, logs, "shutting down")
	for {
		entry := waitForLog(t, logs, "audit chain head")
		if entry["when"] == "shutdown" {
			break
		}
	}
	waitForLog(t, logs, "stopped")
	waitForExit(t, cmd)
}
