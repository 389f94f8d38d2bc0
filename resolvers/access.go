package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/graph/model"
	"lienthong/loaders"
	"lienthong/sources/audit"
	"lienthong/sources/procedures"
	"lienthong/validate"
)

// sensitiveFields are the Citizen fields marked @sensitive in the schema.
// A read of them is audited only when the caller may see them.
var sensitiveFields = map[string]bool{"ethnicity": true, "religion": true, "bloodGroup": true}

// citizen loads the citizen with id through the request's loader and
// returns it only when the caller may read it; see admit. An empty id, as
// on a registration naming no father, yields nil. Every resolver that
// returns a Citizen goes through here or through admit, so the access rule
// is the same however the citizen is reached.
func (r *Resolver) citizen(ctx context.Context, id, purpose string) (*model.Citizen, error) {
	if id == "" {
		return nil, nil
	}
	c, err := loaders.For(ctx).Citizen.Load(ctx, id)()
	if err != nil || c == nil {
		return nil, err
	}
	return r.admit(ctx, toCitizen(c), purpose)
}

// admit checks that the caller may read m for purpose (a dossier code, or
// "" for the request's X-Purpose-Dossier header), records the read for the
// audit trail and returns m, or returns a FORBIDDEN error naming the
// reason. The checks read through the request's loaders, so a list of
// citizens costs a few batched statements, not one per citizen.
func (r *Resolver) admit(ctx context.Context, m *model.Citizen, purpose string) (*model.Citizen, error) {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	p := auth.From(ctx)
	if err := r.mayRead(ctx, p, m, purpose); err != nil {
		return nil, err
	}
	m.AccessPurpose = purpose
	audit.RecorderFrom(ctx).Record(m.ID, purpose, readFields(ctx, p))
	return m, nil
}

// guardPersonal applies the access rule of citizen id, for purpose, to
// personal data of that citizen that another record holds, such as the
// child's name on a birth registration or a personal id in a business
// register, and records the read of fields (schema coordinates such as
// BirthRegistration.childName) for the audit trail. The citizen's
// population record, when there is one, decides household and spouse; an
// id the population database lacks is checked as a citizen with no
// household. A record naming nobody is readable by central officers only.
func (r *Resolver) guardPersonal(ctx context.Context, id, purpose string, fields ...string) error {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	p := auth.From(ctx)
	if id == "" {
		if p.Role == auth.CentralOfficer {
			return nil
		}
		return forbidden("%s names no citizen to check the access rule against, so only central officers read it", fields[0])
	}
	m := &model.Citizen{ID: id}
	c, err := loaders.For(ctx).Citizen.Load(ctx, id)()
	if err != nil {
		return err
	}
	if c != nil {
		m = toCitizen(c)
	}
	if err := r.mayRead(ctx, p, m, purpose); err != nil {
		return err
	}
	audit.RecorderFrom(ctx).Record(id, purpose, fields)
	return nil
}

// guardChild applies guardPersonal to a field of a birth registration that
// describes the child.
func (r *Resolver) guardChild(ctx context.Context, b *model.BirthRegistration, field string) error {
	return r.guardPersonal(ctx, b.ChildID, b.AccessPurpose, "BirthRegistration."+field)
}

// recordApplicantRead records the read of a dossier field naming the
// applicant, with the dossier as purpose. The dossier itself was admitted by
// mayReadDossier or reached through its applicant.
func recordApplicantRead(ctx context.Context, d *model.Dossier, field string) {
	audit.RecorderFrom(ctx).Record(d.ApplicantID, d.Code, []string{field})
}

// readFields returns the names of the Citizen fields the current field
// selects, leaving out the sensitive ones the caller will not see.
func readFields(ctx context.Context, p *auth.Principal) []string {
	var out []string
	for _, f := range graphql.CollectFieldsCtx(ctx, []string{"Citizen"}) {
		if f.Name == "__typename" || (sensitiveFields[f.Name] && !p.CanReadSensitive()) {
			continue
		}
		out = append(out, f.Name)
	}
	return out
}

// validatePurpose checks the form of a purpose argument, which is a
// dossier code.
func validatePurpose(purpose *string) error {
	if purpose == nil {
		return nil
	}
	if err := validate.DossierCode(*purpose); err != nil {
		return apierr.Invalid("invalid purpose: %s", err.Error())
	}
	return nil
}

func forbidden(format string, args ...any) error {
	return &apierr.Error{Code: apierr.Forbidden, Message: fmt.Sprintf(format, args...)}
}

// errNoCredentials is the error of an anonymous read of personal data.
var errNoCredentials = forbidden("reading personal data requires credentials: " +
	"send an officer's token as Authorization: Bearer TOKEN")

