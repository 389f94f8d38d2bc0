package demo

import (
	"strings"

	"lienthong/vntext"
)

// Family-name shares in percent, from the commonly cited national figures
// (Lê Trung Hoa, "Họ và tên người Việt Nam"). Hoàng/Huỳnh and Vũ/Võ are one
// entry each and split by region in surnameFor. The tail after Lý shares the
// remaining ~10 % and is an estimate.
var kinhSurnames = []struct {
	name  string
	share float64
}{
	{"Nguyễn", 38.4}, {"Trần", 12.1}, {"Lê", 9.5}, {"Phạm", 7.0}, {"Hoàng", 5.1},
	{"Phan", 4.5}, {"Vũ", 3.9}, {"Đặng", 2.1}, {"Bùi", 2.0}, {"Đỗ", 1.4},
	{"Hồ", 1.3}, {"Ngô", 1.3}, {"Dương", 1.0}, {"Lý", 0.5},
	{"Trương", 0.9}, {"Đinh", 0.8}, {"Đào", 0.6}, {"Đoàn", 0.6}, {"Lương", 0.5},
	{"Trịnh", 0.5}, {"Lâm", 0.5}, {"Mai", 0.5}, {"Cao", 0.5}, {"Hà", 0.5},
	{"Tô", 0.3}, {"Tạ", 0.3}, {"Châu", 0.3}, {"Thái", 0.3}, {"Lưu", 0.3},
	{"Chu", 0.3}, {"Phùng", 0.3}, {"Quách", 0.2}, {"Kiều", 0.2}, {"Tăng", 0.2},
	{"La", 0.2}, {"Triệu", 0.2}, {"Vương", 0.2}, {"Giang", 0.2}, {"Khúc", 0.1},
	{"Thân", 0.1}, {"Lục", 0.1}, {"Nghiêm", 0.1}, {"Tôn", 0.1}, {"Hứa", 0.1},
	{"Mạc", 0.1}, {"Doãn", 0.1}, {"Ninh", 0.1}, {"Kim", 0.1}, {"Văn", 0.1},
}

