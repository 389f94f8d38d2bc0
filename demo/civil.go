package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// registration is one entry of the civil status books. The columns that
// only some kinds use are in details, which stays nil for births and
// marriages, so that a million registrations fit in less memory.
type registration struct {
	kind    string
	commune string // code of the registering office's commune
	on      day
	event   day
	related int32 // index of the dissolved marriage's registration, or -1
	hasEvt  bool
	number  int32
	subject string // subject_name
	gender  string // subject_gender
	place   string
	details *registrationDetails
	parties []party
	id      int64
	book    string
}

// registrationDetails holds the columns of deaths, corrections,
// confirmations and guardianships.
type registrationDetails struct {
	cause   string
	item    string
	oldVal  string
	newVal  string
	stated  string
	purpose string
	ended   day
}

type party struct {
	citizen string
	role    string
	name    string
}

// kindOrder fixes the order of registrations made on the same day.
var kindOrder = map[string]int{
	"birth": 0, "marriage": 1, "marital_status_confirmation": 2, "recognition": 3,
	"guardianship": 4, "correction": 5, "divorce": 6, "death": 7,
}

func (w *world) party(i int32, role string) party {
	p := &w.people[i]
	return party{citizen: p.id, role: role, name: p.name}
}

func (w *world) communeCode(c int32) string { return w.ref.communes[c].code }

// civil collects the registrations and remembers the recent ones that
// dossiers refer to.
type civil struct {
	regs           []registration
	marriageReg    []int // registration index per marriage
	birthReg       []int // registration index per person
	deathReg       map[int32]int
	confirmations  []int
	recognitionFor map[int32]int
}

func (w *world) generateRegistrations(r *rng) *civil {
	cv := &civil{
		birthReg:       make([]int, len(w.people)),
		deathReg:       map[int32]int{},
		recognitionFor: map[int32]int{},
	}
	cv.regs = make([]registration, 0, len(w.people)+len(w.people)/2)
	for i := range w.people {
		cv.birthReg[i] = w.addBirth(r, cv, int32(i))
	}
	for m := range w.marriages {
		cv.marriageReg = append(cv.marriageReg, w.addMarriage(cv, m))
	}
	for m, mar := range w.marriages {
		if mar.divorced {
			w.addDivorce(r, cv, m)
		}
	}
	for _, d := range w.deceased {
		cv.deathReg[d] = w.addDeath(r, cv, d)
	}
	w.addRecognitions(r, cv)
	w.addGuardianships(cv)
	w.addCorrections(r, cv)
	w.addConfirmations(r, cv)
	return cv
}

// addBirth registers the birth of person i, mostly within the 60 days the
// law allows, in the commune of birth or another commune of its province.
func (w *world) addBirth(r *rng, cv *civil, i int32) int {
	p := &w.people[i]
	var delay int
	switch x := r.Float64(); {
	case x < 0.80:
		delay = r.between(1, 30)
	case x < 0.95:
		delay = r.between(31, 60)
	case x < 0.99:
		delay = r.between(61, 365)
	default:
		delay = r.between(366, 3650)
	}
	office := p.birthPlace
	if r.chance(0.15) {
		office = w.anyCommune[w.ref.communes[p.birthPlace].province].pick(r)
	}
	reg := registration{
		kind: "birth", commune: w.communeCode(office),
		on:    min(p.born+day(delay), w.asOf),
		event: p.born, hasEvt: true,
		subject: p.name, gender: genderOf(p.female),
		place:   w.birthPlaceText(r, p.birthPlace, p.born),
		related: -1,
		parties: []party{w.party(i, "child")},
	}
	if p.father != noone && !p.bornBeforeMarriage {
		reg.parties = append(reg.parties, w.party(p.father, "father"))
	}
	if p.mother != noone {
		reg.parties = append(reg.parties, w.party(p.mother, "mother"))
	}
	cv.regs = append(cv.regs, reg)
	return len(cv.regs) - 1
}

func genderOf(female bool) string {
	if female {
		return "female"
	}
	return "male"
}

