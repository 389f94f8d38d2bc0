package sqldb

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// CheckReady pings the database and checks that its schema is at the newest
// migration file that Migrate found, each within timeout. A database that Migrate
// never ran on is checked for reachability only.
func (db *DB) CheckReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := db.x.PingContext(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("ping timed out after %s", timeout)
		}
		return fmt.Errorf("ping failed: %w", err)
	}
	if db.newestMigration == 0 {
		return nil
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current != db.newestMigration {
		return fmt.Errorf("schema version is %d, expected %d: run lienthong migrate", current, db.newestMigration)
	}
	return nil
}
