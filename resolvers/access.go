package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/graph/model"
	"lienthong/loaders"
	"lienthong/sources/audit"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
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

// mayReadMissingCitizen returns the error a caller gets for citizen id
// missing from the population database: the rule applied to a citizen with
// no household, residence or dossier. So the error reads as for an existing
// citizen the caller may not read, and callers who may read id (a central
// officer, the citizen themselves) get null without error.
func (r *Resolver) mayReadMissingCitizen(ctx context.Context, id, purpose string) error {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	return r.mayRead(ctx, auth.From(ctx), &model.Citizen{ID: id}, purpose)
}

// guardPersonal applies the access rule of citizen id, for purpose, to
// personal data of that citizen that another record holds, and records the
// read of fields (schema coordinates such as Discrepancy) for the audit
// trail. See admitAny for citizens the population database lacks and
// records naming nobody.
func (r *Resolver) guardPersonal(ctx context.Context, id, purpose string, fields ...string) error {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	if err := r.admitAny(ctx, parties(id), purpose, fields[0]); err != nil {
		return err
	}
	if id != "" {
		audit.RecorderFrom(ctx).Record(id, purpose, fields)
	}
	return nil
}

// Personal implements the @personal directive, so that the access rule of
// a field holding personal data sits in the schema and not in a resolver.
// It admits the read when the caller may read at least one of the citizens
// the record names (see personalParties) for the record's purpose. It then
// resolves the field and records the read for every one of those citizens,
// because a divorce date or a household's address is personal data of each
// party. The fields of a dossier and of its status history follow the
// dossier's own scope instead.
func (r *Resolver) Personal(ctx context.Context, obj any, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	field := fc.Object + "." + fc.Field.Name
	switch o := obj.(type) {
	case *model.Dossier:
		return personalDossierField(ctx, o, field, fc.Field.Definition.Type.Name(), next)
	case *model.DossierEvent:
		// An officer's note on a dossier describes its applicant.
		return personalDossierField(ctx, o.Dossier, field, fc.Field.Definition.Type.Name(), next)
	}
	ids, purpose, err := r.personalParties(ctx, obj)
	if err != nil {
		return nil, err
	}
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	if err := r.admitAny(ctx, ids, purpose, field); err != nil {
		return nil, err
	}
	v, err := next(ctx)
	if err != nil {
		return nil, err
	}
	rec := audit.RecorderFrom(ctx)
	for _, id := range ids {
		rec.Record(id, purpose, []string{field})
	}
	return v, nil
}

// personalParties returns the citizens whose personal data the @personal
// fields of obj hold, and the purpose obj was reached for. A type missing
// here fails every read of its @personal fields, so a field marked in the
// schema is never served unchecked.
func (r *Resolver) personalParties(ctx context.Context, obj any) ([]string, string, error) {
	switch o := obj.(type) {
	case *model.BirthRegistration:
		// The particulars written on a birth registration describe the child.
		return parties(o.ChildID), o.AccessPurpose, nil
	case *model.DeathRegistration:
		return parties(o.DeceasedID), o.AccessPurpose, nil
	case *model.MarriageRegistration:
		return parties(o.HusbandID, o.WifeID), o.AccessPurpose, nil
	case *model.DivorceRegistration:
		return parties(o.HusbandID, o.WifeID), o.AccessPurpose, nil
	case *model.GuardianshipRegistration:
		return parties(o.GuardianID, o.WardID), o.AccessPurpose, nil
	case *model.CorrectionRegistration:
		return parties(o.SubjectID), o.AccessPurpose, nil
	case *model.MaritalStatusConfirmation:
		return parties(o.SubjectID), o.AccessPurpose, nil
	case *model.Household:
		ids, err := householdMembers(ctx, o)
		return ids, o.AccessPurpose, err
	case *model.HouseholdMember:
		return parties(o.CitizenID), o.AccessPurpose, nil
	case *model.EnterprisePerson:
		return parties(o.CitizenID), o.AccessPurpose, nil
	case *model.BusinessHousehold:
		return parties(o.OwnerID), o.AccessPurpose, nil
	}
	return nil, "", fmt.Errorf("resolvers: @personal field on %T, which has no access rule in personalParties", obj)
}