func (w *world) provinceLabel(p *province) string {
	if p.kind == "Thành phố" {
		return "thành phố " + p.name
	}
	return "tỉnh " + p.name
}

func (w *world) communeLabel(c int32) string {
	cm := &w.ref.communes[c]
	return strings.ToLower(cm.kind) + " " + cm.name + ", " + w.provinceLabel(&w.ref.provinces[cm.province])
}

// birthPlaceText returns the place of birth as a registration writes it: at
// home, at the commune health station or at the provincial hospital. The
// texts are built once per commune and shared.
func (w *world) birthPlaceText(r *rng, c int32, born day) string {
	if w.birthPlaces == nil {
		w.birthPlaces = make([][3]string, len(w.ref.communes))
	}
	texts := &w.birthPlaces[c]
	if texts[0] == "" {
		p := &w.ref.provinces[w.ref.communes[c].province]
		texts[0] = "Tại nhà, " + w.communeLabel(c)
		texts[1] = "Trạm Y tế " + w.communeLabel(c)
		texts[2] = "Bệnh viện Đa khoa " + w.provinceLabel(p)
	}
	home := 0.1
	if born.year() < 1990 {
		home = 0.5
	}
	switch x := r.Float64(); {
	case x < home:
		return texts[0]
	case x < home+(1-home)*0.4:
		return texts[1]
	default:
		return texts[2]
	}
}

func (w *world) addMarriage(cv *civil, m int) int {
	mar := w.marriages[m]
	cv.regs = append(cv.regs, registration{
		kind: "marriage", commune: w.communeCode(mar.commune), on: mar.on, related: -1,
		parties: []party{w.party(mar.husband, "husband"), w.party(mar.wife, "wife")},
	})
	return len(cv.regs) - 1
}

// addDivorce records a divorce decided by a court in the books of the
// commune that registered the marriage.
func (w *world) addDivorce(r *rng, cv *civil, m int) {
	mar := w.marriages[m]
	cv.regs = append(cv.regs, registration{
		kind: "divorce", commune: w.communeCode(mar.commune),
		on:    min(mar.decision+day(r.between(5, 40)), w.asOf),
		event: mar.decision, hasEvt: true,
		related: int32(cv.marriageReg[m]),
		parties: []party{w.party(mar.husband, "husband"), w.party(mar.wife, "wife")},
	})
}

var causesOfDeath = []struct {
	cause string
	share float64
	old   bool // only for people aged 60 or more
}{
	{"Bệnh lý tuổi già", 30, true}, {"Đột quỵ", 15, false}, {"Bệnh tim mạch", 15, false},
	{"Ung thư", 15, false}, {"Bệnh phổi tắc nghẽn mạn tính", 5, true}, {"Tai nạn giao thông", 6, false},
	{"Đái tháo đường", 4, false}, {"Xơ gan", 3, false}, {"Viêm phổi", 4, false},
	{"Đuối nước", 1, false}, {"Tai nạn lao động", 1, false},
}

// addDeath registers a death, mostly within the 15 days the law allows, in
// the commune where the deceased lived.
func (w *world) addDeath(r *rng, cv *civil, i int32) int {
	p := &w.people[i]
	delay := r.between(1, 15)
	if r.chance(0.1) {
		delay = r.between(16, 60)
	}
	var causes weighted[string]
	old := ageOn(p.born, p.died) >= 60
	for _, c := range causesOfDeath {
		if old || !c.old {
			causes.add(c.cause, c.share)
		}
	}
	place := "Tại nhà, " + p.address + ", " + w.communeLabel(p.commune)
	if r.chance(0.3) {
		place = "Bệnh viện Đa khoa " + w.provinceLabel(&w.ref.provinces[w.ref.communes[p.commune].province])
	}
	cv.regs = append(cv.regs, registration{
		kind: "death", commune: w.communeCode(p.commune),
		on:    min(p.died+day(delay), w.asOf),
		event: p.died, hasEvt: true,
		subject: p.name,
		place:   place,
		details: &registrationDetails{cause: causes.pick(r)},
		related: -1,
		parties: []party{w.party(i, "deceased")},
	})
	return len(cv.regs) - 1
}

