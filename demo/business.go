package demo

import (
	"fmt"
	"math"
	"strings"
)

type enterprise struct {
	code       string
	name       string
	kind       string
	status     string
	since      day
	registered day
	address    string
	commune    int32
	capital    int64
	rep        string // personal id of the legal representative
	people     []enterprisePerson
	industries []string // VSIC codes, the main one first
}

type enterprisePerson struct {
	citizen string
	role    string
	share   float64 // percent; 0 with noShare for the legal representative row
	noShare bool
}

type businessHousehold struct {
	code       string
	name       string
	owner      string
	commune    int32
	address    string
	line       string
	vsic       string
	capital    int64
	status     string
	registered day
}

// business holds the generated enterprises and household businesses.
type business struct {
	enterprises []enterprise
	households  []businessHousehold
	codes       map[string]bool // enterprise codes of every shard
	names       map[string]bool // enterprise names of every shard
}

var (
	brandFirst  = []string{"Minh", "Hoàng", "Thành", "An", "Phúc", "Hưng", "Tân", "Việt", "Đại", "Thiên", "Kim", "Phú", "Hòa", "Nam", "Sao", "Trường", "Đông", "Hải", "Bảo", "Thuận", "Gia", "Quang", "Ngọc", "Đức", "Vạn"}
	brandSecond = []string{"Phát", "Long", "Đạt", "Phú", "Thịnh", "Tiến", "Hưng", "Lộc", "Ngân", "Quý", "Bình", "Việt", "Mai", "Thành", "Á", "Đăng", "Minh", "Khang", "Nguyên", "Anh", "Tín", "Hải", "Sơn", "Lợi"}
)

// Business-type and status shares in percent are estimates of the register's
// mix: limited liability companies dominate, partnerships are rare.
var enterpriseKinds = []struct {
	kind   string
	share  float64
	prefix string
}{
	{"private", 5, "Doanh nghiệp tư nhân"},
	{"single_member_llc", 40, "Công ty TNHH"},
	{"multi_member_llc", 30, "Công ty TNHH"},
	{"joint_stock", 24.5, "Công ty Cổ phần"},
	{"partnership", 0.5, "Công ty Hợp danh"},
}

var enterpriseStatuses = []struct {
	status string
	share  float64
}{
	{"active", 72}, {"suspended", 8}, {"not_at_address", 5}, {"revoked", 2},
	{"dissolving", 3}, {"bankrupting", 0.5}, {"dissolved", 9.5},
}

// Sections of VSIC 2018 in the partial class list, weighted by how often
// small enterprises choose them as their main line.
var sectionShares = map[string]float64{"A": 8, "B": 2, "C": 25, "D": 1, "E": 2, "F": 22, "G": 40}

var sectionWords = map[string][]string{
	"A": {"Nông nghiệp", "Nông sản", "Nông lâm sản"},
	"B": {"Khoáng sản", "Khai thác Khoáng sản"},
	"C": {"Sản xuất", "Sản xuất và Thương mại", "Công nghiệp"},
	"D": {"Năng lượng", "Điện lực"},
	"E": {"Môi trường", "Xử lý Môi trường"},
	"F": {"Xây dựng", "Đầu tư Xây dựng", "Xây dựng và Thương mại"},
	"G": {"Thương mại", "Thương mại Dịch vụ", "Thương mại và Xuất nhập khẩu", "Kinh doanh Tổng hợp"},
}

var householdLines = []struct {
	short, line, vsic string
	share             float64
	rural             bool
}{
	{"Tạp hóa", "Bán lẻ hàng tạp hóa", "4711", 25, false},
	{"Quán ăn", "Dịch vụ ăn uống (cơm, phở, bún)", "5610", 14, false},
	{"Cà phê", "Dịch vụ phục vụ đồ uống (cà phê, giải khát)", "5630", 12, false},
	{"Sửa xe", "Bảo dưỡng và sửa chữa mô tô, xe máy", "4542", 6, false},
	{"Thực phẩm", "Bán lẻ thực phẩm tươi sống", "4722", 6, false},
	{"Thời trang", "Bán lẻ vải, hàng may mặc", "4751", 5, false},
	{"Vật liệu Xây dựng", "Bán lẻ vật liệu xây dựng, đồ ngũ kim", "4752", 4, false},
	{"Điện thoại", "Bán lẻ điện thoại và phụ kiện", "4741", 3, false},
	{"Gạo", "Bán lẻ gạo và lương thực", "4721", 3, false},
	{"May đo", "May trang phục", "1410", 3, false},
	{"Nước giải khát", "Bán lẻ đồ uống", "4723", 2, false},
	{"Văn phòng phẩm", "Bán lẻ sách, văn phòng phẩm", "4761", 2, false},
	{"Điện máy", "Bán lẻ đồ điện gia dụng", "4759", 2, false},
	{"Phụ tùng Xe máy", "Bán phụ tùng mô tô, xe máy", "4543", 2, false},
	{"Bánh", "Sản xuất bánh các loại", "1071", 2, false},
	{"Mộc", "Sản xuất giường, tủ, bàn, ghế", "3100", 2, false},
	{"Cơ khí", "Gia công cơ khí", "2592", 1, false},
	{"Xăng dầu", "Bán lẻ xăng dầu", "4730", 1, false},
	{"Xay xát", "Xay xát lúa gạo", "1061", 3, true},
	{"Thủy sản", "Nuôi trồng thủy sản nội địa", "0322", 3, true},
	{"Chăn nuôi", "Chăn nuôi lợn", "0145", 3, true},
	{"Rau sạch", "Trồng rau các loại", "0118", 2, true},
}

