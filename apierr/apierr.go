// Package apierr classifies the errors a GraphQL response may show. An
// *Error carries a code and a message written for the caller; any other
// error is internal, so it is logged and shown only as "internal error".
package apierr

import (
	"errors"
	"fmt"
)

// Code classifies an error for clients. It is sent as extensions.code.
type Code string

const (
	InvalidArgument   Code = "INVALID_ARGUMENT"
	NotFound          Code = "NOT_FOUND"
	Forbidden         Code = "FORBIDDEN"
	Unauthenticated   Code = "UNAUTHENTICATED"
	SourceUnavailable Code = "SOURCE_UNAVAILABLE"
	LimitExceeded     Code = "LIMIT_EXCEEDED"
	Internal          Code = "INTERNAL"

	// BadRequest marks an HTTP request that is not a well-formed GraphQL
	// request, such as a body that is not a JSON object with a query.
	BadRequest Code = "BAD_REQUEST"
	// MethodNotAllowed marks a request with an HTTP method the endpoint
	// does not serve.
	MethodNotAllowed Code = "METHOD_NOT_ALLOWED"
	// UnsupportedMediaType marks a POST whose Content-Type is not
	// application/json.
	UnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	// Cancelled marks an error caused by the client cancelling its
	// request. The client never reads it, but metrics count it apart from
	// internal errors.
	Cancelled Code = "CANCELLED"
)

// Error is an error whose message is safe to show to the caller.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Invalid returns an INVALID_ARGUMENT error with a formatted message.
func Invalid(format string, args ...any) *Error {
	return &Error{Code: InvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, or Internal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
