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
	// mu serialises this process's appends. SQLite would otherwise fail
	// concurrent write transactions with "database is locked"; across
	// processes on PostgreSQL the head row lock does the same job.
	mu sync.Mutex
}

// New returns a Store over db, which must be migrated with Migrations.
func New(db *sqldb.DB) *Store { return &Store{db: db} }

// DB returns the database of the trail.
func (s *Store) DB() *sqldb.DB { return s.db }

// Open opens and migrates the audit database at dsn.
func Open(ctx context.Context, dsn string, opts sqldb.Options) (*Store, error) {
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

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Append adds entries to the end of the chain in one transaction, filling
// in Seq, PrevHash and Hash. Either every entry is stored or none is.
func (s *Store) Append(ctx context.Context, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	tx, err := s.db.X().BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append %d audit entries: begin: %w", len(entries), err)
	}
	defer tx.Rollback()

	// Lock the head row first, so concurrent appenders queue here and each
	// reads the head the previous one committed.
	lock := `SELECT seq, hash FROM audit_head WHERE id = 1`
	if s.db.Engine() == sqldb.Postgres {
		lock += ` FOR UPDATE`
	}
	var head struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	if err := tx.GetContext(ctx, &head, lock); err != nil {
		return fmt.Errorf("append %d audit entries: read chain head: %w", len(entries), err)
	}

	// A list of 50 dossiers reads about 200 citizens, so the insert is
	// prepared once rather than parsed again for every entry.
	insert, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO audit_entries (seq, at, officer_id, role, unit,
		province, citizen_id, fields, purpose, request_id, operation, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return fmt.Errorf("append %d audit entries: prepare insert: %w", len(entries), err)
	}
	defer insert.Close()
	for i := range entries {
		e := &entries[i]
		e.Seq = head.Seq + 1
		e.PrevHash = head.Hash
		e.Hash = e.ComputeHash()
		if _, err := insert.ExecContext(ctx, e.Seq, e.At, e.OfficerID, e.Role, e.Unit, e.Province,
			e.CitizenID, e.Fields, e.Purpose, e.RequestID, e.Operation, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("append audit entry %d: %w", e.Seq, err)
		}
		head.Seq, head.Hash = e.Seq, e.Hash
	}
	update := tx.Rebind(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`)
	if _, err := tx.ExecContext(ctx, update, head.Seq, head.Hash); err != nil {
		return fmt.Errorf("append %d audit entries: move chain head: %w", len(entries), err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append %d audit entries: commit: %w", len(entries), err)
	}
	return nil
}
