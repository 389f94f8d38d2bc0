package audit

import (
	"context"
	"errors"
	"fmt"

	"lienthong/sqldb"
)

// BrokenError names the first entry where the chain breaks, or Seq 0 when
// the fault is in the audit_head row alone.
type BrokenError struct {
	Seq    int64
	Reason string
}

func (e *BrokenError) Error() string {
	if e.Seq == 0 {
		return "audit chain broken: " + e.Reason
	}
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// ErrKeyMismatch is the error of Verify when the first keyed entry and the
// head signature both fail under the store's key, which is most likely a
// different key from the one that wrote the trail.
var ErrKeyMismatch = errors.New("audit key does not match the trail")

// verifyPage is the number of entries Verify reads per statement.
const verifyPage = 5000

// Verify walks the whole chain in order and returns the number of entries
// checked. See VerifyHead for the errors.
func (s *Store) Verify(ctx context.Context) (int64, error) {
	head, err := s.VerifyHead(ctx)
	if err != nil {
		return 0, err
	}
	return head.Seq, nil
}

// VerifyHead reads the head, walks the chain up to it, and returns the
// head. It returns a *BrokenError naming the first entry that was edited
// (its hash no longer matches), deleted (a gap in the sequence, or a head
// past the end) or reordered (its previous-hash link is wrong), or the
// fault of the head row: missing, edited, wound back without its
// signature, or unsigned while keyed entries exist. It returns an error
// wrapping ErrKeyMismatch when the store's key is not the trail's.
//
// Entries appended after the head is read are not checked, so Verify can
// run beside a serving gateway.
func (s *Store) VerifyHead(ctx context.Context) (Head, error) {
	head, err := s.ReadHead(ctx)
	if err != nil {
		return Head{}, err
	}
	headSigned := head.signedBy(s.key)
	if head.MAC == "" && head.KeyedFrom <= head.Seq {
		return head, &BrokenError{Reason: fmt.Sprintf(
			"audit_head is not signed, but entries %d to %d are keyed (head row edited)", head.KeyedFrom, head.Seq)}
	}
	if head.MAC == "" && head.Seq > 0 {
		return head, &BrokenError{Reason: fmt.Sprintf(
			"audit_head is not signed and none of the %d entries is keyed: written by a build without keyed "+
				"hashes, or rewritten without the key", head.Seq)}
	}

	h := newHasher(s.key)
	var prev Entry
	for prev.Seq < head.Seq {
		var page []Entry
		query := `SELECT seq, at, officer_id, role, unit, province, citizen_id, fields, purpose,
			request_id, operation, prev_hash, hash FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`
		if err := s.db.Select(ctx, "audit_verify", &page, query, prev.Seq, head.Seq, verifyPage); err != nil {
			return head, fmt.Errorf("read audit entries after %d: %w", prev.Seq, err)
		}
		for i := range page {
			e := &page[i]
			if err := s.checkEntry(h, e, &prev, head, headSigned); err != nil {
				return head, err
			}
			prev = *e
		}
		if len(page) < verifyPage {
			break
		}
	}

	if prev.Seq < head.Seq {
		deleted := fmt.Sprintf("entries %d to %d deleted", prev.Seq+1, head.Seq)
		if prev.Seq+1 == head.Seq {
			deleted = fmt.Sprintf("entry %d deleted", head.Seq)
		}
		return head, &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf(
			"audit_head says %d entries, but the trail ends at entry %d (%s)", head.Seq, prev.Seq, deleted)}
	}
	if head.Hash != prev.Hash {
		return head, &BrokenError{Seq: head.Seq, Reason: fmt.Sprintf(
			"audit_head hash does not match entry %d's hash (head edited)", head.Seq)}
	}
	if head.MAC != "" && !headSigned {
		return head, &BrokenError{Reason: fmt.Sprintf(
			"audit_head signature does not match its seq %d and hash (head edited or wound back, "+
				"or a different audit key)", head.Seq)}
	}
	return head, nil
}

