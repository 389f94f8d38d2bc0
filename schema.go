// Package lienthong holds the GraphQL schema of Liên thông, a federation
// layer over Vietnam's national population, civil-status,
// business-registration and administrative-procedure databases.
package lienthong

import _ "embed"

// SchemaSDL is the GraphQL schema in SDL, as served at /schema.graphql.
//
//go:embed schema.graphqls
var SchemaSDL string
