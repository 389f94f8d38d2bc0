// Package adminunits holds Vietnam's administrative units in force since
// 1 July 2025 (34 provinces and 3,321 communes, Decision 19/2025/QĐ-TTg) and
// the mapping from the commune codes in use before that date.
//
// The lists are small, official and change only by decree, so they are
// embedded in the binary and served from memory: a lookup costs no
// statement. The data comes from the General Statistics Office's unit list
// as published by the vietnamese-provinces-database project (MIT) and the
// merge mapping of the dvhcvn/20250701 project (MIT).
package adminunits

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"sync"
)

// Province is a province or centrally-run city.
type Province struct {
	Code string
	Name string // short name, such as "Hà Nội"
	Type string // "Tỉnh" or "Thành phố"
	// Communes lists the province's communes ordered by code.
	Communes []*Commune
}

// FullName returns the name with its unit word, such as "Thành phố Hà Nội".
func (p *Province) FullName() string { return p.Type + " " + p.Name }

// Commune is a commune, ward or special zone.
type Commune struct {
	Code         string
	Name         string // short name, such as "Ba Đình"
	Type         string // "Xã", "Phường" or "Đặc khu"
	ProvinceCode string
}

// FullName returns the name with its unit word, such as "Phường Ba Đình".
func (c *Commune) FullName() string { return c.Type + " " + c.Name }

// OldCommune is a commune code in use before 1 July 2025.
type OldCommune struct {
	Code string
	Name string // full name, such as "Phường Trúc Bạch"
	// Successors are the codes of the communes that received its territory:
	// one when it merged whole, several when it was split.
	Successors []string
}

// OldProvince is a province code in use before 1 July 2025.
type OldProvince struct {
	Code      string
	Name      string
	NewCode   string
	PINPrefix string // the 3-digit prefix it gave personal identification numbers
}

// Files holds the official lists as CSV files: admin-units-2025.csv,
// commune-codes-2024-to-2025.csv and province-codes-63-to-34.csv. The demo
// generator reads them from here too.
//
//go:embed admin-units-2025.csv commune-codes-2024-to-2025.csv province-codes-63-to-34.csv
var Files embed.FS

// Units is the loaded list.
type Units struct {
	Provinces    []*Province
	provinces    map[string]*Province
	communes     map[string]*Commune
	oldCommunes  map[string]*OldCommune
	OldProvinces []*OldProvince
}

var (
	loadOnce sync.Once
	loaded   *Units
	loadErr  error
)

// Load returns the embedded units, parsing them on first use.
func Load() (*Units, error) {
	loadOnce.Do(func() { loaded, loadErr = parse() })
	return loaded, loadErr
}

// MustLoad is Load for program start, where the embedded data cannot be
// missing; it panics on a malformed embedded file.
func MustLoad() *Units {
	u, err := Load()
	if err != nil {
		panic(err)
	}
	return u
}

// Province returns the province of code, or nil.
func (u *Units) Province(code string) *Province { return u.provinces[code] }

// Commune returns the commune in force with code, or nil.
func (u *Units) Commune(code string) *Commune { return u.communes[code] }

// OldCommune returns the pre-2025 commune with code, or nil.
func (u *Units) OldCommune(code string) *OldCommune { return u.oldCommunes[code] }

// Communes returns every commune in force, ordered by code.
func (u *Units) Communes() []*Commune {
	out := make([]*Commune, 0, len(u.communes))
	for _, p := range u.Provinces {
		out = append(out, p.Communes...)
	}
	return out
}

func parse() (*Units, error) {
	u := &Units{
		provinces:   make(map[string]*Province),
		communes:    make(map[string]*Commune),
		oldCommunes: make(map[string]*OldCommune),
	}
	err := eachRow("admin-units-2025.csv", func(r map[string]string) {
		p := u.provinces[r["province_code"]]
		if p == nil {
			p = &Province{Code: r["province_code"], Name: r["province_name"], Type: r["province_type"]}
			u.provinces[p.Code] = p
			u.Provinces = append(u.Provinces, p)
		}
		c := &Commune{Code: r["commune_code"], Name: r["commune_name"], Type: r["commune_type"], ProvinceCode: p.Code}
		u.communes[c.Code] = c
		p.Communes = append(p.Communes, c)
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(u.Provinces, func(i, j int) bool { return u.Provinces[i].Code < u.Provinces[j].Code })

	err = eachRow("commune-codes-2024-to-2025.csv", func(r map[string]string) {
		o := u.oldCommunes[r["old_commune_code"]]
		if o == nil {
			o = &OldCommune{Code: r["old_commune_code"], Name: r["old_commune_name"]}
			u.oldCommunes[o.Code] = o
		}
		o.Successors = append(o.Successors, r["new_commune_code"])
	})
	if err != nil {
		return nil, err
	}

	err = eachRow("province-codes-63-to-34.csv", func(r map[string]string) {
		u.OldProvinces = append(u.OldProvinces, &OldProvince{
			Code: r["old_province_code"], Name: r["old_province_name"],
			NewCode: r["new_province_code"], PINPrefix: r["pin_prefix_before_2025"],
		})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// eachRow calls fn with each record of a CSV file keyed by its header.
func eachRow(name string, fn func(map[string]string)) error {
	data, err := Files.ReadFile(name)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s header: %w", name, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		fn(row)
	}
}

// OldCommunes returns every commune code in use before 1 July 2025, ordered
// by code.
func (u *Units) OldCommunes() []*OldCommune {
	out := make([]*OldCommune, 0, len(u.oldCommunes))
	for _, o := range u.oldCommunes {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
