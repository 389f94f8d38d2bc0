// Package e2e tests Liên thông as an integrator meets it: the real binary
// started with a small demo, GraphiQL in headless Chromium, and typed client
// generation with GraphQL Code Generator. The tests skip when Chromium or
// Node.js is missing, unless LIENTHONG_REQUIRE_BROWSER=1 (set by .ci/run)
// makes them fail instead.
package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lienthong/testenv"
)

// demoCitizens is the size of the demo that the binary generates, enough
// for every example to find data and small enough to seed in seconds.
const demoCitizens = 2000

// server is the binary under test, started once for the package by the
// first test that needs it and stopped by TestMain.
type server struct {
	// URL is the base URL, such as http://127.0.0.1:40123, without a slash.
	URL string
	// ShowcaseDossier is the dossier code that the demo logs and fills into
	// GraphiQL's CaseContext tab.
	ShowcaseDossier string

	cmd  *exec.Cmd
	done chan error
}

var (
	shared     *server
	sharedErr  error
	sharedOnce sync.Once
	sharedDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.stop()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// startServer returns the shared running server, building and starting it
// on first use.
func startServer(t *testing.T) *server {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "lienthong-e2e-")
		if sharedErr != nil {
			return
		}
		shared, sharedErr = buildAndStart(sharedDir)
	})
	if sharedErr != nil {
		t.Fatalf("starting the lienthong binary failed: %v", sharedErr)
	}
	return shared
}

// buildAndStart builds cmd/lienthong into dir, starts it on a free port of
// 127.0.0.1 with a demo in dir, and waits until it listens.
func buildAndStart(dir string) (*server, error) {
	binary := filepath.Join(dir, "lienthong")
	build := exec.Command("go", "build", "-o", binary, "lienthong/cmd/lienthong")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}

	cmd := exec.Command(binary, "serve",
		"--addr", "127.0.0.1:0",
		"--data-dir", filepath.Join(dir, "data"),
		"--demo-citizens", fmt.Sprint(demoCitizens),
		"--log-format", "json",
	)
	// Keep the server's settings to the flags above, whatever the
	// developer's shell exports.
	cmd.Env = withoutLienthongVars(os.Environ())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}

	ready := make(chan error, 1)
	go s.readLog(stderr, ready)
	go func() { s.done <- cmd.Wait() }()

	select {
	case err := <-ready:
		if err != nil {
			s.stop()
			return nil, err
		}
	case err := <-s.done:
		return nil, fmt.Errorf("lienthong exited before listening: %v", err)
	case <-time.After(90 * time.Second):
		s.stop()
		return nil, fmt.Errorf("lienthong did not listen within 90s")
	}
	return s, nil
}

// readLog reads the JSON log lines of the server, takes the listening
// address and the showcase dossier from them, and copies every line to
// standard error when LIENTHONG_E2E_LOG is set.
func (s *server) readLog(r io.Reader, ready chan<- error) {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	signalled := false
	for scanner.Scan() {
		line := scanner.Bytes()
		if os.Getenv("LIENTHONG_E2E_LOG") != "" {
			fmt.Fprintf(os.Stderr, "lienthong: %s\n", line)
		}
		var entry struct {
			Msg     string `json:"msg"`
			Addr    string `json:"addr"`
			Dossier string `json:"dossier"`
			URL     string `json:"url"`
		}
		if json.Unmarshal(line, &entry) != nil || signalled {
			continue
		}
		switch entry.Msg {
		case "try the CaseContext example in GraphiQL with this dossier":
			s.ShowcaseDossier = entry.Dossier
			s.URL = strings.TrimSuffix(entry.URL, "/")
			signalled = true
			ready <- nil
		case "listening":
			// The showcase line follows at once when the demo has one.
			s.URL = strings.TrimSuffix(entry.Addr, "/graphql")
		}
	}
	if !signalled {
		ready <- fmt.Errorf("lienthong stopped logging before it logged a showcase dossier (set LIENTHONG_E2E_LOG=1 to see its log)")
	}
}

func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

func withoutLienthongVars(env []string) []string {
	var kept []string
	for _, v := range env {
		if !strings.HasPrefix(v, "LIENTHONG_") {
			kept = append(kept, v)
		}
	}
	return kept
}

// requireTool returns the path of a program needed by a test. When the
// program is missing, the test is skipped, or fails when
// LIENTHONG_REQUIRE_BROWSER=1, because CI must not pass by skipping.
func requireTool(t *testing.T, path, install string) string {
	t.Helper()
	found, err := exec.LookPath(path)
	if err == nil {
		return found
	}
	skipOrFail(t, fmt.Sprintf("%s not found (%v); %s", path, err, install))
	return ""
}

// skipOrFail skips the test with reason, or fails it in CI.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("LIENTHONG_REQUIRE_BROWSER") == "1" {
		t.Fatalf("%s (LIENTHONG_REQUIRE_BROWSER=1 requires it)", reason)
	}
	testenv.AnnounceSkip("end-to-end", reason)
	t.Skip(reason)
}

// artifactDir returns the folder for files a test leaves for people to look
// at: $LIENTHONG_ARTIFACTS when set, else a lienthong-e2e folder in the
// system's temporary folder. Files there outlive the test run.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LIENTHONG_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lienthong-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the artifacts folder failed: %v", err)
	}
	return dir
}
