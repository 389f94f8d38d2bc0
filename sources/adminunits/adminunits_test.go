package adminunits

import "testing"

func TestLoadCounts(t *testing.T) {
	u, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(u.Provinces); got != 34 {
		t.Errorf("provinces = %d, want 34", got)
	}
	if got := len(u.Communes()); got != 3321 {
		t.Errorf("communes = %d, want 3321", got)
	}
	types := map[string]int{}
	for _, c := range u.Communes() {
		types[c.Type]++
	}
	want := map[string]int{"Xã": 2621, "Phường": 687, "Đặc khu": 13}
	for typ, n := range want {
		if types[typ] != n {
			t.Errorf("%s = %d, want %d", typ, types[typ], n)
		}
	}
}

func TestLookups(t *testing.T) {
	u := MustLoad()
	c := u.Commune("00004")
	if c == nil || c.FullName() != "Phường Ba Đình" || c.ProvinceCode != "01" {
		t.Fatalf("Commune(00004) = %+v, want Phường Ba Đình in 01", c)
	}
	if p := u.Province("01"); p == nil || p.FullName() != "Thành phố Hà Nội" {
		t.Errorf("Province(01) = %+v, want Thành phố Hà Nội", p)
	}
	old := u.OldCommune("00001")
	if old == nil || len(old.Successors) != 1 || old.Successors[0] != "00097" {
		t.Errorf("OldCommune(00001) = %+v, want successor 00097", old)
	}
	if u.Commune("99999") != nil {
		t.Error("Commune(99999) is not nil")
	}
}
