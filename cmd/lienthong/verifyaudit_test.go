package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/testenv"
)

// auditTrail returns a SQLite trail of three entries keyed with key.
func auditTrail(t *testing.T, key []byte) (*audit.Store, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	store, err := audit.Open(ctx, path, key, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, id := range []string{"001085000001", "001085000002", "001085000003"} {
		if err := store.Append(ctx, []audit.Entry{{At: "2026-12-01T09:00:00Z", OfficerID: "o", CitizenID: id}}); err != nil {
			t.Fatal(err)
		}
	}
	return store, path
}

func runVerifyAudit(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return captureStdout(t, func() error {
		return run(context.Background(), append([]string{"verify-audit"}, args...))
	})
}

func TestVerifyAuditNamesBrokenEntry(t *testing.T) {
	store, path := auditTrail(t, testenv.AuditKey)
	key := string(testenv.AuditKey)

	out, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key)
	if err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	if !strings.Contains(out, "audit chain intact: 3 entries, head hash ") {
		t.Errorf("output = %q, want the entries and head hash", out)
	}
	if _, err := store.DB().X().Exec(`UPDATE audit_entries SET citizen_id = '001085000009' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	_, err = runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key)
	if err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Errorf("error = %v, want one naming entry 2", err)
	}
}

func TestVerifyAuditReportsHeadFaults(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		want   string
	}{
		{"missing_row", `DELETE FROM audit_head`, "audit_head row is missing"},
		{"edited_hash", `UPDATE audit_head SET hash = 'forged'`, "audit_head hash does not match entry 3's hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, path := auditTrail(t, testenv.AuditKey)
			if _, err := store.DB().X().Exec(tt.tamper); err != nil {
				t.Fatal(err)
			}
			_, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", string(testenv.AuditKey))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestVerifyAuditWrongKey(t *testing.T) {
	_, path := auditTrail(t, testenv.AuditKey)
	_, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", strings.Repeat("w", 40))
	if !errors.Is(err, audit.ErrKeyMismatch) {
		t.Errorf("error = %v, want %v", err, audit.ErrKeyMismatch)
	}
}

func TestVerifyAuditKeyFlag(t *testing.T) {
	_, path := auditTrail(t, testenv.AuditKey)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing_outside_demo", []string{"-audit-dsn", path}, "missing -audit-key (env LIENTHONG_AUDIT_KEY)"},
		{"short", []string{"-audit-dsn", path, "-audit-key", "short"}, "invalid -audit-key: 5 bytes, at least 32 needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runVerifyAudit(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestVerifyAuditDemoKey(t *testing.T) {
	dir := t.TempDir()
	store, err := audit.Open(context.Background(), filepath.Join(dir, "audit.db"), demoAuditKey(), sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Append(context.Background(), []audit.Entry{{At: "2026-12-01T09:00:00Z", OfficerID: "o"}}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	if _, err := runVerifyAudit(t, "-data-dir", dir); err != nil {
		t.Errorf("verify the demo trail with no key: %v", err)
	}
}

func TestVerifyAuditExpectSeq(t *testing.T) {
	_, path := auditTrail(t, testenv.AuditKey)
	key := string(testenv.AuditKey)
	if _, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key, "-expect-seq", "3"); err != nil {
		t.Errorf("expect-seq 3 on 3 entries: %v", err)
	}
	_, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key, "-expect-seq", "5")
	want := "audit trail has 3 entries, but -expect-seq is 5: entries 4 to 5 were deleted"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want one containing %q", err, want)
	}
}

// TestVerifyAuditDetectsRestoredHead reproduces tail truncation by an
// attacker who kept an earlier signed head row: the chain itself is intact,
// and only -expect-seq, taken from the gateway's log, catches it.
func TestVerifyAuditDetectsRestoredHead(t *testing.T) {
	store, path := auditTrail(t, testenv.AuditKey)
	key := string(testenv.AuditKey)
	var saved audit.Head
	if err := store.DB().X().Get(&saved, `SELECT seq, hash, keyed_from, mac FROM audit_head`); err != nil {
		t.Fatal(err)
	}
	if err := store.Append(context.Background(), []audit.Entry{{At: "2026-12-01T09:00:00Z", OfficerID: "o"}}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	db, err := sqldb.Open(context.Background(), audit.Name, path, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.X().Exec(`DELETE FROM audit_entries WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.X().Exec(`UPDATE audit_head SET seq = ?, hash = ?, mac = ?`, saved.Seq, saved.Hash, saved.MAC); err != nil {
		t.Fatal(err)
	}

	if _, err := runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key); err != nil {
		t.Errorf("verify without -expect-seq = %v, want the residual risk: intact", err)
	}
	_, err = runVerifyAudit(t, "-audit-dsn", path, "-audit-key", key, "-expect-seq", "4")
	if err == nil || !strings.Contains(err.Error(), "audit trail has 3 entries, but -expect-seq is 4") {
		t.Errorf("error = %v, want the expected seq reported", err)
	}
}
