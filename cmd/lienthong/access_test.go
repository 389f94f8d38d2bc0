package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"lienthong/sources/audit"
)

func TestCursorSecretFromFlags(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	key := strings.Repeat("k", minCursorKey)
	secret := strings.Repeat("s", minJWTSecret)
	tests := []struct {
		name  string
		flags accessFlags
		want  string // the cursor secret, or "" when none
		err   string // a part of the error, or "" for none
	}{
		{"cursor_key", accessFlags{cursorKey: key, jwtSecret: secret}, key, ""},
		{"jwt_secret", accessFlags{jwtSecret: secret}, secret, ""},
		{"short_jwt_secret", accessFlags{jwtSecret: "token secret", cursorKey: key}, "", "invalid -jwt-secret: 12 bytes, at least 32"},
		{"jwks_without_cursor_key", accessFlags{jwksFile: "keys.json"}, "", "missing -cursor-key (env LIENTHONG_CURSOR_KEY)"},
		{"short_cursor_key", accessFlags{cursorKey: "short"}, "", "invalid -cursor-key: 5 characters"},
		{"no_officer_credentials", accessFlags{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.flags.auditDSN = t.TempDir() + "/audit.db"
			tt.flags.auditKey = strings.Repeat("a", 32)
			got, err := tt.flags.open(context.Background(), log, t.TempDir(), false)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer got.audit.Close()
			if string(got.cursorSecret) != tt.want {
				t.Errorf("cursor secret = %q, want %q", got.cursorSecret, tt.want)
			}
		})
	}
}

func TestAuditKeyFromFlags(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name   string
		key    string
		isDemo bool
		err    string // a part of the error, or "" for none
	}{
		{"given", strings.Repeat("a", 32), false, ""},
		{"demo_default", "", true, ""},
		{"missing_outside_demo", "", false, "missing -audit-key (env LIENTHONG_AUDIT_KEY)"},
		{"short", "short", true, "invalid -audit-key: 5 bytes, at least 32 needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := accessFlags{auditDSN: t.TempDir() + "/audit.db", auditKey: tt.key}
			if !tt.isDemo {
				flags.jwtSecret = strings.Repeat("s", 32)
			}
			got, err := flags.open(context.Background(), log, t.TempDir(), tt.isDemo)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.audit.Close()
		})
	}
}

func TestServeRejectsWrongAuditKey(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dsn := t.TempDir() + "/audit.db"
	flags := accessFlags{jwtSecret: strings.Repeat("s", 32), auditDSN: dsn, auditKey: strings.Repeat("a", 32)}
	got, err := flags.open(context.Background(), log, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.audit.Append(context.Background(), []audit.Entry{{At: "2026-12-01T09:00:00Z", OfficerID: "o"}}); err != nil {
		t.Fatal(err)
	}
	got.audit.Close()

	flags.auditKey = strings.Repeat("b", 32)
	_, err = flags.open(context.Background(), log, t.TempDir(), false)
	if !errors.Is(err, audit.ErrKeyMismatch) {
		t.Errorf("open with another key = %v, want %v", err, audit.ErrKeyMismatch)
	}
}
