package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/httpreq"
	"lienthong/paging"
	"lienthong/ratelog"
	"lienthong/sources/audit"
	"lienthong/sqldb"
	"lienthong/validate"
)

// Path is the URL path of Handler on the serve command's listener.
const Path = "/raw/case-context"

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

// handler is the part of Handler and ListHandler that they share: the
// request id, the checks of role and method, and the rate-limited log of
// rejections.
type handler struct {
	log *slog.Logger
	// rejections logs rejected roles at most about once a second after a
	// burst of 10, so that unauthenticated load cannot flood the log.
	rejections *ratelog.Logger
	// cancellations logs requests the client cancelled at the same rate,
	// so that a client giving up on many requests cannot flood it either.
	cancellations *ratelog.Logger
	// name names the query in messages.
	name string
}

func newHandler(log *slog.Logger, name string) *handler {
	return &handler{log: log, rejections: ratelog.New(log, 1, 10),
		cancellations: ratelog.New(log, 1, 10), name: name}
}

// serve gives the request an id unless httpreq.WithIDHeader has, sets it
// as X-Request-Id on the response whatever its status, and calls serve
// with the request's variables when the caller and the body pass the
// checks. The variables are those in accepted only.
func (h *handler) serve(usage string, accepted []string,
	serve func(http.ResponseWriter, *http.Request, map[string]json.RawMessage)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpreq.ID(r.Context()) == "" {
			r = r.WithContext(httpreq.WithID(r.Context(), r.Header.Get("X-Request-Id")))
		}
		w.Header().Set("X-Request-Id", httpreq.ID(r.Context()))
		if !h.admit(w, r) {
			return
		}
		body, bodyErr := httpreq.ReadBody(r, maxBodyBytes)
		if bodyErr != nil {
			writeErrorLimit(w, bodyErr.Status, bodyErr.Code, bodyErr.Message, bodyErr.Limit)
			return
		}
		vars, err := variables(body, usage, accepted...)
		if err != nil {
			writeError(w, http.StatusBadRequest, apierr.CodeOf(err), messageOf(err))
			return
		}
		serve(w, r, vars)
	})
}

// Handler serves the CaseContext data of the dossier in variables.code on
// POST, as {"data": ...} with the statements of each source in
// extensions.sources, like the gateway's response. It serves central
// officers only, because it applies no purpose rule, so it must run behind
// auth.Middleware. Each response's reads are appended to c.Audit before the
// response is written; when that fails, the data is withheld.
func Handler(c *CaseContext, log *slog.Logger) http.Handler {
	t := trail{store: c.Audit, now: c.Now, operation: Operation}
	h := newHandler(log, "CaseContext")
	return h.serve(caseContextUsage, []string{"code"},
		func(w http.ResponseWriter, r *http.Request, vars map[string]json.RawMessage) {
			code, err := stringVariable(vars, "code", caseContextUsage)
			if err == nil {
				err = validate.DossierCode(code)
			}
			if err != nil {
				writeError(w, http.StatusBadRequest, apierr.InvalidArgument, messageOf(err))
				return
			}

			ctx, stats := sqldb.WithStats(r.Context())
			data, err := c.Data(ctx, code)
			if err != nil {
				h.failed(w, r, err, "dossier", code)
				return
			}
			h.deliver(ctx, w, r, t, stats, data, data.reads())
		})
}

// DossierListPath is the URL path of ListHandler on the serve command's
// listener.
const DossierListPath = "/raw/dossier-list"

// dossierListUsage is the body ListHandler expects, for error messages.
const dossierListUsage = `send {"variables":{"first":50}}`

// ListHandler serves the data of DossierListQuery for the page size in
// variables.first on POST, as Handler serves CaseContext. It serves central
// officers only, behind auth.Middleware, adds extensions.sources, and
// appends every read to l.Audit before the response is written.
func ListHandler(l *DossierList, log *slog.Logger) http.Handler {
	t := trail{store: l.Audit, now: l.Now, operation: DossierListOperation}
	h := newHandler(log, "dossier list")
	return h.serve(dossierListUsage, []string{"first"},
		func(w http.ResponseWriter, r *http.Request, vars map[string]json.RawMessage) {
			first, err := pageSize(vars["first"])
			if err != nil {
				writeError(w, http.StatusBadRequest, apierr.InvalidArgument, messageOf(err))
				return
			}

			ctx, stats := sqldb.WithStats(r.Context())
			data, err := l.Data(ctx, first)
			if err != nil {
				h.failed(w, r, err, "first", first)
				return
			}
			h.deliver(ctx, w, r, t, stats, data, data.reads)
		})
}

