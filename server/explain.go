package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"lienthong/apierr"
	"lienthong/persisted"
)

// Messages of gqlgen v0.17 and gqlparser v2.5 that explain rewrites. A test
// sends each case, so an upgrade that changes one fails there.
const (
	msgNoOperation       = "no operation provided"
	msgAPQMismatch       = "provided APQ hash does not match query"
	msgAPQVersion        = "unsupported APQ version"
	msgAPQInvalid        = "invalid APQ extension data"
	msgNestingPrefix     = "exceeded maximum nesting depth of "
	msgOperationPrefix   = "operation "
	msgOperationNotFound = " not found"
)

// explain rewrites the errors gqlgen returns for a request it could not
// prepare, so that each names the offending operation, variable, argument
// or value and what to send instead. Errors it does not recognise
// keep gqlgen's message.
func (t httpTransport) explain(errs gqlerror.List, opCtx *graphql.OperationContext, params *graphql.RawParams) {
	var doc *ast.QueryDocument
	for _, err := range errs {
		switch {
		case err.Message == msgNoOperation:
			err.Message = "the document contains no operation, only fragments or comments: add a query such as { provinces { code } }"
		case isOperationNotFound(err.Message) && opCtx != nil && opCtx.Doc != nil:
			err.Message = operationNotFound(opCtx.Doc, params.OperationName)
		case len(err.Path) >= 2 && err.Path[0] == ast.PathName("variable") && opCtx != nil && opCtx.Doc != nil:
			op := opCtx.Doc.Operations.ForName(params.OperationName)
			if op != nil {
				err.Message = t.variableMessage(op, params.Variables, err)
			}
		case err.Message == msgAPQMismatch:
			err.Message = fmt.Sprintf("persisted query hash does not match the query: sha256Hash is %s, but the query's SHA-256 is %s, "+
				"so send the hex SHA-256 of the exact query text", quoteShort(persistedHash(params)), persisted.Hash(params.Query))
			setCode(err, string(apierr.InvalidArgument))
		case err.Message == msgAPQVersion || err.Message == msgAPQInvalid:
			err.Message = fmt.Sprintf("invalid extensions.persistedQuery %s: send {\"version\": 1, \"sha256Hash\": \"<hex SHA-256 of the query>\"}",
				shortJSON(params.Extensions["persistedQuery"]))
			setCode(err, string(apierr.InvalidArgument))
		case strings.HasPrefix(err.Message, msgNestingPrefix):
			err.Message = fmt.Sprintf("the query nests selections and values more than %s levels deep, "+
				"which the parser does not read; this server allows a field depth of at most %d",
				strings.TrimPrefix(err.Message, msgNestingPrefix), t.maxDepth)
			setCode(err, string(apierr.LimitExceeded))
			err.Extensions["limit"] = "max-depth"
		case len(err.Locations) > 0 && err.Extensions["code"] == "GRAPHQL_VALIDATION_FAILED":
			if doc == nil {
				doc, _ = parser.ParseQuery(&ast.Source{Input: params.Query})
			}
			if arg := argumentAt(doc, err.Locations[0]); arg != "" {
				err.Message = arg + ": " + err.Message
			}
		}
	}
}

func isOperationNotFound(msg string) bool {
	return strings.HasPrefix(msg, msgOperationPrefix) && strings.HasSuffix(msg, msgOperationNotFound)
}

// operationNotFound explains why operationName selects no operation of doc.
func operationNotFound(doc *ast.QueryDocument, operationName string) string {
	var names []string
	anonymous := 0
	for _, op := range doc.Operations {
		if op.Name == "" {
			anonymous++
			continue
		}
		names = append(names, op.Name)
	}
	contains := fmt.Sprintf("%d operations (%s)", len(doc.Operations), strings.Join(names, ", "))
	if anonymous > 0 {
		contains = fmt.Sprintf("%d operations, %d of them anonymous", len(doc.Operations), anonymous)
	}
	switch {
	case operationName == "":
		return fmt.Sprintf("operationName is empty, but the document contains %s, so set operationName to the one to run", contains)
	case len(names) == 0:
		return fmt.Sprintf("operation %s not found: the document contains only an anonymous operation, so leave operationName empty",
			quoteShort(operationName))
	case len(doc.Operations) == 1:
		return fmt.Sprintf("operation %s not found: the document contains one operation, %s", quoteShort(operationName), names[0])
	}
	return fmt.Sprintf("operation %s not found: the document contains %s", quoteShort(operationName), contains)
}

