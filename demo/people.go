package demo

import (
	"fmt"
	"strconv"
	"time"
)

type maritalStatus uint8

const (
	single maritalStatus = iota
	married
	divorced
	widowed
)

func (m maritalStatus) String() string {
	return [...]string{"single", "married", "divorced", "widowed"}[m]
}

// person is one citizen of the generated data set. The records written to
// the databases are derived from it, and planted drift changes only them.
type person struct {
	id         string
	name       string
	family     string // family or clan name passed to the children
	female     bool
	born       day
	alive      bool
	died       day
	ethnic     uint8
	religion   string
	blood      string
	marital    maritalStatus
	birthPlace int32 // commune index
	hometown   int32 // commune index
	household  int32 // -1 when in no household
	relation   string
	commune    int32 // commune of permanent residence
	address    string
	resSince   day
	father     int32 // -1 when the father is not a citizen of the data set
	mother     int32
	// bornBeforeMarriage marks a child registered with the mother only and
	// recognised by the father after the parents married.
	bornBeforeMarriage bool
}

type household struct {
	code    string
	head    int32
	members []int32
	commune int32
	address string
}

// marriage is a registered marriage, possibly dissolved by divorce.
type marriage struct {
	husband, wife int32
	on            day
	commune       int32
	divorced      bool
	decision      day // date of the court decision on the divorce
}

type guardianship struct {
	guardian, ward int32
	on             day
	commune        int32
}

type temporaryResidence struct {
	person    int32
	commune   int32
	address   string
	since     day
	expiresOn day
}

const noone = int32(-1)

// hhBuilder builds one household.
type hhBuilder struct {
	w        *world
	r        *rng
	province int32
	commune  int32
	ethnic   uint8
	style    string
	religion string
	address  string
	members  []int32
	since    day // date the household was registered at its address
}

func (w *world) regionOfCommune(c int32) region {
	return w.ref.provinces[w.ref.communes[c].province].region
}

// originCommune returns where an adult of the household was born: usually
// in the household's province, but a share of adults in the big cities
// (and a few elsewhere) came from another province.
func (b *hhBuilder) originCommune() int32 {
	w, r := b.w, b.r
	migrant := 0.08
	if w.ref.provinces[b.province].urban {
		migrant = 0.35
	}
	p := b.province
	if w.ethnicStyle(b.ethnic) == "kinh" && r.chance(migrant) {
		p = w.provinceDist.pick(r)
	}
	return w.ruralCommune[p].pick(r)
}

func (w *world) ethnicStyle(e uint8) string { return w.ref.ethnic[e].style }

// newPerson creates a citizen born on born at commune birthPlace and returns
// its index. family is the inherited family name; "" draws one.
func (b *hhBuilder) newPerson(female bool, born day, birthPlace, hometown int32, family, motherFamily string, father, mother int32) int32 {
	w, r := b.w, b.r
	reg := w.regionOfCommune(hometown)
	if family == "" {
		family = w.names.surname(r, b.style, reg)
	}
	modern := born.year() >= 1985
	name := w.names.full(r, b.style, family, female, modern, reg, motherFamily)
	// Parents do not give a child their own name. Styles with few given
	// names draw it often, so draw again a few times.
	for try := 0; try < 4 && (w.nameOf(father) == name || w.nameOf(mother) == name); try++ {
		name = w.names.full(r, b.style, family, female, modern, reg, motherFamily)
	}
	p := person{
		name:       name,
		family:     family,
		female:     female,
		born:       born,
		alive:      true,
		ethnic:     b.ethnic,
		religion:   b.religion,
		blood:      w.bloodGroup(r),
		birthPlace: birthPlace,
		hometown:   hometown,
		household:  -1,
		commune:    b.commune,
		address:    b.address,
		father:     father,
		mother:     mother,
	}
	p.id = w.newID(r, p.born, p.female, w.ref.communes[birthPlace].province)
	w.people = append(w.people, p)
	return int32(len(w.people) - 1)
}

// nameOf returns the full name of person i, or "" for noone.
func (w *world) nameOf(i int32) string {
	if i == noone {
		return ""
	}
	return w.people[i].name
}

// join adds person i to the household with a relation to its head.
func (b *hhBuilder) join(i int32, relation string, since day) {
	p := &b.w.people[i]
	p.relation = relation
	p.resSince = max(since, p.born)
	b.members = append(b.members, i)
}

func (w *world) bloodGroup(r *rng) string {
	if !r.chance(0.35) {
		return ""
	}
	return w.bloodDist.pick(r)
}

