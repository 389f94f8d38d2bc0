package demo

// world holds everything the generator has decided, before it is written.
type world struct {
	opts  Options
	ref   *refData
	names *names
	asOf  day

	people        []person
	households    []household
	marriages     []marriage
	guardianships []guardianship
	temporaries   []temporaryResidence
	deceased      []int32
	ledger        *ledger

	provinceDist weighted[int32]
	anyCommune   []weighted[int32] // per province; wards weigh more than rural communes
	ruralCommune []weighted[int32] // per province; rural communes only where there are any
	ethnicDist   []weighted[uint8] // per province
	bloodDist    weighted[string]
	kindDist     weighted[string]

	marriagesOf map[int32][]int // marriages of each person, by index
	adults      [][]int32       // living adults aged 25-68 by province
	byID        map[string]int32
	birthPlaces [][3]string // place-of-birth texts per commune, built on first use
	nests       [][]nest    // older couples without children at home, per province
}

// newWorld returns an empty world for opts.Citizens citizens that draws its
// unique ids and sequence numbers from lg.
func newWorld(ref *refData, opts Options, lg *ledger) *world {
	w := &world{
		opts:   opts,
		ref:    ref,
		names:  newNames(),
		asOf:   dayOf(opts.AsOf),
		ledger: lg,
		nests:  make([][]nest, len(ref.provinces)),
	}
	w.people = make([]person, 0, opts.Citizens)
	for i, p := range ref.provinces {
		w.provinceDist.add(int32(i), p.weight)
		var all, rural weighted[int32]
		for _, c := range p.communes {
			switch ref.communes[c].kind {
			case "Phường":
				all.add(c, 2.5)
			case "Xã":
				all.add(c, 1)
				rural.add(c, 1)
			default:
				all.add(c, 0.4)
			}
		}
		if rural.empty() {
			rural = all
		}
		w.anyCommune = append(w.anyCommune, all)
		w.ruralCommune = append(w.ruralCommune, rural)
	}
	w.ethnicDist = ethnicByProvince(ref)

	for _, b := range []struct {
		group string
		share float64
	}{{"O+", 42}, {"B+", 30}, {"A+", 21}, {"AB+", 6}, {"O-", 0.4}, {"B-", 0.3}, {"A-", 0.2}, {"AB-", 0.1}} {
		w.bloodDist.add(b.group, b.share)
	}

	// Household kinds in percent. Together with the one-person households
	// of divorced and grown-up people who moved out, the mix gives about
	// 3.4 members per household (2019 census average: 3.5).
	for _, k := range []struct {
		kind  string
		share float64
	}{
		{"single", 5}, {"couple", 9}, {"nuclear", 49}, {"single_parent", 5},
		{"three_generations", 27}, {"grandparents", 3}, {"siblings", 2},
	} {
		w.kindDist.add(k.kind, k.share)
	}
	return w
}

// ethnicByProvince spreads each minority group over its home provinces
// (92 % of its 2019 population, in proportion to their population) and thinly
// over the whole country (8 %). Kinh people fill the rest of each province.
func ethnicByProvince(ref *refData) []weighted[uint8] {
	total := 0.0
	for _, p := range ref.provinces {
		total += p.weight
	}
	counts := make([][]float64, len(ref.provinces))
	for i := range counts {
		counts[i] = make([]float64, len(ref.ethnic))
	}
	for e, g := range ref.ethnic {
		if len(g.homes) == 0 {
			continue
		}
		thousands := g.population / 1000
		homeWeight := 0.0
		for _, h := range g.homes {
			homeWeight += ref.provinces[ref.provinceIdx[h]].weight
		}
		for i, p := range ref.provinces {
			counts[i][e] += thousands * 0.08 * p.weight / total
		}
		for _, h := range g.homes {
			i := ref.provinceIdx[h]
			counts[i][e] += thousands * 0.92 * ref.provinces[i].weight / homeWeight
		}
	}

	out := make([]weighted[uint8], len(ref.provinces))
	for i, p := range ref.provinces {
		minority := 0.0
		for _, c := range counts[i] {
			minority += c
		}
		scale := 1.0
		if minority > 0.95*p.weight {
			scale = 0.95 * p.weight / minority
		}
		for e := range ref.ethnic {
			n := counts[i][e] * scale
			if ref.ethnic[e].code == "01" {
				n = p.weight - minority*scale
			}
			out[i].add(uint8(e), n)
		}
	}
	return out
}

