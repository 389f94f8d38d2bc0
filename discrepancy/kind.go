// Package discrepancy finds records that disagree across the national
// systems. Examples are a death registered in civil status for a citizen
// whom the population database records as alive, a dossier filed under a
// personal id that no citizen has, and a residence citing a commune code
// abolished on 1 July 2025. Kinds lists every rule.
//
// Each rule reads rows that the sources returned separately and compares
// them in Go; no rule joins tables of two sources. The rules serve both the
// per-record fields (a citizen's or a dossier's discrepancies) and Report,
// which scans one commune or province in batches.
package discrepancy

import "strconv"

// Kind names a rule. The values are the names of the DiscrepancyKind enum
// of the GraphQL schema, so renaming one breaks clients.
type Kind string

const (
	DeathRegisteredButAlive            Kind = "DEATH_REGISTERED_BUT_ALIVE"
	DeceasedWithoutDeathRegistration   Kind = "DECEASED_WITHOUT_DEATH_REGISTRATION"
	MarriageRegisteredButSingle        Kind = "MARRIAGE_REGISTERED_BUT_SINGLE"
	MarriedWithoutMarriageRegistration Kind = "MARRIED_WITHOUT_MARRIAGE_REGISTRATION"
	DivorceRegisteredButMarried        Kind = "DIVORCE_REGISTERED_BUT_MARRIED"
	BirthRegistrationNameMismatch      Kind = "BIRTH_REGISTRATION_NAME_MISMATCH"
	BirthRegistrationDateMismatch      Kind = "BIRTH_REGISTRATION_DATE_MISMATCH"
	BirthRegistrationGenderMismatch    Kind = "BIRTH_REGISTRATION_GENDER_MISMATCH"
	DossierApplicantUnknown            Kind = "DOSSIER_APPLICANT_UNKNOWN"
	DossierApplicantDeceased           Kind = "DOSSIER_APPLICANT_DECEASED"
	BusinessHouseholdOwnerDeceased     Kind = "BUSINESS_HOUSEHOLD_OWNER_DECEASED"
	BusinessHouseholdOwnerUnknown      Kind = "BUSINESS_HOUSEHOLD_OWNER_UNKNOWN"
	EnterpriseRepresentativeDeceased   Kind = "ENTERPRISE_REPRESENTATIVE_DECEASED"
	EnterpriseRepresentativeUnknown    Kind = "ENTERPRISE_REPRESENTATIVE_UNKNOWN"
	HouseholdMemberUnknown             Kind = "HOUSEHOLD_MEMBER_UNKNOWN"
	DossierAbolishedCommuneCode        Kind = "DOSSIER_ABOLISHED_COMMUNE_CODE"
	ResidenceAbolishedCommuneCode      Kind = "RESIDENCE_ABOLISHED_COMMUNE_CODE"
	RegistrationAbolishedCommuneCode   Kind = "REGISTRATION_ABOLISHED_COMMUNE_CODE"
)

// Kinds lists every kind in the order Report counts them.
var Kinds = []Kind{
	DeathRegisteredButAlive, DeceasedWithoutDeathRegistration,
	MarriageRegisteredButSingle, MarriedWithoutMarriageRegistration, DivorceRegisteredButMarried,
	BirthRegistrationNameMismatch, BirthRegistrationDateMismatch, BirthRegistrationGenderMismatch,
	DossierApplicantUnknown, DossierApplicantDeceased,
	BusinessHouseholdOwnerDeceased, BusinessHouseholdOwnerUnknown,
	EnterpriseRepresentativeDeceased, EnterpriseRepresentativeUnknown,
	HouseholdMemberUnknown,
	DossierAbolishedCommuneCode, ResidenceAbolishedCommuneCode, RegistrationAbolishedCommuneCode,
}

