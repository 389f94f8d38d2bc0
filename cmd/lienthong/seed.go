package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lienthong/demo"
	"lienthong/sources"
)

// seed fills empty sources with generated demo data.
func seed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	var (
		stores    storeFlags
		citizens  int
		seedValue uint64
		asOf      string
		logFormat string
	)
	stores.register(fs)
	fs.IntVar(&citizens, "citizens", 50_000, "number of citizens to generate")
	fs.Uint64Var(&seedValue, "seed", 1, "random seed; the same seed and sizes give the same records on any engine")
	fs.StringVar(&asOf, "as-of", "2026-11-30", "the data's reference day (YYYY-MM-DD): dossiers span the two years before it")
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
	day, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		return fmt.Errorf("invalid -as-of %q: must be YYYY-MM-DD", asOf)
	}
	if citizens < 1 {
		return fmt.Errorf("invalid -citizens %d: must be at least 1", citizens)
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

	start := time.Now()
	summary, err := demo.Seed(ctx, dbs, demo.Options{Citizens: citizens, Seed: seedValue, AsOf: day}, log)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "seeded", "citizens", citizens, "elapsed", time.Since(start).Round(time.Millisecond),
		"showcase_dossier", summary.ShowcaseDossier)
	// serve reads the showcase dossier from the data folder, which sources
	// on PostgreSQL alone do not create.
	if err := os.MkdirAll(stores.dataDir, 0o755); err != nil {
		return fmt.Errorf("create data folder for the demo summary: %w", err)
	}
	return demo.WriteSummary(filepath.Join(stores.dataDir, "demo.json"), summary)
}
