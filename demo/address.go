package demo

import (
	"fmt"
)

// Street names common to most Vietnamese cities.
var streets = []string{
	"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt",
	"Quang Trung", "Hùng Vương", "Phan Chu Trinh", "Phan Bội Châu", "Hoàng Diệu",
	"Điện Biên Phủ", "Cách Mạng Tháng Tám", "Nguyễn Huệ", "Lê Duẩn", "Võ Thị Sáu",
	"Trần Phú", "Nguyễn Văn Cừ", "Lạc Long Quân", "Âu Cơ", "Lê Thánh Tông",
	"Nguyễn Du", "Bà Triệu", "Ngô Quyền", "Lê Hồng Phong", "Nguyễn Thị Minh Khai",
	"Trường Chinh", "Phạm Văn Đồng", "Võ Nguyên Giáp", "Tôn Đức Thắng", "Nguyễn Tất Thành",
	"Lý Thái Tổ", "Trần Quang Khải", "Nguyễn Đình Chiểu", "Hoàng Văn Thụ", "Lê Văn Sỹ",
	"Nguyễn Văn Linh", "Kim Đồng", "Chu Văn An", "Yersin", "Pasteur",
}

// Place words for named hamlets in the south and villages in the highlands.
var hamletNames = []string{
	"Bình Phú", "Tân Lập", "Phú Hòa", "An Thạnh", "Long Hưng", "Mỹ Lợi", "Tân Hiệp",
	"Thạnh Lộc", "Hòa Bình", "Phước Thới", "Vĩnh Thuận", "Đông Hòa", "Tây Sơn", "Bình Thạnh",
	"Hưng Thịnh", "Tân Thành", "An Bình", "Phú Mỹ", "Long Thới", "Mỹ Hòa",
}

var highlandVillages = []string{
	"Ea Tu", "Kô Siêr", "Ea Nao", "Ak Ô", "Plei Ốp", "Plei Đôn", "Kon Klor", "Kon Hra Chót",
	"Đăk Rơ Wa", "Ia Băng", "Buôn Đôn", "Ea Kmát", "Đăk Mil", "Tơ Nung",
}

var northernVillages = []string{
	"Nà Phặc", "Bản Phố", "Nậm Cang", "Pà Cò", "Lũng Cú", "Sà Phìn", "Nà Hang", "Bản Vường",
	"Cốc Pài", "Pác Bó", "Nà Lừa", "Tả Van", "Lao Chải", "Mường Hoa",
}

// addressIn returns a street address within commune c, in the style its
// kind, region and the ethnic style of the household call for.
func (w *world) addressIn(r *rng, c int32, style string) string {
	cm := &w.ref.communes[c]
	reg := w.ref.provinces[cm.province].region
	if cm.kind == "Phường" {
		street := pick(r, streets)
		switch x := r.Float64(); {
		case reg == south && x < 0.5:
			return fmt.Sprintf("Số %d/%d, hẻm %d, đường %s", r.between(1, 300), r.between(1, 60), r.between(1, 400), street)
		case reg == south:
			return fmt.Sprintf("Số %d đường %s", r.between(1, 800), street)
		case x < 0.45:
			return fmt.Sprintf("Số %d, ngõ %d, đường %s", r.between(1, 120), r.between(1, 400), street)
		case x < 0.8:
			return fmt.Sprintf("Số %d đường %s", r.between(1, 500), street)
		default:
			return fmt.Sprintf("Tổ dân phố %d", r.between(1, 40))
		}
	}

	switch {
	case style == "ede" || style == "jrai":
		return "Buôn " + pick(r, highlandVillages)
	case style == "highland" && reg == central:
		return "Làng " + pick(r, highlandVillages)
	case style == "thai" || style == "mong" || style == "dao" || (style == "northern" && r.chance(0.5)):
		return "Bản " + pick(r, northernVillages)
	case reg == south && r.chance(0.6):
		return "Ấp " + pick(r, hamletNames)
	case reg == south:
		return fmt.Sprintf("Ấp %d", r.between(1, 12))
	case r.chance(0.2):
		return fmt.Sprintf("Xóm %d", r.between(1, 15))
	default:
		return fmt.Sprintf("Thôn %d", r.between(1, 20))
	}
}

// rentedAddress returns the address of a rented room, for temporary
// residences.
func (w *world) rentedAddress(r *rng, c int32) string {
	cm := &w.ref.communes[c]
	if cm.kind != "Phường" {
		return fmt.Sprintf("Khu nhà trọ, thôn %d", r.between(1, 15))
	}
	return fmt.Sprintf("Phòng %d, số %d, hẻm %d đường %s", r.between(101, 512), r.between(1, 300), r.between(1, 200), pick(r, streets))
}
