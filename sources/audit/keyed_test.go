package audit_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/testenv"
)

var wrongKey = []byte("not-the-audit-key-but-32-bytes-long!")

// rewriteFrom edits the entries from seq first to last as an attacker
// without the key would: new officer and citizen ids, every hash from
// first to the end of the chain recomputed with hash, and the head moved
// to the new last hash.
func rewriteFrom(t *testing.T, s *audit.Store, first, last int64, hash func(*audit.Entry) string) {
	t.Helper()
	var entries []audit.Entry
	if err := s.DB().X().Select(&entries, `SELECT * FROM audit_entries ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := range entries {
		e := &entries[i]
		if e.Seq >= first {
			if e.Seq <= last {
				e.OfficerID = "forged-officer"
				e.CitizenID = "001085099999"
			}
			e.PrevHash = prev
			e.Hash = hash(e)
			exec(t, s, `UPDATE audit_entries SET officer_id = ?, citizen_id = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
				e.OfficerID, e.CitizenID, e.PrevHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
	exec(t, s, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
}

func TestVerifyDetectsForgedRecomputation(t *testing.T) {
	tests := []struct {
		name string
		hash func(*audit.Entry) string
	}{
		{"plain_sha256", func(e *audit.Entry) string { return e.PlainHash() }},
		{"hmac_wrong_key", func(e *audit.Entry) string { return e.KeyedHash(wrongKey) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSQLite(t)
			appendEntries(t, s, 8)
			rewriteFrom(t, s, 3, 6, tt.hash)
			_, err := s.Verify(context.Background())
			var broken *audit.BrokenError
			if !errors.As(err, &broken) {
				t.Fatalf("verify = %v, want a broken chain", err)
			}
			if broken.Seq != 3 {
				t.Errorf("first broken entry = %d (%s), want 3", broken.Seq, broken.Reason)
			}
			if !strings.Contains(broken.Reason, "HMAC-SHA256") {
				t.Errorf("reason = %q, want one naming the HMAC-SHA256 hash", broken.Reason)
			}
		})
	}
}

func TestVerifyReportsWrongKey(t *testing.T) {
	dir := t.TempDir()
	s, err := audit.Open(context.Background(), filepath.Join(dir, "audit.db"), testenv.AuditKey, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	appendEntries(t, s, 3)
	s.Close()

	other, err := audit.Open(context.Background(), filepath.Join(dir, "audit.db"), wrongKey, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Verify(context.Background()); !errors.Is(err, audit.ErrKeyMismatch) {
		t.Errorf("verify = %v, want %v", err, audit.ErrKeyMismatch)
	}
	if _, err := other.CheckHead(context.Background()); !errors.Is(err, audit.ErrKeyMismatch) {
		t.Errorf("check head = %v, want %v", err, audit.ErrKeyMismatch)
	}
	if err := other.Append(context.Background(), []audit.Entry{entry(4)}); err == nil {
		t.Error("append with the wrong key succeeded, want the head signature error")
	}
}

func TestOpenRejectsShortKey(t *testing.T) {
	_, err := audit.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), []byte("short"), sqldb.Options{})
	if err == nil || !strings.Contains(err.Error(), "invalid audit key: 5 bytes") {
		t.Errorf("open = %v, want an invalid audit key error", err)
	}
}

func TestVerifyDetectsHeadFaults(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, s *audit.Store)
		broken int64
		reason string
	}{
		{"wound_back", func(t *testing.T, s *audit.Store) {
			// Delete the last 4 entries and move the head to entry 6,
			// keeping the signature the attacker cannot recompute.
			var hash string
			if err := s.DB().X().Get(&hash, `SELECT hash FROM audit_entries WHERE seq = 6`); err != nil {
				t.Fatal(err)
			}
			exec(t, s, `DELETE FROM audit_entries WHERE seq > 6`)
			exec(t, s, `UPDATE audit_head SET seq = 6, hash = ? WHERE id = 1`, hash)
		}, 0, "audit_head signature does not match its seq 6"},
		{"missing_row", func(t *testing.T, s *audit.Store) {
			exec(t, s, `DELETE FROM audit_head`)
		}, 0, "audit_head row is missing"},
		{"edited_hash", func(t *testing.T, s *audit.Store) {
			exec(t, s, `UPDATE audit_head SET hash = 'forged' WHERE id = 1`)
		}, 10, "audit_head hash does not match entry 10's hash"},
		{"unsigned", func(t *testing.T, s *audit.Store) {
			exec(t, s, `UPDATE audit_head SET mac = '' WHERE id = 1`)
		}, 0, "audit_head is not signed, but entries 1 to 10 are keyed"},
		{"downgraded", func(t *testing.T, s *audit.Store) {
			exec(t, s, `UPDATE audit_head SET keyed_from = 11 WHERE id = 1`)
		}, 1, "content does not match its SHA-256 hash"},
		{"head_past_end", func(t *testing.T, s *audit.Store) {
			exec(t, s, `DELETE FROM audit_entries WHERE seq > 7`)
		}, 8, "audit_head says 10 entries, but the trail ends at entry 7 (entries 8 to 10 deleted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSQLite(t)
			appendEntries(t, s, 10)
			tt.tamper(t, s)
			_, err := s.Verify(context.Background())
			var broken *audit.BrokenError
			if !errors.As(err, &broken) {
				t.Fatalf("verify = %v, want a broken chain", err)
			}
			if broken.Seq != tt.broken {
				t.Errorf("broken entry = %d, want %d", broken.Seq, tt.broken)
			}
			if !strings.Contains(broken.Reason, tt.reason) {
				t.Errorf("reason = %q, want one containing %q", broken.Reason, tt.reason)
			}
		})
	}
}