// religionFor draws the religion of a household; about 85 % of people have
// none. Codes follow religions.csv.
func (w *world) religionFor(r *rng, e uint8, reg region) string {
	type share struct {
		code string
		w    float64
	}
	var rate float64
	var shares []share
	switch w.ethnicStyle(e) {
	case "khmer":
		rate, shares = 0.9, []share{{"01", 1}}
	case "cham":
		rate, shares = 0.9, []share{{"13", 1}, {"04", 1}}
	case "ede", "jrai", "highland":
		rate, shares = 0.45, []share{{"08", 6}, {"02", 4}}
	case "mong":
		rate, shares = 0.2, []share{{"08", 1}}
	case "hoa":
		rate, shares = 0.4, []share{{"01", 1}}
	default:
		switch reg {
		case north:
			rate, shares = 0.08, []share{{"02", 60}, {"01", 40}}
		case central:
			rate, shares = 0.12, []share{{"02", 50}, {"01", 45}, {"08", 5}}
		default:
			rate, shares = 0.22, []share{{"01", 40}, {"02", 27}, {"05", 15}, {"03", 13}, {"08", 3}, {"09", 1}, {"11", 1}}
		}
	}
	if !r.chance(rate) {
		return ""
	}
	var dist weighted[string]
	for _, s := range shares {
		dist.add(s.code, s.w)
	}
	return dist.pick(r)
}

// generatePeople creates households until the data set holds exactly
// opts.Citizens citizens, living and deceased.
func (w *world) generatePeople(r *rng) {
	n := w.opts.Citizens
	for len(w.people) < n-16 {
		w.randomHousehold(r)
	}
	for len(w.people) < n {
		b := w.newBuilder(r)
		a := b.adult(r.chance(0.45), r.between(20, 38), "")
		b.settle(a, w.people[a].born.addYears(18))
		b.join(a, "head", b.since)
		w.addHousehold(b)
	}
}

func (w *world) newBuilder(r *rng) *hhBuilder {
	p := w.provinceDist.pick(r)
	e := w.ethnicDist[p].pick(r)
	style := w.ethnicStyle(e)
	c := w.anyCommune[p].pick(r)
	if style != "kinh" && style != "hoa" && r.chance(0.9) {
		c = w.ruralCommune[p].pick(r)
	}
	b := &hhBuilder{w: w, r: r, province: p, commune: c, ethnic: e, style: style}
	b.religion = w.religionFor(r, e, w.ref.provinces[p].region)
	b.address = w.addressIn(r, c, style)
	return b
}

// settle sets the day the household registered at its address: some day
// between from and a month before AsOf.
func (b *hhBuilder) settle(head int32, from day) {
	w := b.w
	from = max(from, w.people[head].born)
	end := w.asOf - 30
	if from >= end {
		b.since = min(from, w.asOf-1)
		return
	}
	b.since = from + day(b.r.IntN(int(end-from)))
}

func (w *world) randomHousehold(r *rng) {
	b := w.newBuilder(r)
	switch w.kindDist.pick(r) {
	case "single":
		b.single()
	case "couple":
		b.couple()
	case "nuclear":
		b.nuclear()
	case "single_parent":
		b.singleParent()
	case "three_generations":
		if r.chance(0.6) {
			b.threeGenerationsUnderGrandparent()
		} else {
			b.threeGenerationsUnderParent()
		}
	case "grandparents":
		b.grandparents()
	default:
		b.siblings()
	}
	w.addHousehold(b)
}

