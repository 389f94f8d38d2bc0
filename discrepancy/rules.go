package discrepancy

import (
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"lienthong/sources/adminunits"
	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
)

// Citizen checks one citizen's population record against the civil-status
// registrations naming the citizen and checks the citizen's residences
// against the administrative units. Registrations citing an abolished
// commune code are checked by Registration, since one registration names
// several citizens.
func Citizen(units *adminunits.Units, c *population.Citizen, residences []population.Residence, regs []civilstatus.Registration) []Finding {
	if c == nil {
		return nil
	}
	var out []Finding
	out = append(out, lifeFindings(c, regs)...)
	out = append(out, maritalFindings(c, regs)...)
	out = append(out, birthFindings(c, regs)...)
	for i := range residences {
		out = append(out, Residence(units, &residences[i])...)
	}
	return out
}

func lifeFindings(c *population.Citizen, regs []civilstatus.Registration) []Finding {
	var death *civilstatus.Registration
	for i := range regs {
		if regs[i].Kind == "death" && regs[i].HasParty(c.ID, "deceased") {
			death = &regs[i]
			break
		}
	}
	status := Value{Source: Population, Field: "status", Value: c.Status}
	switch {
	case death != nil && c.Status != "deceased":
		return []Finding{{
			Kind: DeathRegisteredButAlive, RecordType: CitizenRecord, RecordKey: c.ID, CitizenID: c.ID,
			Sources: []Source{CivilStatus, Population},
			Values: []Value{
				{Source: CivilStatus, Field: "death registration", Value: registrationRef(death)},
				{Source: CivilStatus, Field: "date of death", Value: deref(death.EventDate)},
				status,
			},
			Resolution: "Confirm the death with the registering office, then record the citizen " +
				"as deceased with the registered date of death.",
		}}
	case death == nil && c.Status == "deceased":
		return []Finding{{
			Kind: DeceasedWithoutDeathRegistration, RecordType: CitizenRecord, RecordKey: c.ID, CitizenID: c.ID,
			Sources: []Source{Population, CivilStatus},
			Values: []Value{
				status,
				{Source: Population, Field: "date of death", Value: deref(c.DateOfDeath)},
				{Source: CivilStatus, Field: "death registration", Missing: true},
			},
			Resolution: "Ask the relatives to register the death (or to re-register it if the book " +
				"was lost), or correct the population record if the citizen is alive.",
		}}
	}
	return nil
}

func maritalFindings(c *population.Citizen, regs []civilstatus.Registration) []Finding {
	var marriages, open []*civilstatus.Registration
	for i := range regs {
		r := &regs[i]
		if r.Kind != "marriage" || !(r.HasParty(c.ID, "husband") || r.HasParty(c.ID, "wife")) {
			continue
		}
		marriages = append(marriages, r)
		if r.DissolvedOn == nil {
			open = append(open, r)
		}
	}
	status := Value{Source: Population, Field: "marital status", Value: c.MaritalStatus}
	finding := func(kind Kind, resolution string, values ...Value) []Finding {
		return []Finding{{
			Kind: kind, RecordType: CitizenRecord, RecordKey: c.ID, CitizenID: c.ID,
			Sources: []Source{CivilStatus, Population}, Values: append(values, status), Resolution: resolution,
		}}
	}
	switch {
	case len(open) > 0 && c.MaritalStatus == "single":
		m := open[len(open)-1]
		return finding(MarriageRegisteredButSingle,
			"Record the citizen as married, or as widowed if the spouse has died since.",
			Value{Source: CivilStatus, Field: "marriage registration", Value: registrationRef(m)},
			Value{Source: CivilStatus, Field: "date of marriage", Value: eventDate(m)})
	case len(marriages) == 0 && c.MaritalStatus == "married":
		return finding(MarriedWithoutMarriageRegistration,
			"Ask the citizen for the marriage certificate and have the marriage registered or "+
				"recorded (ghi chú) if it took place abroad; otherwise correct the marital status.",
			Value{Source: CivilStatus, Field: "marriage registration", Missing: true})
	case len(marriages) > 0 && len(open) == 0 && c.MaritalStatus == "married":
		m := marriages[len(marriages)-1]
		return finding(DivorceRegisteredButMarried,
			"Record the citizen as divorced from the date of the registered divorce.",
			Value{Source: CivilStatus, Field: "marriage registration", Value: registrationRef(m)},
			Value{Source: CivilStatus, Field: "date of divorce", Value: deref(m.DissolvedOn)})
	}
	return nil
}

