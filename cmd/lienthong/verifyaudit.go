package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"lienthong/sources/audit"
	"lienthong/sqldb"
)

// verifyAudit walks the audit trail's hash chain and fails, naming the
// first broken entry, when an entry was edited, deleted or reordered, or
// when the head row is missing, edited or wound back without its
// signature, or holds fewer entries than -expect-seq.
func verifyAudit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify-audit", flag.ContinueOnError)
	var dataDir, dsn, keyFlag string
	var expectSeq int
	stringVar(fs, &dataDir, "data-dir", "data", "folder of the audit SQLite file when no DSN is given")
	registerAuditDSN(fs, &dsn)
	registerAuditKey(fs, &keyFlag)
	intVar(fs, &expectSeq, "expect-seq", 0,
		"fail unless the trail has at least this many entries, such as the seq of the last \"audit chain head\" "+
			"line in the gateway's log archive; 0 means no check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if expectSeq < 0 {
		return fmt.Errorf("invalid -expect-seq %d: must not be negative", expectSeq)
	}
	// The trail in the data folder is the embedded demo's, which the
	// gateway keys with the demo key unless -audit-key is set.
	demo := dsn == ""
	key, err := auditKey(keyFlag, demo)
	if err != nil {
		return err
	}
	if keyFlag == "" {
		fmt.Fprintln(os.Stderr, "lienthong: verifying with the public demo audit key; set -audit-key for any other trail")
	}
	if dsn == "" {
		dsn = filepath.Join(dataDir, audit.Name+".db")
	}
	store, err := audit.Open(ctx, dsn, key, sqldb.Options{})
	if err != nil {
		return err
	}
	defer store.Close()

	head, err := store.VerifyHead(ctx)
	if errors.Is(err, audit.ErrKeyMismatch) && keyFlag == "" {
		return fmt.Errorf("%w; this trail is not the demo's, so set -audit-key", err)
	}
	if err != nil {
		return err
	}
	if head.Seq < int64(expectSeq) {
		return fmt.Errorf("audit trail has %d entries, but -expect-seq is %d: entries %d to %d were deleted and the "+
			"head row restored to an earlier signed state, or this is not the trail the expected seq came from "+
			"(head hash %s)", head.Seq, expectSeq, head.Seq+1, expectSeq, head.Hash)
	}
	fmt.Printf("audit chain intact: %d entries, head hash %s\n", head.Seq, head.Hash)
	switch {
	case head.MAC == "":
		fmt.Println("the trail is empty: the first append signs its head")
	case head.KeyedFrom > 1:
		fmt.Printf("entries 1 to %d were written by an earlier build with plain SHA-256 hashes that anyone can "+
			"recompute; entries from %d on are keyed\n", head.KeyedFrom-1, head.KeyedFrom)
	}
	return nil
}
