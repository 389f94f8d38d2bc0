package audit

import (
	"context"
	"fmt"
)

// BrokenError names the first entry where the chain breaks.
type BrokenError struct {
	Seq    int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// verifyPage is the number of entries Verify reads per statement.
const verifyPage = 5000

// Verify walks the whole chain in order and returns the number of entries
// checked, or a *BrokenError naming the first entry that was edited (its
// hash no longer matches), deleted (a gap in the sequence or a head that
// points past the end) or reordered (its previous-hash link is wrong).
func (s *Store) Verify(ctx context.Context) (int64, error) {
	var (
		prev    Entry
		checked int64
	)
	for {
		var page []Entry
		query := `SELECT seq, at, officer_id, role, unit, province, citizen_id, fields, purpose,
			request_id, operation, prev_hash, hash FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?`
		if err := s.db.Select(ctx, "audit_verify", &page, query, prev.Seq, verifyPage); err != nil {
			return checked, err
		}
		for i := range page {
			e := &page[i]
			if e.Seq != prev.Seq+1 {
				return checked, &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf("missing: the next entry stored is %d", e.Seq)}
			}
			if e.PrevHash != prev.Hash {
				return checked, &BrokenError{Seq: e.Seq, Reason: "previous-hash link does not match entry " +
					fmt.Sprint(prev.Seq) + " (entry moved, or an earlier entry replaced)"}
			}
			if got := e.ComputeHash(); got != e.Hash {
				return checked, &BrokenError{Seq: e.Seq, Reason: "content does not match its hash (entry edited)"}
			}
			prev = *e
			checked++
		}
		if len(page) < verifyPage {
			break
		}
	}

	var head struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	if err := s.db.Get(ctx, "audit_head", &head, `SELECT seq, hash FROM audit_head WHERE id = 1`); err != nil {
		return checked, err
	}
	if head.Seq != prev.Seq || head.Hash != prev.Hash {
		return checked, &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf(
			"chain head says %d entries, but the trail ends at entry %d (entries deleted from the end, or head edited)",
			head.Seq, prev.Seq)}
	}
	return checked, nil
}
