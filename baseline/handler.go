package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/paging"
	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/validate"
)

// Path is the URL path of Handler on the serve command's listener.
const Path = "/raw/case-context"

// caseContextRequest is the body Handler reads: the body of a GraphQL
// request for the CaseContext operation, whose query it ignores.
type caseContextRequest struct {
	Variables struct {
		Code *string `json:"code"`
	} `json:"variables"`
}

// caseContextUsage is the body Handler expects, for error messages.
const caseContextUsage = `send {"variables":{"code":"DOSSIER-CODE"}}`

type response struct {
	Data       any            `json:"data,omitempty"`
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
	t := trail{store: c.Audit, now: c.Now, operation: Operation}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !admit(w, r, log, "CaseContext") {
			return
		}
		var req caseContextRequest
		if !decodeBody(w, r, &req, caseContextUsage) {
			return
		}
		if req.Variables.Code == nil {
			writeError(w, http.StatusBadRequest, apierr.InvalidArgument, "missing variables.code: "+caseContextUsage)
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
		deliver(ctx, w, r, log, t, stats, data, data.reads())
	})
}

// DossierListPath is the URL path of ListHandler on the serve command's
// listener.
const DossierListPath = "/raw/dossier-list"

// dossierListRequest is the body ListHandler reads: the body of a GraphQL
// request for the dossier list, whose query it ignores. First stays raw so
// that an invalid value can be quoted back.
type dossierListRequest struct {
	Variables struct {
		First json.RawMessage `json:"first"`
	} `json:"variables"`
}

// dossierListUsage is the body ListHandler expects, for error messages.
const dossierListUsage = `send {"variables":{"first":50}}`

// ListHandler serves the data of DossierListQuery for the page size in
// variables.first on POST, as Handler serves CaseContext. It serves central
// officers only, behind auth.Middleware, adds extensions.sources, and
// appends every read to l.Audit before the response is written.
func ListHandler(l *DossierList, log *slog.Logger) http.Handler {
	t := trail{store: l.Audit, now: l.Now, operation: DossierListOperation}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !admit(w, r, log, "dossier list") {
			return
		}
		var req dossierListRequest
		if !decodeBody(w, r, &req, dossierListUsage) {
			return
		}
		first, err := pageSize(req.Variables.First)
		if err != nil {
			writeError(w, http.StatusBadRequest, apierr.InvalidArgument, messageOf(err))
			return
		}

		ctx, stats := sqldb.WithStats(r.Context())
		data, err := l.Data(ctx, first)
		if err != nil {
			log.ErrorContext(ctx, "raw dossier list failed", "err", err, "first", first)
			writeError(w, http.StatusInternalServerError, apierr.Internal, "internal error")
			return
		}
		deliver(ctx, w, r, log, t, stats, data, data.reads)
	})
}

// pageSize checks variables.first as the gateway checks the first:
// argument of dossiers. Null or absent means defaultListSize, and any other
// value must be a GraphQL Int (32 bits) from 1 to paging.MaxFirst.
func pageSize(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return defaultListSize, nil
	}
	var first int32
	if err := json.Unmarshal(raw, &first); err != nil {
		value := string(raw)
		if len(value) > 40 {
			value = value[:40] + "..."
		}
		return 0, apierr.Invalid("invalid variables.first %s: must be an integer between 1 and %d; %s",
			value, paging.MaxFirst, dossierListUsage)
	}
	n := int(first)
	return paging.Limit(&n, defaultListSize)
}

// admit lets central officers' POST requests through and writes an error
// response to every other request. The raw handlers apply no purpose
// rule, so they serve central officers only. Messages name the query as
// name.
func admit(w http.ResponseWriter, r *http.Request, log *slog.Logger, name string) bool {
	p := auth.From(r.Context())
	switch p.Role {
	case auth.CentralOfficer:
	case auth.Anonymous:
		log.InfoContext(r.Context(), "raw "+name+" rejected", "role", p.Role, "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, apierr.Unauthenticated,
			"missing credentials: send a central officer's token as Authorization: Bearer TOKEN")
		return false
	default:
		log.InfoContext(r.Context(), "raw "+name+" rejected", "role", p.Role, "officer", p.ID, "remote", r.RemoteAddr)
		writeError(w, http.StatusForbidden, apierr.Forbidden,
			fmt.Sprintf("the raw %s baseline serves central officers only, not role %s", name, p.Role))
		return false
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, apierr.InvalidArgument,
			fmt.Sprintf("method %s not allowed: use POST", r.Method))
		return false
	}
	return true
}

// decodeBody reads the JSON request body into req, or writes a 400
// response whose message ends with usage, the body expected.
func decodeBody(w http.ResponseWriter, r *http.Request, req any, usage string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := dec.Decode(req); err != nil {
		writeError(w, http.StatusBadRequest, apierr.InvalidArgument,
			fmt.Sprintf("invalid request body: %v; %s", err, usage))
		return false
	}
	return true
}

// deliver appends reads to the audit trail and then writes data with the
// statements counted in stats. When the append fails, it withholds the
// data, as the gateway does.
func deliver(ctx context.Context, w http.ResponseWriter, r *http.Request, log *slog.Logger,
	t trail, stats *sqldb.Stats, data any, reads []audit.Read) {
	id := requestID(r.Header.Get("X-Request-Id"))
	if err := t.append(ctx, auth.From(r.Context()), id, reads); err != nil {
		log.ErrorContext(ctx, "audit write failed; personal data withheld", "err", err,
			"request_id", id, "operation", t.operation)
		writeError(w, http.StatusServiceUnavailable, apierr.SourceUnavailable,
			"personal data withheld: the audit trail could not record this request's reads; retry later (request id "+id+")")
		return
	}
	w.Header().Set("X-Request-Id", id)
	writeJSON(w, http.StatusOK, response{
		Data:       data,
		Extensions: map[string]any{"sources": stats.Snapshot()},
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
	enc := json.NewEncoder(w)
	// Write <, > and & unescaped, as the gateway does.
	enc.SetEscapeHTML(false)
	enc.Encode(body)
}
