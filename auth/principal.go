// Package auth identifies the caller of a request: an officer or citizen
// holding a bearer JWT, a reporting tool holding an API key, or nobody. It
// verifies credentials and carries the resulting Principal in the request
// context; the access rules themselves live with the resolvers.
package auth

import (
	"context"
	"fmt"
	"regexp"
)

// Role is the kind of caller, which decides the data it may read. Its
// values are those of the role claim of a token.
type Role string

const (
	// Anonymous is a caller without credentials: public data only.
	Anonymous Role = ""
	// CommuneOfficer reads personal data of their commune with a purpose.
	CommuneOfficer Role = "commune-officer"
	// ProvinceOfficer reads personal data of citizens of their province.
	ProvinceOfficer Role = "province-officer"
	// CentralOfficer reads personal data nationwide.
	CentralOfficer Role = "central-officer"
	// Reporting reads aggregates and non-personal data only.
	Reporting Role = "reporting"
	// Citizen reads the caller's own records only.
	Citizen Role = "citizen"
)

// Roles lists the roles a token may carry.
var Roles = []Role{CommuneOfficer, ProvinceOfficer, CentralOfficer, Reporting, Citizen}

// Principal is the verified caller of a request.
type Principal struct {
	// ID is the officer id, the citizen's personal id for the citizen role,
	// or "api-key:NAME" for an API key.
	ID   string
	Name string
	Role Role
	// Unit is the administrative unit of an officer: a 5-digit commune code
	// for a commune officer, a 2-digit province code for a province officer.
	Unit string
	// CitizenID is the caller's own personal id, for the citizen role.
	CitizenID string
	// Sensitive grants reading fields marked @sensitive, such as ethnicity
	// and religion. Central officers and citizens reading their own record
	// have it regardless of this claim.
	Sensitive bool
}

var (
	communeCode  = regexp.MustCompile(`^[0-9]{5}$`)
	provinceCode = regexp.MustCompile(`^[0-9]{2}$`)
	personalID   = regexp.MustCompile(`^[0-9]{12}$`)
)

// Validate checks that the role is known and carries the unit or citizen id
// it needs, so a malformed token is rejected instead of granting an
// unintended scope.
func (p *Principal) Validate() error {
	if p.ID == "" {
		return fmt.Errorf("missing subject (officer id)")
	}
	switch p.Role {
	case CommuneOfficer:
		if !communeCode.MatchString(p.Unit) {
			return fmt.Errorf("invalid unit %q for role %s: must be a 5-digit commune code", p.Unit, p.Role)
		}
	case ProvinceOfficer:
		if !provinceCode.MatchString(p.Unit) {
			return fmt.Errorf("invalid unit %q for role %s: must be a 2-digit province code", p.Unit, p.Role)
		}
	case Citizen:
		if !personalID.MatchString(p.CitizenID) {
			return fmt.Errorf("invalid citizen id %q for role citizen: must be a 12-digit personal id", p.CitizenID)
		}
	case CentralOfficer, Reporting:
	default:
		return fmt.Errorf("invalid role %q: use one of %v", p.Role, Roles)
	}
	return nil
}

// CanReadSensitive reports whether p may read fields marked @sensitive.
func (p *Principal) CanReadSensitive() bool {
	return p.Role == CentralOfficer || p.Role == Citizen || (p.Sensitive && p.Role != Reporting)
}

type principalKey struct{}
type purposeKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the caller of the request ctx belongs to, or an anonymous
// principal when the request carried no credentials.
func From(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok {
		return p
	}
	return &Principal{}
}

// WithPurpose returns ctx carrying the dossier code the caller gave as the
// purpose of the whole request, in the X-Purpose-Dossier header.
func WithPurpose(ctx context.Context, dossier string) context.Context {
	return context.WithValue(ctx, purposeKey{}, dossier)
}

// PurposeFrom returns the request's purpose dossier code, or "".
func PurposeFrom(ctx context.Context) string {
	s, _ := ctx.Value(purposeKey{}).(string)
	return s
}
