package population

import "embed"

// Name is the source name used in configuration, logs and statistics.
const Name = "population"

// Migrations holds the schema of the population database, applied in order by
// sqldb.DB.Migrate with the directory "migrations".
//
//go:embed migrations/*.sql
var Migrations embed.FS
