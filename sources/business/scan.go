package business

import (
	"context"

	"lienthong/sqldb"
)

// The lookups below list the codes of one administrative unit in code
// order. The commune list is one key batch, so it must stay under SQLite's
// chunk of 10,000 keys for the order to hold.

// HouseholdCodesByCommune returns the codes of the household businesses in
// one of communes, ordered by code.
func (s *Store) HouseholdCodesByCommune(ctx context.Context, communes []string) ([]string, error) {
	var codes []string
	query := `SELECT code FROM business_households WHERE commune_code = ANY(?) ORDER BY code`
	if err := sqldb.SelectKeys(ctx, s.db, "household_codes_by_commune", &codes, query, communes); err != nil {
		return nil, err
	}
	return codes, nil
}

// EnterpriseCodesByCommune returns the codes of the enterprises whose head
// office is in one of communes, ordered by code.
func (s *Store) EnterpriseCodesByCommune(ctx context.Context, communes []string) ([]string, error) {
	var codes []string
	query := `SELECT code FROM enterprises WHERE commune_code = ANY(?) ORDER BY code`
	if err := sqldb.SelectKeys(ctx, s.db, "enterprise_codes_by_commune", &codes, query, communes); err != nil {
		return nil, err
	}
	return codes, nil
}