// bornAged returns a birth date for someone who is age years old on AsOf.
func (w *world) bornAged(r *rng, age int) day {
	return w.asOf.addYears(-age-1) + day(r.between(1, 365))
}

// adult creates an adult of the household born at an origin commune.
func (b *hhBuilder) adult(female bool, age int, family string) int32 {
	born := b.w.bornAged(b.r, age)
	if family == "" {
		if i, ok := b.childOfNest(female, born); ok {
			return i
		}
	}
	origin := b.originCommune()
	hometown := origin
	if b.r.chance(0.3) {
		hometown = b.w.ruralCommune[b.w.ref.communes[origin].province].pick(b.r)
	}
	return b.newPerson(female, born, origin, hometown, family, "", noone, noone)
}

// nest is an older couple living without children, whose grown-up children
// may head or join other households of the province.
type nest struct {
	father, mother int32
	married        day
	children       int
}

// childOfNest creates, for half the adults who fit, a grown-up child of an
// older couple of the same province: born 20-40 years after the mother and
// after the wedding. It reports false when no couple fits.
func (b *hhBuilder) childOfNest(female bool, born day) (int32, bool) {
	w, r := b.w, b.r
	nests := w.nests[b.province]
	if len(nests) == 0 || w.ethnicStyle(b.ethnic) != "kinh" || !r.chance(0.5) {
		return noone, false
	}
	for range 8 {
		n := &nests[r.IntN(len(nests))]
		mother, father := &w.people[n.mother], &w.people[n.father]
		if n.children >= 4 || born < mother.born.addYears(20) || born > mother.born.addYears(40) ||
			born < n.married+60 || mother.ethnic != b.ethnic {
			continue
		}
		n.children++
		birthPlace := mother.commune
		if r.chance(0.35) {
			birthPlace = w.anyCommune[b.province].pick(r)
		}
		return b.newPerson(female, born, birthPlace, father.hometown, father.family, mother.family, n.father, n.mother), true
	}
	return noone, false
}

// childOf creates a child of father and mother (either may be noone) born on
// born, in or near the household's commune.
func (b *hhBuilder) childOf(father, mother int32, born day) int32 {
	w, r := b.w, b.r
	birthPlace := b.commune
	if r.chance(0.35) {
		birthPlace = w.anyCommune[b.province].pick(r)
	}
	family, motherFamily, hometown := "", "", b.commune
	style := nameStyles[b.style]
	if mother != noone {
		motherFamily = w.people[mother].family
		hometown = w.people[mother].hometown
	}
	if father != noone {
		family = w.people[father].family
		hometown = w.people[father].hometown
	}
	if style != nil && style.matrilineal && mother != noone {
		family = motherFamily
	}
	if family == "" && mother != noone {
		family = motherFamily
	}
	return b.newPerson(r.chance(0.48), born, birthPlace, hometown, family, motherFamily, father, mother)
}

// children creates up to n children of a couple, the first when the mother
// was 19-32, then every 2-6 years. Children not yet born on AsOf or born
// after the mother turned 44 are skipped.
func (b *hhBuilder) children(father, mother int32, n int, maxAge int) []int32 {
	w, r := b.w, b.r
	m := w.people[mother]
	first := 19
	if m.born.year() >= 1985 {
		first = 23
	}
	born := m.born.addYears(r.between(first, first+9)) + day(r.between(0, 364))
	var out []int32
	for range n {
		if born > w.asOf || ageOn(m.born, born) > 44 {
			break
		}
		if ageOn(born, w.asOf) <= maxAge {
			out = append(out, b.childOf(father, mother, born))
		}
		born = born.addYears(r.between(2, 6)) + day(r.between(0, 364))
	}
	return out
}

// marry registers the marriage of husband and wife. It is dated before the
// first child, except for a few couples who married after a child was born.
func (b *hhBuilder) marry(husband, wife int32, kids []int32) int {
	w, r := b.w, b.r
	h, f := w.people[husband], w.people[wife]
	earliest := max(h.born.addYears(20), f.born.addYears(18))
	on := earliest + day(r.between(0, 6*365))
	if len(kids) > 0 {
		first := w.people[kids[0]].born
		if on > first-60 {
			on = max(earliest, first-day(r.between(60, 700)))
		}
		if on > first-30 || r.chance(0.02) {
			on = first + day(r.between(30, 700))
			for _, k := range kids {
				if w.people[k].born < on {
					w.people[k].bornBeforeMarriage = true
				}
			}
		}
	}
	on = min(on, w.asOf-1)
	w.marriages = append(w.marriages, marriage{husband: husband, wife: wife, on: on, commune: b.commune})
	return len(w.marriages) - 1
}