// Given names in rough order of frequency. The modern lists lead with the
// most frequent names of people born since the 1990s, the traditional lists
// with those of older generations.
var (
	maleGivenModern = []string{
		"Huy", "Anh", "Khang", "Bảo", "Minh", "Phúc", "Khôi", "Nam", "Duy", "Long",
		"Đạt", "Khoa", "Quân", "Hiếu", "Tuấn", "Hoàng", "Nhân", "Thịnh", "Vinh", "Thành",
		"Trung", "Tài", "Tâm", "Lộc", "Kiệt", "Phát", "Hải", "Sơn", "Đức", "Dũng",
		"Cường", "Quang", "Toàn", "Thắng", "Tú", "Việt", "Hưng", "Nguyên", "Vũ", "An",
		"Khánh", "Tiến", "Lâm", "Nhật", "Thiện", "Tín", "Trí", "Tùng", "Hậu", "Phong",
	}
	maleGivenTraditional = []string{
		"Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Sơn", "Thắng", "Hòa", "Bình", "Thanh",
		"Quang", "Long", "Cường", "Đức", "Nam", "Trung", "Hưng", "Phong", "Toàn", "Tùng",
		"Lâm", "Thành", "Vinh", "Hiếu", "Chiến", "Hoàng", "Khánh", "Lợi", "Phúc", "Tâm",
		"Tài", "Tân", "Thái", "Thịnh", "Tiến", "Tú", "Việt", "Hậu", "Nghĩa", "Quý",
		"Sáng", "Thuận", "Trường", "Vượng", "Mạnh", "Kiên", "Hào", "Công", "Lực", "Định",
	}
	femaleGivenModern = []string{
		"Anh", "Vy", "Ngọc", "Nhi", "Hân", "Thư", "Linh", "Như", "Ngân", "Phương",
		"Thảo", "My", "Trân", "Quỳnh", "Trang", "Hương", "Hà", "Uyên", "Yến", "Châu",
		"Nhung", "Tiên", "Giang", "Chi", "Mai", "Hằng", "Vân", "Huyền", "Thủy", "Diệp",
		"Khánh", "Hiền", "Duyên", "Hoa", "Ly", "Nga", "Thu", "Trâm", "Tâm", "Lan", "An",
	}
	femaleGivenTraditional = []string{
		"Hương", "Lan", "Hoa", "Hằng", "Thủy", "Hà", "Mai", "Nga", "Hồng", "Dung",
		"Liên", "Loan", "Phượng", "Thảo", "Trang", "Huyền", "Nhung", "Hạnh", "Thu", "Xuân",
		"Yến", "Tuyết", "Vân", "Hiền", "Oanh", "Lụa", "Tâm", "Thúy", "Nguyệt", "Bích",
		"Cúc", "Đào", "Sen", "Nhàn", "Thanh", "Phương", "Linh", "Ngọc", "Quyên", "Huệ",
	}
	maleMiddle = []string{
		"Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Hoàng", "Quốc", "Gia", "Ngọc",
		"Xuân", "Tuấn", "Trọng", "Duy", "Thành", "Tiến", "Nhật", "Anh", "Bảo", "Đình",
		"Mạnh", "Trung", "Việt", "Huy",
	}
	femaleMiddle = []string{
		"Ngọc", "Thu", "Thanh", "Kim", "Phương", "Mai", "Thùy", "Hồng", "Bảo", "Khánh",
		"Minh", "Hoài", "Diệu", "Yến", "Quỳnh", "Như", "Cẩm", "Tường", "Gia", "Thảo", "Uyên",
	}
	maleSecondMiddle   = []string{"Minh", "Gia", "Hoàng", "Quốc", "Anh", "Đức", "Tuấn", "Thành", "Nhật", "Bảo", "Duy", "Trọng"}
	femaleSecondMiddle = []string{"Thu", "Ngọc", "Thanh", "Minh", "Bảo", "Phương", "Mai", "Kim", "Hồng", "Khánh", "Thảo", "Tường", "Hoài", "Diệu", "Quỳnh"}
)

// nameStyle describes how one ethnic group builds a name. Groups without a
// style of their own use Vietnamese-style names with their own family names.
type nameStyle struct {
	surnames      weighted[string]
	maleMiddle    []string
	femaleMiddle  []string
	maleGiven     []string
	femaleGiven   []string
	pattern       string // "kinh" | "ede" | "jrai"
	matrilineal   bool   // the child takes the mother's clan name
	kinhGivenTail bool   // given names come from the Kinh lists
}

func surnameList(names ...string) weighted[string] { return zipf(names, 0.8) }

