package resolvers

import (
	"context"

	"lienthong/auth"
	"slices"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/apierr"
	"lienthong/discrepancy"
	"lienthong/graph/model"
	"lienthong/loaders"
	"lienthong/paging"
	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/population"
	"lienthong/validate"
)

// citizenDiscrepancies runs the citizen rules on rows read through the
// request's loaders, so a list of citizens costs one statement per source
// table, however long the list. Every finding is about the citizen, who was
// admitted for purpose, so the findings carry that purpose on.
func (r *Resolver) citizenDiscrepancies(ctx context.Context, id, purpose string) ([]*model.Discrepancy, error) {
	l := loaders.For(ctx)
	citizenThunk := l.Citizen.Load(ctx, id)
	residencesThunk := l.Residences.Load(ctx, id)
	registrationsThunk := l.Registrations.Load(ctx, id)
	householdsThunk := l.BusinessHouseholds.Load(ctx, id)
	rolesThunk := l.EnterpriseRoles.Load(ctx, id)

	c, err := citizenThunk()
	if err != nil || c == nil {
		return nil, err
	}
	residences, err := residencesThunk()
	if err != nil {
		return nil, err
	}
	regs, err := registrationsThunk()
	if err != nil {
		return nil, err
	}
	households, err := householdsThunk()
	if err != nil {
		return nil, err
	}
	roles, err := rolesThunk()
	if err != nil {
		return nil, err
	}

	findings := discrepancy.Citizen(r.Units, c, residences, regs)
	for i := range regs {
		findings = append(findings, discrepancy.Registration(r.Units, &regs[i])...)
	}
	life := &population.Life{ID: c.ID, Status: c.Status, DateOfDeath: c.DateOfDeath}
	for i := range households {
		findings = append(findings, discrepancy.BusinessHousehold(&households[i], life)...)
	}
	enterprises, err := representedEnterprises(ctx, l, roles)
	if err != nil {
		return nil, err
	}
	for _, e := range enterprises {
		if e != nil && e.RepresentativeID != nil && *e.RepresentativeID == id {
			findings = append(findings, discrepancy.Enterprise(e, life)...)
		}
	}
	return r.toDiscrepancies(findings, purpose), nil
}

