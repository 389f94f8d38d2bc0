package testenv

import (
	"fmt"
)

// Death registers the death of citizen on the given day, in commune 00004.
func (f *Fixture) Death(citizen, on string) int {
	reg := f.registration("death", "00004", on, map[string]any{"event_date": on, "place": "Tại nhà"})
	f.party(reg, citizen, "deceased", "")
	return reg
}

// MarriageID registers a marriage between husband and wife and returns the
// registration id.
func (f *Fixture) MarriageID(husband, wife, on string) int {
	reg := f.registration("marriage", "00004", on, map[string]any{"event_date": on})
	f.party(reg, husband, "husband", "")
	f.party(reg, wife, "wife", "")
	return reg
}

// Divorce notes the divorce that dissolves a marriage, decided on the given
// day.
func (f *Fixture) Divorce(marriage int, husband, wife, on string) int {
	reg := f.registration("divorce", "00004", on, map[string]any{"event_date": on, "related_id": marriage})
	f.party(reg, husband, "husband", "")
	f.party(reg, wife, "wife", "")
	return reg
}

// RegistrationIn registers a marriage-status confirmation for citizen by the
// office of commune, which may be a code no longer in force, and returns the
// registration id.
func (f *Fixture) RegistrationIn(citizen, commune string) int {
	reg := f.registration("marital_status_confirmation", commune, "2024-03-01", map[string]any{
		"stated_status": "single", "purpose": "Để bổ sung hồ sơ xin việc",
	})
	f.party(reg, citizen, "subject", "")
	return reg
}

// TemporaryResidence registers a temporary residence of citizen in commune
// and returns the residence id.
func (f *Fixture) TemporaryResidence(citizen, commune string) int {
	n := f.seq()
	Insert(f.t, f.env.DBs.Population, "residences", map[string]any{
		"id": n, "citizen_id": citizen, "kind": "temporary", "address": fmt.Sprintf("Số %d, phố Đội Cấn", n),
		"commune_code": commune, "registered_on": "2025-01-10", "expires_on": "2027-01-10",
	})
	return n
}

// HouseholdMember adds a member to a household without planting a citizen.
func (f *Fixture) HouseholdMember(household, citizen string) {
	Insert(f.t, f.env.DBs.Population, "household_members", map[string]any{
		"household_code": household, "citizen_id": citizen, "relation_to_head": "child", "position": f.seq(),
	})
}

// SetBirth changes one column of a citizen's birth registration, such as
// subject_name, event_date or subject_gender, so that it disagrees with
// the population record.
func (f *Fixture) SetBirth(citizen, column string, value any) {
	db := f.env.DBs.CivilStatus
	query := `UPDATE registrations SET ` + column + ` = ? WHERE kind = 'birth' AND id IN
		(SELECT registration_id FROM registration_parties WHERE citizen_id = ? AND role = 'child')`
	if _, err := db.X().Exec(db.X().Rebind(query), value, citizen); err != nil {
		f.t.Fatalf("set birth %s of %s: %v", column, citizen, err)
	}
}

// SetCitizen changes one column of a citizen's population record.
func (f *Fixture) SetCitizen(citizen, column string, value any) {
	db := f.env.DBs.Population
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE citizens SET `+column+` = ? WHERE id = ?`), value, citizen); err != nil {
		f.t.Fatalf("set %s of %s: %v", column, citizen, err)
	}
}

// DossierIn plants a dossier like Dossier, received by the given commune
// code, which may be a code no longer in force.
func (f *Fixture) DossierIn(procedure, applicant, day, commune string) string {
	code := f.Dossier(procedure, applicant, day, "received")
	db := f.env.DBs.Procedures
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE dossiers SET receiving_commune = ? WHERE code = ?`), commune, code); err != nil {
		f.t.Fatalf("set receiving commune of %s: %v", code, err)
	}
	return code
}

// Correction registers a change of item of citizen's civil-status
// information from oldValue to newValue, in commune 00004, and returns the
// registration id.
func (f *Fixture) Correction(citizen, item, oldValue, newValue string) int {
	reg := f.registration("correction", "00004", "2023-09-12", map[string]any{
		"item": item, "old_value": oldValue, "new_value": newValue,
	})
	f.party(reg, citizen, "subject", "")
	return reg
}

// Guardianship registers guardian as the guardian of ward, in commune
// 00004, ended on the given day, and returns the registration id.
func (f *Fixture) Guardianship(guardian, ward, endedOn string) int {
	reg := f.registration("guardianship", "00004", "2015-02-10", map[string]any{"ended_on": endedOn})
	f.party(reg, guardian, "guardian", "")
	f.party(reg, ward, "ward", "")
	return reg
}

// Recognition registers the recognition of parent and child, in commune
// 00004, and returns the registration id.
func (f *Fixture) Recognition(parent, child string) int {
	reg := f.registration("recognition", "00004", "2012-07-01", nil)
	f.party(reg, parent, "parent", "")
	f.party(reg, child, "child", "")
	return reg
}

// SetRegistration changes one column of a registration, such as cause.
func (f *Fixture) SetRegistration(id int, column string, value any) {
	db := f.env.DBs.CivilStatus
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE registrations SET `+column+` = ? WHERE id = ?`), value, id); err != nil {
		f.t.Fatalf("set %s of registration %d: %v", column, id, err)
	}
}

// SetDossier changes one column of a dossier, such as province_code.
func (f *Fixture) SetDossier(code, column string, value any) {
	db := f.env.DBs.Procedures
	if _, err := db.X().Exec(db.X().Rebind(`UPDATE dossiers SET `+column+` = ? WHERE code = ?`), value, code); err != nil {
		f.t.Fatalf("set %s of dossier %s: %v", column, code, err)
	}
}