func (b *hhBuilder) single() {
	r := b.r
	if r.chance(0.4) {
		a := b.adult(r.chance(0.45), r.between(20, 38), "")
		b.settle(a, b.w.people[a].born.addYears(18))
		b.join(a, "head", b.since)
		return
	}
	a := b.adult(r.chance(0.7), r.between(60, 92), "")
	b.settle(a, b.w.people[a].born.addYears(25))
	b.join(a, "head", b.since)
	if r.chance(0.8) {
		s := b.partner(a)
		h, f := b.spouses(a, s)
		m := b.marry(h, f, nil)
		b.kill(s, b.w.marriages[m].on+365)
	}
}

// spouseRelation returns the relation to the head of the head's spouse.
func spouseRelation(female bool) string {
	if female {
		return "wife"
	}
	return "husband"
}

// spouses orders a couple as husband and wife.
func (b *hhBuilder) spouses(x, y int32) (husband, wife int32) {
	if b.w.people[x].female {
		return y, x
	}
	return x, y
}

func (b *hhBuilder) couple() {
	r := b.r
	age := r.between(50, 85)
	if r.chance(0.3) {
		age = r.between(24, 34)
	}
	h := b.adult(false, age, "")
	f := b.partner(h)
	m := b.marry(h, f, nil)
	b.joinCouple(h, f, b.w.marriages[m].on)
	if age >= 50 {
		w := b.w
		w.nests[b.province] = append(w.nests[b.province], nest{father: h, mother: f, married: w.marriages[m].on})
	}
}

// joinCouple adds a married couple to the household: the husband is the head
// in most households, the wife in the others.
func (b *hhBuilder) joinCouple(husband, wife int32, married day) {
	b.settle(husband, married)
	if b.r.chance(0.8) {
		b.join(husband, "head", b.since)
		b.join(wife, "wife", b.since)
	} else {
		b.join(wife, "head", b.since)
		b.join(husband, "husband", b.since)
	}
}

func (b *hhBuilder) nuclear() {
	w, r := b.w, b.r
	h := b.adult(false, r.between(24, 52), "")
	f := b.partner(h)
	kids := b.children(h, f, kidCount(r), 29)
	m := b.marry(h, f, kids)
	on := w.marriages[m].on
	if ageOn(w.people[h].born, w.asOf) >= 35 && r.chance(0.05) {
		ex := b.partner(h)
		if old, ok := b.marryBefore(h, ex, on); ok {
			b.divorce(old, on, 0)
			b.moveOut(ex, w.marriages[old].decision+day(r.between(10, 200)))
		} else {
			b.moveOut(ex, w.people[ex].born.addYears(18))
		}
	}
	b.joinCouple(h, f, on)
	for _, k := range kids {
		b.join(k, "child", b.since)
	}
}

func kidCount(r *rng) int {
	x := r.Float64()
	switch {
	case x < 0.25:
		return 1
	case x < 0.75:
		return 2
	case x < 0.93:
		return 3
	default:
		return 4
	}
}

func (b *hhBuilder) singleParent() {
	w, r := b.w, b.r
	p := b.adult(r.chance(0.82), r.between(25, 55), "")
	other := b.partner(p)
	father, mother := b.spouses(p, other)
	kind := r.Float64()
	if !w.people[p].female {
		kind *= 0.84 // fathers raising children alone are divorced or widowed
	}
	if kind >= 0.85 {
		father = noone // never married; the father is unknown to the registers
	}
	kids := b.children(father, mother, kidCount(r), 25)

	var last day
	if len(kids) > 0 {
		last = w.people[kids[len(kids)-1]].born
	}
	switch {
	case kind < 0.6:
		h, f := b.spouses(p, other)
		m := b.marry(h, f, kids)
		b.divorce(m, 0, last)
		b.moveOut(other, w.marriages[m].decision+day(r.between(10, 200)))
	case kind < 0.85:
		h, f := b.spouses(p, other)
		m := b.marry(h, f, kids)
		b.kill(other, max(w.marriages[m].on+30, last))
	default:
		b.moveOut(other, w.people[other].born.addYears(18))
	}

	b.settle(p, w.people[p].born.addYears(20))
	b.join(p, "head", b.since)
	for _, k := range kids {
		b.join(k, "child", b.since)
	}
}