func birthFindings(c *population.Citizen, regs []civilstatus.Registration) []Finding {
	var birth *civilstatus.Registration
	for i := range regs {
		if regs[i].Kind == "birth" && regs[i].HasParty(c.ID, "child") {
			birth = &regs[i]
			break
		}
	}
	if birth == nil {
		return nil
	}
	ref := Value{Source: CivilStatus, Field: "birth registration", Value: registrationRef(birth)}
	var out []Finding
	compare := func(kind Kind, field, registered, recorded string) {
		if registered == recorded {
			return
		}
		out = append(out, Finding{
			Kind: kind, RecordType: CitizenRecord, RecordKey: c.ID, CitizenID: c.ID,
			Sources: []Source{CivilStatus, Population},
			Values: []Value{
				ref,
				{Source: CivilStatus, Field: field, Value: registered},
				{Source: Population, Field: field, Value: recorded},
			},
			Resolution: "The birth registration is the legal record: correct the population record " +
				"to match it, or register a correction (cải chính hộ tịch) if the registration is wrong.",
		})
	}
	if birth.SubjectName != nil {
		compare(BirthRegistrationNameMismatch, "full name", normalName(*birth.SubjectName), normalName(c.FullName))
	}
	if birth.EventDate != nil {
		compare(BirthRegistrationDateMismatch, "date of birth", *birth.EventDate, c.DateOfBirth)
	}
	if birth.SubjectGender != nil {
		compare(BirthRegistrationGenderMismatch, "gender", *birth.SubjectGender, c.Gender)
	}
	return out
}

// normalName compares names in NFC with single spaces.
// NOTE: tone marks placed in the old style (Hoà) and the new (Hòa) still
// differ after NFC, so such a pair counts as a mismatch.
func normalName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Residence checks the commune code of one residence.
func Residence(units *adminunits.Units, r *population.Residence) []Finding {
	replacements, abolished := replacement(units, r.CommuneCode)
	if !abolished {
		return nil
	}
	return []Finding{{
		Kind: ResidenceAbolishedCommuneCode, RecordType: ResidenceRecord, RecordKey: itoa(r.ID), CitizenID: r.CitizenID,
		Sources: []Source{Population, AdminUnits},
		Values: []Value{
			{Source: Population, Field: r.Kind + " residence commune code", Value: r.CommuneCode},
			{Source: AdminUnits, Field: "communes in force", Value: strings.Join(replacements, ", "), Missing: len(replacements) == 0},
		},
		Resolution:          communeResolution("residence", replacements),
		ReplacementCommunes: replacements,
	}}
}

// Registration checks the registering office's commune code of one
// registration. The finding names the registration's first party.
func Registration(units *adminunits.Units, r *civilstatus.Registration) []Finding {
	if r == nil {
		return nil
	}
	replacements, abolished := replacement(units, r.RegisteringCommune)
	if !abolished {
		return nil
	}
	var citizenID string
	if len(r.Parties) > 0 {
		citizenID = r.Parties[0].CitizenID
	}
	return []Finding{{
		Kind: RegistrationAbolishedCommuneCode, RecordType: RegistrationRecord, RecordKey: itoa(r.ID), CitizenID: citizenID,
		Sources: []Source{CivilStatus, AdminUnits},
		Values: []Value{
			{Source: CivilStatus, Field: r.Kind + " registration", Value: registrationRef(r)},
			{Source: CivilStatus, Field: "registering commune code", Value: r.RegisteringCommune},
			{Source: AdminUnits, Field: "communes in force", Value: strings.Join(replacements, ", "), Missing: len(replacements) == 0},
		},
		Resolution:          communeResolution("registering office", replacements),
		ReplacementCommunes: replacements,
	}}
}