// variableMessage rewrites an error of gqlparser's variable coercion, whose
// path is ["variable", name, ...] and whose message alone, such as
// "cannot use value 0 as Int" for 1.5, may not name the value.
func (t httpTransport) variableMessage(op *ast.OperationDefinition, variables map[string]any, err *gqlerror.Error) string {
	name, _ := err.Path[1].(ast.PathName)
	def := op.VariableDefinitions.ForName(string(name))
	if def == nil {
		return err.Message
	}
	where := "variable $" + def.Variable
	if len(err.Path) > 2 {
		where += " at " + pathString(err.Path[2:])
	}
	typ := t.typeAt(def.Type, err.Path[2:])
	value, present := valueAt(variables[def.Variable], err.Path[2:])
	if _, sent := variables[def.Variable]; !sent && len(err.Path) == 2 {
		present = false
	}
	typeName := "unknown type"
	if typ != nil {
		typeName = typ.String()
	}

	switch {
	case err.Message == "must be defined" && !present:
		if len(err.Path) == 2 {
			return fmt.Sprintf("missing value for variable $%s of type %s: add it to variables", def.Variable, typeName)
		}
		return fmt.Sprintf("%s: missing required input field of type %s", where, typeName)
	case err.Message == "cannot be null":
		return fmt.Sprintf("%s: null is not allowed for type %s", where, typeName)
	case err.Message == "unknown field":
		field, _ := err.Path[len(err.Path)-1].(ast.PathName)
		parent := t.typeAt(def.Type, err.Path[2:len(err.Path)-1])
		return fmt.Sprintf("variable $%s: unknown field %s in input type %s",
			def.Variable, quoteShort(string(field)), namedType(parent))
	}
	if enum := t.enumValues(typ); enum != "" {
		return fmt.Sprintf("%s: invalid value %s for enum %s; use one of %s", where, shortJSON(value), typeName, enum)
	}
	return fmt.Sprintf("%s: invalid value %s for type %s", where, shortJSON(value), typeName)
}

// typeAt returns the type at path inside a value of typ, or nil when the
// path leaves the schema.
func (t httpTransport) typeAt(typ *ast.Type, path ast.Path) *ast.Type {
	for _, step := range path {
		if typ == nil {
			return nil
		}
		switch s := step.(type) {
		case ast.PathIndex:
			typ = typ.Elem
		case ast.PathName:
			def := t.schema.Types[typ.Name()]
			if def == nil || typ.Elem != nil {
				return nil
			}
			field := def.Fields.ForName(string(s))
			if field == nil {
				return nil
			}
			typ = field.Type
		}
	}
	return typ
}

// enumValues lists the values of typ when it is an enum, or returns "".
func (t httpTransport) enumValues(typ *ast.Type) string {
	if typ == nil || typ.Elem != nil {
		return ""
	}
	def := t.schema.Types[typ.Name()]
	if def == nil || def.Kind != ast.Enum {
		return ""
	}
	names := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

func namedType(typ *ast.Type) string {
	if typ == nil {
		return "(unknown)"
	}
	return typ.Name()
}

// valueAt returns the part of a decoded JSON value at path.
func valueAt(value any, path ast.Path) (any, bool) {
	for _, step := range path {
		switch s := step.(type) {
		case ast.PathIndex:
			list, ok := value.([]any)
			if !ok {
				// A single value stands for a list of one.
				if int(s) == 0 {
					continue
				}
				return nil, false
			}
			if int(s) >= len(list) {
				return nil, false
			}
			value = list[s]
		case ast.PathName:
			object, ok := value.(map[string]any)
			if !ok {
				return nil, false
			}
			if value, ok = object[string(s)]; !ok {
				return nil, false
			}
		}
	}
	return value, true
}

// pathString writes path as JavaScript-style access, such as filter.status
// or ids[2].
func pathString(path ast.Path) string {
	var b strings.Builder
	for _, step := range path {
		switch s := step.(type) {
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(s))
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		}
	}
	return b.String()
}

// shortJSON writes v as JSON for an error message, cut to 64 bytes.
func shortJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const maxBytes = 64
	if len(data) <= maxBytes {
		return string(data)
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(data[cut]) {
		cut--
	}
	return string(data[:cut]) + "…"
}

// argumentAt names the argument whose value, or a part of it, starts at
// loc, such as `argument "first" of field "dossiers"`, or returns "".
// Validation errors about argument values carry only that location.
func argumentAt(doc *ast.QueryDocument, loc gqlerror.Location) string {
	if doc == nil {
		return ""
	}
	var found string
	var visit func(field string, set ast.SelectionSet)
	visit = func(field string, set ast.SelectionSet) {
		for _, sel := range set {
			if found != "" {
				return
			}
			switch s := sel.(type) {
			case *ast.Field:
				for _, arg := range s.Arguments {
					if valueStartsAt(arg.Value, loc) {
						found = fmt.Sprintf("argument %q of field %q", arg.Name, s.Name)
						return
					}
				}
				visit(s.Name, s.SelectionSet)
			case *ast.InlineFragment:
				visit(field, s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		visit("", op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		visit("", f.SelectionSet)
	}
	return found
}

// valueStartsAt reports whether v or a value nested in it starts at loc.
func valueStartsAt(v *ast.Value, loc gqlerror.Location) bool {
	if v == nil {
		return false
	}
	if v.Position != nil && v.Position.Line == loc.Line && v.Position.Column == loc.Column {
		return true
	}
	for _, child := range v.Children {
		if valueStartsAt(child.Value, loc) {
			return true
		}
	}
	return false
}

// persistedHash returns extensions.persistedQuery.sha256Hash, or "".
func persistedHash(params *graphql.RawParams) string {
	pq, _ := params.Extensions["persistedQuery"].(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	return hash
}
