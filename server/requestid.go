package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
)

type requestIDKey struct{}

// validRequestID accepts ids that a load balancer or client may send in
// X-Request-Id; anything else is replaced, so logs never carry injected text.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func withRequestID(ctx context.Context, given string) context.Context {
	id := given
	if !validRequestID.MatchString(id) {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
