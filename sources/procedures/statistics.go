package procedures

import (
	"context"
	"fmt"
	"strings"
)

// Dimension is a column that dossier statistics can be grouped by.
type Dimension string

const (
	DimProvince  Dimension = "province"
	DimCommune   Dimension = "commune"
	DimProcedure Dimension = "procedure"
	DimSector    Dimension = "sector"
	DimStatus    Dimension = "status"
	DimChannel   Dimension = "channel"
	DimMonth     Dimension = "month"
)

// vietnamOffsetHours is Vietnam's offset from UTC, which has no daylight
// saving time. Months are counted in Vietnamese local time.
const vietnamOffsetHours = 7

// StatisticsFilter selects the dossiers that statistics count. Empty fields
// do not filter.
type StatisticsFilter struct {
	ProvinceCode string
	CommuneCode  string
	ReceivedFrom string // RFC 3339 in UTC, inclusive
	ReceivedTo   string // RFC 3339 in UTC, exclusive
	// Now is the instant, RFC 3339 in UTC, past which an open dossier is
	// overdue.
	Now string
}

// Statistics is one group of dossiers. Only the fields of the grouped
// dimensions are set.
type Statistics struct {
	ProvinceCode          *string  `db:"province_code"`
	CommuneCode           *string  `db:"receiving_commune"`
	ProcedureCode         *string  `db:"procedure_code"`
	Sector                *string  `db:"sector"`
	Status                *string  `db:"status"`
	Channel               *string  `db:"channel"`
	Month                 *string  `db:"month"`
	Count                 int      `db:"dossier_count"`
	ReturnedCount         int      `db:"returned_count"`
	OnTimeCount           int      `db:"on_time_count"`
	OverdueCount          int      `db:"overdue_count"`
	AverageProcessingDays *float64 `db:"avg_processing_days"`
}

// MaxStatisticsGroups bounds the groups one statistics query returns, so a
// fine grouping over the whole country cannot build an unbounded response.
const MaxStatisticsGroups = 10000

// ErrTooManyGroups is returned by DossierStatistics when the grouping yields
// more than MaxStatisticsGroups groups.
var ErrTooManyGroups = fmt.Errorf("more than %d groups", MaxStatisticsGroups)

// DossierStatistics counts the dossiers matching f per group of the given
// dimensions, ordered by the group columns. A dossier counts as on time when
// it was returned by its due time. It counts as overdue when it was returned
// late or is still open past f.Now. Rejected and withdrawn dossiers are
// neither.
// The average processing time runs from reception to completion, in
// calendar days, over completed dossiers.
func (s *Store) DossierStatistics(ctx context.Context, by []Dimension, f StatisticsFilter) ([]Statistics, error) {
	var groups []string
	for _, d := range by {
		expr, err := s.dimensionColumn(d)
		if err != nil {
			return nil, err
		}
		groups = append(groups, expr)
	}

	// Aggregates over the filtered dossiers; sector needs the procedure row,
	// which lives in the same database.
	selectList := append(append([]string{}, groups...),
		`COUNT(*) AS dossier_count`,
		`SUM(CASE WHEN d.status = 'returned' THEN 1 ELSE 0 END) AS returned_count`,
		`SUM(CASE WHEN d.status = 'returned' AND d.returned_at <= d.due_at THEN 1 ELSE 0 END) AS on_time_count`,
		`SUM(CASE WHEN (d.status = 'returned' AND d.returned_at > d.due_at)
			OR (d.status NOT IN ('returned', 'rejected', 'withdrawn') AND d.due_at < ?) THEN 1 ELSE 0 END) AS overdue_count`,
		`AVG(`+s.db.DaysBetween("d.received_at", "d.completed_at")+`) AS avg_processing_days`,
	)
	query := `SELECT ` + strings.Join(selectList, ",\n\t") + `
	FROM dossiers d LEFT JOIN procedures p ON p.code = d.procedure_code
	WHERE 1 = 1`
	args := []any{f.Now}
	add := func(cond, value string) {
		if value != "" {
			query += ` AND ` + cond
			args = append(args, value)
		}
	}
	add(`d.province_code = ?`, f.ProvinceCode)
	add(`d.receiving_commune = ?`, f.CommuneCode)
	add(`d.received_at >= ?`, f.ReceivedFrom)
	add(`d.received_at < ?`, f.ReceivedTo)

	// Group and order by position, which both engines accept, and fetch one
	// extra group to tell when the limit cuts the result.
	if len(groups) > 0 {
		positions := make([]string, len(groups))
		for i := range groups {
			positions[i] = fmt.Sprint(i + 1)
		}
		query += ` GROUP BY ` + strings.Join(positions, ", ") + ` ORDER BY ` + strings.Join(positions, ", ")
	}
	query += fmt.Sprintf(` LIMIT %d`, MaxStatisticsGroups+1)

	var rows []Statistics
	if err := s.db.Select(ctx, "dossier_statistics", &rows, query, args...); err != nil {
		return nil, err
	}
	if len(rows) > MaxStatisticsGroups {
		return nil, ErrTooManyGroups
	}
	return rows, nil
}

// dimensionColumn returns the select expression of a dimension, named after
// the Statistics field it fills.
func (s *Store) dimensionColumn(d Dimension) (string, error) {
	switch d {
	case DimProvince:
		return `d.province_code AS province_code`, nil
	case DimCommune:
		return `d.receiving_commune AS receiving_commune`, nil
	case DimProcedure:
		return `d.procedure_code AS procedure_code`, nil
	case DimSector:
		return `COALESCE(p.sector, '') AS sector`, nil
	case DimStatus:
		return `d.status AS status`, nil
	case DimChannel:
		return `d.channel AS channel`, nil
	case DimMonth:
		return s.db.LocalMonth("d.received_at", vietnamOffsetHours) + ` AS month`, nil
	}
	return "", fmt.Errorf("unknown statistics dimension %q", d)
}

// ChangeKind is the kind of a catalogue event: issued, amended or abolished.
type ChangeKind string

const (
	ChangeIssued    ChangeKind = "issued"
	ChangeAmended   ChangeKind = "amended"
	ChangeAbolished ChangeKind = "abolished"
)

// Change is one event in the procedure catalogue.
type Change struct {
	Kind ChangeKind `db:"kind"`
	On   string     `db:"changed_on"`
	Procedure
}

// ProcedureChanges returns the procedures issued, amended or abolished on a
// date from from (inclusive) to to (exclusive), both ISO 8601 dates, ordered
// by date, then code, then kind. A procedure issued and amended in the
// period appears once for each event. An empty sector does not filter.
func (s *Store) ProcedureChanges(ctx context.Context, from, to, sector string) ([]Change, error) {
	var parts []string
	var args []any
	for _, ev := range []struct {
		kind   ChangeKind
		column string
	}{{ChangeIssued, "issued_on"}, {ChangeAmended, "amended_on"}, {ChangeAbolished, "abolished_on"}} {
		part := fmt.Sprintf(`SELECT '%s' AS kind, %s AS changed_on, %s FROM procedures
			WHERE %s >= ? AND %s < ?`, ev.kind, ev.column, procedureColumns, ev.column, ev.column)
		args = append(args, from, to)
		if sector != "" {
			part += ` AND sector = ?`
			args = append(args, sector)
		}
		parts = append(parts, part)
	}
	query := strings.Join(parts, "\nUNION ALL\n") + ` ORDER BY changed_on, code, kind`

	var rows []Change
	if err := s.db.Select(ctx, "procedure_changes", &rows, query, args...); err != nil {
		return nil, err
	}
	return rows, nil
}
