package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Procedures whose dossiers follow a registration or a household business
// of the data set.
const (
	procBirth            = "1.001193" // Đăng ký khai sinh
	procBirthCombined    = "2.000986" // khai sinh, thường trú and health insurance together
	procMarriage         = "1.000894" // Đăng ký kết hôn
	procDeath            = "1.000656" // Đăng ký khai tử
	procRecognition      = "1.001022" // Đăng ký nhận cha, mẹ, con
	procGuardianship     = "1.004837" // Đăng ký giám hộ
	procCorrection       = "1.004859" // Thay đổi, cải chính, bổ sung thông tin hộ tịch
	procConfirmation     = "1.004873" // Cấp Giấy xác nhận tình trạng hôn nhân
	procTemporary        = "1.004194" // Đăng ký tạm trú
	procHouseholdNew     = "1.001612" // Đăng ký thành lập hộ kinh doanh
	procHouseholdChange  = "2.000720" // Đăng ký thay đổi nội dung đăng ký hộ kinh doanh
	procHouseholdSuspend = "1.001570" // Tạm ngừng kinh doanh của hộ kinh doanh
	procHouseholdEnd     = "1.001266" // Chấm dứt hoạt động hộ kinh doanh
)

// dossierSectors are the fields whose dossiers communes and provinces
// receive from citizens in large numbers.
var dossierSectors = map[string]bool{
	"Hộ tịch": true, "Chứng thực": true, "Đăng ký, quản lý cư trú": true, "Đất đai": true,
	"Cấp, quản lý căn cước": true, "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)": true,
}

// Civil-status procedures that random dossiers may use: the others create a
// registration and only follow one.
var randomCivilStatus = map[string]bool{"2.000635": true, "2.002516": true}

func handlesDossiers(c catalogueRow) bool {
	return dossierSectors[c.sector] && len(c.channels) > 0 &&
		(strings.Contains(c.levels, "commune") || strings.Contains(c.levels, "province"))
}

type dossier struct {
	code      string
	procedure *procedure
	person    int32 // applicant index
	applicant string
	name      string
	commune   int32
	// communeCode overrides the receiving commune's code, for planted drift.
	communeCode string
	unit        string
	channel     string
	status      string
	received    time.Time
	due         time.Time
	completed   time.Time
	returned    time.Time
	events      []dossierEvent
	open        bool // kept open on AsOf, for the showcase
}

type dossierEvent struct {
	status string
	at     time.Time
	note   string
}

type dossiers struct {
	list     []dossier
	showcase int // index of the showcase dossier, or -1
	byCode   map[string]*procedure
	random   weighted[*procedure]
}

func (w *world) newDossiers(procs []procedure) *dossiers {
	ds := &dossiers{showcase: -1, byCode: map[string]*procedure{}}
	for i := range procs {
		p := &procs[i]
		ds.byCode[p.code] = p
	}
	for i := range w.ref.catalogue {
		c := &w.ref.catalogue[i]
		p := &procs[i]
		if !handlesDossiers(*c) || p.status == "abolished" {
			continue
		}
		if c.sector == "Hộ tịch" && !randomCivilStatus[c.code] || strings.Contains(c.sector, "hộ kinh doanh") || c.code == procTemporary {
			continue
		}
		// Portal popularity spans seven orders of magnitude; the square root
		// keeps rare procedures visible.
		ds.random.add(p, math.Sqrt(max(p.weight, 100)))
	}
	return ds
}

// generateDossiers creates about one dossier per two citizens over the two
// years before AsOf: first those that follow a registration, a temporary
// residence or a household business, then random ones.
func (w *world) generateDossiers(r *rng, procs []procedure, cv *civil, bz *business, showcase int32) (*dossiers, error) {
	ds := w.newDossiers(procs)
	for _, code := range []string{procBirth, procBirthCombined, procMarriage, procDeath, procRecognition, procGuardianship,
		procCorrection, procConfirmation, procTemporary, procHouseholdNew, procHouseholdChange, procHouseholdSuspend, procHouseholdEnd} {
		if ds.byCode[code] == nil {
			return nil, fmt.Errorf("procedure %s is missing from the catalogue", code)
		}
	}
	from := w.asOf - 730
	w.registrationDossiers(r, ds, cv, from)
	for _, t := range w.temporaries {
		if t.since >= from && w.people[t.person].alive {
			w.linkedDossier(r, ds, ds.byCode[procTemporary], t.person, t.commune, t.since)
		}
	}
	w.businessDossiers(r, ds, bz, from)

	applicants := w.applicants()
	target := w.opts.Citizens / 2
	for len(ds.list) < target {
		w.randomDossier(r, ds, pick(r, applicants), from)
	}
	if showcase != noone {
		w.showcaseDossiers(r, ds, showcase)
	}
	return ds, nil
}