// parties returns the non-empty ids, so that a registration naming no
// father or no ward does not count a party.
func parties(ids ...string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// householdMembers returns the ids of a household's members as the register
// lists them, or the head's alone when it lists none.
func householdMembers(ctx context.Context, h *model.Household) ([]string, error) {
	rows, err := loaders.For(ctx).Members.Load(ctx, h.Code)()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows)+1)
	for _, m := range rows {
		ids = append(ids, m.CitizenID)
	}
	if len(ids) == 0 {
		ids = append(ids, h.HeadID)
	}
	return parties(ids...), nil
}

// personalDossierField applies mayReadDossier to a field of d marked
// @personal, so a dossier received by another unit, as in a citizen's list
// of dossiers, never serves as a purpose for the caller. A read is recorded
// for the applicant with the dossier as purpose, except for the applicant's
// citizen record, whose fields admit records on their own.
func personalDossierField(ctx context.Context, d *model.Dossier, field, typeName string, next graphql.Resolver) (any, error) {
	scope := &procedures.Dossier{
		Code: d.Code, ReceivingCommune: d.ReceivingCommuneCode, ProvinceCode: d.ProvinceCode, ApplicantID: d.ApplicantID,
	}
	if err := mayReadDossier(ctx, scope); err != nil {
		return nil, err
	}
	v, err := next(ctx)
	if err != nil {
		return nil, err
	}
	if typeName != "Citizen" && d.ApplicantID != "" {
		audit.RecorderFrom(ctx).Record(d.ApplicantID, d.Code, []string{field})
	}
	return v, nil
}

// admitAny checks that the caller may read at least one of the citizens
// ids for purpose, and otherwise returns the FORBIDDEN error of the first.
// An id the population database lacks is checked as a citizen with no
// household. A record naming nobody is readable by central officers only.
func (r *Resolver) admitAny(ctx context.Context, ids []string, purpose, record string) error {
	p := auth.From(ctx)
	if p.Role == auth.CentralOfficer {
		return nil
	}
	if len(ids) == 0 {
		if p.Role == auth.Anonymous {
			return errNoCredentials
		}
		return forbidden("%s names no citizen to check the access rule against, so only central officers read it", record)
	}
	rows, errs := loaders.For(ctx).Citizen.LoadMany(ctx, ids)()
	var firstDenial error
	for i, id := range ids {
		if errs != nil && errs[i] != nil {
			return errs[i]
		}
		m := &model.Citizen{ID: id}
		if rows[i] != nil {
			m = toCitizen(rows[i])
		}
		err := r.mayRead(ctx, p, m, purpose)
		if err == nil {
			return nil
		}
		if !isForbidden(err) {
			return err
		}
		if firstDenial == nil {
			firstDenial = err
		}
	}
	return firstDenial
}

func isForbidden(err error) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Code == apierr.Forbidden
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

// The FORBIDDEN messages below and in the checks name the rule that
// rejected the read and the caller's own role and unit. They never name the
// citizen or record withheld, because a personal id in a message would leak
// what the null withholds, and the error's path already shows where. They
// read the same whether or not the record exists, so they reveal no
// existence.
var (
	// errNoCredentials is the error of an anonymous read of personal data.
	errNoCredentials = forbidden("reading personal data requires credentials: " +
		"send an officer's token as Authorization: Bearer TOKEN")
	errReporting    = forbidden("role reporting may read aggregates and non-personal data only, not personal data")
	errOtherCitizen = forbidden("a citizen token reads only the records of its own citizen, " +
		"not those of another citizen, household member or spouse")
)

