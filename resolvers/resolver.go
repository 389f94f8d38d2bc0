package resolvers

// This file will not be regenerated automatically.

import (
	"time"

	"lienthong/loaders"
	"lienthong/paging"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
)

// Resolver holds what every resolver needs: the sources for root lists, the
// administrative units, and a clock for deciding which dossiers are overdue.
// Fields that can repeat across a list read through the request's loaders.
type Resolver struct {
	Stores loaders.Stores
	Units  *adminunits.Units
	Now    func() time.Time
	// Audit is the trail that myAccessLog and auditTrail read; nil when
	// auditing is off.
	Audit *audit.Store
	// Cursors seals the cursors of lists whose sort key is personal data.
	Cursors *paging.Sealer
}