var explanations = map[Kind]string{
	DeathRegisteredButAlive: "Civil status holds a death registration for the citizen, " +
		"but the population database records the citizen as alive.",
	DeceasedWithoutDeathRegistration: "The population database records the citizen as deceased, " +
		"but civil status holds no death registration for the citizen.",
	MarriageRegisteredButSingle: "Civil status holds a marriage of the citizen that no divorce dissolved, " +
		"but the population database records the citizen as single.",
	MarriedWithoutMarriageRegistration: "The population database records the citizen as married, " +
		"but civil status holds no marriage of the citizen.",
	DivorceRegisteredButMarried: "Every marriage of the citizen in civil status was dissolved by a registered divorce, " +
		"but the population database still records the citizen as married.",
	BirthRegistrationNameMismatch: "The name on the birth registration differs from the name " +
		"in the population database.",
	BirthRegistrationDateMismatch: "The date of birth on the birth registration differs from the one " +
		"in the population database.",
	BirthRegistrationGenderMismatch: "The gender on the birth registration differs from the one " +
		"in the population database.",
	DossierApplicantUnknown: "The dossier's applicant id belongs to no citizen of the population database.",
	DossierApplicantDeceased: "The population database records the dossier's applicant as dead " +
		"before the day the dossier was received.",
	BusinessHouseholdOwnerDeceased: "The owner of the household business is recorded as deceased " +
		"in the population database.",
	BusinessHouseholdOwnerUnknown: "The owner of the household business belongs to no citizen " +
		"of the population database.",
	EnterpriseRepresentativeDeceased: "The enterprise's legal representative is recorded as deceased " +
		"in the population database.",
	EnterpriseRepresentativeUnknown: "The enterprise's legal representative belongs to no citizen " +
		"of the population database.",
	HouseholdMemberUnknown: "The household lists a member whose personal id belongs to no citizen " +
		"of the population database.",
	DossierAbolishedCommuneCode: "The dossier's receiving commune code is no longer in force " +
		"since the 1 July 2025 merger of communes.",
	ResidenceAbolishedCommuneCode: "The residence cites a commune code no longer in force " +
		"since the 1 July 2025 merger of communes.",
	RegistrationAbolishedCommuneCode: "The registering office's commune code is no longer in force " +
		"since the 1 July 2025 merger of communes.",
}

// Explanation returns a plain sentence describing what kind k means.
func (k Kind) Explanation() string { return explanations[k] }

// Source names a national system or reference list a finding involves.
type Source string

const (
	Population  Source = "POPULATION"
	CivilStatus Source = "CIVIL_STATUS"
	Business    Source = "BUSINESS"
	Procedures  Source = "PROCEDURES"
	// AdminUnits is the list of administrative units in force since
	// 1 July 2025 with the mapping from the codes used before.
	AdminUnits Source = "ADMINISTRATIVE_UNITS"
)

// RecordType names the kind of record a finding is about.
type RecordType string

const (
	CitizenRecord           RecordType = "CITIZEN"
	ResidenceRecord         RecordType = "RESIDENCE"
	RegistrationRecord      RecordType = "REGISTRATION"
	HouseholdRecord         RecordType = "HOUSEHOLD"
	BusinessHouseholdRecord RecordType = "BUSINESS_HOUSEHOLD"
	EnterpriseRecord        RecordType = "ENTERPRISE"
	DossierRecord           RecordType = "DOSSIER"
)

// Finding is one disagreement between sources.
type Finding struct {
	Kind Kind
	// RecordType and RecordKey identify the record to correct: a personal
	// id, a residence or registration id, or a household, enterprise or
	// dossier code.
	RecordType RecordType
	RecordKey  string
	// CitizenID is the personal id the finding concerns, as the record
	// cites it; it may belong to no citizen.
	CitizenID string
	Sources   []Source
	// Values are the values that disagree, one per source and field.
	Values []Value
	// Resolution suggests how an officer settles the disagreement.
	Resolution string
	// ReplacementCommunes are the codes in force that took over an
	// abolished commune code, empty when the mapping gives none.
	ReplacementCommunes []string
}

// Value is the content of one field in one source. Missing is true when the
// source has no value at all, such as a registration that does not exist.
type Value struct {
	Source  Source
	Field   string
	Value   string
	Missing bool
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
