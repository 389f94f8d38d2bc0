// Package audit stores the audit trail of personal-data reads in its own
// database: who read which fields of which citizen, when, for which purpose
// and in which request. The trail is append-only and hash-chained: each
// entry holds the previous entry's hash and an HMAC-SHA256 under a secret
// audit key over its own canonical encoding, and Verify walks the chain
// and names the first entry that was edited, deleted or moved. The head
// row is signed with the same key, so rewriting the chain or moving the
// head needs the key. A non-empty trail with an unsigned head and plain
// SHA-256 hashes, as a build without keys wrote it, is rejected.
//
// NOTE: deleting the newest entries and restoring a head row saved before
// them passes Verify, because that older signed row is still valid. Only a
// copy of the head kept elsewhere catches it, such as the gateway's
// "audit chain head" log lines compared with verify-audit -expect-seq.
// Anyone holding the audit key can rewrite the whole chain.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"sync"

	"github.com/jmoiron/sqlx"

	"lienthong/sqldb"
)

// Name is the source name used in configuration, logs and statistics.
const Name = "audit"

// Migrations holds the schema of the audit database.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Entry is one read of one citizen's personal data.
type Entry struct {
	Seq       int64  `db:"seq" json:"seq"`
	At        string `db:"at" json:"at"`
	OfficerID string `db:"officer_id" json:"officer_id"`
	Role      string `db:"role" json:"role"`
	Unit      string `db:"unit" json:"unit"`
	Province  string `db:"province" json:"province"`
	CitizenID string `db:"citizen_id" json:"citizen_id"`
	Fields    string `db:"fields" json:"fields"`
	Purpose   string `db:"purpose" json:"purpose"`
	RequestID string `db:"request_id" json:"request_id"`
	Operation string `db:"operation" json:"operation"`
	PrevHash  string `db:"prev_hash" json:"prev_hash"`
	Hash      string `db:"hash" json:"-"`
}

// MinKeyLen is the minimum length of an audit key in bytes: 32 bytes, such
// as the output of openssl rand -hex 16, carry at least 128 bits when
// random.
const MinKeyLen = 32

// canonical returns the entry's canonical encoding: the JSON of every field
// but Hash, in declaration order, so PrevHash included, byte for byte as
// encoding/json.Marshal writes it.
func (e *Entry) canonical() []byte { return e.appendCanonical(nil) }

// appendCanonical appends the entry's canonical encoding to dst. It writes
// the JSON object itself rather than call json.Marshal, which costs a
// reflection walk and an allocation per entry. A string with a byte outside
// printable ASCII, a quote, a backslash, '<', '>' or '&' goes through
// json.Marshal, so its escapes are exactly those of encoding/json.
func (e *Entry) appendCanonical(dst []byte) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, e.Seq, 10)
	for _, field := range [...]struct{ name, value string }{
		{`,"at":`, e.At},
		{`,"officer_id":`, e.OfficerID},
		{`,"role":`, e.Role},
		{`,"unit":`, e.Unit},
		{`,"province":`, e.Province},
		{`,"citizen_id":`, e.CitizenID},
		{`,"fields":`, e.Fields},
		{`,"purpose":`, e.Purpose},
		{`,"request_id":`, e.RequestID},
		{`,"operation":`, e.Operation},
		{`,"prev_hash":`, e.PrevHash},
	} {
		dst = append(dst, field.name...)
		dst = appendJSONString(dst, field.value)
	}
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string, as encoding/json writes it.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			raw, err := json.Marshal(s)
			if err != nil {
				panic(fmt.Sprintf("audit: encode string: %v", err)) // strings always encode
			}
			return append(dst, raw...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// PlainHash returns the hex SHA-256 of the entry's canonical encoding, the
// hash of entries written before the chain was keyed.
func (e *Entry) PlainHash() string {
	sum := sha256.Sum256(e.canonical())
	return hex.EncodeToString(sum[:])
}

// KeyedHash returns the hex HMAC-SHA256 of the entry's canonical encoding
// under key.
func (e *Entry) KeyedHash(key []byte) string {
	return newHasher(key).keyed(e)
}

// hasher computes the keyed hashes of entries under one key. It keeps the
// HMAC state, the encoding buffer and the digest from one entry to the
// next, so a chain of entries costs no allocation per entry but the hex
// string. A hasher is not safe for concurrent use.
type hasher struct {
	mac hash.Hash
	buf []byte
	sum []byte
	hex [2 * sha256.Size]byte
}

func newHasher(key []byte) *hasher { return &hasher{mac: hmac.New(sha256.New, key)} }

// keyed returns the hex HMAC-SHA256 of e's canonical encoding.
func (h *hasher) keyed(e *Entry) string {
	h.buf = e.appendCanonical(h.buf[:0])
	h.mac.Reset()
	h.mac.Write(h.buf)
	h.sum = h.mac.Sum(h.sum[:0])
	hex.Encode(h.hex[:], h.sum)
	return string(h.hex[:])
}

// hash returns e's hash under the scheme of its seq.
func (h *hasher) hash(e *Entry, keyedFrom int64) string {
	if e.Seq < keyedFrom {
		return e.PlainHash()
	}
	return h.keyed(e)
}

// Head is the audit_head row: the last entry of the chain, the first entry
// hashed with the audit key, and the row's signature.
type Head struct {
	Seq  int64  `db:"seq"`
	Hash string `db:"hash"`
	// KeyedFrom is the seq of the first entry hashed with HMAC-SHA256;
	// the entries before it have plain SHA-256 hashes.
	KeyedFrom int64 `db:"keyed_from"`
	// MAC is the hex HMAC-SHA256 of Seq, Hash and KeyedFrom under the
	// audit key, or "" when no gateway with a key has signed the head yet.
	MAC string `db:"mac"`
}

// sign returns the head's MAC under key. The message starts with a label
// and not with "{", so it never equals an entry's canonical encoding.
func (h Head) sign(key []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "audit_head\x00%d\x00%s\x00%d", h.Seq, h.Hash, h.KeyedFrom)
	return hex.EncodeToString(mac.Sum(nil))
}

