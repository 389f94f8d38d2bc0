package population

import (
	"context"

	"lienthong/sqldb"
)

// The lookups below list the keys of one administrative unit, in key order,
// for scans that then read the rows in batches. The commune list is one key
// batch, and it must stay under SQLite's chunk of 10,000 keys for the order
// to hold. A province has a few hundred codes at most.

// CitizenIDsByCommune returns the ids of the citizens whose permanent
// residence is in one of communes, ordered by id.
func (s *Store) CitizenIDsByCommune(ctx context.Context, communes []string) ([]string, error) {
	var ids []string
	query := `SELECT DISTINCT citizen_id FROM residences
		WHERE kind = 'permanent' AND commune_code = ANY(?) ORDER BY citizen_id`
	if err := sqldb.SelectKeys(ctx, s.db, "citizen_ids_by_commune", &ids, query, communes); err != nil {
		return nil, err
	}
	return ids, nil
}

// HouseholdCodesByCommune returns the codes of the households in one of
// communes, ordered by code.
func (s *Store) HouseholdCodesByCommune(ctx context.Context, communes []string) ([]string, error) {
	var codes []string
	query := `SELECT code FROM households WHERE commune_code = ANY(?) ORDER BY code`
	if err := sqldb.SelectKeys(ctx, s.db, "household_codes_by_commune", &codes, query, communes); err != nil {
		return nil, err
	}
	return codes, nil
}

// Life is the life status of a citizen: the columns a cross-source check
// needs to tell whether a personal id is known and alive.
type Life struct {
	ID          string  `db:"id"`
	Status      string  `db:"status"`
	DateOfDeath *string `db:"date_of_death"`
}

// LivesByID returns the life status of each id, or nil where the population
// database has no such citizen.
func (s *Store) LivesByID(ctx context.Context, ids []string) ([]*Life, error) {
	var rows []Life
	query := `SELECT id, status, date_of_death FROM citizens WHERE id = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "lives_by_id", &rows, query, ids); err != nil {
		return nil, err
	}
	return sqldb.Align(ids, rows, func(l *Life) string { return l.ID }), nil
}

// CitizenFactsByID returns the citizen of each id, or nil, with only the
// columns that civil status also records: name, date of birth, gender, life
// status and marital status. Province scans use it to read less.
func (s *Store) CitizenFactsByID(ctx context.Context, ids []string) ([]*Citizen, error) {
	var rows []Citizen
	query := `SELECT id, full_name, date_of_birth, gender, status, date_of_death, marital_status
		FROM citizens WHERE id = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "citizen_facts_by_id", &rows, query, ids); err != nil {
		return nil, err
	}
	return sqldb.Align(ids, rows, func(c *Citizen) string { return c.ID }), nil
}

// KnownIDs returns the ids among ids that belong to a citizen. It reads the
// primary-key index only.
func (s *Store) KnownIDs(ctx context.Context, ids []string) (map[string]bool, error) {
	var rows []string
	query := `SELECT id FROM citizens WHERE id = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "known_ids", &rows, query, ids); err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(rows))
	for _, id := range rows {
		known[id] = true
	}
	return known, nil
}

// ResidencesByCommune returns the residences, permanent and temporary, that
// cite one of communes, ordered by id.
func (s *Store) ResidencesByCommune(ctx context.Context, communes []string) ([]Residence, error) {
	var rows []Residence
	query := `SELECT id, citizen_id, kind, address, commune_code, registered_on, expires_on
		FROM residences WHERE commune_code = ANY(?) ORDER BY id`
	if err := sqldb.SelectKeys(ctx, s.db, "residences_by_commune", &rows, query, communes); err != nil {
		return nil, err
	}
	return rows, nil
}
