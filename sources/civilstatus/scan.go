package civilstatus

import (
	"context"

	"lienthong/sqldb"
)

// RegistrationIDsByCommune returns the ids of the registrations made by an
// office with one of the commune codes, ordered by id. The code list is one
// key batch, so it must stay under SQLite's chunk of 10,000 keys for the
// order to hold.
func (s *Store) RegistrationIDsByCommune(ctx context.Context, communes []string) ([]int64, error) {
	var ids []int64
	query := `SELECT id FROM registrations WHERE registering_commune = ANY(?) ORDER BY id`
	if err := sqldb.SelectKeys(ctx, s.db, "registration_ids_by_commune", &ids, query, communes); err != nil {
		return nil, err
	}
	return ids, nil
}

// FactsByCitizen returns, for each citizen, the birth, death and marriage
// registrations naming the citizen as child, deceased, husband or wife,
// oldest first. Each carries only that one party and no place, cause or
// correction columns. It reads a third of the rows RegistrationsByCitizen
// reads, for scans over whole provinces.
func (s *Store) FactsByCitizen(ctx context.Context, ids []string) ([][]Registration, error) {
	var rows []partyRow
	query := `SELECT p.citizen_id AS lookup_key, r.id, r.kind, r.book, r.number,
		r.registering_commune, r.registered_on, r.event_date, r.subject_name, r.subject_gender,
		CASE WHEN r.kind = 'marriage' THEN (SELECT MIN(COALESCE(d.event_date, d.registered_on))
			FROM registrations d WHERE d.related_id = r.id AND d.kind = 'divorce') END AS dissolved_on,
		p.citizen_id AS party_id, p.role AS party_role, '' AS party_name
		FROM registration_parties p
		JOIN registrations r ON r.id = p.registration_id
		WHERE p.citizen_id = ANY(?) AND p.role IN ('child', 'deceased', 'husband', 'wife')
			AND r.kind IN ('birth', 'death', 'marriage')
		ORDER BY p.citizen_id, r.registered_on, r.id`
	if err := sqldb.SelectKeys(ctx, s.db, "facts_by_citizen", &rows, query, ids); err != nil {
		return nil, err
	}
	return collect(ids, rows), nil
}