// signedBy reports whether the head's MAC is valid under key.
func (h Head) signedBy(key []byte) bool {
	return h.MAC != "" && hmacEqual(h.MAC, h.sign(key))
}

// Store appends to and reads the audit trail.
type Store struct {
	db  *sqldb.DB
	key []byte

	// requests carries Append calls to the writer goroutine, which alone
	// writes to the trail. The channel is unbuffered, so a request is
	// either received by the writer or rejected once quit is closed.
	requests chan *appendRequest
	quit     chan struct{}
	stopped  chan struct{}
	stop     sync.Once

	// head is the chain head as of the writer's last commit, or nil when
	// it must be read from the database. Only the writer goroutine uses it.
	head *Head
	// inserts holds the prepared SQLite INSERT statements by row count.
	// Only the writer goroutine uses it, and closes them when it stops.
	inserts map[int]*sqlx.Stmt
}

// New returns a Store over db, which must be migrated with Migrations, and
// starts its writer goroutine. The store hashes entries and signs the head
// with key, which must be at least MinKeyLen bytes. Close stops it.
func New(db *sqldb.DB, key []byte) (*Store, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("invalid audit key: %d bytes, at least %d needed", len(key), MinKeyLen)
	}
	s := &Store{
		db:       db,
		key:      key,
		requests: make(chan *appendRequest),
		quit:     make(chan struct{}),
		stopped:  make(chan struct{}),
		inserts:  map[int]*sqlx.Stmt{},
	}
	go s.write()
	return s, nil
}

// DB returns the database of the trail.
func (s *Store) DB() *sqldb.DB { return s.db }

// Open opens and migrates the audit database at dsn, with key as in New.
// A SQLite trail syncs every commit to disk (synchronous=FULL) because an
// entry must survive a power loss once the data it records has left the
// server; group commit
// shares that fsync among the requests of one group. SQLite transactions
// begin IMMEDIATE, so the writer holds the write lock before it reads the
// chain head.
//
// NOTE: a dsn that is already a file: URI or has parameters is used as
// given, so these settings must be in it.
func Open(ctx context.Context, dsn string, key []byte, opts sqldb.Options) (*Store, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("invalid audit key: %d bytes, at least %d needed", len(key), MinKeyLen)
	}
	opts.SQLiteFullSync = true
	opts.SQLiteImmediateTx = true
	db, err := sqldb.Open(ctx, Name, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, Migrations, "migrations"); err != nil {
		db.Close()
		return nil, err
	}
	s, err := New(db, key)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the writer, after the group it is committing, and closes the
// database. Appends after Close fail with ErrClosed.
func (s *Store) Close() error {
	s.stop.Do(func() { close(s.quit) })
	<-s.stopped
	return s.db.Close()
}

// hmacEqual compares two hex MACs in constant time.
func hmacEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