func (w *world) registrationDossiers(r *rng, ds *dossiers, cv *civil, from day) {
	for i := range cv.regs {
		reg := &cv.regs[i]
		if reg.on < from {
			continue
		}
		var code string
		var applicant int32 = noone
		switch reg.kind {
		case "birth":
			code = procBirth
			if r.chance(0.3) {
				code = procBirthCombined
			}
			applicant = w.parentApplicant(reg)
		case "marriage":
			code = procMarriage
			applicant = w.byID[reg.parties[r.IntN(2)].citizen]
		case "death":
			code = procDeath
			applicant = w.relativeOf(w.byID[reg.parties[0].citizen])
		case "recognition":
			code, applicant = procRecognition, w.byID[reg.parties[0].citizen]
		case "guardianship":
			code, applicant = procGuardianship, w.byID[reg.parties[0].citizen]
		case "correction":
			code, applicant = procCorrection, w.byID[reg.parties[0].citizen]
			if ageOn(w.people[applicant].born, reg.on) < 18 {
				applicant = w.parentApplicant(&cv.regs[cv.birthReg[applicant]])
			}
		case "marital_status_confirmation":
			code, applicant = procConfirmation, w.byID[reg.parties[0].citizen]
		default:
			continue
		}
		if applicant == noone || !w.people[applicant].alive || ageOn(w.people[applicant].born, reg.on) < 18 {
			continue
		}
		w.linkedDossier(r, ds, ds.byCode[code], applicant, w.ref.communeIdx[reg.commune], reg.on)
	}
}

// parentApplicant returns the mother or father named on a birth
// registration, or the head of the child's household.
func (w *world) parentApplicant(reg *registration) int32 {
	for _, role := range []string{"mother", "father"} {
		for _, p := range reg.parties {
			if p.role == role {
				if i := w.byID[p.citizen]; w.people[i].alive {
					return i
				}
			}
		}
	}
	child := &w.people[w.byID[reg.parties[0].citizen]]
	if child.household >= 0 {
		return w.households[child.household].head
	}
	return noone
}

// relativeOf returns who declares a death: the head of the household the
// deceased lived in, or a surviving spouse.
func (w *world) relativeOf(dead int32) int32 {
	for _, m := range w.marriagesOf[dead] {
		mar := &w.marriages[m]
		spouse := mar.wife
		if spouse == dead {
			spouse = mar.husband
		}
		if !mar.divorced && w.people[spouse].alive {
			if h := w.people[spouse].household; h >= 0 {
				return w.households[h].head
			}
			return spouse
		}
	}
	return noone
}

func (w *world) businessDossiers(r *rng, ds *dossiers, bz *business, from day) {
	for i := range bz.households {
		bh := &bz.households[i]
		owner := w.byID[bh.owner]
		if bh.registered >= from {
			w.linkedDossier(r, ds, ds.byCode[procHouseholdNew], owner, bh.commune, bh.registered)
		}
		var code string
		switch {
		case bh.status == "terminated":
			code = procHouseholdEnd
		case bh.status == "suspended":
			code = procHouseholdSuspend
		case r.chance(0.15):
			code = procHouseholdChange
		default:
			continue
		}
		on := max(from, bh.registered+30) + day(r.IntN(700))
		if on < w.asOf {
			w.linkedDossier(r, ds, ds.byCode[code], owner, bh.commune, on)
		}
	}
}

// applicants lists living citizens aged 16 or more.
func (w *world) applicants() []int32 {
	var out []int32
	for i := range w.people {
		p := &w.people[i]
		if p.alive && ageOn(p.born, w.asOf) >= 16 {
			out = append(out, int32(i))
		}
	}
	return out
}

// receivingCommune returns where a citizen hands in a dossier: mostly the
// commune of residence, sometimes another commune of the same province.
func (w *world) receivingCommune(r *rng, applicant int32) int32 {
	c := w.people[applicant].commune
	if r.chance(0.15) {
		c = w.anyCommune[w.ref.communes[c].province].pick(r)
	}
	return c
}

func (w *world) randomDossier(r *rng, ds *dossiers, applicant int32, from day) {
	proc := ds.random.pick(r)
	on := from + day(r.IntN(int(w.asOf-from)+1))
	d := w.newDossier(r, proc, applicant, w.receivingCommune(r, applicant))
	w.lifecycle(r, &d, d.receptionTime(r, on), false, 0)
	ds.list = append(ds.list, d)
}