var nameStyles = map[string]*nameStyle{
	"northern": {
		surnames:     surnameList("Nông", "Hoàng", "Bế", "Ma", "Lương", "Đàm", "Lục", "Triệu", "Vi", "Lăng", "Hà", "La", "Nguyễn", "Hứa", "Lý", "Mông"),
		maleMiddle:   []string{"Văn", "Văn", "Văn", "Đức", "Minh"},
		femaleMiddle: []string{"Thị", "Thị", "Thị", "Thu"},
		pattern:      "kinh", kinhGivenTail: true,
	},
	"thai": {
		surnames:     surnameList("Lò", "Lường", "Quàng", "Cầm", "Vi", "Hà", "Lê", "Tòng", "Điêu", "Lữ", "Lộc", "Vì"),
		maleMiddle:   []string{"Văn", "Văn", "Văn", "Thanh"},
		femaleMiddle: []string{"Thị", "Thị", "Thị", "Thu"},
		pattern:      "kinh", kinhGivenTail: true,
	},
	"mong": {
		surnames:     surnameList("Giàng", "Sùng", "Thào", "Vàng", "Lù", "Ly", "Hầu", "Mùa", "Lầu", "Cứ", "Hạng", "Chang", "Vừ"),
		maleMiddle:   []string{"A", "Seo", "Văn", "A"},
		femaleMiddle: []string{"Thị", "Thị", "Thị"},
		maleGiven:    []string{"Páo", "Chứ", "Sính", "Dế", "Chính", "Của", "Lử", "Pó", "Tủa", "Mua", "Sử", "Phừ", "Chồ", "Dình"},
		femaleGiven:  []string{"Mai", "Dợ", "Pàng", "Súa", "Máy", "Dí", "Chở", "Mỷ", "Xua", "Dua", "Sua", "Mỉ"},
		pattern:      "kinh",
	},
	"dao": {
		surnames:     surnameList("Triệu", "Bàn", "Đặng", "Lý", "Phàn", "Chảo", "Tẩn", "Lò"),
		maleMiddle:   []string{"Văn", "Tiến", "Kim", "Văn"},
		femaleMiddle: []string{"Thị", "Thị", "Mùi"},
		maleGiven:    []string{"Phin", "Quẩy", "Sinh", "Chòi", "Lở", "Vảng", "Tòn", "Sơn", "Hải", "Quang"},
		femaleGiven:  []string{"Mây", "Chài", "Mẩy", "Xuân", "Sì", "Nhất", "Dung", "Hoa"},
		pattern:      "kinh",
	},
	"muong": {
		surnames:     surnameList("Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch", "Cao", "Nguyễn"),
		maleMiddle:   []string{"Văn", "Văn", "Đức", "Xuân"},
		femaleMiddle: []string{"Thị", "Thị", "Thu"},
		pattern:      "kinh", kinhGivenTail: true,
	},
	"hoa": {
		surnames:     surnameList("Lâm", "Trương", "Lý", "Quách", "Hứa", "Châu", "Diệp", "Mạc", "Lưu", "Tạ", "Huỳnh", "Trần", "Dương", "Tăng", "La", "Vương", "Mã"),
		maleMiddle:   []string{"Gia", "Quốc", "Minh", "Văn", "Vĩnh", "Kiến"},
		femaleMiddle: []string{"Ngọc", "Mỹ", "Tú", "Thị", "Huệ", "Bảo"},
		pattern:      "kinh", kinhGivenTail: true,
	},
	"khmer": {
		surnames:     surnameList("Thạch", "Danh", "Sơn", "Kim", "Lâm", "Chau", "Lý", "Trịnh"),
		maleMiddle:   []string{""},
		femaleMiddle: []string{"Thị"},
		maleGiven:    []string{"Sa Rươn", "Sóc Khơ", "Chanh Đa", "Rết", "Mít", "Sang", "Phát", "Sa Vin", "Ty", "Ngọc Thạnh", "Sô Phal", "Chăn Thu"},
		femaleGiven:  []string{"Sà Ry", "Sô Phia", "Srây", "Thu Ra", "Mum", "Sóc Kha", "Chanh Thy", "Sa Ly", "Đa Ni", "Ry Na", "Sa Rinh"},
		pattern:      "kinh",
	},
	"cham": {
		surnames:     surnameList("Thành", "Đàng", "Quảng", "Lộ", "Châu", "Thiên", "Phú", "Bá", "Trà", "Hán"),
		maleMiddle:   []string{"Văn", "Năng", "Đại", "Minh", "Quang"},
		femaleMiddle: []string{"Thị", "Thị"},
		pattern:      "kinh", kinhGivenTail: true,
	},
	"ede": {
		surnames:    surnameList("Niê", "Êban", "Mlô", "Byă", "Adrơng", "Ktla", "Hwing", "Knul", "Ayŭn", "Kbuôr", "Hdơk"),
		maleGiven:   []string{"Bhin", "Ngông", "Sươn", "Blô", "Khoa", "Dhăm", "Thuột", "Nguyên", "Kông", "Hai", "Đun", "Jôn"},
		femaleGiven: []string{"Hen", "Nga", "Mai", "Bia", "Yơn", "Lan", "Nương", "Dim", "Xuân", "Hoa", "Ni", "Ruốt"},
		pattern:     "ede", matrilineal: true,
	},
	"jrai": {
		surnames:    surnameList("Ksor", "Rơ Mah", "Siu", "Rơ Lan", "Kpă", "Nay", "Puih", "Rahlan"),
		maleGiven:   []string{"Phước", "Hli", "Thu", "Tơng", "Blơi", "Đinh", "Yuh", "Hiu", "Jú", "Lốp"},
		femaleGiven: []string{"Ngọc", "Blơ", "Mai", "Hyuh", "Nhung", "Lan", "Jen", "Blan", "Djuăn"},
		pattern:     "jrai", matrilineal: true,
	},
	"highland": {
		surnames:     surnameList("Đinh", "Hồ", "A Lăng", "Bhling", "Ra Lan", "Pi Năng", "Chamaléa", "Kơ Sor", "Phạm", "Điểu", "Ka", "Mấu", "Katơr"),
		maleMiddle:   []string{"Văn", "Văn", ""},
		femaleMiddle: []string{"Thị", "Thị", ""},
		maleGiven:    []string{"Sóc", "Thút", "Blong", "Brếu", "Pẩu", "Hoa", "Đưa", "Nhớ", "Bríu", "Kêu", "Plơi", "Ting"},
		femaleGiven:  []string{"Khuyên", "Nhiên", "Blúp", "Hiền", "Lan", "Xuân", "Đơn", "Thuy", "Mai", "Ngân"},
		pattern:      "kinh",
	},
}

