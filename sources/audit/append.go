package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"lienthong/sqldb"
)

// ErrClosed is the error of an Append on a closed Store.
var ErrClosed = errors.New("audit trail closed")

// maxGroupEntries bounds the entries of one group commit. The writer stops
// adding requests to a group once it holds this many, but a single request
// with more entries still commits alone, in one transaction.
const maxGroupEntries = 1000

// insertRows is the number of entries per INSERT statement: 13 columns
// each, so 2,600 bound values, well under the limits of SQLite 3.54 as
// bundled by mattn/go-sqlite3 (SQLITE_MAX_VARIABLE_NUMBER 32,766) and of
// the PostgreSQL protocol (65,535).
const insertRows = 200

// appendRequest is one Append call waiting for the commit of its group.
type appendRequest struct {
	ctx     context.Context
	entries []Entry
	// done receives the result of the group's commit. It is buffered, so
	// the writer never waits for a caller that stopped waiting.
	done chan error
}

// Append adds entries to the end of the chain. It returns once a
// transaction that stores them has committed, so a nil error means that
// the entries are durable. Either every entry of the call is stored or
// none is. Append fills in Seq, PrevHash and Hash on copies and leaves the
// caller's slice unchanged.
//
// Calls that arrive while the writer goroutine commits an earlier group
// join the next group, which is written in one transaction: one head
// update, multi-row INSERTs and one commit, so one fsync, for all of them.
// When that transaction fails, every call in the group returns the error.
//
// When ctx ends first, Append returns its error at once. The entries may
// still be committed with their group, but the caller must treat them as
// not stored.
func (s *Store) Append(ctx context.Context, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	req := &appendRequest{ctx: ctx, entries: entries, done: make(chan error, 1)}
	select {
	case s.requests <- req:
	case <-s.quit:
		return fmt.Errorf("append %d audit entries: %w", len(entries), ErrClosed)
	case <-ctx.Done():
		return fmt.Errorf("append %d audit entries: %w", len(entries), ctx.Err())
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("append %d audit entries: %w", len(entries), ctx.Err())
	}
}

// write is the writer goroutine: it takes the first waiting request, adds
// every other request already waiting, commits them as one group, and
// hands each request the result.
func (s *Store) write() {
	defer close(s.stopped)
	for {
		var first *appendRequest
		select {
		case first = <-s.requests:
		case <-s.quit:
			return
		}
		s.flush(s.gather(first))
	}
}

// flush commits group and hands every request of it the result.
func (s *Store) flush(group []*appendRequest) {
	if len(group) == 0 {
		return
	}
	err := s.commit(group)
	for _, r := range group {
		r.done <- err
	}
}

// gather returns first and the requests waiting behind it, up to
// maxGroupEntries entries, without waiting for more. Requests whose
// context has already ended get its error and are left out.
func (s *Store) gather(first *appendRequest) []*appendRequest {
	var group []*appendRequest
	entries := 0
	add := func(r *appendRequest) {
		if err := r.ctx.Err(); err != nil {
			r.done <- fmt.Errorf("append %d audit entries: %w", len(r.entries), err)
			return
		}
		group = append(group, r)
		entries += len(r.entries)
	}
	add(first)
	for entries < maxGroupEntries {
		select {
		case r := <-s.requests:
			add(r)
		default:
			return group
		}
	}
	return group
}

