// Package procedures adapts the National Database on Administrative
// Procedures (the catalogue of procedures) and the provinces'
// Administrative Procedures Information Systems (the dossiers they receive,
// with their status history).
//
// Lookups take a batch of keys and return one result per key, in key order.
package procedures

import (
	"context"
	"strings"

	"lienthong/sqldb"
)

// Store reads the procedures database.
type Store struct {
	db *sqldb.DB
}

// New returns a Store over db.
func New(db *sqldb.DB) *Store {
	return &Store{db: db}
}

// DB returns the database the store reads.
func (s *Store) DB() *sqldb.DB { return s.db }

// Procedure is one row of the procedures table.
type Procedure struct {
	Code               string   `db:"code"`
	Name               string   `db:"name"`
	NameKey            string   `db:"name_key"`
	Sector             string   `db:"sector"`
	Levels             string   `db:"levels"`
	ManagingAgency     string   `db:"managing_agency"`
	ProcessingTimeText string   `db:"processing_time_text"`
	ProcessingDays     *float64 `db:"processing_days"`
	FeeAmount          *int64   `db:"fee_amount"`
	FeeCurrency        *string  `db:"fee_currency"`
	FeeText            string   `db:"fee_text"`
	Channels           string   `db:"channels"`
	OnlineServiceLevel string   `db:"online_service_level"`
	Status             string   `db:"status"`
	DecisionNo         string   `db:"decision_no"`
	IssuedOn           string   `db:"issued_on"`
	AmendedOn          *string  `db:"amended_on"`
	AbolishedOn        *string  `db:"abolished_on"`
}

// LevelList returns the implementing levels.
func (p *Procedure) LevelList() []string { return splitList(p.Levels) }

// ChannelList returns the submission channels.
func (p *Procedure) ChannelList() []string { return splitList(p.Channels) }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

const procedureColumns = `code, name, name_key, sector, levels, managing_agency, processing_time_text,
	processing_days, fee_amount, fee_currency, fee_text, channels, online_service_level, status,
	decision_no, issued_on, amended_on, abolished_on`

// ProceduresByCode returns the procedure of each code, or nil.
func (s *Store) ProceduresByCode(ctx context.Context, codes []string) ([]*Procedure, error) {
	var rows []Procedure
	query := `SELECT ` + procedureColumns + ` FROM procedures WHERE code = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "procedures_by_code", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Align(codes, rows, func(p *Procedure) string { return p.Code }), nil
}

// ProcedureFilter selects procedures. Empty fields do not filter.
type ProcedureFilter struct {
	// Words are folded words that must all occur in the folded name.
	Words  []string
	Sector string
	Level  string
	Status string
}

func (f ProcedureFilter) where() (string, []any) {
	where := `1 = 1`
	var args []any
	// Each word must occur whole: padding the key with spaces lets "ho"
	// match the folded "hộ" but not the "ho" inside "cho" or "hoạt".
	for _, w := range f.Words {
		where += ` AND (' ' || name_key || ' ') LIKE ?`
		args = append(args, "% "+escapeLike(w)+" %")
	}
	if f.Sector != "" {
		where += ` AND sector = ?`
		args = append(args, f.Sector)
	}
	if f.Level != "" {
		where += ` AND (';' || levels || ';') LIKE ?`
		args = append(args, "%;"+f.Level+";%")
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	return where, args
}

// escapeLike drops the LIKE wildcards % and _ from a search word, so that
// what a user types never matches more than its letters.
func escapeLike(w string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(w)
}

// ListProcedures returns up to limit procedures matching f with a code
// greater than after, ordered by code.
func (s *Store) ListProcedures(ctx context.Context, f ProcedureFilter, after string, limit int) ([]Procedure, error) {
	where, args := f.where()
	query := `SELECT ` + procedureColumns + ` FROM procedures WHERE ` + where + ` AND code > ? ORDER BY code LIMIT ?`
	var rows []Procedure
	if err := s.db.Select(ctx, "list_procedures", &rows, query, append(args, after, limit)...); err != nil {
		return nil, err
	}
	return rows, nil
}

// CountProcedures returns the number of procedures matching f.
func (s *Store) CountProcedures(ctx context.Context, f ProcedureFilter) (int, error) {
	where, args := f.where()
	var n int
	if err := s.db.Get(ctx, "count_procedures", &n, `SELECT COUNT(*) FROM procedures WHERE `+where, args...); err != nil {
		return 0, err
	}
	return n, nil
}
