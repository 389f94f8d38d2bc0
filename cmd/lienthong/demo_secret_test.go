package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lienthong/auth"
)

// TestKeySetTurnsOffDemoSecret checks that a gateway given -jwks-file and no
// -jwt-secret rejects tokens signed with the public demo secret, even when
// every source is a file in the data folder. The demo secret is printed in
// the source, so accepting it lets anyone mint a central officer's token
// with lienthong token.
func TestKeySetTurnsOffDemoSecret(t *testing.T) {
	flags := accessFlags{jwksFile: writeKeySet(t), cursorKey: strings.Repeat("k", minCursorKey), auditKey: testAuditKey}
	got := openAccess(t, flags, true)
	if p, err := got.verifier.VerifyToken(demoToken(t)); err == nil {
		t.Errorf("a token signed with the demo secret verified as %s %s", p.Role, p.ID)
	}
	if got.demoHeaders != "" {
		t.Errorf("GraphiQL is prefilled with a central officer's token: %.60s…", got.demoHeaders)
	}
}

// TestDemoSecretNeedsDemoDataAndNoKey checks that the demo secret and the
// GraphiQL token are on only when no key is configured and the data folder
// holds the generated demo data.
func TestDemoSecretNeedsDemoDataAndNoKey(t *testing.T) {
	tests := []struct {
		name     string
		flags    accessFlags
		demoData bool
		want     bool
	}{
		{"demo_data_no_key", accessFlags{}, true, true},
		{"sqlite_without_demo_data", accessFlags{auditKey: testAuditKey}, false, false},
		{"jwt_secret", accessFlags{jwtSecret: strings.Repeat("s", 40), auditKey: testAuditKey}, true, false},
		{"jwks_file_without_demo_data", accessFlags{cursorKey: strings.Repeat("k", minCursorKey), auditKey: testAuditKey}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "jwks_file_without_demo_data" {
				tt.flags.jwksFile = writeKeySet(t)
			}
			got := openAccess(t, tt.flags, tt.demoData)
			_, err := got.verifier.VerifyToken(demoToken(t))
			if accepted := err == nil; accepted != tt.want {
				t.Errorf("demo token accepted = %v, want %v (err %v)", accepted, tt.want, err)
			}
			if prefilled := got.demoHeaders != ""; prefilled != tt.want {
				t.Errorf("GraphiQL token prefilled = %v, want %v", prefilled, tt.want)
			}
		})
	}
}

// TestServeWithoutDemoSummaryRejectsDemoToken starts the gateway on a data
// folder of SQLite sources that this binary did not fill (no demo.json), and
// checks that a token signed with the demo secret gets 401.
func TestServeWithoutDemoSummaryRejectsDemoToken(t *testing.T) {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	dir := t.TempDir()
	args := []string{"-data-dir", dir, "-demo-citizens", "0", "-addr", "127.0.0.1:0", "-audit-key", testAuditKey}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := NewApp(context.Background(), f, log)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()

	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ provinces { code } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+demoToken(t))
	rec := httptest.NewRecorder()
	app.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401: %s", rec.Code, rec.Body)
	}
}

// openAccess opens flags with an audit trail in a temporary folder.
func openAccess(t *testing.T, flags accessFlags, demoData bool) *access {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	flags.auditDSN = filepath.Join(t.TempDir(), "audit.db")
	got, err := flags.open(context.Background(), log, t.TempDir(), demoData)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { got.audit.Close() })
	return got
}

// demoToken returns a central officer's token signed with the demo secret.
func demoToken(t *testing.T) string {
	t.Helper()
	token, err := auth.Mint([]byte(auth.DemoSecret), auth.Principal{
		ID: "anyone", Role: auth.CentralOfficer,
	}, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// writeKeySet writes a JSON Web Key Set that contains one P-256 public key and
// returns its path.
func writeKeySet(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	encode := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	set := map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
		"x": encode(key.PublicKey.X.FillBytes(make([]byte, 32))),
		"y": encode(key.PublicKey.Y.FillBytes(make([]byte, 32))),
	}}}
	raw, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testAuditKey keys the audit trail of gateways that are not the demo.
var testAuditKey = strings.Repeat("a", 32)