// threeGenerationsUnderGrandparent: grandparents head the household, with a
// married child, the child's spouse and grandchildren.
func (b *hhBuilder) threeGenerationsUnderGrandparent() {
	w, r := b.w, b.r
	g := b.adult(false, r.between(58, 88), "")
	gm := b.partner(g)
	kids := b.children(g, gm, r.between(1, 4), 60)
	m := b.marry(g, gm, kids)
	var heir int32 = noone
	for _, k := range kids {
		if age := ageOn(w.people[k].born, w.asOf); age >= 22 && (heir == noone || !w.people[k].female && w.people[heir].female) {
			heir = k
		}
	}
	var spouse int32 = noone
	var grandkids []int32
	if heir != noone {
		spouse = b.partner(heir)
		h, f := b.spouses(heir, spouse)
		grandkids = b.children(h, f, r.between(1, 3), 25)
		b.marry(h, f, grandkids)
	}

	head, other := g, gm
	widowed := r.chance(0.35)
	if widowed {
		head, other = gm, g
		if r.chance(0.25) {
			head, other = g, gm
		}
		last := w.marriages[m].on + 365
		if len(kids) > 0 {
			last = max(last, w.people[kids[len(kids)-1]].born)
		}
		b.kill(other, last)
	}
	b.settle(g, w.marriages[m].on)
	b.join(head, "head", b.since)
	if !widowed {
		b.join(other, spouseRelation(w.people[other].female), b.since)
	}
	for _, k := range kids {
		switch age := ageOn(w.people[k].born, w.asOf); {
		case k == heir:
			b.join(k, "child", b.since)
			b.join(spouse, "child_in_law", b.since)
			for _, gk := range grandkids {
				b.join(gk, "grandchild", b.since)
			}
		case age < 32 || r.chance(0.6):
			b.join(k, "child", b.since)
		default:
			b.moveOut(k, w.people[k].born.addYears(r.between(20, 30)))
		}
	}
}

// threeGenerationsUnderParent: a married adult heads the household and
// looks after a widowed parent or both parents, and in some households a
// grandmother.
func (b *hhBuilder) threeGenerationsUnderParent() {
	w, r := b.w, b.r
	age := r.between(30, 55)
	var grandmother int32 = noone
	if r.chance(0.15) && age < 45 {
		grandmother = b.adult(true, age+r.between(44, 52), "")
	}
	fatherAge := age + r.between(22, 36)
	var father int32
	if grandmother != noone {
		gm := w.people[grandmother]
		born := max(w.bornAged(r, fatherAge), gm.born.addYears(19))
		father = b.newPerson(false, born, gm.hometown, gm.hometown, "", gm.family, noone, grandmother)
	} else {
		father = b.adult(false, fatherAge, "")
	}
	mother := b.partner(father)
	head := b.childOf(father, mother, w.bornAged(r, age))
	if w.people[head].female && r.chance(0.7) {
		// Most households of this kind are headed by a son.
		w.people[head].female = false
		w.fixGender(head)
	}
	pm := b.marry(father, mother, []int32{head})
	spouse := b.partner(head)
	h, f := b.spouses(head, spouse)
	kids := b.children(h, f, kidCount(r), 29)
	m := b.marry(h, f, kids)

	both := r.chance(0.3)
	if !both {
		b.kill(father, w.marriages[pm].on+365)
	}
	b.settle(head, w.marriages[m].on)
	b.join(head, "head", b.since)
	b.join(spouse, spouseRelation(w.people[spouse].female), b.since)
	for _, k := range kids {
		b.join(k, "child", b.since)
	}
	if both {
		b.join(father, "father", b.since)
	}
	b.join(mother, "mother", b.since)
	if grandmother != noone {
		b.join(grandmother, "grandmother", b.since)
	}
}

