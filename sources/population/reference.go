package population

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"sync"
)

// The General Statistics Office list of 54 ethnic groups and the religion
// list of QCVN 109:2017/BTTTT, the codes the population database stores.

//go:embed ethnic-groups.csv
var ethnicCSV []byte

//go:embed religions.csv
var religionCSV []byte

var (
	referenceOnce sync.Once
	ethnicNames   map[string]string
	religionNames map[string]string
)

func loadReference() {
	ethnicNames = codeNames(ethnicCSV)
	religionNames = codeNames(religionCSV)
}

// codeNames maps the first column of an embedded CSV to the second.
func codeNames(data []byte) map[string]string {
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