// Dossier checks a dossier's applicant against the population database and
// its receiving commune code against the administrative units. applicant is
// nil when no citizen has the applicant id.
func Dossier(units *adminunits.Units, d *procedures.Dossier, applicant *population.Life) []Finding {
	if d == nil {
		return nil
	}
	var out []Finding
	applicantID := Value{Source: Procedures, Field: "applicant id", Value: d.ApplicantID}
	received := Value{Source: Procedures, Field: "received at", Value: d.ReceivedAt}
	switch {
	case applicant == nil:
		out = append(out, Finding{
			Kind: DossierApplicantUnknown, RecordType: DossierRecord, RecordKey: d.Code, CitizenID: d.ApplicantID,
			Sources: []Source{Procedures, Population},
			Values: []Value{
				applicantID,
				{Source: Procedures, Field: "applicant name", Value: d.ApplicantName},
				{Source: Population, Field: "citizen", Missing: true},
			},
			Resolution: "Check the applicant's identity card against the dossier and correct the " +
				"applicant id; if the id is right, report the missing citizen to the population database.",
		})
	case diedBefore(applicant, d.ReceivedAt):
		out = append(out, Finding{
			Kind: DossierApplicantDeceased, RecordType: DossierRecord, RecordKey: d.Code, CitizenID: d.ApplicantID,
			Sources: []Source{Procedures, Population},
			Values: []Value{
				applicantID, received,
				{Source: Population, Field: "status", Value: applicant.Status},
				{Source: Population, Field: "date of death", Value: deref(applicant.DateOfDeath)},
			},
			Resolution: "Check who filed the dossier: someone may have used a dead person's id. " +
				"If the death record is wrong, correct the population record.",
		})
	}
	if replacements, abolished := replacement(units, d.ReceivingCommune); abolished {
		out = append(out, Finding{
			Kind: DossierAbolishedCommuneCode, RecordType: DossierRecord, RecordKey: d.Code, CitizenID: d.ApplicantID,
			Sources: []Source{Procedures, AdminUnits},
			Values: []Value{
				{Source: Procedures, Field: "receiving commune code", Value: d.ReceivingCommune},
				{Source: AdminUnits, Field: "communes in force", Value: strings.Join(replacements, ", "), Missing: len(replacements) == 0},
			},
			Resolution:          communeResolution("receiving commune", replacements),
			ReplacementCommunes: replacements,
		})
	}
	return out
}

// diedBefore reports whether the population records the citizen as dead on
// a day before the dossier's reception. A death without a date cannot be
// placed before the reception, so it does not count.
func diedBefore(l *population.Life, receivedAt string) bool {
	if l.Status != "deceased" || l.DateOfDeath == nil || len(receivedAt) < 10 {
		return false
	}
	return *l.DateOfDeath < receivedAt[:10]
}

// BusinessHousehold checks the owner of a household business. owner is nil
// when no citizen has the owner id.
func BusinessHousehold(h *business.Household, owner *population.Life) []Finding {
	if h == nil {
		return nil
	}
	return personFindings(personCheck{
		record: BusinessHouseholdRecord, key: h.Code, citizenID: h.OwnerID, field: "owner id",
		unknown: BusinessHouseholdOwnerUnknown, deceased: BusinessHouseholdOwnerDeceased,
		status:  Value{Source: Business, Field: "household business status", Value: h.Status},
		resolve: "Register the change of owner, or the termination of the household business.",
	}, owner)
}

