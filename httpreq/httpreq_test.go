package httpreq_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"lienthong/httpreq"
)

func TestReadErrorHidesAddresses(t *testing.T) {
	timeout := &net.OpError{Op: "read", Net: "tcp",
		Source: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 18291},
		Addr:   &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 35502},
		Err:    os.ErrDeadlineExceeded}
	tests := []struct {
		name    string
		err     error
		timeout time.Duration
		status  int
		want    string
	}{
		{"timeout", timeout, 30 * time.Second, 408, "read timeout of 30s"},
		{"timeout_unknown", timeout, 0, 408, "the server's read timeout;"},
		{"wrapped_timeout", fmt.Errorf("read body: %w", timeout), time.Second, 408, "read timeout of 1s"},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, 0, 400,
			"incomplete request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := httpreq.ReadError(tt.err, tt.timeout)
			if got.Status != tt.status {
				t.Errorf("status = %d, want %d", got.Status, tt.status)
			}
			if !strings.Contains(got.Message, tt.want) {
				t.Errorf("message %q does not contain %q", got.Message, tt.want)
			}
			if strings.Contains(got.Message, "127.0.0.1") {
				t.Errorf("message %q names an address", got.Message)
			}
		})
	}
}
