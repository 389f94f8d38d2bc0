package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// DemoSecret is the HMAC secret of the embedded demo. It is public, so the
// gateway uses it only when serving the embedded demo without a secret of
// its own, and logs a warning.
const DemoSecret = "lienthong-demo-secret-not-for-production"

// Issuer is the iss claim of the tokens Mint signs and Verifier accepts.
const Issuer = "lienthong"

// Claims are the JWT claims of an officer or citizen token.
type Claims struct {
	jwt.RegisteredClaims
	Name      string `json:"name,omitempty"`
	Role      Role   `json:"role"`
	Unit      string `json:"unit,omitempty"`
	Citizen   string `json:"citizen,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Verifier checks bearer tokens and API keys.
type Verifier struct {
	secret  []byte
	jwks    keyfunc.Keyfunc
	apiKeys map[string]string // hex SHA-256 of the key → key name
	now     func() time.Time
	inForce func(role Role, code string) bool
}

// VerifierConfig sets up a Verifier. Any mix of the credential kinds may be
// configured; a kind left out rejects credentials of that kind.
type VerifierConfig struct {
	// Secret verifies HS256 tokens.
	Secret []byte
	// JWKSFile is a JSON Web Key Set whose public keys verify RS256, ES256
	// and EdDSA tokens.
	JWKSFile string
	// APIKeysFile lists API keys, one per line, as the hex SHA-256 of the
	// key followed by a space and a name; # starts a comment.
	APIKeysFile string
	// Now is the clock for expiry checks; time.Now when nil.
	Now func() time.Time
	// UnitInForce reports whether code is a unit of role in force; nil
	// accepts any well-formed code. A token for an unknown or abolished
	// unit is rejected.
	UnitInForce func(role Role, code string) bool
}

// NewVerifier loads the key set and API key files.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	v := &Verifier{secret: cfg.Secret, now: cfg.Now, inForce: cfg.UnitInForce, apiKeys: map[string]string{}}
	if v.now == nil {
		v.now = time.Now
	}
	if cfg.JWKSFile != "" {
		raw, err := os.ReadFile(cfg.JWKSFile)
		if err != nil {
			return nil, fmt.Errorf("read JWKS file: %w", err)
		}
		v.jwks, err = keyfunc.NewJWKSetJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("parse JWKS file %s: %w", cfg.JWKSFile, err)
		}
	}
	if cfg.APIKeysFile != "" {
		if err := v.loadAPIKeys(cfg.APIKeysFile); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *Verifier) loadAPIKeys(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read API keys file: %w", err)
	}
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hash, name, _ := strings.Cut(line, " ")
		hash = strings.ToLower(hash)
		if b, err := hex.DecodeString(hash); err != nil || len(b) != sha256.Size {
			return fmt.Errorf("%s line %d: invalid key hash %q: must be 64 hex digits of a SHA-256", path, i+1, hash)
		}
		name = strings.TrimSpace(name)
		if name == "" {
			name = hash[:12]
		}
		v.apiKeys[hash] = name
	}
	return nil
}

// HashAPIKey returns the hex SHA-256 of key, the form API key files store.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// ErrNoKeys means a token arrived but no secret or key set is configured.
var ErrNoKeys = errors.New("no token keys configured: start the gateway with -jwt-secret or -jwks-file")

// clockSkew is how far apart the clocks of a token's issuer and the gateway
// may be: iat, nbf and exp are checked with this much leeway.
const clockSkew = 30 * time.Second

// VerifyToken checks a bearer token's signature, issuer and expiry and
// returns its principal.
func (v *Verifier) VerifyToken(token string) (*Principal, error) {
	if v.secret == nil && v.jwks == nil {
		return nil, ErrNoKeys
	}
	claims := &Claims{}
	// WithIssuedAt rejects an iat in the future (golang-jwt v5 skips that
	// check unless asked). The leeway lets an issuer's clock run up to
	// clockSkew ahead of the gateway's, or behind it for exp.
	parsed, err := jwt.ParseWithClaims(token, claims, v.keyFor,
		jwt.WithValidMethods([]string{"HS256", "RS256", "ES256", "EdDSA"}),
		jwt.WithIssuer(Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(v.now),
	)
	if err != nil {
		return nil, fmt.Errorf("invalid token: %w", err)
	}
	if err := checkNumericDates(parsed.Raw); err != nil {
		return nil, fmt.Errorf("invalid token: %w", err)
	}
	if claims.Role == Citizen && claims.Citizen != "" && claims.Subject != claims.Citizen {
		return nil, fmt.Errorf("invalid token: sub %q differs from citizen claim %q of a citizen token",
			claims.Subject, claims.Citizen)
	}
	p := &Principal{
		ID: claims.Subject, Name: claims.Name, Role: claims.Role, Unit: claims.Unit,
		CitizenID: claims.Citizen, Sensitive: claims.Sensitive,
	}
	if p.Role == Citizen && p.CitizenID == "" {
		p.CitizenID = p.ID
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("invalid token: %w", err)
	}
	if (p.Role == CommuneOfficer || p.Role == ProvinceOfficer) && v.inForce != nil && !v.inForce(p.Role, p.Unit) {
		return nil, fmt.Errorf("invalid token: unit %q of role %s is not a unit in force since the merger of "+
			"1 July 2025 (unknown or abolished code)", p.Unit, p.Role)
	}
	return p, nil
}

// checkNumericDates rejects exp, iat and nbf given as JSON strings, which
// golang-jwt v5.3 accepts when they hold a number: RFC 7519 section 2 defines
// a NumericDate as a JSON number.
func checkNumericDates(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("token is malformed")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("decode payload: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return fmt.Errorf("decode payload: %w", err)
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		if v, ok := raw[name]; ok && len(v) > 0 && v[0] == '"' {
			return fmt.Errorf("claim %s is the string %s, not a JSON number of seconds", name, v)
		}
	}
	return nil
}

// keyFor picks the verification key by algorithm: the shared secret for
// HS256, the key set for the public-key algorithms.
func (v *Verifier) keyFor(t *jwt.Token) (any, error) {
	if t.Method.Alg() == "HS256" {
		if v.secret == nil {
			return nil, errors.New("HS256 tokens are not accepted: no -jwt-secret configured")
		}
		return v.secret, nil
	}
	if v.jwks == nil {
		return nil, fmt.Errorf("%s tokens are not accepted: no -jwks-file configured", t.Method.Alg())
	}
	return v.jwks.Keyfunc(t)
}

// VerifyAPIKey returns the reporting principal of a known API key.
func (v *Verifier) VerifyAPIKey(key string) (*Principal, error) {
	name, ok := v.apiKeys[HashAPIKey(key)]
	if !ok {
		return nil, errors.New("invalid API key: not in the API keys file")
	}
	return &Principal{ID: "api-key:" + name, Name: name, Role: Reporting}, nil
}

// Mint signs an HS256 token for p, valid for ttl from now.
func Mint(secret []byte, p Principal, now time.Time, ttl time.Duration) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   p.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Name: p.Name, Role: p.Role, Unit: p.Unit, Citizen: p.CitizenID, Sensitive: p.Sensitive,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
}