// addRecognitions registers, for children born before their parents
// married, the father's recognition soon after the marriage.
func (w *world) addRecognitions(r *rng, cv *civil) {
	married := map[[2]int32]day{}
	for _, m := range w.marriages {
		married[[2]int32{m.husband, m.wife}] = m.on
	}
	for i := range w.people {
		p := &w.people[i]
		if !p.bornBeforeMarriage || p.father == noone || p.mother == noone {
			continue
		}
		on, ok := married[[2]int32{p.father, p.mother}]
		if !ok {
			continue
		}
		cv.regs = append(cv.regs, registration{
			kind: "recognition", commune: w.communeCode(w.people[p.father].commune),
			on:      min(max(on, p.born)+day(r.between(0, 60)), w.asOf),
			related: -1,
			parties: []party{w.party(p.father, "parent"), w.party(int32(i), "child")},
		})
		cv.recognitionFor[int32(i)] = len(cv.regs) - 1
	}
}

func (w *world) addGuardianships(cv *civil) {
	for _, g := range w.guardianships {
		reg := registration{
			kind: "guardianship", commune: w.communeCode(g.commune), on: g.on, related: -1,
			parties: []party{w.party(g.guardian, "guardian"), w.party(g.ward, "ward")},
		}
		if adult := w.people[g.ward].born.addYears(18); adult <= w.asOf {
			reg.details = &registrationDetails{ended: adult}
		}
		cv.regs = append(cv.regs, reg)
	}
}

// addCorrections registers corrections of birth details for about three
// people in a thousand, within the last 20 years. The birth registration already shows the corrected
// value, as an extract issued after the correction would.
func (w *world) addCorrections(r *rng, cv *civil) {
	for i := range w.people {
		p := &w.people[i]
		if !r.chance(0.003) || ageOn(p.born, w.asOf) < 2 {
			continue
		}
		reg := registration{kind: "correction", related: -1, parties: []party{w.party(int32(i), "subject")}}
		fix := &registrationDetails{}
		reg.details = fix
		reg.commune = cv.regs[cv.birthReg[i]].commune
		lo := max(p.born.addYears(1), w.asOf.addYears(-20))
		hi := w.asOf
		if !p.alive {
			hi = p.died
		}
		if lo >= hi {
			continue
		}
		reg.on = lo + day(r.IntN(int(hi-lo)))
		switch x := r.Float64(); {
		case x < 0.5:
			fix.item = "Họ, chữ đệm, tên"
			fix.oldVal = misspell(r, p.name)
			fix.newVal = p.name
		case x < 0.8:
			fix.item = "Quê quán"
			fix.oldVal = w.communeLabel(w.anyCommune[w.ref.communes[p.hometown].province].pick(r))
			fix.newVal = w.communeLabel(p.hometown)
		default:
			fix.item = "Ngày, tháng, năm sinh"
			fix.oldVal = (p.born + day(r.between(1, 40))).String()
			fix.newVal = p.born.String()
		}
		if fix.oldVal == fix.newVal {
			continue
		}
		cv.regs = append(cv.regs, reg)
	}
}

// misspell returns name with one typical clerical error: a lost or
// different tone mark, or a swapped middle name.
func misspell(r *rng, name string) string {
	swaps := [][2]string{
		{"ễ", "ê"}, {"ư", "u"}, {"ơ", "o"}, {"ị", "i"}, {"ă", "a"}, {"ồ", "ô"}, {"ả", "a"},
		{"ạ", "a"}, {"ấ", "â"}, {"ậ", "â"}, {"ọ", "o"}, {"ũ", "u"}, {"Đ", "D"}, {"ố", "ô"},
	}
	start := r.IntN(len(swaps))
	for k := range swaps {
		s := swaps[(start+k)%len(swaps)]
		if strings.Contains(name, s[0]) {
			return strings.Replace(name, s[0], s[1], 1)
		}
	}
	return name + "h"
}

