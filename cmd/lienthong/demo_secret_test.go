package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	flags := accessFlags{
		jwksFile:  writeKeySet(t),
		cursorKey: strings.Repeat("k", minCursorKey),
		auditDSN:  filepath.Join(t.TempDir(), "audit.db"),
	}
	got, err := flags.open(context.Background(), log, t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer got.audit.Close()

	token, err := auth.Mint([]byte(auth.DemoSecret), auth.Principal{
		ID: "anyone", Role: auth.CentralOfficer,
	}, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := got.verifier.VerifyToken(token); err == nil {
		t.Errorf("a token signed with the demo secret verified as %s %s", p.Role, p.ID)
	}
	if got.demoHeaders != "" {
		t.Errorf("GraphiQL is prefilled with a central officer's token: %.60s…", got.demoHeaders)
	}
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
