package demo

import (
	"testing"

	"lienthong/sqldb"
)

// measureDrift counts every kind of cross-source disagreement by reading the
// four databases, independently of how the generator planted them.
func measureDrift(t *testing.T, dbsDB dbSet) map[string]int {
	t.Helper()
	type citizen struct{ status, died, marital, name, born, gender string }
	citizens := map[string]citizen{}
	for _, r := range query(t, dbsDB.population, "SELECT id, status, date_of_death, marital_status, full_name, date_of_birth, gender FROM citizens") {
		citizens[r[0]] = citizen{r[1], r[2], r[3], r[4], r[5], r[6]}
	}
	communes := map[string]bool{}
	for _, row := range mustRead(t, "admin-units-2025.csv") {
		communes[row["commune_code"]] = true
	}
	got := map[string]int{}

	// Civil status against the population.
	type reg struct{ id, kind, related, on, subject, gender, event, commune string }
	regs := map[string]reg{}
	for _, r := range query(t, dbsDB.civil, "SELECT id, kind, related_id, registered_on, subject_name, subject_gender, event_date, registering_commune FROM registrations") {
		regs[r[0]] = reg{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]}
		if !communes[r[7]] {
			got[DriftRegistrationOldCommune]++
		}
	}
	dissolved := map[string]bool{}
	for _, g := range regs {
		if g.kind == "divorce" {
			dissolved[g.related] = true
		}
	}
	hasDeath, hasMarriage := map[string]bool{}, map[string]bool{}
	lastMarriage := map[string]string{}
	type divorced struct{ citizen, marriedOn string }
	var divorces []divorced
	single := map[string]bool{}
	for _, r := range query(t, dbsDB.civil, "SELECT registration_id, citizen_id, role FROM registration_parties") {
		g, who, role := regs[r[0]], r[1], r[2]
		c, known := citizens[who]
		switch {
		case g.kind == "death":
			hasDeath[who] = true
			if known && c.status == "alive" {
				got[DriftDeathRegisteredButAlive]++
			}
		case g.kind == "marriage":
			hasMarriage[who] = true
			if g.on > lastMarriage[who] {
				lastMarriage[who] = g.on
			}
			if !dissolved[g.id] && known && c.marital == "single" && !single[who] {
				single[who] = true
				got[DriftMarriedButSingle]++
			}
		case g.kind == "divorce":
			divorces = append(divorces, divorced{who, regs[g.related].on})
		case g.kind == "birth" && role == "child":
			if g.subject != c.name {
				got[DriftBirthNameMismatch]++
			}
			if g.event != c.born {
				got[DriftBirthDateMismatch]++
			}
			if g.gender != c.gender {
				got[DriftBirthGenderMismatch]++
			}
		}
	}
	for _, d := range divorces {
		// A divorced person who married again is rightly recorded married.
		if c := citizens[d.citizen]; c.marital == "married" && lastMarriage[d.citizen] == d.marriedOn {
			got[DriftDivorcedButMarried]++
		}
	}
	for id, c := range citizens {
		if c.status == "deceased" && !hasDeath[id] {
			got[DriftDeceasedWithoutDeathRecord]++
		}
		if c.marital == "married" && !hasMarriage[id] {
			got[DriftMarriedWithoutMarriage]++
		}
	}

	// Population tables citing unknown people or old communes.
	for _, r := range query(t, dbsDB.population, "SELECT citizen_id FROM household_members") {
		if _, ok := citizens[r[0]]; !ok {
			got[DriftHouseholdMemberUnknown]++
		}
	}
	for _, r := range query(t, dbsDB.population, "SELECT commune_code FROM residences") {
		if !communes[r[0]] {
			got[DriftResidenceOldCommune]++
		}
	}

	// Businesses.
	classify := func(id, deceasedKind, unknownKind string) {
		c, ok := citizens[id]
		switch {
		case !ok:
			got[unknownKind]++
		case c.status == "deceased":
			got[deceasedKind]++
		}
	}
	for _, r := range query(t, dbsDB.business, "SELECT owner_id FROM business_households") {
		classify(r[0], DriftBusinessHouseholdOwnerDeceased, DriftBusinessHouseholdOwnerUnknown)
	}
	for _, r := range query(t, dbsDB.business, "SELECT representative_id FROM enterprises") {
		classify(r[0], DriftEnterpriseRepDeceased, DriftEnterpriseRepUnknown)
	}

	// Dossiers.
	for _, r := range query(t, dbsDB.procedures, "SELECT applicant_id, received_at, receiving_commune FROM dossiers") {
		c, ok := citizens[r[0]]
		switch {
		case !ok:
			got[DriftDossierApplicantUnknown]++
		case c.status == "deceased" && c.died < r[1][:10]:
			got[DriftDossierApplicantDeceased]++
		}
		if !communes[r[2]] {
			got[DriftDossierOldCommune]++
		}
	}
	return got
}

func TestPlantedDriftMatchesSummary(t *testing.T) {
	dbs, sum := seeded(t)
	got := measureDrift(t, dbSet{dbs.Population, dbs.CivilStatus, dbs.Business, dbs.Procedures})
	kinds := []string{
		DriftDeathRegisteredButAlive, DriftDeceasedWithoutDeathRecord, DriftMarriedButSingle,
		DriftMarriedWithoutMarriage, DriftDivorcedButMarried, DriftBirthNameMismatch, DriftBirthDateMismatch,
		DriftBirthGenderMismatch, DriftDossierApplicantUnknown, DriftDossierApplicantDeceased,
		DriftBusinessHouseholdOwnerDeceased, DriftBusinessHouseholdOwnerUnknown, DriftEnterpriseRepDeceased,
		DriftEnterpriseRepUnknown, DriftHouseholdMemberUnknown, DriftDossierOldCommune,
		DriftResidenceOldCommune, DriftRegistrationOldCommune,
	}
	for _, kind := range kinds {
		if sum.Drift[kind] == 0 {
			t.Errorf("drift %s: none planted", kind)
		}
		if got[kind] != sum.Drift[kind] {
			t.Errorf("drift %s: databases show %d, summary says %d", kind, got[kind], sum.Drift[kind])
		}
	}
	if len(sum.Drift) != len(kinds) {
		t.Errorf("summary lists %d drift kinds, want %d", len(sum.Drift), len(kinds))
	}
}

// dbSet names the four source databases for measureDrift.
type dbSet struct {
	population, civil, business, procedures *sqldb.DB
}
