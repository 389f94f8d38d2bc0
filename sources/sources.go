// Package sources opens the four national sources together. Each source is
// its own database, reached through its own pool; this package only wires
// them, and never queries across them.
package sources

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"lienthong/sources/business"
	"lienthong/sources/civilstatus"
	"lienthong/sources/population"
	"lienthong/sources/procedures"
	"lienthong/sqldb"
)

// Config gives the DSN and pool options of every source.
type Config struct {
	Population  Source
	CivilStatus Source
	Business    Source
	Procedures  Source
}

// Source is the configuration of one source database.
type Source struct {
	DSN     string
	Options sqldb.Options
}

// DefaultConfig places every source in its own SQLite file under dir.
func DefaultConfig(dir string) Config {
	file := func(name string) Source { return Source{DSN: filepath.Join(dir, name+".db")} }
	return Config{
		Population:  file(population.Name),
		CivilStatus: file(civilstatus.Name),
		Business:    file(business.Name),
		Procedures:  file(procedures.Name),
	}
}

// DBs holds the open database of every source.
type DBs struct {
	Population  *sqldb.DB
	CivilStatus *sqldb.DB
	Business    *sqldb.DB
	Procedures  *sqldb.DB
}

type source struct {
	name       string
	cfg        Source
	migrations fs.FS
	dst        **sqldb.DB
}

func (d *DBs) each(cfg Config) []source {
	return []source{
		{population.Name, cfg.Population, population.Migrations, &d.Population},
		{civilstatus.Name, cfg.CivilStatus, civilstatus.Migrations, &d.CivilStatus},
		{business.Name, cfg.Business, business.Migrations, &d.Business},
		{procedures.Name, cfg.Procedures, procedures.Migrations, &d.Procedures},
	}
}

// Open connects to every source and applies its pending migrations. It fails
// when any source is unreachable or has a schema newer than this binary.
func Open(ctx context.Context, cfg Config) (*DBs, error) {
	dbs := &DBs{}
	for _, s := range dbs.each(cfg) {
		if s.cfg.DSN == "" {
			dbs.Close()
			return nil, fmt.Errorf("%s: no DSN configured", s.name)
		}
		db, err := sqldb.Open(ctx, s.name, s.cfg.DSN, s.cfg.Options)
		if err != nil {
			dbs.Close()
			return nil, err
		}
		*s.dst = db
		if err := db.Migrate(ctx, s.migrations, "migrations"); err != nil {
			dbs.Close()
			return nil, err
		}
	}
	return dbs, nil
}

// All returns the open databases in a fixed order.
func (d *DBs) All() []*sqldb.DB {
	var out []*sqldb.DB
	for _, db := range []*sqldb.DB{d.Population, d.CivilStatus, d.Business, d.Procedures} {
		if db != nil {
			out = append(out, db)
		}
	}
	return out
}

// Close closes every open database.
func (d *DBs) Close() error {
	var errs []error
	for _, db := range d.All() {
		errs = append(errs, db.Close())
	}
	return errors.Join(errs...)
}
