package server

import (
	"context"
	"log/slog"
	"sync"

	"lienthong/ratelog"
)

type cancelNoticeKey struct{}

// cancelNotice records whether a request's cancellation has been logged,
// and the rate-limited log that all requests of a server share for it.
type cancelNotice struct {
	once sync.Once
	log  *ratelog.Logger
}

// withCancelNotice gives the request a record of whether its cancellation
// has been logged, so that a request the client cancelled logs one line,
// however many resolvers fail with it. Lines go through log, so that a
// client that gives up on many requests cannot flood the log.
func withCancelNotice(ctx context.Context, log *ratelog.Logger) context.Context {
	return context.WithValue(ctx, cancelNoticeKey{}, &cancelNotice{log: log})
}

// logCancelled logs at Info, once per request, that the client cancelled
// the request. Info, not Error: nothing failed on the gateway's side, but
// the line still records that the work and any reads were abandoned.
func logCancelled(ctx context.Context, log *slog.Logger, args ...any) {
	notice, _ := ctx.Value(cancelNoticeKey{}).(*cancelNotice)
	if notice == nil {
		notice = &cancelNotice{}
	}
	notice.once.Do(func() {
		args = append(args, "request_id", RequestID(ctx))
		if notice.log != nil {
			notice.log.Log(ctx, slog.LevelInfo, "request cancelled by the client", args...)
			return
		}
		log.InfoContext(ctx, "request cancelled by the client", args...)
	})
}
