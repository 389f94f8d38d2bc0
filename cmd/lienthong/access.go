package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"lienthong/auth"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
	"lienthong/sqldb"
)

// accessFlags are the serve settings of credentials and the audit trail.
type accessFlags struct {
	jwtSecret   string
	jwksFile    string
	apiKeysFile string
	auditDSN    string
	auditKey    string
	cursorKey   string
}

// minCursorKey is the shortest -cursor-key accepted: 32 characters, such as
// the output of openssl rand -hex 16, carry at least 128 bits when random.
const minCursorKey = 32

// minJWTSecret is the shortest -jwt-secret accepted, in bytes. RFC 7518
// section 3.2 requires an HS256 key of at least 256 bits, and the key that
// seals citizen-list cursors is derived from this secret when -cursor-key
// is empty, so it must not be shorter than minCursorKey either.
const minJWTSecret = 32

func (f *accessFlags) register(fs *flag.FlagSet) {
	stringVar(fs, &f.jwtSecret, "jwt-secret", "",
		"HMAC secret of at least 32 bytes that verifies HS256 bearer tokens, such as the output of openssl rand -hex 32; "+
			"the embedded demo uses a public demo secret when empty")
	stringVar(fs, &f.jwksFile, "jwks-file", "",
		"JSON Web Key Set file whose public keys verify RS256, ES256 and EdDSA bearer tokens")
	stringVar(fs, &f.apiKeysFile, "api-keys-file", "",
		"file of API keys for reporting tools: one hex SHA-256 of a key and a name per line")
	registerAuditDSN(fs, &f.auditDSN)
	registerAuditKey(fs, &f.auditKey)
	stringVar(fs, &f.cursorKey, "cursor-key", "",
		"secret of at least 32 characters from which the key sealing citizen-list cursors is derived, the same on "+
			"every replica; empty means derive it from -jwt-secret, and it is required with -jwks-file alone")
}

// access is the credential verifier and audit trail built from accessFlags.
type access struct {
	verifier *auth.Verifier
	audit    *audit.Store
	// auditHead is the audit chain head when the trail was opened.
	auditHead audit.Head
	// cursorSecret derives the key that seals citizen-list cursors; nil
	// when no officer can authenticate, so no citizen list is served.
	cursorSecret []byte
	// demoHeaders prefills GraphiQL with a central officer's token, when
	// the demo secret is on.
	demoHeaders string
}

// registerAuditDSN defines -audit-dsn, which serve and verify-audit share.
func registerAuditDSN(fs *flag.FlagSet, p *string) {
	stringVar(fs, p, "audit-dsn", "",
		"DSN of the audit trail, in its own database: "+sqldb.DSNForms+"; empty means DATA-DIR/audit.db")
}

func registerAuditKey(fs *flag.FlagSet, p *string) {
	stringVar(fs, p, "audit-key", "",
		"secret of at least 32 bytes that keys the audit trail's HMAC-SHA256 hash chain and signs its head, the same "+
			"on every replica and for verify-audit; the embedded demo uses a public demo key when empty")
}

// demoAuditKey returns the audit key of the embedded demo. It is derived
// from the public demo token secret, so it is public too, and a demo trail
// proves nothing against anyone who has read this code.
func demoAuditKey() []byte {
	sum := sha256.Sum256([]byte("lienthong demo audit key\x00" + auth.DemoSecret))
	return []byte(hex.EncodeToString(sum[:]))
}

// auditKey returns the key of -audit-key, or the demo key when it is empty
// and demo is true.
func auditKey(flagValue string, demo bool) ([]byte, error) {
	switch {
	case flagValue == "" && demo:
		return demoAuditKey(), nil
	case flagValue == "":
		return nil, fmt.Errorf("missing -audit-key (env %s): the audit trail's hash chain is keyed with it outside "+
			"the embedded demo; make one with openssl rand -hex 32 and use the same on every replica and for verify-audit",
			envName("audit-key"))
	case len(flagValue) < audit.MinKeyLen:
		return nil, fmt.Errorf("invalid -audit-key: %d bytes, at least %d needed; make one with openssl rand -hex 32",
			len(flagValue), audit.MinKeyLen)
	}
	return []byte(flagValue), nil
}