// mayRead applies the access rule of the caller's role to citizen m.
func (r *Resolver) mayRead(ctx context.Context, p *auth.Principal, m *model.Citizen, purpose string) error {
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.Citizen:
		if m.ID == p.CitizenID {
			return nil
		}
		return forbidden("citizen %s may read only their own records, not citizen %s", p.CitizenID, m.ID)
	case auth.ProvinceOfficer:
		return r.mayReadInProvince(ctx, p, m, purpose)
	case auth.CommuneOfficer:
		return r.checkPurpose(ctx, p, m, purpose)
	case auth.Reporting:
		return forbidden("role reporting may read aggregates and non-personal data only, not citizen %s", m.ID)
	}
	return errNoCredentials
}

// mayReadInProvince lets a province officer read citizens whose permanent
// residence is in the province or who applied with a dossier received in
// it, and their relatives through an open purpose dossier of the province.
func (r *Resolver) mayReadInProvince(ctx context.Context, p *auth.Principal, m *model.Citizen, purpose string) error {
	l := loaders.For(ctx)
	residences := l.Residences.Load(ctx, m.ID)
	applied := l.ApplicantProvinces.Load(ctx, m.ID)
	rows, err := residences()
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row.Kind != "permanent" {
			continue
		}
		if c := r.commune(row.CommuneCode); c != nil && c.ProvinceCode == p.Unit {
			return nil
		}
	}
	provinces, err := applied()
	if err != nil {
		return err
	}
	for _, code := range provinces {
		if code == p.Unit {
			return nil
		}
	}
	if purpose == "" {
		return forbidden("citizen %s has no permanent residence and no dossier in province %s: "+
			"give the code of an open dossier of the province whose applicant is a relative as purpose", m.ID, p.Unit)
	}
	return r.checkPurpose(ctx, p, m, purpose)
}

// openStatuses are the dossier statuses that still give a purpose to read
// the applicant's data. A returned, rejected or withdrawn dossier gives none.
var openStatuses = map[string]bool{
	"received": true, "supplement_requested": true, "processing": true, "result_ready": true,
}

// checkPurpose checks that purpose is an open dossier received in the
// officer's unit whose applicant is m, a member of m's household, or m's
// spouse.
func (r *Resolver) checkPurpose(ctx context.Context, p *auth.Principal, m *model.Citizen, purpose string) error {
	if purpose == "" {
		return forbidden("officer of unit %s needs a purpose to read citizen %s: give the code of an open dossier "+
			"of the unit as the purpose argument or the X-Purpose-Dossier header", p.Unit, m.ID)
	}
	l := loaders.For(ctx)
	d, err := l.Dossier.Load(ctx, purpose)()
	if err != nil {
		return err
	}
	if d == nil {
		return forbidden("purpose dossier %q not found", purpose)
	}
	if !dossierInUnit(p, d) {
		return forbidden("purpose dossier %s was received by commune %s, outside unit %s",
			d.Code, d.ReceivingCommune, p.Unit)
	}
	if !openStatuses[d.Status] {
		return forbidden("purpose dossier %s is %s, so it no longer allows reading personal data", d.Code, d.Status)
	}
	related, err := r.related(ctx, m, d.ApplicantID)
	if err != nil || related {
		return err
	}
	return forbidden("citizen %s is not the applicant of dossier %s, nor a member of the applicant's household, "+
		"nor the applicant's spouse", m.ID, d.Code)
}

// dossierInUnit reports whether d was received in the officer's unit.
func dossierInUnit(p *auth.Principal, d *procedures.Dossier) bool {
	switch p.Role {
	case auth.CommuneOfficer:
		return d.ReceivingCommune == p.Unit
	case auth.ProvinceOfficer:
		return d.ProvinceCode == p.Unit
	case auth.CentralOfficer:
		return true
	}
	return false
}

// related reports whether m is the applicant, shares the applicant's
// household, or is married to the applicant by a marriage not dissolved.
func (r *Resolver) related(ctx context.Context, m *model.Citizen, applicantID string) (bool, error) {
	if m.ID == applicantID {
		return true, nil
	}
	l := loaders.For(ctx)
	applicant, err := l.Citizen.Load(ctx, applicantID)()
	if err != nil || applicant == nil {
		return false, err
	}
	if applicant.HouseholdCode != nil && m.HouseholdCode != nil && *applicant.HouseholdCode == *m.HouseholdCode {
		return true, nil
	}
	regs, err := l.Registrations.Load(ctx, applicantID)()
	if err != nil {
		return false, err
	}
	for _, reg := range regs {
		if reg.Kind != "marriage" || reg.DissolvedOn != nil {
			continue
		}
		for _, party := range reg.Parties {
			if party.CitizenID == m.ID {
				return true, nil
			}
		}
	}
	return false, nil
}

