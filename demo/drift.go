package demo

import (
	"math"
	"time"
)

// Kinds of planted drift: disagreements between sources, or with the
// administrative-unit list, of the kind the real registers are known to
// contain. Summary.Drift counts each kind.
const (
	DriftDeathRegisteredButAlive        = "death_registered_but_alive"
	DriftDeceasedWithoutDeathRecord     = "deceased_without_death_registration"
	DriftMarriedButSingle               = "marriage_registered_but_single"
	DriftMarriedWithoutMarriage         = "married_without_marriage_registration"
	DriftDivorcedButMarried             = "divorce_registered_but_married"
	DriftBirthNameMismatch              = "birth_registration_name_mismatch"
	DriftBirthDateMismatch              = "birth_registration_date_mismatch"
	DriftBirthGenderMismatch            = "birth_registration_gender_mismatch"
	DriftDossierApplicantUnknown        = "dossier_applicant_unknown"
	DriftDossierApplicantDeceased       = "dossier_applicant_deceased"
	DriftBusinessHouseholdOwnerDeceased = "business_household_owner_deceased"
	DriftBusinessHouseholdOwnerUnknown  = "business_household_owner_unknown"
	DriftEnterpriseRepDeceased          = "enterprise_representative_deceased"
	DriftEnterpriseRepUnknown           = "enterprise_representative_unknown"
	DriftHouseholdMemberUnknown         = "household_member_unknown"
	DriftDossierOldCommune              = "dossier_abolished_commune_code"
	DriftResidenceOldCommune            = "residence_abolished_commune_code"
	DriftRegistrationOldCommune         = "registration_abolished_commune_code"
)

// driftRate is the share of eligible records given each kind of drift:
// three in a thousand, and at least one record per kind.
const driftRate = 0.003

type extraMember struct {
	household int32
	citizen   string
}

// drift records what plantDrift changed that the records themselves cannot
// carry.
type drift struct {
	counts          map[string]int
	residenceCode   map[int32]string // permanent residence commune code per person
	extraMembers    []extraMember
	protectedPeople map[int32]bool
}

func driftCount(base int) int {
	return max(1, int(math.Round(float64(base)*driftRate)))
}

// plantDrift changes a known number of records of each kind. It runs after
// every record is generated, so it changes only the copy a source keeps: a
// death flipped to alive in the population, for instance, keeps its death
// registration.
func (w *world) plantDrift(r *rng, cv *civil, bz *business, ds *dossiers, showcase int32) *drift {
	dr := &drift{counts: map[string]int{}, residenceCode: map[int32]string{}, protectedPeople: map[int32]bool{}}
	if showcase != noone {
		for _, m := range w.households[w.people[showcase].household].members {
			dr.protectedPeople[m] = true
		}
	}
	touched := map[int32]bool{}
	free := func(i int32) bool { return !touched[i] && !dr.protectedPeople[i] }
	n := driftCount(len(w.people))

	// People whose population record disagrees with civil status.
	deceased := w.shuffled(r, w.deceased)
	take := func(kind string, list []int32, want int, ok func(int32) bool, apply func(int32)) {
		for _, i := range list {
			if dr.counts[kind] >= want {
				return
			}
			if free(i) && ok(i) {
				touched[i] = true
				apply(i)
				dr.counts[kind]++
			}
		}
	}
	hasDeathReg := func(i int32) bool { _, ok := cv.deathReg[i]; return ok }
	take(DriftDeathRegisteredButAlive, deceased, n, hasDeathReg, func(i int32) {
		w.people[i].alive = true
	})
	take(DriftDeceasedWithoutDeathRecord, deceased, n, hasDeathReg, func(i int32) {
		cv.regs[cv.deathReg[i]].kind = ""
	})

	everyone := w.shuffled(r, nil)
	living := func(i int32) bool { return w.people[i].alive && w.people[i].household >= 0 }
	take(DriftMarriedButSingle, everyone, n, func(i int32) bool {
		return living(i) && w.people[i].marital == married
	}, func(i int32) { w.people[i].marital = single })
	take(DriftMarriedWithoutMarriage, everyone, n, func(i int32) bool {
		return living(i) && len(w.marriagesOf[i]) == 0 && ageOn(w.people[i].born, w.asOf) >= 20
	}, func(i int32) { w.people[i].marital = married })
	take(DriftDivorcedButMarried, everyone, n, func(i int32) bool {
		return living(i) && w.people[i].marital == divorced
	}, func(i int32) { w.people[i].marital = married })

	corrected := map[string]bool{}
	for _, reg := range cv.regs {
		if reg.kind == "correction" {
			corrected[reg.parties[0].citizen] = true
		}
	}
	noCorrection := func(i int32) bool { return !corrected[w.people[i].id] }
	take(DriftBirthNameMismatch, everyone, n, noCorrection, func(i int32) {
		reg := &cv.regs[cv.birthReg[i]]
		reg.subject = misspell(r, reg.subject)
	})
	take(DriftBirthDateMismatch, everyone, n, noCorrection, func(i int32) {
		reg := &cv.regs[cv.birthReg[i]]
		reg.event += day(r.between(1, 30))
	})
	take(DriftBirthGenderMismatch, everyone, n, noCorrection, func(i int32) {
		reg := &cv.regs[cv.birthReg[i]]
		reg.gender = genderOf(reg.gender == "male")
	})

	w.driftDossiers(r, dr, ds, deceased)
	w.driftBusiness(r, dr, bz, deceased, showcase)
	w.driftCommunes(r, dr, cv, ds, everyone)

	// Household members whose citizen record is missing.
	for k := 0; k < n && len(w.households) > 0; k++ {
		h := int32(r.IntN(len(w.households)))
		if dr.protectedPeople[w.households[h].head] {
			continue
		}
		dr.extraMembers = append(dr.extraMembers, extraMember{household: h, citizen: w.unknownID(r)})
		dr.counts[DriftHouseholdMemberUnknown]++
	}
	return dr
}

