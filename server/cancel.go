package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

type cancelNoticeKey struct{}

// withCancelNotice gives the request a record of whether its cancellation
// has been logged, so that a request the client cancelled logs one line,
// however many resolvers fail with it.
func withCancelNotice(ctx context.Context) context.Context {
	return context.WithValue(ctx, cancelNoticeKey{}, new(sync.Once))
}

// cancelledByClient reports whether ctx ended because the client went
// away. The gateway's own request timeout ends it with
// context.DeadlineExceeded instead.
func cancelledByClient(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// logCancelled logs at Info, once per request, that the client cancelled
// the request. Info, not Error: nothing failed on the gateway's side, but
// the line still records that the work and any reads were abandoned.
func logCancelled(ctx context.Context, log *slog.Logger, args ...any) {
	once, _ := ctx.Value(cancelNoticeKey{}).(*sync.Once)
	if once == nil {
		once = new(sync.Once)
	}
	once.Do(func() {
		args = append(args, "request_id", RequestID(ctx))
		log.InfoContext(ctx, "request cancelled by the client", args...)
	})
}
