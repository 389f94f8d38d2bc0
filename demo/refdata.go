package demo

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"lienthong/sources/adminunits"
	businesssource "lienthong/sources/business"
	"lienthong/sources/population"
)

//go:embed data/*.csv
var dataFS embed.FS

// region is the broad part of the country, which shifts family-name
// frequencies (Hoàng/Huỳnh, Vũ/Võ) and the style of village names.
type region uint8

const (
	north region = iota
	central
	south
)

type province struct {
	code     string
	name     string
	kind     string // Tỉnh | Thành phố
	region   region
	weight   float64 // population in thousands, summed over the old provinces
	communes []int32
	old      weighted[string] // old (pre-2025) province codes merged into this one
	// urban is true for the provinces that draw migrant workers, used for
	// temporary residences and for enterprise density.
	urban bool
}

type commune struct {
	code     string
	name     string
	kind     string // Phường | Xã | Đặc khu
	province int32
	unit     string // e-identifier of the commune People's Committee
	// oldCodes are pre-2025 commune codes merged into this commune that are
	// no longer in use, for planted drift.
	oldCodes []string
}

type ethnicGroup struct {
	code       string
	name       string
	population float64
	homes      []string
	style      string
}

type vsicClass struct {
	section string
	code    string
	name    string
}

// sharedFiles maps the reference files that a source package embeds to that
// package's files, so the binary holds one copy of each. The other files are
// the demo's own, under data/.
var sharedFiles = map[string]fs.FS{
	"admin-units-2025.csv":           adminunits.Files,
	"commune-codes-2024-to-2025.csv": adminunits.Files,
	"province-codes-63-to-34.csv":    adminunits.Files,
	"ethnic-groups.csv":              population.Files,
	"religions.csv":                  population.Files,
	"vsic-2018-level4.csv":           businesssource.Files,
}

// openData opens a reference file by name.
func openData(name string) (fs.File, error) {
	if files, ok := sharedFiles[name]; ok {
		return files.Open(name)
	}
	return dataFS.Open("data/" + name)
}

// refData is the reference data parsed from the embedded CSV files.
type refData struct {
	provinces   []province
	communes    []commune
	provinceIdx map[string]int32
	communeIdx  map[string]int32
	taxPrefix   map[string]string // old province code -> tax office prefix
	oldProvPop  map[string]float64
	ethnic      []ethnicGroup
	religions   []string
	vsic        []vsicClass
	vsicBySec   map[string][]int
	catalogue   []catalogueRow
}

func readCSV(name string) ([]map[string]string, error) {
	f, err := openData(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		out = append(out, row)
	}
}

