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
	var stores storeFlags
	stores.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if stores.usesDataDir() {
		if err := os.MkdirAll(stores.dataDir, 0o755); err != nil {
			return err
		}
	}
	cfg, _ := stores.config()
	if err := checkDistinctDatabases(dsns(cfg)); err != nil {
		return err
	}
	dbs, err := sources.Open(ctx, cfg)
	if err != nil {
		return err
	}
	return dbs.Close()
}
