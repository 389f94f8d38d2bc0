package audit

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"lienthong/sqldb"
)

var testKey = []byte("lienthong-test-audit-key-of-32-bytes-or-more")

// request returns a pending Append call with one entry per citizen.
func request(citizens ...string) *appendRequest {
	r := &appendRequest{ctx: context.Background(), done: make(chan error, 1)}
	for _, c := range citizens {
		r.entries = append(r.entries, Entry{At: "2026-12-01T09:00:00Z", OfficerID: "o-1", CitizenID: c})
	}
	return r
}

func TestFailedCommitFailsWholeGroup(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), testKey, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Append(context.Background(), request("001085000001").entries); err != nil {
		t.Fatal(err)
	}
	// Reject one citizen's entry, as a failing disk or a constraint would
	// fail the transaction partway through.
	if _, err := s.db.X().Exec(`CREATE TRIGGER reject_poison BEFORE INSERT ON audit_entries
		WHEN NEW.citizen_id = 'poison' BEGIN SELECT RAISE(ABORT, 'entry rejected'); END`); err != nil {
		t.Fatal(err)
	}

	// The writer goroutine is idle, waiting for a request, so the test can
	// flush a group itself.
	group := []*appendRequest{request("001085000002"), request("001085000003", "poison"), request("001085000004")}
	s.flush(group)
	for i, r := range group {
		if err := <-r.done; err == nil {
			t.Errorf("request %d of the failed group got no error", i)
		}
	}
	n, err := s.Count(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("trail holds %d entries after the failed group, want 1", n)
	}

	// The next append chains onto the last committed entry, not onto the
	// failed group's entries.
	if err := s.Append(context.Background(), request("001085000005", "001085000006").entries); err != nil {
		t.Fatalf("append after a failed group: %v", err)
	}
	checked, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if checked != 3 {
		t.Errorf("verified %d entries, want 3", checked)
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), testKey, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.Append(context.Background(), request("001085000001").entries)
	if !errors.Is(err, ErrClosed) {
		t.Errorf("append after close = %v, want %v", err, ErrClosed)
	}
}