// mayReadHousehold applies the access rule to a household looked up by
// code: its members' records stay guarded one by one.
func (r *Resolver) mayReadHousehold(ctx context.Context, h *model.Household, purpose string) error {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.ProvinceOfficer:
		if c := r.commune(h.CommuneCode); c != nil && c.ProvinceCode == p.Unit {
			return nil
		}
		return forbidden("household %s is outside province %s", h.Code, p.Unit)
	case auth.Citizen:
		self, err := loaders.For(ctx).Citizen.Load(ctx, p.CitizenID)()
		if err != nil {
			return err
		}
		if self != nil && self.HouseholdCode != nil && *self.HouseholdCode == h.Code {
			return nil
		}
		return forbidden("citizen %s may read only their own household, not household %s", p.CitizenID, h.Code)
	case auth.CommuneOfficer:
		head, err := loaders.For(ctx).Citizen.Load(ctx, h.HeadID)()
		if err != nil {
			return err
		}
		if head == nil {
			return forbidden("household %s has no head on record to check the purpose against", h.Code)
		}
		return r.checkPurpose(ctx, p, toCitizen(head), purpose)
	case auth.Reporting:
		return forbidden("role reporting may read aggregates and non-personal data only, not household %s", h.Code)
	}
	return errNoCredentials
}

// mayReadDossier lets officers read the dossiers received in their unit and
// citizens their own. A dossier names its applicant, so it is personal data:
// the applicantId and applicantName resolvers audit their reads.
func mayReadDossier(ctx context.Context, d *procedures.Dossier) error {
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.CommuneOfficer, auth.ProvinceOfficer:
		if dossierInUnit(p, d) {
			return nil
		}
		return forbidden("dossier %s was received by commune %s, outside unit %s", d.Code, d.ReceivingCommune, p.Unit)
	case auth.Citizen:
		if d.ApplicantID == p.CitizenID {
			return nil
		}
		return forbidden("citizen %s may read only their own dossiers, not dossier %s", p.CitizenID, d.Code)
	case auth.Reporting:
		return forbidden("role reporting may read aggregates and non-personal data only, not dossier %s", d.Code)
	}
	return errNoCredentials
}

// scopeDossierFilter narrows a dossier list to the caller's unit, or
// rejects a filter for another unit.
func scopeDossierFilter(ctx context.Context, f *procedures.DossierFilter) error {
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.CommuneOfficer:
		if f.CommuneCode != "" && f.CommuneCode != p.Unit {
			return forbidden("commune officer of %s may not list dossiers of commune %s", p.Unit, f.CommuneCode)
		}
		f.CommuneCode = p.Unit
		return nil
	case auth.ProvinceOfficer:
		if f.ProvinceCode != "" && f.ProvinceCode != p.Unit {
			return forbidden("province officer of %s may not list dossiers of province %s", p.Unit, f.ProvinceCode)
		}
		f.ProvinceCode = p.Unit
		return nil
	case auth.Citizen:
		f.ApplicantID = p.CitizenID
		return nil
	case auth.Reporting:
		return forbidden("role reporting may read aggregates and non-personal data only, not dossier lists")
	}
	return errNoCredentials
}

// mayReadRegistration lets officers read the civil-status registrations of
// their unit's registering offices. Citizens reach their own registrations
// through their record.
// NOTE: past this check, only the citizens a registration names and a
// birth's child fields pass the citizen rule. A death's place and cause, a
// correction's old and new values and a confirmation's status are read
// without a purpose and without an audit entry.
func (r *Resolver) mayReadRegistration(ctx context.Context, id, communeCode string) error {
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.CommuneOfficer:
		if communeCode == p.Unit {
			return nil
		}
	case auth.ProvinceOfficer:
		if c := r.commune(communeCode); c != nil && c.ProvinceCode == p.Unit {
			return nil
		}
	case auth.Anonymous:
		return errNoCredentials
	default:
		return forbidden("role %s may not look up registrations by id; read them through a citizen", p.Role)
	}
	return forbidden("registration %s was registered by commune %s, outside unit %s", id, communeCode, p.Unit)
}

// mayListPeople lets officers list the people of an enterprise; each
// person's id is then guarded on its own. Other callers read the public part
// of the record only.
func mayListPeople(ctx context.Context) error {
	switch p := auth.From(ctx); p.Role {
	case auth.CentralOfficer, auth.ProvinceOfficer, auth.CommuneOfficer:
		return nil
	case auth.Anonymous:
		return errNoCredentials
	default:
		return forbidden("role %s may not list the people of an enterprise", p.Role)
	}
}
