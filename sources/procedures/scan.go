package procedures

import (
	"context"

	"lienthong/sqldb"
)

// DossierCodesByCommune returns the codes of the dossiers received by one of
// communes, ordered by code. The commune list is one key batch, so it must
// stay under SQLite's chunk of 10,000 keys for the order to hold.
func (s *Store) DossierCodesByCommune(ctx context.Context, communes []string) ([]string, error) {
	var codes []string
	query := `SELECT code FROM dossiers WHERE receiving_commune = ANY(?) ORDER BY code`
	if err := sqldb.SelectKeys(ctx, s.db, "dossier_codes_by_commune", &codes, query, communes); err != nil {
		return nil, err
	}
	return codes, nil
}