// adultPool lists living adults by province, for representatives, owners
// and applicants.
func (w *world) adultPool(minAge, maxAge int) [][]int32 {
	pool := make([][]int32, len(w.ref.provinces))
	for i := range w.people {
		p := &w.people[i]
		if !p.alive || p.household < 0 {
			continue
		}
		if age := ageOn(p.born, w.asOf); age < minAge || age > maxAge {
			continue
		}
		prov := w.ref.communes[p.commune].province
		pool[prov] = append(pool[prov], int32(i))
	}
	return pool
}

func (w *world) generateBusiness(r *rng, showcase int32) *business {
	bz := &business{codes: w.ledger.enterpriseCodes, names: w.ledger.enterpriseNames}
	w.adults = w.adultPool(25, 68)
	pool := w.adults

	var provinces weighted[int32]
	for i, p := range w.ref.provinces {
		if len(pool[i]) == 0 {
			continue
		}
		weight := p.weight
		if p.urban {
			weight *= 3
		}
		provinces.add(int32(i), weight)
	}
	n := max(1, w.opts.Citizens/100)
	for k := range n {
		var rep int32
		if k == 0 && showcase != noone {
			rep = showcase
		} else {
			rep = pick(r, pool[provinces.pick(r)])
		}
		bz.enterprises = append(bz.enterprises, w.newEnterprise(r, bz, rep))
	}

	owners := map[int32]bool{}
	if showcase != noone {
		owners[showcase] = true
		bz.households = append(bz.households, w.newBusinessHousehold(r, showcase))
	}
	// About five household businesses per hundred adults (18 or older).
	adults := 0
	for i := range w.people {
		if w.people[i].alive && ageOn(w.people[i].born, w.asOf) >= 18 {
			adults++
		}
	}
	for tries := 0; len(bz.households) < adults/20 && tries < adults; tries++ {
		prov := w.provinceDist.pick(r)
		if len(pool[prov]) == 0 {
			continue
		}
		o := pick(r, pool[prov])
		if owners[o] {
			continue
		}
		owners[o] = true
		bz.households = append(bz.households, w.newBusinessHousehold(r, o))
	}
	return bz
}

// taxCode returns a new enterprise code: the 2-digit tax office prefix of the
// province, seven serial digits and the check digit of the tax code.
func (bz *business) taxCode(r *rng, prefix string) string {
	for {
		body := fmt.Sprintf("%s%07d", prefix, r.IntN(10_000_000))
		check, ok := taxCheckDigit(body)
		if !ok {
			continue
		}
		code := body + string(rune('0'+check))
		if !bz.codes[code] {
			bz.codes[code] = true
			return code
		}
	}
}

// taxCheckDigit returns the tenth digit of a tax code whose first nine digits
// are body: 10 - (sum of digit*weight mod 11), with weights 31, 29, 23, 19,
// 17, 13, 7, 5, 3. Bodies that would need a check digit of 10 are never
// issued, so ok is false for them.
func taxCheckDigit(body string) (int, bool) {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	sum := 0
	for i, c := range body[:9] {
		sum += int(c-'0') * weights[i]
	}
	check := 10 - sum%11
	return check, check < 10
}