// mayRead applies the access rule of the caller's role to citizen m.
func (r *Resolver) mayRead(ctx context.Context, p *auth.Principal, m *model.Citizen, purpose string) error {
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.Citizen:
		if m.ID == p.CitizenID {
			return nil
		}
		return errOtherCitizen
	case auth.ProvinceOfficer:
		return r.mayReadInProvince(ctx, p, m, purpose)
	case auth.CommuneOfficer:
		return r.checkPurpose(ctx, p, m, purpose)
	case auth.Reporting:
		return errReporting
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
		return forbidden("province officer of %s reads without purpose only citizens with permanent residence "+
			"or a dossier in the province: pass purpose (argument or X-Purpose-Dossier header), the code of an "+
			"open dossier received in the province whose applicant is this citizen, a household member or spouse", p.Unit)
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
		return forbidden("officer of unit %s needs a purpose to read this citizen: pass purpose (argument or "+
			"X-Purpose-Dossier header), the code of an open dossier received by unit %s whose applicant is this "+
			"citizen, a member of their household or their spouse", p.Unit, p.Unit)
	}
	d, err := openPurposeDossier(ctx, p, purpose)
	if err != nil {
		return err
	}
	related, err := r.related(ctx, m, d.ApplicantID)
	if err != nil || related {
		return err
	}
	return forbidden("this citizen is not the applicant of purpose dossier %s, nor a member of the applicant's "+
		"household, nor the applicant's spouse by a marriage not dissolved; pass the code of a dossier whose applicant is this citizen or a relative", d.Code)
}

// openPurposeDossier loads the dossier purpose names and checks that it
// was received in the officer's unit and is still open, so that it allows
// reading the applicant's relatives.
func openPurposeDossier(ctx context.Context, p *auth.Principal, purpose string) (*procedures.Dossier, error) {
	d, err := loaders.For(ctx).Dossier.Load(ctx, purpose)()
	if err != nil {
		return nil, err
	}
	if d == nil || !dossierInUnit(p, d) {
		// One message for a missing dossier and another unit's, so that
		// neither existence nor the receiving commune shows.
		return nil, forbidden("purpose dossier %s: no dossier with this code was received by unit %s; "+
			"pass the code of an open dossier of unit %s", apierr.Quote(purpose), p.Unit, p.Unit)
	}
	if !openStatuses[d.Status] {
		return nil, forbidden("purpose dossier %s is %s, so it no longer allows reading personal data", d.Code, d.Status)
	}
	return d, nil
}

// purposeCitizens returns the citizens a commune officer may read for
// purpose, for narrowing a citizen list to them, or the FORBIDDEN error of
// a purpose that allows reading nobody.
func (r *Resolver) purposeCitizens(ctx context.Context, p *auth.Principal, purpose string) (*population.CitizenSet, error) {
	if purpose == "" {
		return nil, forbidden("commune officer of unit %s lists citizens only for a purpose: pass purpose (argument "+
			"or X-Purpose-Dossier header), the code of an open dossier received by unit %s, and the list holds its "+
			"applicant, the members of the applicant's household and the applicant's spouse", p.Unit, p.Unit)
	}
	d, err := openPurposeDossier(ctx, p, purpose)
	if err != nil {
		return nil, err
	}
	return r.relativesOf(ctx, d.ApplicantID)
}

// provinceCommunes returns the codes of the communes in force of the
// province with code, for narrowing a citizen list to the province's
// permanent residents. A code that names no province has no communes, so
// its list is empty.
func (r *Resolver) provinceCommunes(code string) []string {
	codes := []string{}
	if province := r.Units.Province(code); province != nil {
		for _, c := range province.Communes {
			codes = append(codes, c.Code)
		}
	}
	return codes
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
	relatives, err := r.relativesOf(ctx, applicantID)
	if err != nil {
		return false, err
	}
	return relatives.Contains(m.ID, m.HouseholdCode), nil
}

