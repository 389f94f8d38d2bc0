package server

import (
	"embed"
	"path"
	"sort"
	"strings"
)

//go:embed examples/*.graphql
var exampleFiles embed.FS

// Example is a ready-made operation shown in GraphiQL.
type Example struct {
	Name  string
	Query string
}

// Examples returns the example operations, CaseContext first.
func Examples() []Example {
	entries, _ := exampleFiles.ReadDir("examples")
	var out []Example
	for _, e := range entries {
		body, _ := exampleFiles.ReadFile(path.Join("examples", e.Name()))
		out = append(out, Example{Name: strings.TrimSuffix(e.Name(), ".graphql"), Query: string(body)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name == "CaseContext" && out[j].Name != "CaseContext" })
	return out
}

// CaseContextQuery is the query that fetches a dossier's whole case.
func CaseContextQuery() string {
	body, _ := exampleFiles.ReadFile("examples/CaseContext.graphql")
	return string(body)
}
