package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	lienthong "lienthong"
)

// exampleFiles contains the example operations: NAME.graphql with one named
// operation, and an optional NAME.json with variables for it.
//
//go:embed examples
var exampleFiles embed.FS

// Example is a ready-made operation shown in GraphiQL.
type Example struct {
	Name  string
	Query string
	// Variables is a JSON object for the operation's variables, or empty.
	Variables string
}

// LoadExamples returns the example operations that are valid against the
// schema, CaseContext first and the rest by name, and an error for each
// example it skipped. An example is skipped rather than served when it does
// not validate, for instance because it queries a field that this build's
// schema lacks, or when its variables file is not a JSON object.
func LoadExamples() (examples []Example, skipped []error) {
	return loadExamples(exampleFiles)
}

func loadExamples(files fs.FS) (examples []Example, skipped []error) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: lienthong.SchemaSDL})
	if err != nil {
		return nil, []error{fmt.Errorf("load schema for the examples: %w", err)}
	}
	names, err := fs.Glob(files, "examples/*.graphql")
	if err != nil {
		return nil, []error{fmt.Errorf("list examples: %w", err)}
	}
	for _, name := range names {
		example, err := loadExample(files, schema, name)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		examples = append(examples, example)
	}
	sort.SliceStable(examples, func(i, j int) bool {
		return examples[i].Name == "CaseContext" && examples[j].Name != "CaseContext"
	})
	return examples, skipped
}

// loadExample reads and validates the example in file and its variables.
func loadExample(files fs.FS, schema *ast.Schema, file string) (Example, error) {
	body, err := fs.ReadFile(files, file)
	if err != nil {
		return Example{}, fmt.Errorf("read example %s: %w", file, err)
	}
	example := Example{Name: strings.TrimSuffix(path.Base(file), ".graphql"), Query: string(body)}

	doc, errs := gqlparser.LoadQuery(schema, example.Query)
	if len(errs) > 0 {
		return Example{}, fmt.Errorf("example %s is invalid against the schema: %w", file, errs)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Name != example.Name {
		return Example{}, fmt.Errorf("example %s must contain one operation, named %s after its file", file, example.Name)
	}

	variablesFile := strings.TrimSuffix(file, ".graphql") + ".json"
	variables, err := fs.ReadFile(files, variablesFile)
	if err != nil {
		// No variables file: the operation needs no variables, or GraphiQL
		// shows it with an empty variables pane.
		return example, nil
	}
	var object map[string]any
	if err := json.Unmarshal(variables, &object); err != nil {
		return Example{}, fmt.Errorf("example variables %s are not valid JSON: %w", variablesFile, err)
	}
	if object == nil {
		return Example{}, fmt.Errorf("example variables %s are null, expected a JSON object", variablesFile)
	}
	example.Variables = strings.TrimSpace(string(variables))
	return example, nil
}

// Examples returns the example operations that are valid against the
// schema, CaseContext first. LoadExamples also returns the skipped ones.
func Examples() []Example {
	examples, _ := LoadExamples()
	return examples
}

// CaseContextQuery is the query that fetches a dossier's whole case.
func CaseContextQuery() string {
	body, _ := exampleFiles.ReadFile("examples/CaseContext.graphql")
	return string(body)
}
