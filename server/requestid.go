package server

import (
	"context"

	"lienthong/httpreq"
)

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	return httpreq.ID(ctx)
}