// partner creates a person of the other gender whose age fits p: husbands
// are mostly a few years older than their wives. Both are at least 19.
func (b *hhBuilder) partner(p int32) int32 {
	w, r := b.w, b.r
	s := w.people[p]
	gap := r.between(-1, 6)
	if !s.female {
		gap = -gap
	}
	born := s.born.addYears(-gap) - day(r.between(-150, 150))
	born = min(born, w.asOf.addYears(-19))
	if i, ok := b.childOfNest(!s.female, born); ok {
		return i
	}
	origin := b.originCommune()
	return b.newPerson(!s.female, born, origin, origin, "", "", noone, noone)
}

// kill records the death of p on a day after after, and at 40 or older when
// that still leaves room before AsOf.
func (b *hhBuilder) kill(p int32, after day) {
	w := b.w
	d := &w.people[p]
	lo := max(after, d.born.addYears(40))
	if lo >= w.asOf-2 {
		lo = after
	}
	lo = min(lo, w.asOf-2)
	d.alive = false
	d.died = lo + day(b.r.IntN(max(1, int(w.asOf-1-lo))))
	w.deceased = append(w.deceased, p)
}

// moveOut gives p a household of its own in another commune of the
// province, registered there since since.
func (b *hhBuilder) moveOut(p int32, since day) {
	w, r := b.w, b.r
	c := w.anyCommune[b.province].pick(r)
	nb := &hhBuilder{w: w, r: r, province: b.province, commune: c, ethnic: b.ethnic, style: b.style, religion: b.religion}
	nb.address = w.addressIn(r, c, b.style)
	q := &w.people[p]
	q.commune, q.address = c, nb.address
	nb.join(p, "head", min(since, w.asOf-1))
	w.addHousehold(nb)
}

// divorce dissolves marriage m by a court decision after the marriage and
// its last child, and before before (a later marriage) when that is set.
func (b *hhBuilder) divorce(m int, before day, lastChild day) {
	w := b.w
	mar := &w.marriages[m]
	end := w.asOf - 20
	if before != 0 {
		end = min(end, before-60)
	}
	lo := max(mar.on+365, lastChild+30)
	if lo >= end {
		lo = mar.on + 30
	}
	mar.divorced = true
	mar.decision = min(lo+day(b.r.IntN(max(1, int(end-lo)))), w.asOf-1)
}

// marryBefore registers a marriage of husband and wife that ended before
// before, and reports false when their ages leave no room for it.
func (b *hhBuilder) marryBefore(husband, wife int32, before day) (int, bool) {
	w, r := b.w, b.r
	earliest := max(w.people[husband].born.addYears(20), w.people[wife].born.addYears(18))
	if earliest+500 >= before {
		return 0, false
	}
	m := b.marry(husband, wife, nil)
	w.marriages[m].on = earliest + day(r.IntN(int(before-earliest-460)))
	return m, true
}

// newID returns a unique personal identification number. It is "0" and the
// 2-digit code of the province where the birth was registered, a
// century-and-gender digit, the last two digits of the birth year and six
// random digits. Births before 1 July 2025 get the code of an old province
// merged into the birth province, picked in proportion to its population.
func (w *world) newID(r *rng, born day, female bool, birthProvince int32) string {
	p := &w.ref.provinces[birthProvince]
	prefix := p.code
	if born < reformDay {
		prefix = p.old.pick(r)
	}
	year := born.year()
	century := (year/100 - 19) * 2
	if female {
		century++
	}
	for {
		n := int64(r.IntN(1_000_000))
		id := fmt.Sprintf("0%s%d%02d%06d", prefix, century, year%100, n)
		key, _ := strconv.ParseInt(id, 10, 64)
		if _, taken := w.ledger.personalIDs[key]; !taken {
			w.ledger.personalIDs[key] = struct{}{}
			return id
		}
	}
}

// reformDay is the day the two-level local government took effect.
var reformDay = date(2025, time.July, 1)

// addHousehold registers the household built by b; its first member is the
// head.
func (w *world) addHousehold(b *hhBuilder) {
	if len(b.members) == 0 {
		return
	}
	w.ledger.householdSeq[b.commune]++
	h := household{
		code:    fmt.Sprintf("%s-%06d", w.ref.communes[b.commune].code, w.ledger.householdSeq[b.commune]),
		head:    b.members[0],
		members: b.members,
		commune: b.commune,
		address: b.address,
	}
	for _, m := range b.members {
		w.people[m].household = int32(len(w.households))
	}
	w.households = append(w.households, h)
}
