package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
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