func loadRefData() (*refData, error) {
	ref := &refData{
		provinceIdx: map[string]int32{},
		communeIdx:  map[string]int32{},
		taxPrefix:   map[string]string{},
		oldProvPop:  map[string]float64{},
		vsicBySec:   map[string][]int{},
	}
	steps := []func() error{
		ref.loadAdminUnits, ref.loadOldProvinces, ref.loadOldCommunes,
		ref.loadEthnic, ref.loadReligions, ref.loadVSIC, ref.loadCatalogue,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return ref, nil
}

func regionOf(provinceCode string) region {
	n, _ := strconv.Atoi(provinceCode)
	switch {
	case n <= 42:
		return north
	case n <= 68:
		return central
	default:
		return south
	}
}

// urbanProvinces draw migrant workers: Hà Nội, Hải Phòng, Bắc Ninh, Đà Nẵng,
// Đồng Nai, Hồ Chí Minh and Tây Ninh (the former Long An industrial zones).
var urbanProvinces = map[string]bool{"01": true, "31": true, "24": true, "48": true, "75": true, "79": true, "80": true}

func (ref *refData) loadAdminUnits() error {
	rows, err := readCSV("admin-units-2025.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		pc := row["province_code"]
		pi, ok := ref.provinceIdx[pc]
		if !ok {
			pi = int32(len(ref.provinces))
			ref.provinceIdx[pc] = pi
			ref.provinces = append(ref.provinces, province{
				code: pc, name: row["province_name"], kind: row["province_type"],
				region: regionOf(pc), urban: urbanProvinces[pc],
			})
		}
		ci := int32(len(ref.communes))
		ref.communeIdx[row["commune_code"]] = ci
		p := &ref.provinces[pi]
		ref.communes = append(ref.communes, commune{
			code: row["commune_code"], name: row["commune_name"], kind: row["commune_type"],
			province: pi,
			unit:     fmt.Sprintf("%03d.00.30.H%s", len(p.communes)+1, pc),
		})
		p.communes = append(p.communes, ci)
	}
	if len(ref.provinces) != 34 {
		return fmt.Errorf("admin-units-2025.csv: found %d provinces, expected 34", len(ref.provinces))
	}
	return nil
}

func (ref *refData) loadOldProvinces() error {
	rows, err := readCSV("old-provinces.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		pop, err := strconv.ParseFloat(row["population_thousands"], 64)
		if err != nil {
			return fmt.Errorf("old-provinces.csv: population of %s: %w", row["old_province_code"], err)
		}
		ref.oldProvPop[row["old_province_code"]] = pop
		ref.taxPrefix[row["old_province_code"]] = row["tax_code_prefix"]
	}

	rows, err = readCSV("province-codes-63-to-34.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		old, newCode := row["old_province_code"], row["new_province_code"]
		pi, ok := ref.provinceIdx[newCode]
		if !ok {
			return fmt.Errorf("province-codes-63-to-34.csv: unknown new province %s", newCode)
		}
		pop, ok := ref.oldProvPop[old]
		if !ok {
			return fmt.Errorf("old-provinces.csv: no population for old province %s", old)
		}
		p := &ref.provinces[pi]
		p.old.add(old, pop)
		p.weight += pop
	}
	return nil
}

// loadOldCommunes records, for each current commune, the pre-2025 codes that
// merged fully into it and are not reused by any current commune.
func (ref *refData) loadOldCommunes() error {
	rows, err := readCSV("commune-codes-2024-to-2025.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		old := row["old_commune_code"]
		if _, current := ref.communeIdx[old]; current || row["merge_type"] != "full" {
			continue
		}
		ci, ok := ref.communeIdx[row["new_commune_code"]]
		if !ok {
			continue
		}
		ref.communes[ci].oldCodes = append(ref.communes[ci].oldCodes, old)
	}
	return nil
}

func (ref *refData) loadEthnic() error {
	rows, err := readCSV("ethnic-groups.csv")
	if err != nil {
		return err
	}
	homes, err := readCSV("ethnic-homelands.csv")
	if err != nil {
		return err
	}
	byCode := map[string]map[string]string{}
	for _, h := range homes {
		byCode[h["ethnic_code"]] = h
	}
	for _, row := range rows {
		pop, err := strconv.ParseFloat(row["population_2019"], 64)
		if err != nil {
			return fmt.Errorf("ethnic-groups.csv: population of %s: %w", row["ethnic_code"], err)
		}
		h, ok := byCode[row["ethnic_code"]]
		if !ok {
			return fmt.Errorf("ethnic-homelands.csv: no row for ethnic group %s", row["ethnic_code"])
		}
		g := ethnicGroup{code: row["ethnic_code"], name: row["ethnic_name"], population: pop, style: h["name_style"]}
		if h["home_provinces"] != "" {
			g.homes = strings.Split(h["home_provinces"], ";")
		}
		ref.ethnic = append(ref.ethnic, g)
	}
	return nil
}

func (ref *refData) loadReligions() error {
	rows, err := readCSV("religions.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		ref.religions = append(ref.religions, row["religion_code"])
	}
	return nil
}

func (ref *refData) loadVSIC() error {
	rows, err := readCSV("vsic-2018-level4.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		ref.vsicBySec[row["section"]] = append(ref.vsicBySec[row["section"]], len(ref.vsic))
		ref.vsic = append(ref.vsic, vsicClass{section: row["section"], code: row["class_code"], name: row["class_name"]})
	}
	return nil
}

// sortedKeys returns the keys of m in order, so that loops over a map
// stay deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
