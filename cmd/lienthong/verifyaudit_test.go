package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lienthong/sources/audit"
	"lienthong/sqldb"
)

func TestVerifyAuditNamesBrokenEntry(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	store, err := audit.Open(ctx, path, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, id := range []string{"001085000001", "001085000002", "001085000003"} {
		if err := store.Append(ctx, []audit.Entry{{At: "2026-12-01T09:00:00Z", OfficerID: "o", CitizenID: id}}); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := captureStdout(t, func() error { return run(ctx, []string{"verify-audit", "-audit-dsn", path}) }); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	if _, err := store.DB().X().Exec(`UPDATE audit_entries SET citizen_id = '001085000009' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	_, err = captureStdout(t, func() error { return run(ctx, []string{"verify-audit", "-audit-dsn", path}) })
	if err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Errorf("error = %v, want one naming entry 2", err)
	}
}
