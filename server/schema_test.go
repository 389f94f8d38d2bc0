package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	lienthong "lienthong"
	"lienthong/testenv"
)

func TestSchemaSDLDownload(t *testing.T) {
	env := testenv.New(t, testenv.Options{})

	resp, err := env.Server.Client().Get(env.Server.URL + "/schema.graphql")
	if err != nil {
		t.Fatalf("GET /schema.graphql failed: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading /schema.graphql failed: %v", err)
	}

	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/graphql; charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/graphql; charset=utf-8", got)
	}
	if string(body) != lienthong.SchemaSDL {
		t.Error("body differs from schema.graphqls")
	}
	if _, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(body)}); err != nil {
		t.Errorf("downloaded schema does not load: %v", err)
	}
}

// introspectionQuery is the query of graphql-js 16's getIntrospectionQuery
// with every option on, as GraphQL Code Generator and GraphiQL send it.
const introspectionQuery = `
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) {
    name description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

// graphqlJS16Locations are the directive locations that graphql-js 16 can
// parse. A client built on it rejects an introspected schema with any other.
var graphqlJS16Locations = map[string]bool{
	"QUERY": true, "MUTATION": true, "SUBSCRIPTION": true, "FIELD": true,
	"FRAGMENT_DEFINITION": true, "FRAGMENT_SPREAD": true, "INLINE_FRAGMENT": true,
	"VARIABLE_DEFINITION": true, "SCHEMA": true, "SCALAR": true, "OBJECT": true,
	"FIELD_DEFINITION": true, "ARGUMENT_DEFINITION": true, "INTERFACE": true,
	"UNION": true, "ENUM": true, "ENUM_VALUE": true, "INPUT_OBJECT": true,
	"INPUT_FIELD_DEFINITION": true,
}

func TestIntrospectionForClientTools(t *testing.T) {
	env := testenv.New(t, testenv.Options{})

	resp := env.Query(t, introspectionQuery, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("introspection failed: %+v", resp.Errors)
	}
	var data struct {
		Schema struct {
			QueryType  struct{ Name string }
			Types      []struct{ Name, Description string }
			Directives []struct {
				Name      string
				Locations []string
			}
		} `json:"__schema"`
	}
	resp.Decode(t, &data)

	if data.Schema.QueryType.Name != "Query" {
		t.Errorf("queryType = %q, want Query", data.Schema.QueryType.Name)
	}
	descriptions := map[string]string{}
	for _, typ := range data.Schema.Types {
		descriptions[typ.Name] = typ.Description
	}
	for _, name := range []string{"Query", "Citizen", "Household", "Dossier", "DossierStatus"} {
		if descriptions[name] == "" {
			t.Errorf("type %s has no description in introspection", name)
		}
	}
	for _, directive := range data.Schema.Directives {
		for _, location := range directive.Locations {
			if !graphqlJS16Locations[location] {
				t.Errorf("directive @%s has location %s, which graphql-js 16 clients cannot parse",
					directive.Name, location)
			}
		}
	}
}