// linkedDossier creates the dossier behind a registration or business
// event dated on: received up to a few working days before and completed
// that day.
func (w *world) linkedDossier(r *rng, ds *dossiers, proc *procedure, applicant int32, c int32, on day) {
	d := w.newDossier(r, proc, applicant, c)
	received := on - day(r.between(0, min(3, int(procDays(proc)))))
	w.lifecycle(r, &d, d.receptionTime(r, received), true, on)
	ds.list = append(ds.list, d)
}

func (w *world) newDossier(r *rng, proc *procedure, applicant int32, c int32) dossier {
	p := &w.people[applicant]
	d := dossier{procedure: proc, person: applicant, applicant: p.id, name: p.name, commune: c}
	cm := &w.ref.communes[c]
	d.unit = cm.unit
	if !strings.Contains(proc.levels, "commune") {
		d.unit = "000.00.00.H" + w.ref.provinces[cm.province].code
	}
	d.channel = pickChannel(r, proc.channels)
	return d
}

func pickChannel(r *rng, channels []string) string {
	online, postal, inPerson := contains(channels, "online"), contains(channels, "postal"), contains(channels, "in_person")
	x := r.Float64()
	switch {
	case online && (x < 0.45 || !inPerson && !postal):
		return "online"
	case postal && (x < 0.5 || !inPerson):
		return "postal"
	default:
		return "in_person"
	}
}

// receptionTime returns when a dossier was received on or after day on:
// online at any hour, otherwise during office hours of a working day.
func (d *dossier) receptionTime(r *rng, on day) time.Time {
	if d.channel == "online" {
		y, m, dd := on.time().Date()
		return time.Date(y, m, dd, r.between(6, 22), r.between(0, 59), r.between(0, 59), 0, vietnam)
	}
	return officeTime(r, nextWorkingDay(on))
}

// procDays returns the processing time of a procedure in working days; 3
// when the catalogue gives none.
func procDays(p *procedure) float64 {
	if p.hasDays {
		return p.days
	}
	return 3
}

var supplementReasons = []string{
	"thiếu bản sao giấy tờ tùy thân", "thiếu tờ khai theo mẫu", "thông tin trong tờ khai chưa khớp với giấy tờ",
	"thiếu giấy tờ chứng minh chỗ ở hợp pháp", "bản chụp giấy tờ không rõ nét",
}

var rejectReasons = []string{
	"hồ sơ không thuộc thẩm quyền giải quyết", "hồ sơ không đủ điều kiện theo quy định",
	"người nộp không bổ sung hồ sơ trong thời hạn",
}

