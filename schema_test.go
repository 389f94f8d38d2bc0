package lienthong

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestSchemaDescriptions fails on every type, field, argument, input field
// and enum value of the schema that has no description, because GraphiQL and
// generated clients show these descriptions as the API's documentation.
func TestSchemaDescriptions(t *testing.T) {
	doc, err := parser.ParseSchema(&ast.Source{Name: "schema.graphqls", Input: SchemaSDL})
	if err != nil {
		t.Fatalf("parsing schema.graphqls failed: %v", err)
	}

	var missing []string
	for _, def := range doc.Definitions {
		missing = append(missing, undescribed(def)...)
	}
	for _, ext := range doc.Extensions {
		for _, field := range ext.Fields {
			missing = append(missing, undescribedField(ext.Name, field)...)
		}
	}
	if len(missing) == 0 {
		return
	}
	t.Errorf("%d schema elements have no description. Add a \"...\" string above each:\n  %s",
		len(missing), strings.Join(missing, "\n  "))
}

// undescribed returns the coordinates, such as Query.citizen(id:), of def and
// its members that have no description.
func undescribed(def *ast.Definition) []string {
	var missing []string
	if isBlank(def.Description) {
		missing = append(missing, def.Name)
	}
	for _, field := range def.Fields {
		missing = append(missing, undescribedField(def.Name, field)...)
	}
	for _, value := range def.EnumValues {
		if isBlank(value.Description) {
			missing = append(missing, def.Name+"."+value.Name)
		}
	}
	return missing
}

func undescribedField(typeName string, field *ast.FieldDefinition) []string {
	var missing []string
	coordinate := typeName + "." + field.Name
	if isBlank(field.Description) {
		missing = append(missing, coordinate)
	}
	for _, arg := range field.Arguments {
		if isBlank(arg.Description) {
			missing = append(missing, coordinate+"("+arg.Name+":)")
		}
	}
	return missing
}

func isBlank(description string) bool {
	return strings.TrimSpace(description) == ""
}

// TestRegistrationFieldsArePersonal fails on a registration field without
// @personal, other than the interface's register fields (book, number,
// office, date) and links to citizens, which pass the citizen rule on their
// own. Every other detail of a registration describes the citizens it names.
func TestRegistrationFieldsArePersonal(t *testing.T) {
	doc, err := parser.ParseSchema(&ast.Source{Name: "schema.graphqls", Input: SchemaSDL})
	if err != nil {
		t.Fatalf("parsing schema.graphqls failed: %v", err)
	}
	register := map[string]bool{}
	for _, def := range doc.Definitions {
		if def.Name == "CivilStatusRegistration" {
			for _, field := range def.Fields {
				register[field.Name] = true
			}
		}
	}
	if len(register) == 0 {
		t.Fatal("schema has no CivilStatusRegistration interface")
	}
	// A divorce's marriage is a registration whose own fields are guarded.
	links := map[string]bool{"Citizen": true, "MarriageRegistration": true}
	registrations := 0
	for _, def := range doc.Definitions {
		if def.Kind != ast.Object || !slices.Contains(def.Interfaces, "CivilStatusRegistration") {
			continue
		}
		registrations++
		for _, field := range def.Fields {
			if register[field.Name] || links[field.Type.Name()] {
				continue
			}
			if field.Directives.ForName("personal") == nil {
				t.Errorf("%s.%s holds personal data of the registration's citizens but lacks @personal",
					def.Name, field.Name)
			}
		}
	}
	if registrations != 8 {
		t.Errorf("found %d registration types, want 8", registrations)
	}
}
