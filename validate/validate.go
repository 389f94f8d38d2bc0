// Package validate checks the identifiers that clients pass as arguments,
// so a malformed one gets an error naming the value instead of a silent
// null.
package validate

import (
	"regexp"

	"lienthong/apierr"
)

var (
	personalID     = regexp.MustCompile(`^[0-9]{12}$`)
	provinceCode   = regexp.MustCompile(`^[0-9]{2}$`)
	communeCode    = regexp.MustCompile(`^[0-9]{5}$`)
	enterpriseCode = regexp.MustCompile(`^[0-9]{10}$`)
	procedureCode  = regexp.MustCompile(`^[0-9]\.[0-9]{6}$`)
	registrationID = regexp.MustCompile(`^[1-9][0-9]{0,17}$`)
	dossierCode    = regexp.MustCompile(`^[0-9A-Za-z.\-]{1,64}$`)
	householdCode  = regexp.MustCompile(`^[0-9A-Za-z.\-]{1,32}$`)
)

func check(re *regexp.Regexp, what, rule, value string) error {
	if re.MatchString(value) {
		return nil
	}
	return apierr.Invalid("invalid %s %s: %s", what, apierr.Quote(value), rule)
}

// PersonalID checks a 12-digit personal identification number.
func PersonalID(v string) error {
	return check(personalID, "personal id", "must be 12 digits", v)
}

// ProvinceCode checks a 2-digit province code.
func ProvinceCode(v string) error {
	return check(provinceCode, "province code", "must be 2 digits, such as \"01\"", v)
}

// CommuneCode checks a 5-digit commune code.
func CommuneCode(v string) error {
	return check(communeCode, "commune code", "must be 5 digits, such as \"00004\"", v)
}

// EnterpriseCode checks a 10-digit enterprise code.
func EnterpriseCode(v string) error {
	return check(enterpriseCode, "enterprise code", "must be 10 digits", v)
}

// BusinessHouseholdCode checks a household business code, which since July
// 2025 is the representative's 12-digit personal id.
func BusinessHouseholdCode(v string) error {
	return check(householdCode, "business household code", "must be letters, digits, dots or hyphens", v)
}

// HouseholdCode checks a household code.
func HouseholdCode(v string) error {
	return check(householdCode, "household code", "must be letters, digits, dots or hyphens", v)
}

// ProcedureCode checks a national procedure code such as 1.001193.
func ProcedureCode(v string) error {
	return check(procedureCode, "procedure code", "must be a digit, a dot and 6 digits, such as \"1.001193\"", v)
}

// RegistrationID checks a civil-status registration id.
func RegistrationID(v string) error {
	return check(registrationID, "registration id", "must be a positive integer", v)
}

// DossierCode checks a dossier code.
func DossierCode(v string) error {
	return check(dossierCode, "dossier code", "must be up to 64 letters, digits, dots or hyphens", v)
}
