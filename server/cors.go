package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/cors"
)

// corsMaxAge is the lifetime in seconds for which browsers may cache a
// preflight response, so a portal sends one preflight per ten minutes.
const corsMaxAge = 600

// corsHeaders are the request headers that GraphQL clients send: JSON
// bodies, credentials, Apollo Client's client identification, and the
// request id that this server echoes back.
var corsHeaders = []string{
	"Content-Type",
	"Authorization",
	"X-API-Key",
	"apollographql-client-name",
	"apollographql-client-version",
	"X-Request-Id",
}

// ParseCORSOrigins splits a comma-separated list of origins, such as
// "https://dichvucong.hanoi.gov.vn,https://*.danang.gov.vn", and checks each
// one. An origin is a scheme and host with an optional port and no path, as
// a browser sends it in the Origin header. One "*" in the host allows a
// family of subdomains, and "*" alone allows every origin. An empty list
// allows none.
func ParseCORSOrigins(list string) ([]string, error) {
	var origins []string
	for _, item := range strings.Split(list, ",") {
		origin := strings.TrimSpace(item)
		if origin == "" {
			continue
		}
		if err := checkOrigin(origin); err != nil {
			return nil, err
		}
		origins = append(origins, origin)
	}
	return origins, nil
}

func checkOrigin(origin string) error {
	if origin == "*" {
		return nil
	}
	if strings.Count(origin, "*") > 1 {
		return fmt.Errorf("invalid CORS origin %q: use at most one *, as in https://*.example.gov.vn", origin)
	}
	u, err := url.Parse(strings.Replace(origin, "*", "wildcard", 1))
	if err != nil {
		return fmt.Errorf("invalid CORS origin %q: %w", origin, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid CORS origin %q: it must start with http:// or https://", origin)
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("invalid CORS origin %q: give only the scheme, host and port, such as https://portal.example.gov.vn", origin)
	}
	return nil
}

// withCORS answers CORS preflight requests from the allowed origins and adds
// the CORS response headers to their other requests. Requests from other
// origins get no CORS headers, so browsers keep their pages from reading the
// responses. Credentials such as cookies are not allowed, because clients
// authenticate with the Authorization or X-API-Key header.
func withCORS(origins []string, next http.Handler) http.Handler {
	trimmed := make([]string, len(origins))
	for i, origin := range origins {
		trimmed[i] = strings.TrimSuffix(origin, "/")
	}
	c := cors.New(cors.Options{
		AllowedOrigins: trimmed,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: corsHeaders,
		ExposedHeaders: []string{"X-Request-Id"},
		MaxAge:         corsMaxAge,
	})
	return c.Handler(next)
}
