package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"lienthong/sources/audit"
	"lienthong/sqldb"
)

// verifyAudit walks the audit trail's hash chain and fails, naming the
// first broken entry, when an entry was edited, deleted or reordered.
func verifyAudit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify-audit", flag.ContinueOnError)
	var dataDir, dsn string
	stringVar(fs, &dataDir, "data-dir", "data", "folder of the audit SQLite file when no DSN is given")
	stringVar(fs, &dsn, "audit-dsn", "", "DSN of the audit trail: a SQLite file path or a postgres:// URL; empty means DATA-DIR/audit.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dsn == "" {
		dsn = filepath.Join(dataDir, audit.Name+".db")
	}
	store, err := audit.Open(ctx, dsn, sqldb.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("audit chain intact: %d entries\n", n)
	return nil
}
