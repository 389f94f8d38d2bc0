package main

import (
	"encoding/json"
	"math/rand/v2"
	"slices"

	"lienthong/baseline"
	"lienthong/server"
)

// workload is one kind of request the load command sends.
type workload struct {
	name string
	// needsCodes marks a workload that picks dossier codes from the
	// server's dossiers.
	needsCodes bool
	query      string
	variables  func(rng *rand.Rand, codes []string) map[string]any
}

// body returns the JSON request body of one request.
func (w *workload) body(rng *rand.Rand, codes []string) []byte {
	body, _ := json.Marshal(map[string]any{"query": w.query, "variables": w.variables(rng, codes)})
	return body
}

// citizenSearchQuery searches citizens by name, ignoring diacritics.
const citizenSearchQuery = `query($name: String!) {
  citizens(filter: {name: $name}, first: 20) {
    totalCount
    edges { node { id fullName dateOfBirth gender } }
  }
}`

// reportQuery is the report workload. The schema has no aggregate field,
// so it lists the procedures of one implementing level with the number of
// dossiers filed under each, which the loaders count in one batch.
const reportQuery = `query($level: ImplementingLevel) {
  procedures(filter: {level: $level}, first: 50) {
    totalCount
    edges { node { code name sector dossiers(first: 1) { totalCount } } }
  }
}`

// commonNames are frequent family and middle names, without diacritics,
// so each search exercises the diacritic-insensitive name key.
var commonNames = []string{
	"nguyen van", "nguyen thi", "tran van", "tran thi", "le van", "le thi",
	"pham van", "pham thi", "hoang van", "huynh thi", "vu van", "vo thi",
	"phan van", "truong thi", "bui van", "dang thi", "do van", "ho thi",
	"ngo van", "duong thi", "ly van", "nguyen duc", "tran minh", "le hoang",
}

var implementingLevels = []string{"COMMUNE", "PROVINCE", "CENTRAL"}

var workloads = map[string]*workload{
	"case-context": {
		name: "case-context", needsCodes: true, query: server.CaseContextQuery(),
		variables: func(rng *rand.Rand, codes []string) map[string]any {
			return map[string]any{"code": codes[rng.IntN(len(codes))]}
		},
	},
	"dossier-list": {
		name: "dossier-list", query: baseline.DossierListQuery,
		variables: func(*rand.Rand, []string) map[string]any { return map[string]any{"first": 50} },
	},
	"citizen-search": {
		name: "citizen-search", query: citizenSearchQuery,
		variables: func(rng *rand.Rand, _ []string) map[string]any {
			return map[string]any{"name": commonNames[rng.IntN(len(commonNames))]}
		},
	},
	"report": {
		name: "report", query: reportQuery,
		variables: func(rng *rand.Rand, _ []string) map[string]any {
			return map[string]any{"level": implementingLevels[rng.IntN(len(implementingLevels))]}
		},
	},
}

// weighted is a workload and its share of a mix.
type weighted struct {
	workload *workload
	weight   int
}

// defaultMix is a commune one-stop portal's day: mostly case lookups,
// then dossier lists, searches and a few reports.
var defaultMix = []weighted{
	{workloads["case-context"], 60},
	{workloads["dossier-list"], 15},
	{workloads["citizen-search"], 20},
	{workloads["report"], 5},
}

// pick draws a workload from mix in proportion to the weights.
func pick(mix []weighted, rng *rand.Rand) *workload {
	total := 0
	for _, w := range mix {
		total += w.weight
	}
	n := rng.IntN(total)
	for _, w := range mix {
		if n < w.weight {
			return w.workload
		}
		n -= w.weight
	}
	return mix[len(mix)-1].workload
}

func workloadNames() []string {
	names := make([]string, 0, len(workloads))
	for name := range workloads {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