// regionalSplit is the share of Hoàng among Hoàng/Huỳnh, and of Vũ among
// Vũ/Võ, per region.
var regionalSplit = map[region]float64{north: 0.95, central: 0.5, south: 0.15}

// names generates people's names.
type names struct {
	north, central, south                     weighted[string]
	maleModern, maleOld, femaleModern, femOld weighted[string]
	maleMiddle, femaleMiddle                  weighted[string]
}

func newNames() *names {
	n := &names{
		maleModern:   zipf(maleGivenModern, 0.9),
		maleOld:      zipf(maleGivenTraditional, 0.9),
		femaleModern: zipf(femaleGivenModern, 0.9),
		femOld:       zipf(femaleGivenTraditional, 0.9),
		maleMiddle:   zipf(maleMiddle, 0.7),
		femaleMiddle: zipf(femaleMiddle, 0.7),
	}
	for _, s := range kinhSurnames {
		for _, reg := range []region{north, central, south} {
			share := s.share
			switch {
			case s.name == "Trần" && reg == north:
				share *= 0.85
			case s.name == "Phan" && reg == north:
				share *= 0.6
			case s.name == "Phan" && reg == south:
				share *= 1.2
			}
			// Hoàng and Vũ dominate in the north; Huỳnh and Võ in the south.
			split := regionalSplit[reg]
			w := n.regionSurnames(reg)
			switch s.name {
			case "Hoàng":
				w.add("Hoàng", share*split)
				w.add("Huỳnh", share*(1-split))
			case "Vũ":
				w.add("Vũ", share*split)
				w.add("Võ", share*(1-split))
			default:
				w.add(s.name, share)
			}
		}
	}
	return n
}

func (n *names) regionSurnames(reg region) *weighted[string] {
	switch reg {
	case north:
		return &n.north
	case central:
		return &n.central
	default:
		return &n.south
	}
}

// surname returns a family name (a clan name for matrilineal groups) for a
// person of the given ethnic style in region reg.
func (n *names) surname(r *rng, style string, reg region) string {
	if s, ok := nameStyles[style]; ok {
		return s.surnames.pick(r)
	}
	return n.regionSurnames(reg).pick(r)
}

