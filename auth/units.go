package auth

import "lienthong/sources/adminunits"

// UnitsInForce returns a VerifierConfig.UnitInForce that accepts the
// communes and provinces of units, the ones in force since 1 July 2025.
func UnitsInForce(units *adminunits.Units) func(role Role, code string) bool {
	return func(role Role, code string) bool {
		switch role {
		case CommuneOfficer:
			return units.Commune(code) != nil
		case ProvinceOfficer:
			return units.Province(code) != nil
		}
		return true
	}
}