func (w *world) newEnterprise(r *rng, bz *business, rep int32) enterprise {
	p := &w.people[rep]
	prov := w.ref.communes[p.commune].province
	c := p.commune
	if r.chance(0.6) {
		c = w.anyCommune[prov].pick(r)
	}

	var kinds weighted[int]
	for i, k := range enterpriseKinds {
		kinds.add(i, k.share)
	}
	kind := enterpriseKinds[kinds.pick(r)]

	// Registration dates lean towards recent years, as the register grows,
	// and fall in the last 25 years and after the representative turned 20.
	lean := math.Pow(r.Float64(), 1.6)
	first := max(p.born.addYears(20), w.asOf-25*365)
	registered := w.asOf - 1
	if first < registered {
		registered -= day(lean * float64(registered-first))
	}

	var statuses weighted[string]
	for _, s := range enterpriseStatuses {
		statuses.add(s.status, s.share)
	}
	status := statuses.pick(r)
	since := registered
	if status != "active" && w.asOf-registered > 60 {
		since = registered + 30 + day(r.IntN(int(w.asOf-registered-30)))
	}

	var sections weighted[string]
	for _, s := range sortedKeys(sectionShares) {
		sections.add(s, sectionShares[s])
	}
	section := sections.pick(r)
	main := w.ref.vsic[pick(r, w.ref.vsicBySec[section])]
	industries := []string{main.code}
	for range r.between(0, 7) {
		sec := section
		if r.chance(0.4) {
			sec = "G"
		}
		code := w.ref.vsic[pick(r, w.ref.vsicBySec[sec])].code
		if !contains(industries, code) {
			industries = append(industries, code)
		}
	}

	capital := math.Exp(r.normal(math.Log(2e9), 1.1))
	if kind.kind == "joint_stock" {
		capital *= 3
	}
	e := enterprise{
		code:       bz.taxCode(r, w.taxPrefix(r, prov, registered)),
		name:       bz.enterpriseName(r, kind.prefix, kind.kind, section, w.ref.provinces[prov].name),
		kind:       kind.kind,
		status:     status,
		since:      since,
		registered: registered,
		address:    w.officeAddress(r, c, section),
		commune:    c,
		capital:    max(100_000_000, int64(math.Round(capital/1e8))*100_000_000),
		rep:        p.id,
		industries: industries,
	}
	e.people = w.enterprisePeople(r, kind.kind, rep)
	return e
}