var confirmationPurposes = []string{
	"Để bổ sung hồ sơ vay vốn ngân hàng", "Để làm thủ tục mua bán nhà đất",
	"Để bổ sung hồ sơ xin việc", "Để làm thủ tục xuất khẩu lao động", "Để làm hồ sơ du học",
}

// addConfirmations issues marital status certificates: to one spouse of
// about half the marriages of the last two years, a few weeks before the
// wedding, and to about 2 % of other adults for other purposes.
func (w *world) addConfirmations(r *rng, cv *civil) {
	from := w.asOf - 730
	for _, m := range w.marriages {
		if m.on < from+60 || !r.chance(0.5) {
			continue
		}
		who := m.wife
		if r.chance(0.5) {
			who = m.husband
		}
		on := m.on - day(r.between(10, 60))
		w.addConfirmation(cv, who, on, "Để đăng ký kết hôn")
	}
	for i := range w.people {
		p := &w.people[i]
		if !p.alive || ageOn(p.born, w.asOf) < 20 || !r.chance(0.02) {
			continue
		}
		w.addConfirmation(cv, int32(i), from+day(r.IntN(730)), pick(r, confirmationPurposes))
	}
}

func (w *world) addConfirmation(cv *civil, i int32, on day, purpose string) {
	cv.regs = append(cv.regs, registration{
		kind: "marital_status_confirmation", commune: w.communeCode(w.people[i].commune),
		on: on, related: -1,
		details: &registrationDetails{stated: w.maritalOn(i, on).String(), purpose: purpose},
		parties: []party{w.party(i, "subject")},
	})
	cv.confirmations = append(cv.confirmations, len(cv.regs)-1)
}

// maritalOn returns the marital status of person i on day d, from the
// registered marriages, divorces and deaths.
func (w *world) maritalOn(i int32, d day) maritalStatus {
	status := single
	var last day
	found := false
	for _, m := range w.marriagesOf[i] {
		mar := &w.marriages[m]
		if mar.on > d || found && mar.on < last {
			continue
		}
		found, last = true, mar.on
		spouse := mar.wife
		if spouse == i {
			spouse = mar.husband
		}
		s := &w.people[spouse]
		switch {
		case mar.divorced && mar.decision <= d:
			status = divorced
		case !s.alive && s.died <= d:
			status = widowed
		default:
			status = married
		}
	}
	return status
}

// indexMarriages fills marriagesOf and sets each person's marital status
// on AsOf.
func (w *world) indexMarriages() {
	w.marriagesOf = make(map[int32][]int, len(w.marriages)*2)
	for m, mar := range w.marriages {
		w.marriagesOf[mar.husband] = append(w.marriagesOf[mar.husband], m)
		w.marriagesOf[mar.wife] = append(w.marriagesOf[mar.wife], m)
	}
	for i := range w.people {
		p := &w.people[i]
		at := w.asOf
		if !p.alive {
			at = p.died
		}
		p.marital = w.maritalOn(int32(i), at)
	}
}

// numberRegistrations gives registrations ids in the order they were made,
// and numbers the entries of each book: one book per office, kind and year.
// Ids and numbers continue from those that lg has issued.
func numberRegistrations(cv *civil, lg *ledger) {
	order := make([]int, len(cv.regs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := &cv.regs[a], &cv.regs[b]
		return cmp.Or(cmp.Compare(ra.on, rb.on), cmp.Compare(kindOrder[ra.kind], kindOrder[rb.kind]))
	})
	books := map[int]string{} // one string per year, shared by its books
	for n, i := range order {
		reg := &cv.regs[i]
		reg.id = lg.registrations + int64(n+1)
		key := bookKey{reg.commune, reg.kind, reg.on.year()}
		lg.books[key]++
		if books[key.year] == "" {
			books[key.year] = fmt.Sprintf("01/%d", key.year)
		}
		reg.book = books[key.year]
		reg.number = int32(lg.books[key])
	}
	lg.registrations += int64(len(cv.regs))
}