// commit appends the entries of group, in order, in one transaction. The
// transaction is cancelled only when every request of the group has given
// up, so that one caller's timeout does not fail the others.
func (s *Store) commit(group []*appendRequest) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waiting atomic.Int64
	waiting.Store(int64(len(group)))
	for _, r := range group {
		stop := context.AfterFunc(r.ctx, func() {
			if waiting.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}

	var entries []Entry
	for _, r := range group {
		entries = append(entries, r.entries...)
	}
	head, err := s.appendTx(ctx, entries)
	if err != nil {
		// The head in the database is unknown after a failed commit, so
		// the next group reads it.
		s.head = nil
		if len(group) > 1 {
			return fmt.Errorf("append %d audit entries of %d requests: %w", len(entries), len(group), err)
		}
		return fmt.Errorf("append %d audit entries: %w", len(entries), err)
	}
	s.head = &head
	return nil
}

// appendTx chains entries onto the head, stores them and moves the head, in
// one transaction, and returns the new head.
//
// The head cached from this store's last commit saves reading it. The
// UPDATE that moves the head matches only when the stored head is still the
// cached one, and it locks the head row on PostgreSQL. On SQLite the
// transaction already holds the write lock from BEGIN IMMEDIATE. When
// another writer, such as a second gateway on the same PostgreSQL trail,
// has moved the head since, the UPDATE matches no row. The transaction then
// reads the head under a lock (SELECT … FOR UPDATE on PostgreSQL), checks
// its signature, chains the entries again onto it, and moves it. Concurrent writers therefore
// queue on the head row and keep a single chain.
func (s *Store) appendTx(ctx context.Context, entries []Entry) (Head, error) {
	tx, err := s.db.X().BeginTxx(ctx, nil)
	if err != nil {
		return Head{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()

	moved := false
	var head Head
	if s.head != nil {
		head = s.chain(entries, *s.head)
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE audit_head SET seq = ?, hash = ?, mac = ?
			WHERE id = 1 AND seq = ? AND hash = ? AND keyed_from = ? AND mac = ?`),
			head.Seq, head.Hash, head.MAC, s.head.Seq, s.head.Hash, s.head.KeyedFrom, s.head.MAC)
		if err != nil {
			return Head{}, fmt.Errorf("move chain head: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return Head{}, fmt.Errorf("move chain head: %w", err)
		}
		moved = n == 1
	}
	if !moved {
		lock := `SELECT seq, hash, keyed_from, mac FROM audit_head WHERE id = 1`
		if s.db.Engine() == sqldb.Postgres {
			lock += ` FOR UPDATE`
		}
		var stored Head
		if err := tx.GetContext(ctx, &stored, lock); err != nil {
			return Head{}, fmt.Errorf("read chain head: %w", err)
		}
		if err := s.checkHead(stored); err != nil {
			return Head{}, err
		}
		head = s.chain(entries, stored)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1`),
			head.Seq, head.Hash, head.MAC); err != nil {
			return Head{}, fmt.Errorf("move chain head: %w", err)
		}
	}

	for start := 0; start < len(entries); start += insertRows {
		rows := entries[start:min(start+insertRows, len(entries))]
		query, args := insertStatement(rows)
		if _, err := tx.ExecContext(ctx, tx.Rebind(query), args...); err != nil {
			return Head{}, fmt.Errorf("insert entries %d to %d: %w", rows[0].Seq, rows[len(rows)-1].Seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Head{}, fmt.Errorf("commit: %w", err)
	}
	return head, nil
}

// chain fills in Seq, PrevHash and Hash of entries so that they follow
// head, and returns the new head, signed.
func (s *Store) chain(entries []Entry, head Head) Head {
	h := newHasher(s.key)
	for i := range entries {
		e := &entries[i]
		e.Seq = head.Seq + 1
		e.PrevHash = head.Hash
		e.Hash = h.hash(e, head.KeyedFrom)
		head.Seq, head.Hash = e.Seq, e.Hash
	}
	head.MAC = head.sign(s.key)
	return head
}

// insertStatement returns one multi-row INSERT of rows and its arguments.
func insertStatement(rows []Entry) (string, []any) {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_entries (seq, at, officer_id, role, unit, province, citizen_id,
		fields, purpose, request_id, operation, prev_hash, hash) VALUES `)
	args := make([]any, 0, 13*len(rows))
	for i, e := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		args = append(args, e.Seq, e.At, e.OfficerID, e.Role, e.Unit, e.Province, e.CitizenID,
			e.Fields, e.Purpose, e.RequestID, e.Operation, e.PrevHash, e.Hash)
	}
	return b.String(), args
}
