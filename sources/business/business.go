// Package business adapts the National Business Registration Database
// (enterprises, their people and business lines) and the Business Household
// Registration System (household businesses).
//
// Lookups take a batch of keys and return one result per key, in key order.
package business

import (
	"context"

	"lienthong/sqldb"
)

// Store reads the business-registration database.
type Store struct {
	db *sqldb.DB
}

// New returns a Store over db.
func New(db *sqldb.DB) *Store {
	return &Store{db: db}
}

// DB returns the database the store reads.
func (s *Store) DB() *sqldb.DB { return s.db }

// Enterprise is one row of the enterprises table.
type Enterprise struct {
	Code             string  `db:"code"`
	Name             string  `db:"name"`
	Type             string  `db:"type"`
	Status           string  `db:"status"`
	StatusSince      string  `db:"status_since"`
	RegisteredOn     string  `db:"registered_on"`
	Address          string  `db:"address"`
	CommuneCode      string  `db:"commune_code"`
	CharterCapital   int64   `db:"charter_capital"`
	RepresentativeID *string `db:"representative_id"`
}

// Person is one row of the enterprise_people table.
type Person struct {
	EnterpriseCode string   `db:"enterprise_code"`
	CitizenID      string   `db:"citizen_id"`
	Role           string   `db:"role"`
	SharePercent   *float64 `db:"share_percent"`
}

// Industry is one row of the enterprise_industries table.
type Industry struct {
	EnterpriseCode string `db:"enterprise_code"`
	VSICCode       string `db:"vsic_code"`
	Main           bool   `db:"is_main"`
}

// Household is one row of the business_households table.
type Household struct {
	Code         string `db:"code"`
	Name         string `db:"name"`
	OwnerID      string `db:"owner_id"`
	CommuneCode  string `db:"commune_code"`
	Address      string `db:"address"`
	BusinessLine string `db:"business_line"`
	VSICCode     string `db:"vsic_code"`
	Capital      int64  `db:"capital"`
	Status       string `db:"status"`
	RegisteredOn string `db:"registered_on"`
}

const enterpriseColumns = `code, name, type, status, status_since, registered_on, address,
	commune_code, charter_capital, representative_id`

// EnterprisesByCode returns the enterprise of each code, or nil.
func (s *Store) EnterprisesByCode(ctx context.Context, codes []string) ([]*Enterprise, error) {
	var rows []Enterprise
	query := `SELECT ` + enterpriseColumns + ` FROM enterprises WHERE code = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "enterprises_by_code", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Align(codes, rows, func(e *Enterprise) string { return e.Code }), nil
}

// PeopleByEnterprise returns the people of each enterprise, legal
// representative first.
func (s *Store) PeopleByEnterprise(ctx context.Context, codes []string) ([][]Person, error) {
	var rows []Person
	query := `SELECT enterprise_code, citizen_id, role, share_percent
		FROM enterprise_people WHERE enterprise_code = ANY(?)
		ORDER BY enterprise_code, CASE role WHEN 'legal_representative' THEN 0 ELSE 1 END, role, citizen_id`
	if err := sqldb.SelectKeys(ctx, s.db, "people_by_enterprise", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Group(codes, rows, func(p *Person) string { return p.EnterpriseCode }), nil
}

// RolesByCitizen returns the enterprise roles of each citizen, ordered by
// enterprise code.
func (s *Store) RolesByCitizen(ctx context.Context, ids []string) ([][]Person, error) {
	var rows []Person
	query := `SELECT enterprise_code, citizen_id, role, share_percent
		FROM enterprise_people WHERE citizen_id = ANY(?)
		ORDER BY citizen_id, enterprise_code, role`
	if err := sqldb.SelectKeys(ctx, s.db, "roles_by_citizen", &rows, query, ids); err != nil {
		return nil, err
	}
	return sqldb.Group(ids, rows, func(p *Person) string { return p.CitizenID }), nil
}

// IndustriesByEnterprise returns the business lines of each enterprise, the
// main line first.
func (s *Store) IndustriesByEnterprise(ctx context.Context, codes []string) ([][]Industry, error) {
	var rows []Industry
	query := `SELECT enterprise_code, vsic_code, is_main
		FROM enterprise_industries WHERE enterprise_code = ANY(?)
		ORDER BY enterprise_code, CASE WHEN is_main THEN 0 ELSE 1 END, vsic_code`
	if err := sqldb.SelectKeys(ctx, s.db, "industries_by_enterprise", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Group(codes, rows, func(i *Industry) string { return i.EnterpriseCode }), nil
}

const householdColumns = `code, name, owner_id, commune_code, address, business_line, vsic_code,
	capital, status, registered_on`

// HouseholdsByCode returns the household business of each code, or nil.
func (s *Store) HouseholdsByCode(ctx context.Context, codes []string) ([]*Household, error) {
	var rows []Household
	query := `SELECT ` + householdColumns + ` FROM business_households WHERE code = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "households_by_code", &rows, query, codes); err != nil {
		return nil, err
	}
	return sqldb.Align(codes, rows, func(h *Household) string { return h.Code }), nil
}

// HouseholdsByOwner returns the household businesses each citizen owns,
// ordered by registration date.
func (s *Store) HouseholdsByOwner(ctx context.Context, ids []string) ([][]Household, error) {
	var rows []Household
	query := `SELECT ` + householdColumns + ` FROM business_households WHERE owner_id = ANY(?)
		ORDER BY owner_id, registered_on, code`
	if err := sqldb.SelectKeys(ctx, s.db, "households_by_owner", &rows, query, ids); err != nil {
		return nil, err
	}
	return sqldb.Group(ids, rows, func(h *Household) string { return h.OwnerID }), nil
}
