package procedures

import (
	"context"

	"lienthong/sqldb"
)

// applicantProvince is one province where an applicant has a dossier.
type applicantProvince struct {
	ApplicantID  string `db:"applicant_id"`
	ProvinceCode string `db:"province_code"`
}

// ProvincesByApplicant returns, for each personal id, the codes of the
// provinces that received a dossier of that applicant, in any status.
func (s *Store) ProvincesByApplicant(ctx context.Context, ids []string) ([][]string, error) {
	var rows []applicantProvince
	query := `SELECT DISTINCT applicant_id, province_code FROM dossiers WHERE applicant_id = ANY(?)`
	if err := sqldb.SelectKeys(ctx, s.db, "provinces_by_applicant", &rows, query, ids); err != nil {
		return nil, err
	}
	groups := sqldb.Group(ids, rows, func(r *applicantProvince) string { return r.ApplicantID })
	out := make([][]string, len(ids))
	for i, group := range groups {
		for _, r := range group {
			out[i] = append(out[i], r.ProvinceCode)
		}
	}
	return out, nil
}