// Enterprise checks the legal representative of an enterprise. rep is nil
// when no citizen has the representative's id.
func Enterprise(e *business.Enterprise, rep *population.Life) []Finding {
	if e == nil || e.RepresentativeID == nil || *e.RepresentativeID == "" {
		return nil
	}
	return personFindings(personCheck{
		record: EnterpriseRecord, key: e.Code, citizenID: *e.RepresentativeID, field: "legal representative id",
		unknown: EnterpriseRepresentativeUnknown, deceased: EnterpriseRepresentativeDeceased,
		status:  Value{Source: Business, Field: "enterprise status", Value: e.Status},
		resolve: "Ask the enterprise to register its new legal representative.",
	}, rep)
}

type personCheck struct {
	record            RecordType
	key, citizenID    string
	field             string
	unknown, deceased Kind
	status            Value
	resolve           string
}

func personFindings(c personCheck, person *population.Life) []Finding {
	id := Value{Source: Business, Field: c.field, Value: c.citizenID}
	switch {
	case person == nil:
		return []Finding{{
			Kind: c.unknown, RecordType: c.record, RecordKey: c.key, CitizenID: c.citizenID,
			Sources: []Source{Business, Population},
			Values:  []Value{id, c.status, {Source: Population, Field: "citizen", Missing: true}},
			Resolution: "Check the personal id against the registration file and correct it; " +
				"if it is right, report the missing citizen to the population database.",
		}}
	case person.Status == "deceased":
		return []Finding{{
			Kind: c.deceased, RecordType: c.record, RecordKey: c.key, CitizenID: c.citizenID,
			Sources: []Source{Business, Population},
			Values: []Value{
				id, c.status,
				{Source: Population, Field: "status", Value: person.Status},
				{Source: Population, Field: "date of death", Value: deref(person.DateOfDeath)},
			},
			Resolution: c.resolve,
		}}
	}
	return nil
}

// Household checks that every member of a household is a citizen. known
// reports whether a personal id belongs to a citizen.
func Household(code string, members []population.Member, known func(id string) bool) []Finding {
	var out []Finding
	for _, m := range members {
		if known(m.CitizenID) {
			continue
		}
		out = append(out, Finding{
			Kind: HouseholdMemberUnknown, RecordType: HouseholdRecord, RecordKey: code, CitizenID: m.CitizenID,
			Sources: []Source{Population},
			Values: []Value{
				{Source: Population, Field: "member id", Value: m.CitizenID},
				{Source: Population, Field: "relation to head", Value: m.RelationToHead},
				{Source: Population, Field: "citizen", Missing: true},
			},
			Resolution: "Check the member's identity card: add the missing citizen record, or " +
				"remove the member from the household.",
		})
	}
	return out
}

// replacement reports whether code is not a commune in force and returns
// the communes that took over its territory, ordered by code. A code that
// is in neither list is abolished with no replacement.
func replacement(units *adminunits.Units, code string) ([]string, bool) {
	if units.Commune(code) != nil {
		return nil, false
	}
	old := units.OldCommune(code)
	if old == nil {
		return nil, true
	}
	out := append([]string(nil), old.Successors...)
	sort.Strings(out)
	return out, true
}

func communeResolution(what string, replacements []string) string {
	switch len(replacements) {
	case 0:
		return "The code is in neither the 2025 list nor the mapping of older codes: " +
			"find the " + what + "'s commune from its address and record its current code."
	case 1:
		return "Record the " + what + "'s commune as " + replacements[0] + ", the commune that replaced it."
	default:
		return "The old commune was split: record the " + what + "'s commune as whichever of " +
			strings.Join(replacements, ", ") + " holds the address."
	}
}

// registrationRef returns the book reference of a registration, such as
// "số 12, quyển 01/2024".
func registrationRef(r *civilstatus.Registration) string {
	return "số " + r.NumberText() + ", quyển " + r.Book
}

func eventDate(r *civilstatus.Registration) string {
	if r.EventDate != nil {
		return *r.EventDate
	}
	return r.RegisteredOn
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