// lifecycle simulates a dossier from reception: an optional request for
// supplements, processing, a result and its return. Results are on time for
// 95.5 % of dossiers, 1-10 working days late for 4 % and 20-60 days late for
// 0.5 %. Only what had happened by the end of AsOf is kept. A linked dossier
// always succeeds and, when completeOn is set, gets its result that day.
func (w *world) lifecycle(r *rng, d *dossier, received time.Time, linked bool, completeOn day) {
	days := procDays(d.procedure)
	d.received = received
	d.due = addWorkingDays(received, days)
	events := []dossierEvent{{"received", received, "Tiếp nhận hồ sơ"}}
	t := received
	end := func() {
		w.closeDossier(d, events)
	}

	if !linked && r.chance(0.015) {
		at := addWorkingDays(t, float64(r.between(0, 1)))
		events = append(events, dossierEvent{"rejected", at, "Từ chối: " + pick(r, rejectReasons)})
		end()
		return
	}
	if r.chance(0.08) {
		at := addWorkingDays(t, float64(r.between(1, 2)))
		events = append(events, dossierEvent{"supplement_requested", at, "Yêu cầu bổ sung: " + pick(r, supplementReasons)})
		if !linked && r.chance(0.15) {
			events = append(events, dossierEvent{"withdrawn", at.Add(time.Duration(r.between(15, 40)) * 24 * time.Hour), "Công dân không bổ sung, rút hồ sơ"})
			end()
			return
		}
		t = officeTime(r, nextWorkingDay(localDay(at)+day(r.between(1, 8))))
		events = append(events, dossierEvent{"received", t, "Tiếp nhận hồ sơ đã bổ sung"})
		d.due = addWorkingDays(t, days)
	}

	wait := r.between(10, 120)
	if days < 1 {
		wait = r.between(2, 15) // procedures measured in hours
	}
	processing := t.Add(time.Duration(wait) * time.Minute)
	events = append(events, dossierEvent{"processing", processing, "Chuyển phòng chuyên môn xử lý"})
	if d.open {
		end()
		return
	}
	if !linked && r.chance(0.01) {
		events = append(events, dossierEvent{"withdrawn", addWorkingDays(processing, float64(r.between(1, 3))), "Công dân rút hồ sơ"})
		end()
		return
	}

	var done time.Time
	note := "Đã có kết quả"
	switch x := r.Float64(); {
	case completeOn != 0:
		done = officeTime(r, nextWorkingDay(completeOn))
		if done.After(d.due) {
			done = d.due
		}
		done = later(done, processing.Add(30*time.Minute))
	case x < 0.955:
		done = addWorkingDays(processing, r.Float64()*days)
		if done.After(d.due) {
			done = d.due
		}
		if !done.After(processing) {
			done = processing.Add(time.Duration(r.between(5, 30)) * time.Minute)
		}
	case x < 0.995:
		done = addWorkingDays(d.due, float64(r.between(1, 10)))
	default:
		done = addWorkingDays(d.due, float64(r.between(20, 60)))
	}
	if done.After(d.due) {
		note = "Đã có kết quả; trễ hạn, đã gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả"
	}
	events = append(events, dossierEvent{"result_ready", done, note})

	// Results are returned by the appointment (the due time) unless they
	// came late; online results go out within two hours.
	var returned time.Time
	switch d.channel {
	case "online":
		returned = done.Add(time.Duration(r.between(5, 120)) * time.Minute)
	case "postal":
		returned = addWorkingDays(done, float64(r.between(1, 3)))
	default:
		returned = addWorkingDays(done, float64(r.between(0, 5)))
	}
	if !done.After(d.due) && returned.After(d.due) {
		returned = d.due
		if !done.Before(d.due) {
			returned = done
		}
	}
	if linked || !r.chance(0.03) {
		events = append(events, dossierEvent{"returned", returned, "Đã trả kết quả"})
	}
	end()
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// closeDossier keeps the events that happened by the end of AsOf and sets the
// status and the completion and return times from them.
func (w *world) closeDossier(d *dossier, events []dossierEvent) {
	cutoff := time.Date(w.opts.AsOf.Year(), w.opts.AsOf.Month(), w.opts.AsOf.Day(), 23, 59, 59, 0, vietnam)
	n := 0
	for n < len(events) && !events[n].at.After(cutoff) {
		n++
	}
	if n == 0 {
		// A dossier received after AsOf is moved to AsOf morning.
		events[0].at = time.Date(cutoff.Year(), cutoff.Month(), cutoff.Day(), 8, 0, 0, 0, vietnam)
		d.received = events[0].at
		n = 1
	}
	d.events = events[:n]
	last := d.events[n-1]
	d.status = last.status
	for _, e := range d.events {
		switch e.status {
		case "result_ready", "rejected":
			d.completed = e.at
		case "returned":
			d.returned = e.at
		}
	}
}

// showcaseDossiers gives the showcase citizen three earlier returned
// dossiers and one open dossier received two working days before AsOf at
// the commune where the citizen lives.
func (w *world) showcaseDossiers(r *rng, ds *dossiers, who int32) {
	p := &w.people[who]
	for _, ago := range []int{420, 250, 90} {
		proc := ds.random.pick(r)
		d := w.newDossier(r, proc, who, p.commune)
		on := w.asOf - day(ago)
		w.lifecycle(r, &d, d.receptionTime(r, on), true, on+day(math.Ceil(procDays(proc))))
		ds.list = append(ds.list, d)
	}
	d := w.newDossier(r, ds.byCode[procHouseholdChange], who, p.commune)
	d.channel = "in_person"
	d.open = true
	on := w.asOf - 1
	for on.weekend() {
		on--
	}
	on--
	for on.weekend() {
		on--
	}
	w.lifecycle(r, &d, officeTime(r, on), true, 0)
	ds.showcase = len(ds.list)
	ds.list = append(ds.list, d)
}

// numberDossiers gives every dossier its code: the receiving unit's
// e-identifier, the reception date in Vietnam and a 4-digit sequence that
// restarts every day for every unit and continues from the codes lg has
// issued.
func numberDossiers(ds *dossiers, lg *ledger) {
	order := make([]int, len(ds.list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		da, db := &ds.list[a], &ds.list[b]
		return cmp.Or(strings.Compare(da.unit, db.unit), da.received.Compare(db.received))
	})
	for _, i := range order {
		d := &ds.list[i]
		key := dossierDay{d.unit, localDay(d.received)}
		lg.dossierSeq[key]++
		d.code = fmt.Sprintf("%s-%s-%04d", d.unit, d.received.In(vietnam).Format("060102"), lg.dossierSeq[key])
	}
}
