package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/sqldb"
	"lienthong/validate"
)

// Path is the URL path of Handler on the serve command's listener.
const Path = "/raw/case-context"

// request is the body Handler reads: the body of a GraphQL request for the
// CaseContext operation, whose query it ignores.
type request struct {
	Variables struct {
		Code *string `json:"code"`
	} `json:"variables"`
}

type response struct {
	Data       *Data          `json:"data,omitempty"`
	Errors     []responseErr  `json:"errors,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type responseErr struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

// maxBodyBytes bounds a request body, as the gateway's default does.
const maxBodyBytes = 1 << 20

// Handler serves the CaseContext data of the dossier in variables.code on
// POST, as {"data": ...} with the statements of each source in
// extensions.sources, like the gateway's response. It serves central
// officers only, because it applies no purpose rule, so it must run behind
// auth.Middleware. Each response's reads are appended to c.Audit before the
// response is written; when that fails, the data is withheld.
func Handler(c *CaseContext, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.From(r.Context())
		if p.Role != auth.CentralOfficer {
			log.InfoContext(r.Context(), "raw case context rejected", "role", p.Role, "officer", p.ID, "remote", r.RemoteAddr)
		}
		switch p.Role {
		case auth.CentralOfficer:
		case auth.Anonymous:
			writeError(w, http.StatusUnauthorized, apierr.Unauthenticated,
				"missing credentials: send a central officer's token as Authorization: Bearer TOKEN")
			return
		default:
			writeError(w, http.StatusForbidden, apierr.Forbidden,
				fmt.Sprintf("the raw CaseContext baseline serves central officers only, not role %s", p.Role))
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, apierr.InvalidArgument,
				fmt.Sprintf("method %s not allowed: use POST", r.Method))
			return
		}
		var req request
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, apierr.InvalidArgument,
				fmt.Sprintf("invalid request body: %v; send {\"variables\":{\"code\":\"DOSSIER-CODE\"}}", err))
			return
		}
		if req.Variables.Code == nil {
			writeError(w, http.StatusBadRequest, apierr.InvalidArgument,
				"missing variables.code: send {\"variables\":{\"code\":\"DOSSIER-CODE\"}}")
			return
		}
		code := *req.Variables.Code
		if err := validate.DossierCode(code); err != nil {
			writeError(w, http.StatusBadRequest, apierr.InvalidArgument, messageOf(err))
			return
		}

		ctx, stats := sqldb.WithStats(r.Context())
		data, err := c.Data(ctx, code)
		if err != nil {
			log.ErrorContext(ctx, "raw case context failed", "err", err, "dossier", code)
			writeError(w, http.StatusInternalServerError, apierr.Internal, "internal error")
			return
		}
		id := requestID(r.Header.Get("X-Request-Id"))
		if err := c.appendAudit(ctx, p, id, data); err != nil {
			log.ErrorContext(ctx, "audit write failed; personal data withheld", "err", err, "request_id", id, "dossier", code)
			writeError(w, http.StatusServiceUnavailable, apierr.SourceUnavailable,
				"personal data withheld: the audit trail could not record this request's reads; retry later (request id "+id+")")
			return
		}
		w.Header().Set("X-Request-Id", id)
		writeJSON(w, http.StatusOK, response{
			Data:       data,
			Extensions: map[string]any{"sources": stats.Snapshot()},
		})
	})
}

func messageOf(err error) string {
	var appErr *apierr.Error
	if errors.As(err, &appErr) {
		return appErr.Message
	}
	return err.Error()
}

func writeError(w http.ResponseWriter, status int, code apierr.Code, message string) {
	writeJSON(w, status, response{Errors: []responseErr{{
		Message: message, Extensions: map[string]string{"code": string(code)},
	}}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
