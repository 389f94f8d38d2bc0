package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"lienthong/apierr"
	"lienthong/httpreq"
	"lienthong/metrics"
)

// allowedMethods is the Allow header of /graphql.
const allowedMethods = "GET, POST, OPTIONS"

// supportedRequests ends the messages about methods and media types.
const supportedRequests = "send POST with Content-Type application/json, or GET with the query in query parameters"

// checkProtocol rejects a request that no transport of /graphql serves
// before its body is read: a method other than GET, POST or OPTIONS gets
// 405 with an Allow header, and a POST whose Content-Type is not
// application/json gets 415. Each error names what the request sent and
// what the endpoint supports.
func checkProtocol(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			if msg := checkContentType(r.Header.Get("Content-Type")); msg != "" {
				writeRequestError(log, w, r, http.StatusUnsupportedMediaType,
					requestError(apierr.UnsupportedMediaType, "%s", msg))
				return
			}
		default:
			w.Header().Set("Allow", allowedMethods)
			writeRequestError(log, w, r, http.StatusMethodNotAllowed, requestError(apierr.MethodNotAllowed,
				"HTTP method %s is not supported on this endpoint: %s", quoteShort(r.Method), supportedRequests))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkContentType returns why a POST with this Content-Type header cannot
// be served, or "" when it is application/json in UTF-8.
func checkContentType(header string) string {
	msg := httpreq.CheckJSONContentType(header)
	if msg == "" || strings.HasPrefix(msg, "charset") {
		return msg
	}
	return msg + ": " + supportedRequests
}

// requestError returns the error of a request rejected before GraphQL
// execution, with extensions.code set.
func requestError(code apierr.Code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(code)}
	return err
}

// writeRequestError sends a GraphQL response carrying one error with the
// HTTP status, counts it and logs it with the request id. The message it
// logs names only methods, media types and sizes, never the body.
func writeRequestError(log *slog.Logger, w http.ResponseWriter, r *http.Request, status int, err *gqlerror.Error) {
	code, _ := err.Extensions["code"].(string)
	metrics.Errors.WithLabelValues(metrics.Unknown, code).Inc()
	log.InfoContext(r.Context(), "request rejected", "status", status, "code", code, "err", err.Message,
		"limit", err.Extensions["limit"], "request_id", RequestID(r.Context()))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": gqlerror.List{err}})
}

// quoteShort quotes s for an error message, cut to 64 bytes so that a
// client cannot make the message long.
func quoteShort(s string) string {
	const maxBytes = 64
	if len(s) <= maxBytes {
		return fmt.Sprintf("%q", s)
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", s[:cut])
}
