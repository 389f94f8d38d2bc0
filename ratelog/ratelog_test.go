package ratelog_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"lienthong/ratelog"
)

func TestLoggerSuppressesAfterBurst(t *testing.T) {
	var out bytes.Buffer
	// A rate of almost zero refills no token during the test.
	l := ratelog.New(slog.New(slog.NewTextHandler(&out, nil)), 1e-9, 3)
	for range 10 {
		l.Log(context.Background(), slog.LevelInfo, "rejected")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want the burst of 3:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		if !strings.Contains(line, "suppressed_since_last=0") {
			t.Errorf("line %q does not report suppressed_since_last=0", line)
		}
	}
}
