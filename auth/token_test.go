package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"lienthong/auth"
	"lienthong/sources/adminunits"
)

// writeJWKS writes a key set with the public half of key under kid.
func writeJWKS(t *testing.T, kid string, key *ecdsa.PrivateKey) string {
	t.Helper()
	enc := base64.RawURLEncoding
	raw, err := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
		"x": enc.EncodeToString(key.PublicKey.X.FillBytes(make([]byte, 32))),
		"y": enc.EncodeToString(key.PublicKey.Y.FillBytes(make([]byte, 32))),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func signES256(t *testing.T, kid string, key *ecdsa.PrivateKey, claims auth.Claims) string {
	t.Helper()
	token := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	token.Header["kid"] = kid
	signed, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestVerifyTokenFromJWKS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{JWKSFile: writeJWKS(t, "k1", key)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims := auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: auth.Issuer, Subject: "officer-7", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		},
		Role: auth.ProvinceOfficer, Unit: "01",
	}

	p, err := v.VerifyToken(signES256(t, "k1", key, claims))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if p.ID != "officer-7" || p.Role != auth.ProvinceOfficer || p.Unit != "01" {
		t.Errorf("principal = %+v, want officer-7 province-officer 01", p)
	}

	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{"other_key", signES256(t, "k1", other, claims), "signature is invalid"},
		{"unknown_kid", signES256(t, "k9", key, claims), "k9"},
		{"hs256_without_secret", mustMint(t, []byte("s"), now), "no -jwt-secret configured"},
		{"bad_unit", signES256(t, "k1", key, withUnit(claims, "1")), "2-digit province code"},
		{"wrong_issuer", signES256(t, "k1", key, withIssuer(claims, "elsewhere")), "issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.VerifyToken(tt.token)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func withUnit(c auth.Claims, unit string) auth.Claims { c.Unit = unit; return c }

func withIssuer(c auth.Claims, iss string) auth.Claims { c.Issuer = iss; return c }

func mustMint(t *testing.T, secret []byte, now time.Time) string {
	t.Helper()
	token, err := auth.Mint(secret, auth.Principal{ID: "c", Role: auth.CentralOfficer}, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestAPIKeysFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	content := "# tools\n" + strings.ToUpper(auth.HashAPIKey("k-1")) + " dashboard\n\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{APIKeysFile: path})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.VerifyAPIKey("k-1")
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if p.Role != auth.Reporting || p.ID != "api-key:dashboard" {
		t.Errorf("principal = %+v, want reporting api-key:dashboard", p)
	}
	if _, err := v.VerifyAPIKey("k-2"); err == nil {
		t.Error("unknown key verified")
	}

	if err := os.WriteFile(path, []byte("not-a-hash dashboard\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = auth.NewVerifier(auth.VerifierConfig{APIKeysFile: path})
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("error = %v, want one naming line 1", err)
	}
}

// TestVerifyTokenRejectsBadClaims covers claims that golang-jwt v5 accepts
// unless configured, and units that the 2025 merger abolished.
func TestVerifyTokenRejectsBadClaims(t *testing.T) {
	secret := []byte("test secret of the claims checks")
	v, err := auth.NewVerifier(auth.VerifierConfig{
		Secret: secret, UnitInForce: auth.UnitsInForce(adminunits.MustLoad()),
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	sign := func(claims jwt.MapClaims) string {
		t.Helper()
		base := jwt.MapClaims{"iss": auth.Issuer, "sub": "officer-7", "exp": exp, "iat": now.Unix()}
		for k, val := range claims {
			base[k] = val
		}
		token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, base).SignedString(secret)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	tests := []struct {
		name    string
		claims  jwt.MapClaims
		wantErr string // "" when the token is valid
	}{
		{"commune_in_force", jwt.MapClaims{"role": "commune-officer", "unit": "00004"}, ""},
		{"unknown_commune", jwt.MapClaims{"role": "commune-officer", "unit": "99999"}, `unit "99999"`},
		{"unknown_province", jwt.MapClaims{"role": "province-officer", "unit": "99"}, `unit "99"`},
		{"citizen_sub_matches", jwt.MapClaims{"role": "citizen", "sub": "001090000001", "citizen": "001090000001"}, ""},
		{"citizen_sub_differs", jwt.MapClaims{"role": "citizen", "sub": "001090000002", "citizen": "001090000001"},
			"differs from citizen claim"},
		{"exp_as_string", jwt.MapClaims{"role": "central-officer", "exp": strconv.FormatInt(exp, 10)}, "claim exp is the string"},
		{"iat_as_string", jwt.MapClaims{"role": "central-officer", "iat": strconv.FormatInt(now.Unix(), 10)}, "claim iat is the string"},
		{"iat_in_future", jwt.MapClaims{"role": "central-officer", "iat": now.Add(time.Hour).Unix()}, "used before issued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.VerifyToken(sign(tt.claims))
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("error = %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
