// Package httpreq reads HTTP requests the same way on every endpoint of
// the gateway. It gives each request an id and reads a body bounded in
// size and in time. Each failure becomes an HTTP status and a message for
// the client.
package httpreq

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"lienthong/apierr"
)

type idKey struct{}

// validID accepts ids that a load balancer or client may send in
// X-Request-Id. Anything else is replaced, so logs never carry injected
// text.
var validID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// WithID returns ctx carrying the request id: header, the X-Request-Id
// the client sent, when it is valid, or else a new random id.
func WithID(ctx context.Context, header string) context.Context {
	id := header
	if !validID.MatchString(id) {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	return context.WithValue(ctx, idKey{}, id)
}

// ID returns the id of the request ctx belongs to, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

// BodyError is a request body that could not be read, with the response
// it gets.
type BodyError struct {
	// Status is 400, 408 or 413.
	Status int
	Code   apierr.Code
	// Limit names the limit the body exceeded: max-body-bytes, as the
	// flag that sets it, or read-timeout, the http.Server's ReadTimeout.
	// It is empty for other failures.
	Limit   string
	Message string
}

func (e *BodyError) Error() string { return e.Message }

// ReadBody reads the body of r, at most maxBytes of it. A larger body gets
// 413, a body that does not arrive within the server's read timeout gets
// 408, and a connection that fails mid-body gets 400. Messages name the
// limit and the size but never the addresses of the connection.
func ReadBody(r *http.Request, maxBytes int64) ([]byte, *BodyError) {
	if r.ContentLength > maxBytes {
		return nil, tooLarge(fmt.Sprintf("request body of %d bytes exceeds the limit of %d bytes",
			r.ContentLength, maxBytes))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
	r.Body.Close()
	if err != nil {
		return nil, ReadError(err, readTimeout(r))
	}
	if int64(len(body)) > maxBytes {
		// A body sent without Content-Length, such as a chunked one, has
		// no size to name: reading stops past the limit.
		return nil, tooLarge(fmt.Sprintf("request body exceeds the limit of %d bytes", maxBytes))
	}
	return body, nil
}

func tooLarge(message string) *BodyError {
	return &BodyError{Status: http.StatusRequestEntityTooLarge, Code: apierr.LimitExceeded,
		Limit: "max-body-bytes", Message: message}
}

// ReadError maps an error from reading a request body to its response.
// A timeout gets 408 naming timeout, the server's read timeout, or no
// value when it is zero. The error's own text, which names the
// connection's addresses, is never shown.
func ReadError(err error, timeout time.Duration) *BodyError {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		limit := "the server's read timeout"
		if timeout > 0 {
			limit = fmt.Sprintf("the server's read timeout of %s", timeout)
		}
		return &BodyError{Status: http.StatusRequestTimeout, Code: apierr.LimitExceeded, Limit: "read-timeout",
			Message: fmt.Sprintf("request body timed out: the whole request must arrive within %s; "+
				"send the body at once, without pauses", limit)}
	}
	return &BodyError{Status: http.StatusBadRequest, Code: apierr.BadRequest,
		Message: "incomplete request body: the connection failed before the whole body arrived; send the request again"}
}

// readTimeout returns the ReadTimeout of the server serving r, or zero
// when r did not come through an http.Server.
func readTimeout(r *http.Request) time.Duration {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return 0
	}
	return srv.ReadTimeout
}

// WithIDHeader gives each request an id, as WithID does from its
// X-Request-Id header, and sets the id as X-Request-Id on the response
// before next runs, so responses written by middleware that rejects the
// request carry it too.
func WithIDHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(WithID(r.Context(), r.Header.Get("X-Request-Id")))
		w.Header().Set("X-Request-Id", ID(r.Context()))
		next.ServeHTTP(w, r)
	})
}

// CheckJSONContentType returns what is wrong with a POST's Content-Type
// header for a JSON body, or "" when it is application/json in UTF-8. The
// caller adds what the endpoint accepts.
func CheckJSONContentType(header string) string {
	if strings.TrimSpace(header) == "" {
		return "missing Content-Type header"
	}
	mediaType, params, err := mime.ParseMediaType(header)
	if err != nil {
		return fmt.Sprintf("invalid Content-Type %s (%v)", apierr.Quote(header), err)
	}
	if mediaType != "application/json" {
		return fmt.Sprintf("Content-Type %s is not supported", apierr.Quote(mediaType))
	}
	if charset, ok := params["charset"]; ok && !strings.EqualFold(charset, "utf-8") {
		return fmt.Sprintf("charset %s is not supported: send the JSON body in UTF-8", apierr.Quote(charset))
	}
	return ""
}

// JSONKind names the JSON type of a value from its first byte, for error
// messages: "an object", "an array", "a string", "a boolean", "null", "a
// number", or "empty" for a value of spaces only.
func JSONKind(value []byte) string {
	value = bytes.TrimSpace(value)
	if len(value) == 0 {
		return "empty"
	}
	switch value[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// CancelledByClient reports whether ctx, a request's context, ended because
// the client went away: the http.Server cancels it when the connection
// closes, while a time limit ends it with context.DeadlineExceeded instead.
func CancelledByClient(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}
