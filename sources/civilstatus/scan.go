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
