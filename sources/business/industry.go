package business

import (
	"bytes"
	"embed"
	"encoding/csv"
	"sync"
)

// Files holds vsic-2018-level4.csv, the VSIC 2018 level-4 classes with their
// official names. The list is partial: it covers sections A to F and section
// G up to class 4762, so a missing code is not an invalid one. The demo
// generator reads the file from here too.
//
//go:embed vsic-2018-level4.csv
var Files embed.FS

var (
	vsicOnce  sync.Once
	vsicNames map[string]string
)

// IndustryName returns the VSIC 2018 name of a level-4 class code, or ""
// when the embedded list lacks it.
func IndustryName(code string) string {
	vsicOnce.Do(func() {
		data, err := Files.ReadFile("vsic-2018-level4.csv")
		if err != nil {
			panic("business: missing embedded VSIC list: " + err.Error())
		}
		records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			panic("business: malformed embedded VSIC list: " + err.Error())
		}
		vsicNames = make(map[string]string, len(records))
		for _, r := range records[1:] {
			vsicNames[r[4]] = r[5]
		}
	})
	return vsicNames[code]
}
