package main

import (
	"context"
	"flag"
	"os"

	"lienthong/sources"
)

// migrate applies every source's pending migrations and exits. serve does
// the same on start; this command lets operators migrate ahead of a
// rollout.
func migrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var (
		stores    storeFlags
		logFormat string
	)
	stores.register(fs)
	fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := stores.validate(); err != nil {
		return err
	}
	log, err := newLogger(logFormat)
	if err != nil {
		return err
	}
	cfg, _ := stores.config()
	if err := checkDistinctDatabases(dsns(cfg)); err != nil {
		return err
	}
	if stores.usesDataDir() {
		if err := os.MkdirAll(stores.dataDir, 0o755); err != nil {
			return err
		}
	}
	dbs, err := sources.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer dbs.Close()
	for _, db := range dbs.All() {
		version, err := db.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "migrated", "source", db.Name(), "engine", string(db.Engine()), "schema_version", version)
	}
	return nil
}
