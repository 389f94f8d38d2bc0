package population

import (
	"context"

	"lienthong/sqldb"
)

// Residence is one row of the residences table.
type Residence struct {
	ID           int64   `db:"id"`
	CitizenID    string  `db:"citizen_id"`
	Kind         string  `db:"kind"`
	Address      string  `db:"address"`
	CommuneCode  string  `db:"commune_code"`
	RegisteredOn string  `db:"registered_on"`
	ExpiresOn    *string `db:"expires_on"`
}

// ResidencesByCitizen returns the residences of each citizen, permanent
// first, then temporary ones newest first.
func (s *Store) ResidencesByCitizen(ctx context.Context, ids []string) ([][]Residence, error) {
	var rows []Residence
	query := `SELECT id, citizen_id, kind, address, commune_code, registered_on, expires_on
		FROM residences WHERE citizen_id = ANY(?)
		ORDER BY citizen_id, kind, registered_on DESC, id`
	if err := sqldb.SelectKeys(ctx, s.db, "residences_by_citizen", &rows, query, ids); err != nil {
		return nil, err
	}
	return sqldb.Group(ids, rows, func(r *Residence) string { return r.CitizenID }), nil
}
