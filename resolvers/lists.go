package resolvers

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/graph/model"
	"lienthong/paging"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/validate"
	"lienthong/vntext"
)

// citizenList names the citizen list in its sealed cursors.
const citizenList = "citizens"

// listCitizens reads one page of a citizen list. The page and its count
// are one statement each; the count runs only when totalCount is selected.
func (r *Resolver) listCitizens(ctx context.Context, filter model.CitizenFilter, first *int, after *string, purpose string) (*model.CitizenConnection, error) {
	// Cursors are sealed, so they reveal no name or id. The page's size,
	// hasNextPage, totalCount and the number of FORBIDDEN nodes still tell
	// how many citizens match a name. So callers who may read no citizen
	// get no list at all. A commune officer's list holds only the citizens
	// the purpose allows, and a province officer's list only the
	// province's permanent residents.
	var among *population.CitizenSet
	var residentOf []string
	switch p := auth.From(ctx); p.Role {
	case auth.Anonymous:
		return nil, errNoCredentials
	case auth.Reporting:
		return nil, forbidden("role reporting may read aggregates and non-personal data only, not citizen lists")
	case auth.Citizen:
		return nil, forbidden("the citizen role reads its own record with citizen(id), not citizen lists")
	case auth.CommuneOfficer:
		if purpose == "" {
			purpose = auth.PurposeFrom(ctx)
		}
		var err error
		if among, err = r.purposeCitizens(ctx, p, purpose); err != nil {
			return nil, err
		}
	case auth.ProvinceOfficer:
		// Applicants of the province's dossiers who live elsewhere, and
		// relatives reached through a purpose, stay readable by
		// citizen(id) but are left out here, because the applicants are
		// in the procedures source and this list reads population alone.
		residentOf = r.provinceCommunes(p.Unit)
	}
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	f := population.CitizenFilter{Among: among, ResidentOf: residentOf}
	if filter.Name != nil {
		if err := checkSearchText("name", *filter.Name); err != nil {
			return nil, err
		}
		f.NameKey = vntext.Fold(vntext.NFC(*filter.Name))
	}
	if filter.CommuneCode != nil {
		if err := validate.CommuneCode(*filter.CommuneCode); err != nil {
			return nil, err
		}
		f.CommuneCode = *filter.CommuneCode
	}
	if f.NameKey == "" && f.CommuneCode == "" {
		return nil, apierr.Invalid("invalid citizen filter: give a name or a communeCode, so that a list never spans the whole population")
	}
	var cursor *population.CitizenCursor
	if after != nil {
		parts, err := r.Cursors.Open(citizenList, *after, 2)
		if err != nil {
			return nil, err
		}
		if validate.PersonalID(parts[1]) != nil {
			return nil, invalidCursor(*after)
		}
		cursor = &population.CitizenCursor{NameKey: parts[0], ID: parts[1]}
	}

	rows, err := r.Stores.Population.ListCitizens(ctx, f, cursor, limit+1)
	if err != nil {
		return nil, err
	}
	conn := &model.CitizenConnection{PageInfo: &model.PageInfo{HasNextPage: len(rows) > limit}}
	rows = rows[:min(len(rows), limit)]
	for i := range rows {
		c := &rows[i]
		cur := r.Cursors.Seal(citizenList, c.NameKey, c.ID)
		node := toCitizen(c)
		node.AccessPurpose = purpose
		conn.Edges = append(conn.Edges, &model.CitizenEdge{Cursor: cur, Node: node})
		conn.PageInfo.EndCursor = &cur
	}
	conn.Count = func(ctx context.Context) (int, error) {
		return r.Stores.Population.CountCitizens(ctx, f)
	}
	return conn, nil
}

