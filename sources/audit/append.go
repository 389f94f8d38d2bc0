package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/jmoiron/sqlx"

	"lienthong/sqldb"
)

// ErrClosed is the error of an Append on a closed Store.
var ErrClosed = errors.New("audit trail closed")

// maxGroupEntries bounds the entries of one group commit. The writer stops
// adding requests to a group once it holds this many, but a single request
// with more entries still commits alone, in one transaction.
const maxGroupEntries = 1000

// maxInsertRows is the largest number of entries per INSERT statement on
// SQLite: 13 columns each, so 1,664 bound values, well under the limit of
// SQLite 3.54 as bundled by mattn/go-sqlite3 (SQLITE_MAX_VARIABLE_NUMBER
// 32,766). It is a power of two, so every count of entries splits into
// statements of at most 8 sizes, which the store prepares once each.
const maxInsertRows = 128

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
// update, the INSERT statements and one commit, so one fsync, for all of them.
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
	defer s.closeStatements()
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
	if s.db.Engine() != sqldb.Postgres {
		// The transaction holds a connection of the pool, so preparing
		// within it could wait for a second one that never comes free.
		if err := s.prepareInserts(ctx, len(entries)); err != nil {
			return Head{}, err
		}
	}
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

	if s.db.Engine() == sqldb.Postgres {
		err = insertArrays(ctx, tx, entries)
	} else {
		err = s.insertRows(ctx, tx, entries)
	}
	if err != nil {
		return Head{}, err
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

// insertRows stores entries on SQLite with multi-row INSERT statements of
// power-of-two sizes, largest first, so that each group reuses the prepared
// statements of the groups before it. Preparing a 200-row INSERT took about
// half the processor time of running it (BenchmarkAppendRequest).
// prepareInserts must have prepared the statements for len(entries).
func (s *Store) insertRows(ctx context.Context, tx *sqlx.Tx, entries []Entry) error {
	for _, n := range insertSizes(len(entries)) {
		rows := entries[:n]
		args := make([]any, 0, 13*n)
		for _, e := range rows {
			args = append(args, e.Seq, e.At, e.OfficerID, e.Role, e.Unit, e.Province, e.CitizenID,
				e.Fields, e.Purpose, e.RequestID, e.Operation, e.PrevHash, e.Hash)
		}
		if _, err := tx.StmtxContext(ctx, s.inserts[n]).ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert entries %d to %d: %w", rows[0].Seq, rows[n-1].Seq, err)
		}
		entries = entries[n:]
	}
	return nil
}

// insertSizes returns the row counts of the INSERT statements that store
// n entries on SQLite, largest first.
func insertSizes(n int) []int {
	var sizes []int
	for size := maxInsertRows; n > 0; {
		for size > n {
			size /= 2
		}
		sizes = append(sizes, size)
		n -= size
	}
	return sizes
}

// prepareInserts prepares the INSERT statements that store n entries and
// that no earlier group prepared. database/sql prepares each one again on
// every other connection that runs it.
func (s *Store) prepareInserts(ctx context.Context, n int) error {
	for _, size := range insertSizes(n) {
		if _, ok := s.inserts[size]; ok {
			continue
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO audit_entries (seq, at, officer_id, role, unit, province, citizen_id,
			fields, purpose, request_id, operation, prev_hash, hash) VALUES `)
		for i := range size {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		}
		stmt, err := s.db.X().PreparexContext(ctx, b.String())
		if err != nil {
			return fmt.Errorf("prepare insert of %d audit entries: %w", size, err)
		}
		s.inserts[size] = stmt
	}
	return nil
}

// closeStatements closes the prepared INSERT statements.
func (s *Store) closeStatements() {
	for n, stmt := range s.inserts {
		stmt.Close()
		delete(s.inserts, n)
	}
}

// insertArrays stores entries on PostgreSQL with one INSERT that unnests
// an array per column. The statement text is the same for any number of
// entries, so pgx prepares it once per connection, and its 13 arrays bind
// faster than 13 values per entry.
func insertArrays(ctx context.Context, tx *sqlx.Tx, entries []Entry) error {
	seq := make([]int64, len(entries))
	var text [12][]string
	for c := range text {
		text[c] = make([]string, len(entries))
	}
	for i, e := range entries {
		seq[i] = e.Seq
		values := [...]string{e.At, e.OfficerID, e.Role, e.Unit, e.Province, e.CitizenID,
			e.Fields, e.Purpose, e.RequestID, e.Operation, e.PrevHash, e.Hash}
		for c, v := range values {
			text[c][i] = v
		}
	}
	args := []any{seq}
	for _, values := range text {
		args = append(args, values)
	}

	const insert = `INSERT INTO audit_entries (seq, at, officer_id, role, unit, province, citizen_id,
		fields, purpose, request_id, operation, prev_hash, hash)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])`
	if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
		return fmt.Errorf("insert entries %d to %d: %w", entries[0].Seq, entries[len(entries)-1].Seq, err)
	}
	return nil
}
