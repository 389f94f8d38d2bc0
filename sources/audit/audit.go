// Package audit stores the audit trail of personal-data reads in its own
// database: who read which fields of which citizen, when, for which purpose
// and in which request. The trail is append-only and hash-chained: each
// entry holds the previous entry's hash and a SHA-256 over its own
// canonical encoding, and Verify walks the chain and names the first entry
// that was edited, deleted or moved.
//
// NOTE: the chain detects tampering but does not prevent it. Anyone with
// write access to the database can rewrite the whole chain from some entry
// on. Copying the head hash to a second store or a signed log would catch
// that, and is not done here.
package audit

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

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

// ComputeHash returns the hex SHA-256 of the entry's canonical encoding:
// the JSON of every field but Hash, in declaration order. encoding/json
// writes struct fields in that order and escapes strings the same way on
// every run, so the encoding is stable.
func (e *Entry) ComputeHash() string {
	raw, err := json.Marshal(e)
	if err != nil {
		panic(fmt.Sprintf("audit: encode entry %d: %v", e.Seq, err)) // strings and ints always encode
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Store appends to and reads the audit trail.
type Store struct {
	db *sqldb.DB

	// requests carries Append calls to the writer goroutine, which alone
	// writes to the trail. The channel is unbuffered, so a request is
	// either received by the writer or rejected once quit is closed.
	requests chan *appendRequest
	quit     chan struct{}
	stopped  chan struct{}
	stop     sync.Once

	// head is the chain head as of the writer's last commit, or nil when
	// it must be read from the database. Only the writer goroutine uses it.
	head *chainHead
}

// New returns a Store over db, which must be migrated with Migrations, and
// starts its writer goroutine. Close stops it.
func New(db *sqldb.DB) *Store {
	s := &Store{
		db:       db,
		requests: make(chan *appendRequest),
		quit:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	go s.write()
	return s
}

// DB returns the database of the trail.
func (s *Store) DB() *sqldb.DB { return s.db }

// Open opens and migrates the audit database at dsn. A SQLite trail syncs
// every commit to disk (synchronous=FULL) because an entry must survive a
// power loss once the data it records has left the server; group commit
// shares that fsync among the requests of one group. SQLite transactions
// begin IMMEDIATE, so the writer holds the write lock before it reads the
// chain head.
//
// NOTE: a dsn that is already a file: URI or has parameters is used as
// given, so these settings must be in it.
func Open(ctx context.Context, dsn string, opts sqldb.Options) (*Store, error) {
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
	return New(db), nil
}

// Close stops the writer, after the group it is committing, and closes the
// database. Appends after Close fail with ErrClosed.
func (s *Store) Close() error {
	s.stop.Do(func() { close(s.quit) })
	<-s.stopped
	return s.db.Close()
}
