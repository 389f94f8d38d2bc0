package population

import (
	"bytes"
	"embed"
	"encoding/csv"
	"sync"
)

// The General Statistics Office list of 54 ethnic groups and the religion
// list of QCVN 109:2017/BTTTT, the codes the population database stores.

// Files holds the code lists as CSV files, ethnic-groups.csv and
// religions.csv. The demo generator reads them from here too.
//
//go:embed ethnic-groups.csv religions.csv
var Files embed.FS

var (
	referenceOnce sync.Once
	ethnicNames   map[string]string
	religionNames map[string]string
)

func loadReference() {
	ethnicNames = codeNames("ethnic-groups.csv")
	religionNames = codeNames("religions.csv")
}

// codeNames maps the first column of an embedded CSV to the second.
func codeNames(name string) map[string]string {
	data, err := Files.ReadFile(name)
	if err != nil {
		panic("population: missing embedded code list " + name)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		panic("population: malformed embedded code list: " + err.Error())
	}
	out := make(map[string]string, len(records))
	for _, r := range records[1:] {
		out[r[0]] = r[1]
	}
	return out
}

// EthnicityName returns the name of an ethnic group code, or "" if unknown.
func EthnicityName(code string) string {
	referenceOnce.Do(loadReference)
	return ethnicNames[code]
}

// ReligionName returns the name of a religion code, or "" if unknown.
func ReligionName(code string) string {
	referenceOnce.Do(loadReference)
	return religionNames[code]
}