// grandparents: grandparents raising grandchildren whose parents live or
// work elsewhere; some have registered as their guardians.
func (b *hhBuilder) grandparents() {
	w, r := b.w, b.r
	g := b.adult(r.chance(0.6), r.between(55, 80), "")
	var partner int32 = noone
	if r.chance(0.5) {
		partner = b.partner(g)
		h, f := b.spouses(g, partner)
		b.marry(h, f, nil)
	}
	b.settle(g, w.people[g].born.addYears(25))
	b.join(g, "head", b.since)
	if partner != noone {
		b.join(partner, spouseRelation(w.people[partner].female), b.since)
	}
	family := w.people[g].family
	if w.people[g].female && partner != noone {
		family = w.people[partner].family
	}
	for range r.between(1, 3) {
		k := b.newPerson(r.chance(0.48), w.bornAged(r, r.between(0, 15)), b.commune, w.people[g].hometown, family, "", noone, noone)
		b.join(k, "grandchild", b.since)
		if r.chance(0.5) {
			on := min(w.people[k].born+day(r.between(200, 3000)), w.asOf-1)
			w.guardianships = append(w.guardianships, guardianship{guardian: g, ward: k, on: on, commune: b.commune})
		}
	}
}

// siblings: a young adult heading a household with younger brothers or
// sisters, sometimes with a relative.
func (b *hhBuilder) siblings() {
	w, r := b.w, b.r
	age := r.between(19, 32)
	head := b.adult(r.chance(0.5), age, "")
	b.settle(head, w.people[head].born.addYears(18))
	b.join(head, "head", b.since)
	p := w.people[head]
	for range r.between(1, 2) {
		s := b.newPerson(r.chance(0.5), w.bornAged(r, r.between(max(15, age-10), age)), p.birthPlace, p.hometown, p.family, "", noone, noone)
		b.join(s, "sibling", b.since)
	}
	if r.chance(0.3) {
		o := b.adult(r.chance(0.5), r.between(18, 30), "")
		b.join(o, "other", b.since)
	}
}

// fixGender redraws the name and id of person i after its gender changed.
func (w *world) fixGender(i int32) {
	p := &w.people[i]
	key := p.id
	r := newRNG(w.opts.Seed, "gender:"+key)
	motherFamily := ""
	if p.mother != noone {
		motherFamily = w.people[p.mother].family
	}
	reg := w.regionOfCommune(p.hometown)
	p.name = w.names.full(r, w.ethnicStyle(p.ethnic), p.family, p.female, p.born.year() >= 1985, reg, motherFamily)
	p.id = w.newID(r, p.born, p.female, w.ref.communes[p.birthPlace].province)
}

// generateTemporaryResidences registers temporary residences: for about 6 %
// of adults aged 18-45 from outside the big cities, in a city that draws
// migrant workers, and for 1.5 % of people aged 16-60, in another commune of
// their own province. Registrations date from the two years before AsOf and
// run 12 to 24 months. About a quarter ran out before AsOf and stay on
// record, as they do until someone deregisters them.
func (w *world) generateTemporaryResidences(r *rng) {
	var cities weighted[int32]
	for i, p := range w.ref.provinces {
		if p.urban {
			cities.add(int32(i), p.weight)
		}
	}
	for i := range w.people {
		p := &w.people[i]
		if !p.alive || p.household < 0 {
			continue
		}
		age := ageOn(p.born, w.asOf)
		prov := w.ref.communes[p.commune].province
		var c int32 = noone
		switch {
		case age >= 18 && age <= 45 && !w.ref.provinces[prov].urban && r.chance(0.06):
			c = w.anyCommune[cities.pick(r)].pick(r)
		case age >= 16 && age <= 60 && r.chance(0.015):
			c = w.anyCommune[prov].pick(r)
		}
		if c == noone || c == p.commune {
			continue
		}
		since := w.asOf - day(r.IntN(730)) - 1
		since = max(since, p.born.addYears(16))
		t := temporaryResidence{
			person: int32(i), commune: c, address: w.rentedAddress(r, c),
			since: since, expiresOn: since + day(r.between(12, 24)*30),
		}
		w.temporaries = append(w.temporaries, t)
	}
}

// indexIDs maps personal ids to people.
func (w *world) indexIDs() {
	w.byID = make(map[string]int32, len(w.people))
	for i := range w.people {
		w.byID[w.people[i].id] = int32(i)
	}
}