func (r *Resolver) listProcedures(ctx context.Context, filter *model.ProcedureFilter, first *int, after *string) (*model.ProcedureConnection, error) {
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	var f procedures.ProcedureFilter
	if filter != nil {
		if filter.Text != nil {
			if err := checkSearchText("text", *filter.Text); err != nil {
				return nil, err
			}
			f.Words = strings.Fields(vntext.Fold(vntext.NFC(*filter.Text)))
		}
		if filter.Sector != nil {
			f.Sector = vntext.NFC(*filter.Sector)
		}
		if filter.Level != nil {
			f.Level = strings.ToLower(string(*filter.Level))
		}
		if filter.Status != nil {
			f.Status = strings.ToLower(string(*filter.Status))
		}
	}
	cursor := ""
	if after != nil {
		parts, err := paging.Decode(*after, 1)
		if err != nil {
			return nil, err
		}
		if validate.ProcedureCode(parts[0]) != nil {
			return nil, invalidCursor(*after)
		}
		cursor = parts[0]
	}

	rows, err := r.Stores.Procedures.ListProcedures(ctx, f, cursor, limit+1)
	if err != nil {
		return nil, err
	}
	conn := &model.ProcedureConnection{PageInfo: &model.PageInfo{HasNextPage: len(rows) > limit}}
	rows = rows[:min(len(rows), limit)]
	for i := range rows {
		cur := paging.Encode(rows[i].Code)
		conn.Edges = append(conn.Edges, &model.ProcedureEdge{Cursor: cur, Node: toProcedure(&rows[i])})
		conn.PageInfo.EndCursor = &cur
	}
	conn.Count = func(ctx context.Context) (int, error) {
		return r.Stores.Procedures.CountProcedures(ctx, f)
	}
	return conn, nil
}

func (r *Resolver) listDossiers(ctx context.Context, filter *model.DossierFilter, first *int, after *string) (*model.DossierConnection, error) {
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	f, err := dossierFilter(filter)
	if err != nil {
		return nil, err
	}
	if err := scopeDossierFilter(ctx, &f); err != nil {
		return nil, err
	}
	if filter != nil && filter.Overdue != nil {
		f.Overdue = strconv.FormatBool(*filter.Overdue)
		f.Now = r.Now().UTC().Format(time.RFC3339)
	}
	var cursor *procedures.DossierCursor
	if after != nil {
		if cursor, err = decodeDossierCursor(*after); err != nil {
			return nil, err
		}
	}

	rows, err := r.Stores.Procedures.ListDossiers(ctx, f, cursor, limit+1)
	if err != nil {
		return nil, err
	}
	conn := r.dossierConnection(rows, limit)
	conn.Count = func(ctx context.Context) (int, error) {
		return r.Stores.Procedures.CountDossiers(ctx, f)
	}
	return conn, nil
}

func dossierFilter(in *model.DossierFilter) (procedures.DossierFilter, error) {
	var f procedures.DossierFilter
	if in == nil {
		return f, nil
	}
	if in.Status != nil {
		f.Status = strings.ToLower(string(*in.Status))
	}
	if in.ProcedureCode != nil {
		if err := validate.ProcedureCode(*in.ProcedureCode); err != nil {
			return f, err
		}
		f.ProcedureCode = *in.ProcedureCode
	}
	if in.CommuneCode != nil {
		if err := validate.CommuneCode(*in.CommuneCode); err != nil {
			return f, err
		}
		f.CommuneCode = *in.CommuneCode
	}
	if in.ProvinceCode != nil {
		if err := validate.ProvinceCode(*in.ProvinceCode); err != nil {
			return f, err
		}
		f.ProvinceCode = *in.ProvinceCode
	}
	// Stored times are RFC 3339 in UTC, so bounds are compared in the same
	// form.
	if in.ReceivedFrom != nil {
		f.ReceivedFrom = in.ReceivedFrom.UTC().Format(time.RFC3339)
	}
	if in.ReceivedTo != nil {
		f.ReceivedTo = in.ReceivedTo.UTC().Format(time.RFC3339)
	}
	if in.ReceivedFrom != nil && in.ReceivedTo != nil && !in.ReceivedTo.After(*in.ReceivedFrom) {
		return f, apierr.Invalid("invalid dossier filter: receivedTo %s must be after receivedFrom %s",
			in.ReceivedTo.Format(time.RFC3339), in.ReceivedFrom.Format(time.RFC3339))
	}
	return f, nil
}

// maxSearchRunes bounds a search string: the longest Vietnamese full names
// and procedure names run to a few dozen characters.
const maxSearchRunes = 200

// checkSearchText rejects search text that no stored name could match:
// invalid UTF-8 or text longer than maxSearchRunes.
func checkSearchText(field, text string) error {
	if !utf8.ValidString(text) {
		return apierr.Invalid("invalid %s %s: not valid UTF-8", field, apierr.Quote(text))
	}
	if n := utf8.RuneCountInString(text); n > maxSearchRunes {
		return apierr.Invalid("invalid %s: %d characters, at most %d", field, n, maxSearchRunes)
	}
	return nil
}