// full returns a full name built around family, in NFC. modern selects the
// naming habits of people born since 1985.
func (n *names) full(r *rng, style string, family string, female, modern bool, reg region, motherFamily string) string {
	s, ok := nameStyles[style]
	if !ok || s.pattern == "kinh" && s.kinhGivenTail {
		return vntext.NFC(n.kinhName(r, s, family, female, modern, reg, motherFamily))
	}
	var given string
	if female {
		given = pick(r, s.femaleGiven)
	} else {
		given = pick(r, s.maleGiven)
	}
	switch s.pattern {
	case "ede":
		if female {
			return vntext.NFC("H'" + given + " " + family)
		}
		return vntext.NFC("Y " + given + " " + family)
	case "jrai":
		if female {
			return vntext.NFC(family + " H'" + given)
		}
		return vntext.NFC(family + " " + given)
	}
	middle := pick(r, s.maleMiddle)
	if female {
		middle = pick(r, s.femaleMiddle)
	}
	return vntext.NFC(strings.Join(strings.Fields(family+" "+middle+" "+given), " "))
}

// kinhName builds a Vietnamese-style name. Word-count shares follow a
// 241,012-name sample of people born since about 1990. Women have 2 words in
// 0.2 %, 3 in 34.7 % and 4 in 64.6 % of names, men in 0.9, 72.75 and 26.1 %.
// Older people get more three-word names (an estimate: women 75 %, men 85 %).
func (n *names) kinhName(r *rng, s *nameStyle, family string, female, modern bool, reg region, motherFamily string) string {
	var given string
	switch {
	case female && modern:
		given = n.femaleModern.pick(r)
	case female:
		given = n.femOld.pick(r)
	case modern:
		given = n.maleModern.pick(r)
	default:
		given = n.maleOld.pick(r)
	}

	x := r.Float64()
	words := 3
	switch {
	case female && modern:
		if x < 0.002 {
			words = 2
		} else if x < 0.354 {
			words = 3
		} else {
			words = 4
		}
	case female:
		if x < 0.01 {
			words = 2
		} else if x > 0.76 {
			words = 4
		}
	case modern:
		if x < 0.009 {
			words = 2
		} else if x > 0.7365 {
			words = 4
		}
	default:
		if x < 0.02 {
			words = 2
		} else if x > 0.87 {
			words = 4
		}
	}
	if words == 2 {
		return family + " " + given
	}

	first := n.firstMiddle(r, s, female, modern, reg)
	for first == given {
		first = n.firstMiddle(r, s, female, false, reg)
	}
	if words == 3 {
		return family + " " + first + " " + given
	}

	// Four words: a second middle name, or the mother's family name first.
	if motherFamily != "" && motherFamily != family && r.chance(0.25) {
		second := n.maleMiddle.pick(r)
		if female {
			second = n.femaleMiddle.pick(r)
		}
		if second != given {
			return family + " " + motherFamily + " " + second + " " + given
		}
	}
	second := pick(r, maleSecondMiddle)
	if female {
		second = pick(r, femaleSecondMiddle)
	}
	if second == given || second == first {
		return family + " " + first + " " + given
	}
	return family + " " + first + " " + second + " " + given
}

// firstMiddle returns the first middle name. Văn and Thị are the traditional
// markers of gender; younger and southern people use them far less.
func (n *names) firstMiddle(r *rng, s *nameStyle, female, modern bool, reg region) string {
	if s != nil && len(s.maleMiddle) > 0 {
		if female {
			return pick(r, s.femaleMiddle)
		}
		return pick(r, s.maleMiddle)
	}
	traditional := 0.75
	if modern {
		traditional = 0.2
	}
	if reg == south {
		traditional *= 0.5
	}
	if female {
		if r.chance(traditional + 0.05) {
			return "Thị"
		}
		return n.femaleMiddle.pick(r)
	}
	if r.chance(traditional) {
		return "Văn"
	}
	return n.maleMiddle.pick(r)
}