// relativesOf returns the applicant, the citizens sharing the applicant's
// household and the applicant's spouses by marriages not dissolved. An
// applicant missing from the population database has no relatives.
func (r *Resolver) relativesOf(ctx context.Context, applicantID string) (*population.CitizenSet, error) {
	set := &population.CitizenSet{IDs: parties(applicantID)}
	l := loaders.For(ctx)
	applicant, err := l.Citizen.Load(ctx, applicantID)()
	if err != nil || applicant == nil {
		return set, err
	}
	if applicant.HouseholdCode != nil {
		set.HouseholdCode = *applicant.HouseholdCode
	}
	regs, err := l.Registrations.Load(ctx, applicantID)()
	if err != nil {
		return nil, err
	}
	for _, reg := range regs {
		if reg.Kind != "marriage" || reg.DissolvedOn != nil {
			continue
		}
		for _, party := range reg.Parties {
			set.IDs = append(set.IDs, party.CitizenID)
		}
	}
	set.IDs = parties(set.IDs...)
	return set, nil
}

// mayReadHousehold applies the access rule to a household looked up by
// code: the caller must be allowed to read at least one of its members for
// purpose. Its address then passes the same rule as a @personal field, and
// its members' records stay guarded one by one.
func (r *Resolver) mayReadHousehold(ctx context.Context, h *model.Household, purpose string) error {
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	p := auth.From(ctx)
	switch p.Role {
	case auth.Anonymous:
		return errNoCredentials
	case auth.Reporting:
		return errReporting
	}
	ids, err := householdMembers(ctx, h)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		// A household missing from the register is checked as one of an
		// unknown citizen, so its error reads as that of an existing one.
		err = r.mayRead(ctx, p, &model.Citizen{}, purpose)
	} else {
		err = r.admitAny(ctx, ids, purpose, "household")
	}
	if err != nil {
		if !isForbidden(err) {
			return err
		}
		return forbidden("no member of this household may be read by the caller: %s", err.Error())
	}
	return nil
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
		return forbidden("no dossier with this code was received by unit %s, so its officers may not read it", p.Unit)
	case auth.Citizen:
		if d.ApplicantID == p.CitizenID {
			return nil
		}
		return forbidden("a citizen token reads only the dossiers its own citizen applied with")
	case auth.Reporting:
		return errReporting
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

// mayReadRegistration lets a caller look up a registration by id when
// they are an officer of the registering office's unit, or may read at
// least one citizen the registration names for purpose (so a citizen finds
// their own registrations). Past this check the registration's personal
// fields pass the @personal rule and the citizens it names the citizen rule.
func (r *Resolver) mayReadRegistration(ctx context.Context, reg *civilstatus.Registration, purpose string) error {
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
		return nil
	case auth.CommuneOfficer:
		if reg.RegisteringCommune == p.Unit {
			return nil
		}
	case auth.ProvinceOfficer:
		if c := r.commune(reg.RegisteringCommune); c != nil && c.ProvinceCode == p.Unit {
			return nil
		}
	case auth.Reporting:
		return errReporting
	case auth.Anonymous:
		return errNoCredentials
	}
	if purpose == "" {
		purpose = auth.PurposeFrom(ctx)
	}
	ids := make([]string, len(reg.Parties))
	for i, party := range reg.Parties {
		ids[i] = party.CitizenID
	}
	var err error
	if ids = parties(ids...); len(ids) == 0 {
		// A registration naming nobody, or one missing from the register,
		// is checked as one of an unknown citizen: central officers only,
		// with the error an existing registration would get.
		err = r.mayRead(ctx, p, &model.Citizen{}, purpose)
	} else {
		err = r.admitAny(ctx, ids, purpose, "registration")
	}
	if err == nil || !isForbidden(err) || p.Role == auth.Citizen {
		return err
	}
	return forbidden("this registration was not registered in unit %s, and %s", p.Unit, err.Error())
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
