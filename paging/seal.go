package paging

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"lienthong/apierr"
)

// Sealer seals cursors whose sort key is personal data, such as a citizen's
// folded name and id, so that a client sees an opaque string. A sealed
// cursor is AES-256-GCM over the sort key, with a random nonce and the
// list's name as additional data, so a cursor that was altered, comes from
// another list or was sealed with another key fails to open. Every replica
// that derives its key from the same secret opens the cursors of the others.
type Sealer struct {
	aead cipher.AEAD
}

// cursorKeyInfo separates the cursor key from other keys derived from the
// same secret, such as the token secret it may share.
const cursorKeyInfo = "lienthong cursor key v1"

// NewSealer derives a 256-bit key from secret with HKDF-SHA256 and returns
// a Sealer using it.
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("missing cursor secret")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, cursorKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive cursor key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cursor cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("cursor cipher: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// RandomSealer returns a Sealer with a random key, whose cursors only this
// process opens. It suits a single process, such as a test server.
func RandomSealer() *Sealer {
	s, err := NewSealer([]byte(rand.Text()))
	if err != nil {
		panic(err) // a non-empty secret always derives a key
	}
	return s
}

// Seal returns the sealed cursor of an item of list with the given sort key.
func (s *Sealer) Seal(list string, parts ...string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	sealed := s.aead.Seal(nonce, nonce, []byte(strings.Join(parts, separator)), []byte(list))
	return base64.RawURLEncoding.EncodeToString(sealed)
}

// Open returns the n parts of the sort key sealed in cursor for list, or an
// INVALID_ARGUMENT error that quotes the cursor and names the problem.
func (s *Sealer) Open(list, cursor string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, apierr.Invalid("invalid cursor %q: not URL-safe base64; take it from pageInfo.endCursor", cursor)
	}
	size := s.aead.NonceSize()
	if len(raw) < size+s.aead.Overhead() {
		return nil, apierr.Invalid("invalid cursor %q: too short to be a sealed cursor; take it from pageInfo.endCursor", cursor)
	}
	plain, err := s.aead.Open(nil, raw[:size], raw[size:], []byte(list))
	if err != nil {
		return nil, apierr.Invalid("invalid cursor %q: it failed authentication, so it was altered, belongs to "+
			"another list, or was issued by a gateway with another cursor key; take it from pageInfo.endCursor "+
			"of the same %s list", cursor, list)
	}
	parts := strings.Split(string(plain), separator)
	if len(parts) != n {
		return nil, apierr.Invalid("invalid cursor %q: it belongs to another list", cursor)
	}
	return parts, nil
}