// checkEntry checks that e follows prev and that its hash matches its
// content under the scheme of its seq. h hashes under the store's key.
func (s *Store) checkEntry(h *hasher, e, prev *Entry, head Head, headSigned bool) error {
	if e.Seq != prev.Seq+1 {
		return &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf("missing: the next entry stored is %d", e.Seq)}
	}
	if e.PrevHash != prev.Hash {
		return &BrokenError{Seq: e.Seq, Reason: fmt.Sprintf(
			"previous-hash link does not match entry %d (entry moved, or an earlier entry replaced)", prev.Seq)}
	}
	if e.Seq < head.KeyedFrom {
		if e.PlainHash() != e.Hash {
			return &BrokenError{Seq: e.Seq, Reason: "content does not match its SHA-256 hash (entry edited)"}
		}
		return nil
	}
	if hmacEqual(h.keyed(e), e.Hash) {
		return nil
	}
	if e.Seq == head.KeyedFrom && head.MAC != "" && !headSigned {
		return fmt.Errorf("%w: neither entry %d, the first keyed entry, nor the audit_head signature verifies "+
			"under this key; use the key that wrote the trail, unless entry %d was edited and the chain rewritten",
			ErrKeyMismatch, e.Seq, e.Seq)
	}
	return &BrokenError{Seq: e.Seq, Reason: "content does not match its HMAC-SHA256 hash " +
		"(entry edited, or its hash recomputed without the audit key)"}
}

// ReadHead returns the audit_head row.
func (s *Store) ReadHead(ctx context.Context) (Head, error) {
	var head Head
	err := s.db.Get(ctx, "audit_head", &head, `SELECT seq, hash, keyed_from, mac FROM audit_head WHERE id = 1`)
	if errors.Is(err, sqldb.ErrNotFound) {
		return Head{}, &BrokenError{Reason: "audit_head row is missing"}
	}
	if err != nil {
		return Head{}, fmt.Errorf("read audit_head: %w", err)
	}
	return head, nil
}

// CheckHead reads the head and returns an error unless it is signed with
// the store's key or the trail is empty. A non-empty trail with an
// unsigned head is rejected, because a trail rewritten without the key
// looks the same as one written by an earlier build. A gateway calls it at start so that a wrong key fails
// there and not at the first audited read.
func (s *Store) CheckHead(ctx context.Context) (Head, error) {
	head, err := s.ReadHead(ctx)
	if err != nil {
		return Head{}, err
	}
	return head, s.checkHead(head)
}

// checkHead returns an error unless head is signed with the store's key or
// is the unsigned head of an empty trail.
func (s *Store) checkHead(head Head) error {
	switch {
	case head.signedBy(s.key):
		return nil
	case head.MAC == "" && head.Seq == 0:
		return nil
	case head.MAC == "" && head.KeyedFrom > head.Seq:
		// A trail of an earlier build looks like this, and so does one
		// that someone without the key rewrote with plain SHA-256 hashes
		// and keyed_from moved past the head. Nothing tells the two apart,
		// so neither is adopted.
		return fmt.Errorf("audit_head at entry %d is not signed and no entry is keyed: the trail was written "+
			"by a build without keyed hashes, or rewritten without the key; check it with that build's "+
			"verify-audit, keep it, and start a new trail at another -audit-dsn", head.Seq)
	case head.MAC == "":
		return fmt.Errorf("audit_head at entry %d is not signed, but entries %d to %d are keyed: "+
			"the head row was edited; run lienthong verify-audit", head.Seq, head.KeyedFrom, head.Seq)
	}
	return fmt.Errorf("%w: the audit_head signature at entry %d does not verify under this key; "+
		"use the key that wrote the trail, unless the head row was edited (run lienthong verify-audit)",
		ErrKeyMismatch, head.Seq)
}
