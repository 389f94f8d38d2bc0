package audit

import (
	"context"
	"fmt"
)

// Filter selects audit entries. Empty fields do not filter.
type Filter struct {
	CitizenID string
	OfficerID string
	Province  string
}

// where returns the SQL condition selecting the entries that match f, and
// its arguments.
func (f Filter) where() (string, []any) {
	where := `1 = 1`
	var args []any
	add := func(cond, value string) {
		if value != "" {
			where += ` AND ` + cond
			args = append(args, value)
		}
	}
	add(`citizen_id = ?`, f.CitizenID)
	add(`officer_id = ?`, f.OfficerID)
	add(`province = ?`, f.Province)
	return where, args
}

// Count returns the number of entries matching f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	where, args := f.where()
	var n int
	if err := s.db.Get(ctx, "audit_count", &n, `SELECT COUNT(*) FROM audit_entries WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("count audit entries: %w", err)
	}
	return n, nil
}

// List returns up to limit entries matching f with seq below before (0 for
// no bound), newest first.
func (s *Store) List(ctx context.Context, f Filter, before int64, limit int) ([]Entry, error) {
	where, args := f.where()
	if before > 0 {
		where += ` AND seq < ?`
		args = append(args, before)
	}
	args = append(args, limit)

	var rows []Entry
	query := `SELECT seq, at, officer_id, role, unit, province, citizen_id, fields, purpose,
		request_id, operation, prev_hash, hash FROM audit_entries WHERE ` + where + ` ORDER BY seq DESC LIMIT ?`
	if err := s.db.Select(ctx, "audit_list", &rows, query, args...); err != nil {
		return nil, fmt.Errorf("list audit entries: %w", err)
	}
	return rows, nil
}
