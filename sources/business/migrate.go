package business

import "embed"

// Name is the source name used in configuration, logs and statistics.
const Name = "business"

// Migrations holds the schema of the business database, applied in order by
// sqldb.DB.Migrate with the directory "migrations".
//
//go:embed migrations/*.sql
var Migrations embed.FS
