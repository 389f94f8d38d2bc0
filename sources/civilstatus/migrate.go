package civilstatus

import "embed"

// Name is the source name used in configuration, logs and statistics.
const Name = "civilstatus"

// Migrations holds the schema of the civilstatus database, applied in order by
// sqldb.DB.Migrate with the directory "migrations".
//
//go:embed migrations/*.sql
var Migrations embed.FS
