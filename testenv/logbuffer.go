package testenv

import (
	"bytes"
	"strings"
	"sync"
)

// LogBuffer collects the output of a slog handler that concurrent requests
// write to. It is safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Lines returns the lines written so far, without empty ones at the ends.
func (b *LogBuffer) Lines() []string {
	text := strings.TrimSpace(b.String())
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}