// taxPrefix returns the tax office prefix for an enterprise registered in
// province prov on day on. Before July 2025 it is the prefix of one of the
// old provinces merged into prov. Since then it is the prefix of the old
// province whose code prov kept.
func (w *world) taxPrefix(r *rng, prov int32, on day) string {
	p := &w.ref.provinces[prov]
	if on >= reformDay {
		return w.ref.taxPrefix[p.code]
	}
	return w.ref.taxPrefix[p.old.pick(r)]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// enterpriseName returns a name not yet used by another enterprise, as the
// register requires.
func (bz *business) enterpriseName(r *rng, prefix, kind, section, provinceName string) string {
	if kind == "single_member_llc" && r.chance(0.3) {
		prefix = "Công ty TNHH Một thành viên"
	}
	for attempt := 0; ; attempt++ {
		first, second := pick(r, brandFirst), pick(r, brandSecond)
		if first == second {
			continue
		}
		brand := first + " " + second
		var name string
		if kind == "private" || kind == "partnership" {
			name = prefix + " " + brand
		} else {
			name = prefix + " " + pick(r, sectionWords[section]) + " " + brand
		}
		if attempt >= 5 {
			name += " " + provinceName
		}
		if attempt >= 10 {
			name += fmt.Sprintf(" %d", attempt)
		}
		if !bz.names[name] {
			bz.names[name] = true
			return name
		}
	}
}

func (w *world) officeAddress(r *rng, c int32, section string) string {
	cm := &w.ref.communes[c]
	switch {
	case section == "C" && r.chance(0.4):
		return fmt.Sprintf("Lô %c%d, Khu công nghiệp %s", 'A'+rune(r.IntN(8)), r.between(1, 40), cm.name)
	case cm.kind == "Phường" && r.chance(0.25):
		return fmt.Sprintf("Tầng %d, số %d đường %s", r.between(2, 25), r.between(1, 500), pick(r, streets))
	default:
		return w.addressIn(r, c, "kinh")
	}
}

// enterprisePeople lists the legal representative and the owners, members,
// shareholders or partners the type of enterprise calls for. Co-owners are
// often family members of the representative.
func (w *world) enterprisePeople(r *rng, kind string, rep int32) []enterprisePerson {
	id := w.people[rep].id
	people := []enterprisePerson{{citizen: id, role: "legal_representative", noShare: true}}
	others := w.coOwners(r, rep, 6)
	switch kind {
	case "private":
		people = append(people, enterprisePerson{citizen: id, role: "owner", share: 100})
	case "single_member_llc":
		owner := id
		if r.chance(0.3) && len(others) > 0 {
			owner = w.people[others[0]].id
		}
		people = append(people, enterprisePerson{citizen: owner, role: "owner", share: 100})
	case "multi_member_llc":
		people = append(people, shares(r, "member", id, w.idsOf(others, r.between(1, 4)), 100)...)
	case "joint_stock":
		people = append(people, shares(r, "shareholder", id, w.idsOf(others, r.between(2, 5)), float64(r.between(55, 100)))...)
	case "partnership":
		people = append(people, shares(r, "partner", id, w.idsOf(others, r.between(1, 2)), 100)...)
	}
	return people
}

func (w *world) idsOf(people []int32, n int) []string {
	var out []string
	for _, p := range people[:min(n, len(people))] {
		out = append(out, w.people[p].id)
	}
	return out
}

// coOwners returns up to n adults who could own part of rep's enterprise:
// adults of rep's household first, then adults of the same province.
func (w *world) coOwners(r *rng, rep int32, n int) []int32 {
	var out []int32
	p := &w.people[rep]
	if p.household >= 0 {
		for _, m := range w.households[p.household].members {
			if m != rep && ageOn(w.people[m].born, w.asOf) >= 20 && w.people[m].alive {
				out = append(out, m)
			}
		}
	}
	pool := w.adults[w.ref.communes[p.commune].province]
	for tries := 0; len(out) < n && tries < 3*n; tries++ {
		o := pick(r, pool)
		if o != rep && !slicesContains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

func slicesContains(list []int32, x int32) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// shares splits total percent among the representative and others, rounded
// to 0.5 %, the representative holding the largest part.
func shares(r *rng, role, rep string, others []string, total float64) []enterprisePerson {
	ids := append([]string{rep}, others...)
	weights := make([]float64, len(ids))
	sum := 0.0
	for i := range ids {
		weights[i] = 1 + r.Float64()
		if i == 0 {
			weights[i] += 1.5
		}
		sum += weights[i]
	}
	var out []enterprisePerson
	left := total
	for i, id := range ids {
		share := math.Round(weights[i]/sum*total*2) / 2
		if i == len(ids)-1 {
			share = math.Round(left*2) / 2
		}
		left -= share
		out = append(out, enterprisePerson{citizen: id, role: role, share: share})
	}
	return out
}

func (w *world) newBusinessHousehold(r *rng, owner int32) businessHousehold {
	p := &w.people[owner]
	c := p.commune
	address := p.address
	if r.chance(0.3) {
		c = w.anyCommune[w.ref.communes[c].province].pick(r)
		address = w.addressIn(r, c, w.ethnicStyle(p.ethnic))
	}
	rural := w.ref.communes[c].kind != "Phường"
	var lines weighted[int]
	for i, l := range householdLines {
		share := l.share
		if l.rural && rural {
			share *= 3
		} else if l.rural {
			share *= 0.2
		}
		lines.add(i, share)
	}
	line := householdLines[lines.pick(r)]

	var status string
	switch x := r.Float64(); {
	case x < 0.85:
		status = "active"
	case x < 0.91:
		status = "suspended"
	default:
		status = "terminated"
	}
	lo := max(p.born.addYears(20), date(2005, 1, 1))
	registered := w.asOf - 1
	if lo < w.asOf-1 {
		registered = lo + day(math.Pow(r.Float64(), 0.7)*float64(w.asOf-1-lo))
	}
	capital := math.Exp(r.normal(math.Log(1.5e8), 0.9))
	return businessHousehold{
		code:       p.id,
		name:       "Hộ kinh doanh " + line.short + " " + shortName(p.name),
		owner:      p.id,
		commune:    c,
		address:    address,
		line:       line.line,
		vsic:       line.vsic,
		capital:    max(10_000_000, int64(math.Round(capital/1e7))*10_000_000),
		status:     status,
		registered: registered,
	}
}

// shortName returns the last two words of a full name, as shop signs use it
// ("Thu Hằng" for Nguyễn Thị Thu Hằng), without a leading Văn or Thị
// ("Hùng" for Trần Văn Hùng).
func shortName(full string) string {
	words := strings.Fields(full)
	if len(words) <= 2 {
		return words[len(words)-1]
	}
	if words[len(words)-2] == "Thị" || words[len(words)-2] == "Văn" {
		return words[len(words)-1]
	}
	return strings.Join(words[len(words)-2:], " ")
}
