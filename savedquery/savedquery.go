// Package savedquery loads named GraphQL operations from a folder of
// .graphql files and serves them over plain HTTP for reporting tools:
// GET /saved lists them, and GET or POST /saved/{name} runs one and returns
// JSON, or CSV with the operation's first list flattened to rows.
//
// Each file holds one named query operation, which gives the saved query
// its name. Comment lines at the top of the file are its description.
// Every operation is validated against the schema when the registry loads,
// so a broken file stops the start instead of failing on first use.
package savedquery

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Embedded is the set of saved queries shipped in the binary.
//
//go:embed queries/*.graphql
var embedded embed.FS

// Embedded returns the shipped saved queries as a file system whose root
// holds the .graphql files.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "queries")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// Query is one saved operation.
type Query struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Variables   []Variable `json:"variables"`
	// Paged reports whether a CSV export pages through the list with the
	// operation's $after variable.
	Paged bool `json:"paged"`
	// SHA256 is the hex sha256 of Body, the hash an Apollo client sends for
	// it as a persisted query.
	SHA256 string `json:"sha256"`
	// Body is the operation text, sent unchanged to the GraphQL endpoint.
	Body string `json:"-"`

	file  string
	op    *ast.OperationDefinition
	table *table
}

// Variable is a variable the operation declares.
type Variable struct {
	Name string `json:"name"`
	// Type is the GraphQL type, such as `ID!` or `[StatisticsDimension!]`.
	Type string `json:"type"`
	// Default is the declared default value, or nil.
	Default  any  `json:"default"`
	Required bool `json:"required"`

	def *ast.VariableDefinition
}

// Registry is the set of saved queries, by name.
type Registry struct {
	schema  *ast.Schema
	queries []*Query
	byName  map[string]*Query
}

// Load reads every .graphql file at the root of fsys and validates it
// against schema. The error names the file that failed.
func Load(fsys fs.FS, schema *ast.Schema) (*Registry, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read saved queries: %w", err)
	}
	reg := &Registry{schema: schema, byName: make(map[string]*Query)}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".graphql" {
			continue
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read saved query %s: %w", e.Name(), err)
		}
		q, err := parse(schema, e.Name(), string(body))
		if err != nil && strings.HasPrefix(err.Error(), e.Name()+":") {
			// Parse and validation errors already start with the file
			// name and position.
			return nil, fmt.Errorf("saved query %w", err)
		}
		if err != nil {
			return nil, fmt.Errorf("saved query %s: %w", e.Name(), err)
		}
		if prev, ok := reg.byName[q.Name]; ok {
			return nil, fmt.Errorf("saved query %s: operation name %s is also used by %s", e.Name(), q.Name, prev.file)
		}
		reg.byName[q.Name] = q
		reg.queries = append(reg.queries, q)
	}
	sort.Slice(reg.queries, func(i, j int) bool { return reg.queries[i].Name < reg.queries[j].Name })
	return reg, nil
}

// Get returns the saved query with this name, or nil.
func (r *Registry) Get(name string) *Query { return r.byName[name] }

// All returns the saved queries ordered by name.
func (r *Registry) All() []*Query { return r.queries }

// parse validates one file and builds its query.
func parse(schema *ast.Schema, file, body string) (*Query, error) {
	doc, perr := parser.ParseQuery(&ast.Source{Name: file, Input: body})
	if perr != nil {
		return nil, perr
	}
	if errs := validator.Validate(schema, doc); len(errs) > 0 {
		// The list ends each error with a newline; keep one line per error.
		return nil, errors.New(strings.TrimSpace(errs.Error()))
	}
	if len(doc.Operations) != 1 {
		return nil, fmt.Errorf("contains %d operations, but each file must contain exactly one named query", len(doc.Operations))
	}
	op := doc.Operations[0]
	if op.Operation != ast.Query {
		return nil, fmt.Errorf("operation %s is a %s; only queries can be saved", op.Name, op.Operation)
	}
	if op.Name == "" {
		return nil, fmt.Errorf("the operation has no name; name it, such as `query %s`", strings.TrimSuffix(file, ".graphql"))
	}

	q := &Query{
		Name:        op.Name,
		Description: leadingComment(body),
		Body:        body,
		file:        file,
		op:          op,
	}
	sum := sha256.Sum256([]byte(body))
	q.SHA256 = hex.EncodeToString(sum[:])
	for _, def := range op.VariableDefinitions {
		v := Variable{Name: def.Variable, Type: def.Type.String(), Required: def.Type.NonNull && def.DefaultValue == nil, def: def}
		if def.DefaultValue != nil {
			if v.Default, perr = defaultValue(def.DefaultValue); perr != nil {
				return nil, fmt.Errorf("default of $%s: %w", def.Variable, perr)
			}
		}
		q.Variables = append(q.Variables, v)
	}
	q.table = planTable(schema, doc, op)
	q.Paged = q.table != nil && q.table.paged
	return q, nil
}

func defaultValue(v *ast.Value) (out any, err error) {
	defer func() {
		// Value panics on variables inside a default, which validation
		// already rejects; keep the start from crashing all the same.
		if p := recover(); p != nil {
			err = fmt.Errorf("invalid default value %s", v.String())
		}
	}()
	return v.Value(nil)
}

// leadingComment joins the comment lines at the top of a file into one
// paragraph.
func leadingComment(body string) string {
	var words []string
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" && len(words) == 0 {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
		words = append(words, strings.TrimSpace(strings.TrimPrefix(line, "#")))
	}
	return strings.TrimSpace(strings.Join(words, " "))
}