func TestVerifyIgnoresEntriesPastHead(t *testing.T) {
	// Verify reads the head first, so entries another gateway appends
	// while it walks the chain are outside the check.
	s := openSQLite(t)
	appendEntries(t, s, 3)
	head, err := s.VerifyHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != 3 || head.KeyedFrom != 1 || head.MAC == "" {
		t.Errorf("head = %+v, want seq 3, keyed from 1, signed", head)
	}
}

// legacyTrail creates a trail at dsn as an earlier build wrote it: the
// first migration only, and n entries hashed with plain SHA-256.
func legacyTrail(t *testing.T, dsn string, n int) {
	t.Helper()
	ctx := context.Background()
	first, err := fs.ReadFile(audit.Migrations, "migrations/001_audit.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(ctx, audit.Name, dsn, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, fstest.MapFS{"migrations/001_audit.sql": {Data: first}}, "migrations"); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := 1; i <= n; i++ {
		e := entry(i)
		e.Seq, e.PrevHash = int64(i), prev
		e.Hash = e.PlainHash()
		if _, err := db.X().Exec(db.X().Rebind(`INSERT INTO audit_entries (seq, at, officer_id, role, unit, province,
			citizen_id, fields, purpose, request_id, operation, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.Seq, e.At, e.OfficerID, e.Role, e.Unit, e.Province, e.CitizenID, e.Fields, e.Purpose, e.RequestID,
			e.Operation, e.PrevHash, e.Hash); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`), n, prev); err != nil {
		t.Fatal(err)
	}
}

// TestUnkeyedTrailIsNotAdopted checks that a non-empty trail whose head is
// unsigned and whose entries carry plain SHA-256 hashes is rejected. An
// earlier build wrote trails like that, but so can anyone without the key,
// by recomputing plain hashes after an edit, so neither is signed over.
func TestUnkeyedTrailIsNotAdopted(t *testing.T) {
	for _, engine := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "audit.db") }},
		{"postgres", func(t *testing.T) string { return testenv.PostgresDB(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := engine.dsn(t)
			legacyTrail(t, dsn, 4)
			s, err := audit.Open(ctx, dsn, testenv.AuditKey, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()

			if _, err := s.CheckHead(ctx); err == nil || !strings.Contains(err.Error(), "no entry is keyed") {
				t.Errorf("check head of an unkeyed trail = %v, want an error saying no entry is keyed", err)
			}
			_, err = s.Verify(ctx)
			var broken *audit.BrokenError
			if !errors.As(err, &broken) || !strings.Contains(broken.Reason, "none of the 4 entries is keyed") {
				t.Errorf("verify an unkeyed trail = %v, want it broken with none of the 4 entries keyed", err)
			}
		})
	}
}
