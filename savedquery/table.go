package savedquery

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// table is the CSV layout of a query's result. The first list in the
// selection, in document order, gives one row per element, with one column
// per leaf field below it.
type table struct {
	// listPath holds the response keys from data down to the list.
	listPath []string
	columns  []column
	// paged is set when the list sits in a connection whose after argument
	// is the operation variable afterVar and whose pageInfo selects
	// endCursor and hasNextPage, so the export can fetch page after page.
	paged        bool
	afterVar     string
	pageInfoPath []string
	endCursorKey string
	hasNextKey   string
}

// column is one leaf field below the list element.
type column struct {
	// header is the dotted path of response keys, such as
	// node.applicant.fullName.
	header string
	path   []string
	// numeric columns hold Int or Float values, which are written as they
	// are: a negative number is not a formula.
	numeric bool
}

// planTable finds the first list of op and its columns, or returns nil when
// the operation selects no list.
func planTable(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition) *table {
	chain := findList(op.SelectionSet, nil)
	if chain == nil {
		return nil
	}
	t := &table{}
	for _, f := range chain {
		t.listPath = append(t.listPath, f.Alias)
	}
	list := chain[len(chain)-1]
	if len(list.SelectionSet) == 0 {
		// A list of scalars or enums: each element is a one-column row.
		t.columns = []column{{header: list.Alias, numeric: isNumeric(list)}}
	} else {
		t.columns = leafColumns(list.SelectionSet, nil)
	}
	if len(chain) >= 2 {
		planPaging(t, op, chain[len(chain)-2])
	}
	return t
}

// findList returns the fields from the root down to the first list field,
// depth first in document order.
func findList(set ast.SelectionSet, chain []*ast.Field) []*ast.Field {
	for _, f := range fieldsOf(set) {
		if f.Definition == nil {
			continue
		}
		next := append(append([]*ast.Field{}, chain...), f)
		if f.Definition.Type.Elem != nil {
			return next
		}
		if found := findList(f.SelectionSet, next); found != nil {
			return found
		}
	}
	return nil
}

// leafColumns lists the leaf fields under set, objects flattened with
// dotted headers. A nested list is one column whose cell joins its
// elements.
func leafColumns(set ast.SelectionSet, prefix []string) []column {
	var out []column
	for _, f := range fieldsOf(set) {
		path := append(append([]string{}, prefix...), f.Alias)
		if len(f.SelectionSet) == 0 || (f.Definition != nil && f.Definition.Type.Elem != nil) {
			out = append(out, column{header: strings.Join(path, "."), path: path, numeric: isNumeric(f)})
			continue
		}
		out = append(out, leafColumns(f.SelectionSet, path)...)
	}
	return out
}

// planPaging enables paging when conn, the field that holds the list, takes
// its after argument from a variable and selects pageInfo's endCursor and
// hasNextPage.
func planPaging(t *table, op *ast.OperationDefinition, conn *ast.Field) {
	after := conn.Arguments.ForName("after")
	if after == nil || after.Value == nil || after.Value.Kind != ast.Variable {
		return
	}
	if op.VariableDefinitions.ForName(after.Value.Raw) == nil {
		return
	}
	for _, f := range fieldsOf(conn.SelectionSet) {
		if f.Name != "pageInfo" {
			continue
		}
		for _, sub := range fieldsOf(f.SelectionSet) {
			switch sub.Name {
			case "endCursor":
				t.endCursorKey = sub.Alias
			case "hasNextPage":
				t.hasNextKey = sub.Alias
			}
		}
		t.pageInfoPath = append(append([]string{}, t.listPath[:len(t.listPath)-1]...), f.Alias)
	}
	if t.pageInfoPath != nil && t.endCursorKey != "" && t.hasNextKey != "" {
		t.paged = true
		t.afterVar = after.Value.Raw
	}
}

// fieldsOf returns the fields of a selection set with inline fragments and
// fragment spreads expanded, each response key once, in document order.
func fieldsOf(set ast.SelectionSet) []*ast.Field {
	var out []*ast.Field
	seen := make(map[string]bool)
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "__typename" && s.Alias == "" {
					continue
				}
				if !seen[s.Alias] {
					seen[s.Alias] = true
					out = append(out, s)
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return out
}

func isNumeric(f *ast.Field) bool {
	if f.Definition == nil {
		return false
	}
	name := f.Definition.Type.Name()
	return name == "Int" || name == "Float"
}

// header returns the CSV header row.
func (t *table) header() []string {
	out := make([]string, len(t.columns))
	for i, c := range t.columns {
		out[i] = c.header
	}
	return out
}

// rows calls emit with the cells of each element of the list in data, a
// response's data decoded with json.Decoder.UseNumber.
func (t *table) rows(data map[string]any, emit func([]string) error) error {
	list, _ := lookup(data, t.listPath).([]any)
	for _, elem := range list {
		row := make([]string, len(t.columns))
		for i, c := range t.columns {
			row[i] = cell(lookup(elem, c.path), c.numeric)
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

// nextCursor returns the cursor of the next page, or "" on the last page.
func (t *table) nextCursor(data map[string]any) string {
	info, _ := lookup(data, t.pageInfoPath).(map[string]any)
	if more, _ := info[t.hasNextKey].(bool); !more {
		return ""
	}
	cursor, _ := info[t.endCursorKey].(string)
	return cursor
}

// lookup follows response keys through nested objects; a null on the way
// yields nil.
func lookup(v any, path []string) any {
	for _, key := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[key]
	}
	return v
}

// cell formats one value. Text that a spreadsheet program would run as a
// formula gets a leading single quote.
func cell(v any, numeric bool) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cell(e, numeric)
		}
		return strings.Join(parts, "; ")
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	if numeric {
		return s
	}
	return neutralise(s)
}

// neutralise prefixes a single quote to text starting with a character that
// makes spreadsheet programs read a cell as a formula: = + - @, tab or
// carriage return.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
