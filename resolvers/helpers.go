package resolvers

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/apierr"
	"lienthong/graph/model"
	"lienthong/loaders"
	"lienthong/paging"
	"lienthong/sources/adminunits"
	"lienthong/sources/civilstatus"
	"lienthong/sources/procedures"
	"lienthong/validate"
)

// commune returns the commune in force with code, or nil for a code the
// 2025 merger abolished; the record keeps the code in a sibling field.
func (r *Resolver) commune(code string) *adminunits.Commune {
	return r.Units.Commune(code)
}

// registrations returns the registrations naming a citizen, converted and
// seen from that citizen, carrying the purpose the citizen was read for.
func registrations(ctx context.Context, of *model.CivilStatus) ([]model.CivilStatusRegistration, []civilstatus.Registration, error) {
	rows, err := loaders.For(ctx).Registrations.Load(ctx, of.CitizenID)()
	if err != nil {
		return nil, nil, err
	}
	return toRegistrations(rows, of), rows, nil
}

// toRegistrations converts rows as seen from the citizen of of, carrying the
// purpose the citizen was read for.
func toRegistrations(rows []civilstatus.Registration, of *model.CivilStatus) []model.CivilStatusRegistration {
	out := make([]model.CivilStatusRegistration, 0, len(rows))
	for i := range rows {
		if reg := toRegistration(&rows[i], of.CitizenID); reg != nil {
			setAccessPurpose(reg, of.AccessPurpose)
			out = append(out, reg)
		}
	}
	return out
}

// setAccessPurpose stores the purpose a registration was read for, which
// its personal fields and the citizens it names are checked against.
func setAccessPurpose(reg model.CivilStatusRegistration, purpose string) {
	if p, ok := reg.(interface{ SetAccessPurpose(string) }); ok {
		p.SetAccessPurpose(purpose)
	}
}

// registrationsOf returns the citizen's registrations of one schema type.
func registrationsOf[T model.CivilStatusRegistration](ctx context.Context, of *model.CivilStatus) ([]T, error) {
	all, _, err := registrations(ctx, of)
	if err != nil {
		return nil, err
	}
	return ofType[T](all), nil
}

// ofType returns the registrations of one schema type among all.
func ofType[T model.CivilStatusRegistration](all []model.CivilStatusRegistration) []T {
	var out []T
	for _, reg := range all {
		if t, ok := reg.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// lifeEventFields are the CivilStatus fields that the rows of
// LifeEventsByCitizen resolve in full.
var lifeEventFields = map[string]bool{"birth": true, "marriages": true, "death": true, "__typename": true}

// selectsLifeEventsOnly reports whether the civilStatus field being
// resolved selects nothing but lifeEventFields.
func selectsLifeEventsOnly(ctx context.Context) bool {
	fields := graphql.CollectAllFields(ctx)
	for _, f := range fields {
		if !lifeEventFields[f] {
			return false
		}
	}
	return len(fields) > 0
}

// lifeEventsOf returns the citizen's registrations of one schema type,
// which must be a birth, marriage or death. When the query selects nothing
// else of the citizen's civil status and the request has not read the
// citizen's registrations yet, it reads only the births naming the citizen
// as the child, the marriages and the deaths naming the citizen as the
// deceased. Birth, Marriages and Death keep no others. Otherwise it reads
// every registration naming the citizen, which the other selected fields
// load in the same batch anyway.
func lifeEventsOf[T model.CivilStatusRegistration](ctx context.Context, of *model.CivilStatus) ([]T, error) {
	l := loaders.For(ctx)
	if !of.LifeEventsOnly || l.Registrations.Cached(of.CitizenID) {
		return registrationsOf[T](ctx, of)
	}
	rows, err := l.LifeEvents.Load(ctx, of.CitizenID)()
	if err != nil {
		return nil, err
	}
	return ofType[T](toRegistrations(rows, of)), nil
}

// dossierPage reads one page of the dossiers of an applicant or procedure
// through a loader, so the dossiers of every citizen in a list are read
// together.
func (r *Resolver) dossierPage(ctx context.Context, by procedures.DossierOwner, owner string, first *int, after *string) (*model.DossierConnection, error) {
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	key := procedures.PageKey{Owner: owner, Limit: limit + 1}
	if after != nil {
		cursor, err := decodeDossierCursor(*after)
		if err != nil {
			return nil, err
		}
		key.After = *cursor
	}

	l := loaders.For(ctx)
	pages, counts := l.ApplicantDossiers, l.ApplicantDossierCounts
	if by == procedures.ByProcedure {
		pages, counts = l.ProcedureDossiers, l.ProcedureDossierCounts
	}
	rows, err := pages.Load(ctx, key)()
	if err != nil {
		return nil, err
	}
	conn := r.dossierConnection(rows, limit)
	conn.Count = func(ctx context.Context) (int, error) {
		return counts.Load(ctx, owner)()
	}
	return conn, nil
}

// dossierConnection builds a page from up to limit+1 rows; the extra row
// only tells that another page follows.
func (r *Resolver) dossierConnection(rows []procedures.Dossier, limit int) *model.DossierConnection {
	hasNext := len(rows) > limit
	if hasNext {
		rows = rows[:limit]
	}
	now := r.Now()
	conn := &model.DossierConnection{PageInfo: &model.PageInfo{HasNextPage: hasNext}}
	for i := range rows {
		cursor := paging.Encode(rows[i].ReceivedAt, rows[i].Code)
		conn.Edges = append(conn.Edges, &model.DossierEdge{Cursor: cursor, Node: toDossier(&rows[i], now)})
		conn.PageInfo.EndCursor = &cursor
	}
	return conn
}

func decodeDossierCursor(s string) (*procedures.DossierCursor, error) {
	parts, err := paging.Decode(s, 2)
	if err != nil {
		return nil, err
	}
	if _, err := time.Parse(time.RFC3339, parts[0]); err != nil || validate.DossierCode(parts[1]) != nil {
		return nil, invalidCursor(s)
	}
	return &procedures.DossierCursor{ReceivedAt: parts[0], Code: parts[1]}, nil
}

// invalidCursor is the error for a cursor that decodes but whose sort key
// no list of this kind produces.
func invalidCursor(cursor string) error {
	return apierr.Invalid("invalid cursor %s: take it from pageInfo.endCursor of the same list", apierr.Quote(cursor))
}