// shuffled returns list (or all people when list is nil) in random order.
func (w *world) shuffled(r *rng, list []int32) []int32 {
	var out []int32
	if list == nil {
		out = make([]int32, len(w.people))
		for i := range out {
			out[i] = int32(i)
		}
	} else {
		out = append([]int32(nil), list...)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// unknownID returns a well-formed personal id that no citizen has.
func (w *world) unknownID(r *rng) string {
	born := w.bornAged(r, r.between(20, 70))
	return w.newID(r, born, r.chance(0.5), int32(r.IntN(len(w.ref.provinces))))
}

func (w *world) driftDossiers(r *rng, dr *drift, ds *dossiers, deceased []int32) {
	if len(ds.list) == 0 {
		return
	}
	n := driftCount(len(ds.list))
	changed := map[int]bool{ds.showcase: true}
	randomDossier := func() int {
		for {
			i := r.IntN(len(ds.list))
			if !changed[i] && !dr.protectedPeople[ds.list[i].person] {
				changed[i] = true
				return i
			}
		}
	}
	for range n {
		d := &ds.list[randomDossier()]
		d.applicant = w.unknownID(r)
		dr.counts[DriftDossierApplicantUnknown]++
	}

	// A dossier handed in under the id of someone who had died. The dead
	// person must still be recorded as deceased, so people whose death was
	// flipped to alive are skipped.
	for _, i := range deceased {
		if dr.counts[DriftDossierApplicantDeceased] >= n {
			break
		}
		p := &w.people[i]
		if p.alive || p.died > w.asOf-60 {
			continue
		}
		after := p.died.time().Add(48 * time.Hour)
		for tries := 0; tries < 50; tries++ {
			k := r.IntN(len(ds.list))
			if changed[k] || dr.protectedPeople[ds.list[k].person] || !ds.list[k].received.After(after) {
				continue
			}
			changed[k] = true
			ds.list[k].applicant, ds.list[k].name = p.id, p.name
			dr.counts[DriftDossierApplicantDeceased]++
			break
		}
	}
}

func (w *world) driftBusiness(r *rng, dr *drift, bz *business, deceased []int32, showcase int32) {
	var showcaseID string
	if showcase != noone {
		showcaseID = w.people[showcase].id
	}
	// Only people still recorded as deceased serve as dead owners, and each
	// of them at most once, as household business codes must stay unique.
	var dead []int32
	for _, i := range deceased {
		if !w.people[i].alive {
			dead = append(dead, i)
		}
	}
	nextDead := func() (int32, bool) {
		if len(dead) == 0 {
			return noone, false
		}
		i := dead[0]
		dead = dead[1:]
		return i, true
	}

	nh := driftCount(len(bz.households))
	order := r.Perm(len(bz.households))
	k := 0
	for _, kind := range []string{DriftBusinessHouseholdOwnerDeceased, DriftBusinessHouseholdOwnerUnknown} {
		for c := 0; c < nh && k < len(order); k++ {
			bh := &bz.households[order[k]]
			if bh.owner == showcaseID {
				continue
			}
			var id string
			if kind == DriftBusinessHouseholdOwnerDeceased {
				i, ok := nextDead()
				if !ok {
					break
				}
				id = w.people[i].id
			} else {
				id = w.unknownID(r)
			}
			bh.owner, bh.code = id, id
			dr.counts[kind]++
			c++
		}
	}

	ne := driftCount(len(bz.enterprises))
	order = r.Perm(len(bz.enterprises))
	k = 0
	for _, kind := range []string{DriftEnterpriseRepDeceased, DriftEnterpriseRepUnknown} {
		for c := 0; c < ne && k < len(order); k++ {
			e := &bz.enterprises[order[k]]
			if e.rep == showcaseID {
				continue
			}
			var id string
			if kind == DriftEnterpriseRepDeceased {
				i, ok := nextDead()
				if !ok {
					break
				}
				id = w.people[i].id
			} else {
				id = w.unknownID(r)
			}
			old := e.rep
			e.rep = id
			for j := range e.people {
				if e.people[j].citizen == old {
					e.people[j].citizen = id
				}
			}
			dr.counts[kind]++
			c++
		}
	}
}

// driftCommunes makes some dossiers, permanent residences and registrations
// cite a commune code abolished on 1 July 2025 that merged into the right
// commune.
func (w *world) driftCommunes(r *rng, dr *drift, cv *civil, ds *dossiers, everyone []int32) {
	oldCode := func(c int32) (string, bool) {
		codes := w.ref.communes[c].oldCodes
		if len(codes) == 0 {
			return "", false
		}
		return pick(r, codes), true
	}

	n := driftCount(len(ds.list))
	for tries := 0; dr.counts[DriftDossierOldCommune] < n && tries < 100*n; tries++ {
		i := r.IntN(len(ds.list))
		d := &ds.list[i]
		if i == ds.showcase || d.communeCode != "" || dr.protectedPeople[d.person] {
			continue
		}
		if code, ok := oldCode(d.commune); ok {
			d.communeCode = code
			dr.counts[DriftDossierOldCommune]++
		}
	}

	n = driftCount(len(w.people))
	for _, i := range everyone {
		if dr.counts[DriftResidenceOldCommune] >= n {
			break
		}
		if dr.protectedPeople[i] {
			continue
		}
		if code, ok := oldCode(w.people[i].commune); ok {
			dr.residenceCode[i] = code
			dr.counts[DriftResidenceOldCommune]++
		}
	}

	n = driftCount(len(cv.regs))
	for tries := 0; dr.counts[DriftRegistrationOldCommune] < n && tries < 100*n; tries++ {
		reg := &cv.regs[r.IntN(len(cv.regs))]
		if reg.kind == "" || w.namesProtected(dr, reg) {
			continue
		}
		if c, ok := w.ref.communeIdx[reg.commune]; ok {
			if code, ok := oldCode(c); ok {
				reg.commune = code
				dr.counts[DriftRegistrationOldCommune]++
			}
		}
	}
}

// namesProtected reports whether a registration names a protected person.
func (w *world) namesProtected(dr *drift, reg *registration) bool {
	for _, p := range reg.parties {
		if i, ok := w.byID[p.citizen]; ok && dr.protectedPeople[i] {
			return true
		}
	}
	return false
}
