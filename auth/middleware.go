package auth

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"lienthong/httpreq"
	"lienthong/ratelog"
)

// Middleware identifies the caller of each request from its Authorization
// ("Bearer TOKEN" or "ApiKey KEY") or X-API-Key header and puts the
// principal and the X-Purpose-Dossier header in the request context. A
// request without credentials goes on as anonymous. Invalid credentials end
// the request with HTTP 401 and a GraphQL error whose extensions.code is
// UNAUTHENTICATED, so a client never mistakes an expired token for a lack
// of data.
func Middleware(v *Verifier, log *slog.Logger, next http.Handler) http.Handler {
	// Rejections are logged at most about once a second after a burst of
	// 10, so a client retrying a bad token cannot flood the log.
	rejections := ratelog.New(log, 1, 10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.identify(r)
		if err != nil {
			rejections.Log(r.Context(), slog.LevelWarn, "rejected credentials", "err", err, "remote", r.RemoteAddr,
				"request_id", httpreq.ID(r.Context()))
			writeUnauthenticated(w, err.Error())
			return
		}
		ctx := WithPrincipal(r.Context(), p)
		if purpose := strings.TrimSpace(r.Header.Get("X-Purpose-Dossier")); purpose != "" {
			ctx = WithPurpose(ctx, purpose)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (v *Verifier) identify(r *http.Request) (*Principal, error) {
	if key := r.Header.Get("X-API-Key"); key != "" {
		return v.VerifyAPIKey(key)
	}
	header := r.Header.Get("Authorization")
	if header == "" {
		return &Principal{}, nil
	}
	scheme, value, _ := strings.Cut(header, " ")
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return v.VerifyToken(value)
	case strings.EqualFold(scheme, "ApiKey"):
		return v.VerifyAPIKey(value)
	}
	return nil, errUnknownScheme{scheme}
}

type errUnknownScheme struct{ scheme string }

func (e errUnknownScheme) Error() string {
	return "invalid Authorization header: unknown scheme " + strings.TrimSpace(e.scheme) + "; use Bearer TOKEN or ApiKey KEY"
}

func writeUnauthenticated(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="lienthong"`)
	w.WriteHeader(http.StatusUnauthorized)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{
			"message":    msg,
			"extensions": map[string]any{"code": "UNAUTHENTICATED"},
		}},
	})
}