// isDemo reports whether the gateway runs as the embedded demo: the
// sources are the demo data this binary generated (demoData), and no
// -jwt-secret or -jwks-file is set. The public demo secret and the public
// demo audit key go together, so a gateway given any key uses neither.
func (f *accessFlags) isDemo(demoData bool) bool {
	return demoData && f.jwtSecret == "" && f.jwksFile == ""
}

// open loads the keys and opens the audit trail. In the demo, as isDemo
// decides it from demoData, tokens signed with the public demo secret are
// accepted and the audit trail is keyed with the public demo key.
func (f *accessFlags) open(ctx context.Context, log *slog.Logger, dataDir string, demoData bool) (*access, error) {
	demo := f.isDemo(demoData)
	key, err := auditKey(f.auditKey, demo)
	if err != nil {
		return nil, err
	}
	if f.auditKey == "" {
		log.WarnContext(ctx, "hashing the audit trail with the public demo audit key; set -audit-key outside the demo")
	}

	out := &access{}
	if f.jwtSecret != "" && len(f.jwtSecret) < minJWTSecret {
		return nil, fmt.Errorf("invalid -jwt-secret: %d bytes, at least %d needed for HS256; make one with openssl rand -hex 32",
			len(f.jwtSecret), minJWTSecret)
	}
	secret := f.jwtSecret
	if demo {
		log.WarnContext(ctx, "DEMO MODE: anyone can sign tokens of any role with the public demo secret, and "+
			"GraphiQL gives every visitor a central officer's token; set -jwt-secret or -jwks-file before "+
			"serving real data", "data_dir", dataDir)
		secret = auth.DemoSecret
	}
	if secret == "" && f.jwksFile == "" {
		log.WarnContext(ctx, "no -jwt-secret or -jwks-file: bearer tokens are rejected, so only public data "+
			"and API-key reads are served")
	}
	switch {
	case f.cursorKey != "":
		if len(f.cursorKey) < minCursorKey {
			return nil, fmt.Errorf("invalid -cursor-key: %d characters, at least %d needed; make one with openssl rand -hex 32",
				len(f.cursorKey), minCursorKey)
		}
		out.cursorSecret = []byte(f.cursorKey)
	case secret != "":
		out.cursorSecret = []byte(secret)
	case f.jwksFile != "":
		return nil, fmt.Errorf("missing -cursor-key (env %s): with -jwks-file and no -jwt-secret, every replica "+
			"needs the same secret to seal citizen-list cursors; make one with openssl rand -hex 32", envName("cursor-key"))
	}
	cfg := auth.VerifierConfig{JWKSFile: f.jwksFile, APIKeysFile: f.apiKeysFile, UnitInForce: auth.UnitsInForce(adminunits.MustLoad())}
	if secret != "" {
		cfg.Secret = []byte(secret)
	}
	if out.verifier, err = auth.NewVerifier(cfg); err != nil {
		return nil, err
	}

	dsn := f.auditDSN
	if dsn == "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		dsn = filepath.Join(dataDir, audit.Name+".db")
	}
	if out.audit, err = audit.Open(ctx, dsn, key, sqldb.Options{}); err != nil {
		return nil, err
	}
	// A wrong key fails here, not at the first audited read.
	head, err := out.audit.CheckHead(ctx)
	if err != nil {
		out.audit.Close()
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	out.auditHead = head

	if demo {
		token, err := auth.Mint([]byte(secret), auth.Principal{
			ID: "demo-central-officer", Name: "Demo central officer", Role: auth.CentralOfficer,
		}, time.Now(), 24*time.Hour)
		if err != nil {
			out.audit.Close()
			return nil, err
		}
		headers, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
		out.demoHeaders = string(headers)
	}
	return out, nil
}

// logAuditHead logs the audit chain head at INFO, so that operators can
// compare a later trail with their log archive: a trail whose head is
// below a logged seq lost its newest entries.
func logAuditHead(ctx context.Context, log *slog.Logger, when string, head audit.Head) {
	log.InfoContext(ctx, "audit chain head", "when", when, "seq", head.Seq, "hash", head.Hash, "keyed_from", head.KeyedFrom)
}

// logAuditHeads logs the audit chain head every interval until ctx ends.
// A failed read is logged at ERROR and retried at the next tick.
func logAuditHeads(ctx context.Context, log *slog.Logger, store *audit.Store, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		head, err := store.ReadHead(ctx)
		if err != nil {
			log.ErrorContext(ctx, "read audit chain head", "err", err)
			continue
		}
		logAuditHead(ctx, log, "interval", head)
	}
}