// representedEnterprises loads the enterprises in which the roles make the
// citizen legal representative.
func representedEnterprises(ctx context.Context, l *loaders.Loaders, roles []business.Person) ([]*business.Enterprise, error) {
	var codes []string
	for _, p := range roles {
		if p.Role == "legal_representative" {
			codes = append(codes, p.EnterpriseCode)
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	enterprises, errs := l.Enterprise.LoadMany(ctx, codes)()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return enterprises, nil
}

// dossierDiscrepancies runs the dossier rules, reading the applicant
// through the request's citizen loader. The findings name the applicant,
// so Dossier.discrepancies is @personal: it follows the dossier's scope and
// is audited like applicantName, with the dossier as purpose.
func (r *Resolver) dossierDiscrepancies(ctx context.Context, code string) ([]*model.Discrepancy, error) {
	l := loaders.For(ctx)
	d, err := l.Dossier.Load(ctx, code)()
	if err != nil || d == nil {
		return nil, err
	}
	var applicant *population.Life
	if d.ApplicantID != "" {
		c, err := l.Citizen.Load(ctx, d.ApplicantID)()
		if err != nil {
			return nil, err
		}
		if c != nil {
			applicant = &population.Life{ID: c.ID, Status: c.Status, DateOfDeath: c.DateOfDeath}
		}
	}
	return r.toDiscrepancies(discrepancy.Dossier(r.Units, d, applicant), d.Code), nil
}

// discrepancyReport runs one page of the report over a commune or province.
// It reads the whole unit only when the query selects totalCount or
// countsByKind.
func (r *Resolver) discrepancyReport(ctx context.Context, communeCode, provinceCode *string, kinds []model.DiscrepancyKind, first *int, after *string) (*model.DiscrepancyConnection, error) {
	limit, err := paging.Limit(first, 20)
	if err != nil {
		return nil, err
	}
	unit, err := r.reportUnit(communeCode, provinceCode)
	if err != nil {
		return nil, err
	}
	if err := r.mayReadUnitReport(ctx, deref(communeCode), deref(provinceCode)); err != nil {
		return nil, err
	}
	skip := 0
	if after != nil {
		skip, err = decodeScanCursor(*after)
		if err != nil {
			return nil, err
		}
	}
	req := discrepancy.Request{Unit: unit, Skip: skip, Limit: limit}
	for _, k := range kinds {
		req.Kinds = append(req.Kinds, discrepancy.Kind(k))
	}
	fields := graphql.CollectAllFields(ctx)
	req.Count = slices.Contains(fields, "totalCount") || slices.Contains(fields, "countsByKind")

	page, err := discrepancy.Report(ctx, r.Stores, r.Units, req)
	if err != nil {
		return nil, err
	}

	conn := &model.DiscrepancyConnection{
		TotalCount:   page.Total,
		CountsByKind: []*model.DiscrepancyCount{},
		Edges:        []*model.DiscrepancyEdge{},
		PageInfo:     &model.PageInfo{HasNextPage: page.HasNext},
	}
	for _, k := range discrepancy.Kinds {
		if n, ok := page.Counts[k]; ok {
			conn.CountsByKind = append(conn.CountsByKind, &model.DiscrepancyCount{Kind: model.DiscrepancyKind(k), Count: n})
		}
	}
	// Each node is guarded on its own, for the request's purpose.
	for i, f := range r.toDiscrepancies(page.Findings, "") {
		cursor := paging.Encode("scan", strconv.Itoa(skip+i+1))
		conn.Edges = append(conn.Edges, &model.DiscrepancyEdge{Cursor: cursor, Node: f})
		conn.PageInfo.EndCursor = &cursor
	}
	return conn, nil
}

// reportUnit checks that exactly one of the codes is given and that it
// names a unit in force.
func (r *Resolver) reportUnit(communeCode, provinceCode *string) (discrepancy.Unit, error) {
	switch {
	case communeCode != nil && provinceCode != nil:
		return discrepancy.Unit{}, apierr.Invalid("invalid arguments: give communeCode %q or provinceCode %q, not both",
			*communeCode, *provinceCode)
	case communeCode != nil:
		if err := validate.CommuneCode(*communeCode); err != nil {
			return discrepancy.Unit{}, err
		}
		if r.Units.Commune(*communeCode) == nil {
			return discrepancy.Unit{}, apierr.Invalid("invalid commune code %q: no commune in force has it; "+
				"look up its replacement with abolishedCommune", *communeCode)
		}
		return discrepancy.CommuneUnit(r.Units, *communeCode), nil
	case provinceCode != nil:
		if err := validate.ProvinceCode(*provinceCode); err != nil {
			return discrepancy.Unit{}, err
		}
		p := r.Units.Province(*provinceCode)
		if p == nil {
			return discrepancy.Unit{}, apierr.Invalid("invalid province code %q: no province in force has it", *provinceCode)
		}
		return discrepancy.ProvinceUnit(r.Units, p), nil
	default:
		return discrepancy.Unit{}, apierr.Invalid("missing unit: give communeCode or provinceCode")
	}
}

// decodeScanCursor returns the number of findings before the page that
// follows the cursor.
func decodeScanCursor(s string) (int, error) {
	parts, err := paging.Decode(s, 2)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(parts[1])
	if parts[0] != "scan" || err != nil || n < 1 {
		return 0, apierr.Invalid("invalid cursor %s: it belongs to another list", apierr.Quote(s))
	}
	return n, nil
}

func (r *Resolver) toDiscrepancies(findings []discrepancy.Finding, purpose string) []*model.Discrepancy {
	out := make([]*model.Discrepancy, len(findings))
	for i, f := range findings {
		d := &model.Discrepancy{
			Kind:                model.DiscrepancyKind(f.Kind),
			Explanation:         f.Kind.Explanation(),
			RecordType:          model.DiscrepancyRecordType(f.RecordType),
			RecordKey:           f.RecordKey,
			Resolution:          f.Resolution,
			Sources:             make([]model.SourceSystem, len(f.Sources)),
			Values:              make([]*model.DiscrepancyValue, len(f.Values)),
			ReplacementCommunes: []*adminunits.Commune{},
			AccessPurpose:       purpose,
		}
		if f.CitizenID != "" {
			id := f.CitizenID
			d.CitizenID = &id
		}
		for j, s := range f.Sources {
			d.Sources[j] = model.SourceSystem(s)
		}
		for j, v := range f.Values {
			value := &model.DiscrepancyValue{Source: model.SourceSystem(v.Source), Field: v.Field}
			if !v.Missing {
				text := v.Value
				value.Value = &text
			}
			d.Values[j] = value
		}
		for _, code := range f.ReplacementCommunes {
			if c := r.Units.Commune(code); c != nil {
				d.ReplacementCommunes = append(d.ReplacementCommunes, c)
			}
		}
		out[i] = d
	}
	return out
}

// mayReadUnitReport lets officers read the discrepancy report of their own
// unit: the report names citizens and shows their recorded values, so it is
// personal data. Central officers read every unit; a province officer reads
// the province and its communes; a commune officer reads the commune. Within
// the unit, each discrepancy about a citizen is then guarded by that
// citizen's access rule.
func (r *Resolver) mayReadUnitReport(ctx context.Context, communeCode, provinceCode string) error {
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.ProvinceOfficer:
		if provinceCode == p.Unit {
			return nil
		}
		if c := r.Units.Commune(communeCode); c != nil && c.ProvinceCode == p.Unit {
			return nil
		}
		return forbidden("province officer of %s may not read the discrepancy report of another unit", p.Unit)
	case auth.CommuneOfficer:
		if communeCode == p.Unit {
			return nil
		}
		return forbidden("commune officer of %s may read the discrepancy report of that commune only", p.Unit)
	case auth.Citizen, auth.Reporting:
		return forbidden("role %s may not read discrepancy reports, which hold personal data", p.Role)
	}
	return errNoCredentials
}
