package savedquery

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"lienthong/apierr"
)

// VariableError reports a variable whose value does not fit its declared
// type, or that is missing or unknown.
type VariableError struct {
	Variable string
	Message  string
}

func (e *VariableError) Error() string { return e.Message }

func (q *Query) variableError(name, format string, args ...any) *VariableError {
	return &VariableError{Variable: name, Message: fmt.Sprintf(format, args...)}
}

// reservedParams are query-string parameters of the endpoint itself, never
// variables.
var reservedParams = []string{"format", "bom"}

// VariablesFromQuery converts query-string parameters to the operation's
// variables by their declared types. A list takes repeated parameters, a
// comma-separated value or a JSON array; an input object takes a JSON
// object. Unset variables are left out, so their declared defaults apply.
func (r *Registry) VariablesFromQuery(q *Query, params url.Values) (map[string]any, []error) {
	raw := make(map[string]any)
	var errs []error
	for name, values := range params {
		if slices.Contains(reservedParams, name) {
			continue
		}
		v := q.variable(name)
		if v == nil {
			errs = append(errs, q.unknownVariable(name))
			continue
		}
		value, err := r.fromStrings(q, name, v.def.Type, values)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		raw[name] = value
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return raw, r.checkRequired(q, raw)
}

// VariablesFromJSON checks a JSON object of variables against the declared
// types. Numbers must be decoded with json.Decoder.UseNumber.
func (r *Registry) VariablesFromJSON(q *Query, raw map[string]any) (map[string]any, []error) {
	var errs []error
	for name, value := range raw {
		v := q.variable(name)
		if v == nil {
			errs = append(errs, q.unknownVariable(name))
			continue
		}
		if err := r.check(q, name, v.def.Type, value); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return raw, r.checkRequired(q, raw)
}

func (q *Query) variable(name string) *Variable {
	for i := range q.Variables {
		if q.Variables[i].Name == name {
			return &q.Variables[i]
		}
	}
	return nil
}

func (q *Query) unknownVariable(name string) error {
	names := make([]string, len(q.Variables))
	for i, v := range q.Variables {
		names[i] = v.Name
	}
	return q.variableError(name, "unknown variable %q: saved query %s takes %s",
		name, q.Name, strings.Join(names, ", "))
}

func (r *Registry) checkRequired(q *Query, raw map[string]any) []error {
	var errs []error
	for _, v := range q.Variables {
		if _, ok := raw[v.Name]; !ok && v.Required {
			errs = append(errs, q.variableError(v.Name, "missing variable %q of type %s", v.Name, v.Type))
		}
	}
	return errs
}

// fromStrings converts the query-string values of one variable.
func (r *Registry) fromStrings(q *Query, name string, typ *ast.Type, values []string) (any, error) {
	if typ.Elem != nil {
		var items []string
		switch {
		case len(values) == 1 && strings.HasPrefix(strings.TrimSpace(values[0]), "["):
			var list []any
			if err := decodeJSON(values[0], &list); err != nil {
				return nil, q.variableError(name, "invalid variable %q: expected %s as a JSON array, got %q: %v",
					name, typ, values[0], err)
			}
			return list, r.check(q, name, typ, list)
		case len(values) == 1:
			items = strings.Split(values[0], ",")
		default:
			items = values
		}
		out := make([]any, len(items))
		for i, item := range items {
			v, err := r.fromString(q, name, typ.Elem, strings.TrimSpace(item))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	if len(values) > 1 {
		return nil, q.variableError(name, "invalid variable %q: expected one %s, got %d values", name, typ, len(values))
	}
	return r.fromString(q, name, typ, values[0])
}

// fromString converts one query-string value to a named type.
func (r *Registry) fromString(q *Query, name string, typ *ast.Type, s string) (any, error) {
	bad := func(reason string) error {
		return q.variableError(name, "invalid variable %q: expected %s, got %q%s", name, typ, s, reason)
	}
	def := r.schema.Types[typ.Name()]
	if def == nil {
		return nil, bad(": the type is not in the schema")
	}
	switch {
	case typ.Name() == "Int":
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, bad(": not a 32-bit integer")
		}
		return n, nil
	case typ.Name() == "Float":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, bad(": not a number")
		}
		return f, nil
	case typ.Name() == "Boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, bad(": use true or false")
		}
		return b, nil
	case def.Kind == ast.Enum:
		value := strings.ToUpper(s)
		if def.EnumValues.ForName(value) == nil {
			return nil, bad(": use one of " + enumNames(def))
		}
		return value, nil
	case def.Kind == ast.InputObject:
		var obj map[string]any
		if err := decodeJSON(s, &obj); err != nil {
			return nil, bad(": give a JSON object")
		}
		return obj, r.check(q, name, typ, obj)
	}
	return s, nil
}

// check validates a JSON value against a type, as GraphQL's input coercion
// does: a single value is accepted for a list.
func (r *Registry) check(q *Query, name string, typ *ast.Type, value any) error {
	bad := func(reason string) error {
		return q.variableError(name, "invalid variable %q: expected %s, got %s%s", name, typ, describe(value), reason)
	}
	if value == nil {
		if typ.NonNull {
			return bad(": the type is non-null")
		}
		return nil
	}
	if typ.Elem != nil {
		list, ok := value.([]any)
		if !ok {
			return r.check(q, name, typ.Elem, value)
		}
		for _, item := range list {
			if err := r.check(q, name, typ.Elem, item); err != nil {
				return err
			}
		}
		return nil
	}

	def := r.schema.Types[typ.Name()]
	if def == nil {
		return bad(": the type is not in the schema")
	}
	switch {
	case typ.Name() == "Int":
		n, ok := value.(json.Number)
		if _, err := strconv.ParseInt(string(n), 10, 32); !ok || err != nil {
			return bad(": not a 32-bit integer")
		}
	case typ.Name() == "Float":
		if _, ok := value.(json.Number); !ok {
			return bad(": not a number")
		}
	case typ.Name() == "Boolean":
		if _, ok := value.(bool); !ok {
			return bad(": use true or false")
		}
	case typ.Name() == "ID":
		if _, ok := value.(string); !ok {
			if _, isNum := value.(json.Number); !isNum {
				return bad(": give a string")
			}
		}
	case def.Kind == ast.Enum:
		s, ok := value.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			return bad(": use one of " + enumNames(def))
		}
	case def.Kind == ast.InputObject:
		obj, ok := value.(map[string]any)
		if !ok {
			return bad(": give an object")
		}
		for key, v := range obj {
			field := def.Fields.ForName(key)
			if field == nil {
				return bad(fmt.Sprintf(": %s has no field %q", def.Name, key))
			}
			if err := r.check(q, name+"."+key, field.Type, v); err != nil {
				return err
			}
		}
		for _, field := range def.Fields {
			if _, ok := obj[field.Name]; !ok && field.Type.NonNull && field.DefaultValue == nil {
				return bad(fmt.Sprintf(": field %q is missing", field.Name))
			}
		}
	default:
		// String and custom scalars such as Date travel as strings; the
		// scalar's own parser checks the format.
		if _, ok := value.(string); !ok {
			return bad(": give a string")
		}
	}
	return nil
}

func enumNames(def *ast.Definition) string {
	names := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// describe renders a value for an error message.
func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}

// invalid converts variable errors to API errors for the response.
func invalid(errs []error) []*apierr.Error {
	out := make([]*apierr.Error, len(errs))
	for i, err := range errs {
		out[i] = apierr.Invalid("%s", err.Error())
	}
	return out
}
