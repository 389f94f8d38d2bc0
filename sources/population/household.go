package population

import (
	"context"

	"lienthong/sqldb"
)

// Household is one row of the households table.
type Household struct {
	Code        string `db:"code"`
	HeadID      string `db:"head_id"`
	Address     string `db:"address"`
	CommuneCode string `db:"commune_code"`
}

// Member is one row of the household_members table.
type Member struct {
	HouseholdCode  string `db:"household_code"`
	CitizenID      string `db:"citizen_id"`
	RelationToHead string `db:"relation_to_head"`
	Position       int    `db:"position"`
}

// HouseholdsByCode returns the household of each code, or nil.
func (s *Store) HouseholdsByCode(ctx context.Context, codes []string) ([]*Household, error) {
	var rows []Household
	query := `SELECT code, head_id, address, commune_code FROM households WHERE code = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "households_by_code", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Align(codes, rows, func(h *Household) string { return h.Code }), nil
}

// MembersByHousehold returns the members of each household, the head first
// and then in register order.
func (s *Store) MembersByHousehold(ctx context.Context, codes []string) ([][]Member, error) {
	var rows []Member
	query := `SELECT household_code, citizen_id, relation_to_head, position
		FROM household_members WHERE household_code = ANY(?)
		ORDER BY household_code, position`
	if err := sqldb.SelectKeys(ctx, s.db, "members_by_household", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Group(codes, rows, func(m *Member) string { return m.HouseholdCode }), nil
}

// HouseholdOfCitizen returns, for each citizen id, the code of the household
// that lists the citizen as a member, or "" when none does.
func (s *Store) HouseholdOfCitizen(ctx context.Context, ids []string) ([]string, error) {
	var rows []Member
	query := `SELECT household_code, citizen_id, relation_to_head, position
		FROM household_members WHERE citizen_id = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "household_of_citizen", &rows, query, ids); err != nil {
		return nil, err
	}
	byID := make(map[string]string, len(rows))
	for _, m := range rows {
		byID[m.CitizenID] = m.HouseholdCode
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}
