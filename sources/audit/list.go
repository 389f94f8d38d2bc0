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

// List returns up to limit entries matching f with seq below before (0 for
// no bound), newest first.
func (s *Store) List(ctx context.Context, f Filter, before int64, limit int) ([]Entry, error) {
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