// pageSize checks variables.first as the gateway checks the first:
// argument of dossiers. Null or absent means defaultListSize, and any other
// value must be an integer from 1 to paging.MaxFirst. The message names
// the value as sent, cut to apierr.MaxEcho characters.
func pageSize(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || httpreq.JSONKind(raw) == "null" {
		return defaultListSize, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < 1 || n > paging.MaxFirst {
		return 0, apierr.Invalid("invalid variables.first %s: must be an integer between 1 and %d; %s",
			apierr.Excerpt(string(raw)), paging.MaxFirst, dossierListUsage)
	}
	return n, nil
}

// admit lets central officers' POST requests through and writes an error
// response to every other request. The raw handlers apply no purpose
// rule, so they serve central officers only.
func (h *handler) admit(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	p := auth.From(ctx)
	switch p.Role {
	case auth.CentralOfficer:
	case auth.Anonymous:
		h.rejections.Log(ctx, slog.LevelInfo, "raw "+h.name+" rejected", "role", p.Role,
			"remote", r.RemoteAddr, "request_id", httpreq.ID(ctx))
		writeError(w, http.StatusUnauthorized, apierr.Unauthenticated,
			"missing credentials: send a central officer's token as Authorization: Bearer TOKEN")
		return false
	default:
		h.rejections.Log(ctx, slog.LevelInfo, "raw "+h.name+" rejected", "role", p.Role, "officer", p.ID,
			"remote", r.RemoteAddr, "request_id", httpreq.ID(ctx))
		writeError(w, http.StatusForbidden, apierr.Forbidden,
			fmt.Sprintf("the raw %s baseline serves central officers only, not role %s", h.name, p.Role))
		return false
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, apierr.MethodNotAllowed,
			fmt.Sprintf("method %s not allowed: use POST", apierr.Quote(r.Method)))
		return false
	}
	if msg := httpreq.CheckJSONContentType(r.Header.Get("Content-Type")); msg != "" {
		if !strings.HasPrefix(msg, "charset") {
			msg += ": send the body as JSON with Content-Type application/json"
		}
		writeError(w, http.StatusUnsupportedMediaType, apierr.UnsupportedMediaType, msg)
		return false
	}
	return true
}

// failed logs err, the failure to gather the response's data, and writes
// an internal error. A request the client cancelled logs one Info line,
// because the client has gone and nothing failed on the server's side.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, err error, args ...any) {
	ctx := r.Context()
	args = append(args, "request_id", httpreq.ID(ctx))
	if httpreq.CancelledByClient(ctx) {
		h.cancellations.Log(ctx, slog.LevelInfo, "raw "+h.name+" cancelled by the client", args...)
	} else {
		h.log.ErrorContext(ctx, "raw "+h.name+" failed", append(args, "err", err)...)
	}
	writeError(w, http.StatusInternalServerError, apierr.Internal,
		"internal error (request id "+httpreq.ID(ctx)+")")
}

// deliver appends reads to the audit trail and then writes data with the
// statements counted in stats. When the append fails, it withholds the
// data, as the gateway does.
func (h *handler) deliver(ctx context.Context, w http.ResponseWriter, r *http.Request,
	t trail, stats *sqldb.Stats, data any, reads []audit.Read) {
	id := httpreq.ID(ctx)
	if err := t.append(ctx, auth.From(ctx), id, reads); err != nil {
		if httpreq.CancelledByClient(ctx) {
			h.log.InfoContext(ctx, "raw "+h.name+" cancelled by the client; personal data withheld",
				"request_id", id, "operation", t.operation)
		} else {
			h.log.ErrorContext(ctx, "audit write failed; personal data withheld", "err", err,
				"request_id", id, "operation", t.operation)
		}
		writeError(w, http.StatusServiceUnavailable, apierr.SourceUnavailable,
			"personal data withheld: the audit trail could not record this request's reads; retry later (request id "+id+")")
		return
	}
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
	writeErrorLimit(w, status, code, message, "")
}

// writeErrorLimit writes an error response whose extensions.limit names
// the limit a request exceeded, when limit is not empty.
func writeErrorLimit(w http.ResponseWriter, status int, code apierr.Code, message, limit string) {
	extensions := map[string]string{"code": string(code)}
	if limit != "" {
		extensions["limit"] = limit
	}
	writeJSON(w, status, response{Errors: []responseErr{{Message: message, Extensions: extensions}}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	// Write <, > and & unescaped, as the gateway does.
	enc.SetEscapeHTML(false)
	enc.Encode(body)
}
