package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lienthong/apierr"
	"lienthong/auth"
	"lienthong/httpreq"
	"lienthong/sources/adminunits"
	"lienthong/sources/audit"
)

// errIntrospectionDisabled is the message of the plain error gqlgen
// (v0.17.98, graphql/execution_context_state.go) returns for __schema and
// __type when introspection is off.
const errIntrospectionDisabled = "introspection disabled"

// sensitive implements the @sensitive directive: a caller without
// sensitive access gets null and a FORBIDDEN error at the field.
func sensitive(ctx context.Context, obj any, next graphql.Resolver) (any, error) {
	p := auth.From(ctx)
	if !p.CanReadSensitive() {
		field := graphql.GetFieldContext(ctx).Field.Name
		return nil, &apierr.Error{Code: apierr.Forbidden, Message: "field " + field +
			" is sensitive: it needs a central officer or a token with the sensitive claim, not role " + string(p.Role)}
	}
	return next(ctx)
}

// withRecorder gives each request an empty audit recorder, which the
// resolvers fill as they admit citizens.
func withRecorder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(audit.WithRecorder(r.Context(), audit.NewRecorder())))
	})
}

// auditExtension writes the request's personal-data reads to the audit
// trail, in one transaction, after resolution and before the response
// leaves the server. When the write fails it fails closed: the response
// loses its data and carries an error instead.
type auditExtension struct {
	store *audit.Store
	units *adminunits.Units
	log   *slog.Logger
	now   func() time.Time
	// timeout is the request time limit, which messages name.
	timeout time.Duration
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = auditExtension{}

func (auditExtension) ExtensionName() string                   { return "AuditTrail" }
func (auditExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (a auditExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	reads := audit.RecorderFrom(ctx).Reads()
	if len(reads) == 0 {
		return resp
	}
	entries := a.entries(ctx, reads)
	if err := a.store.Append(ctx, entries); err != nil {
		switch {
		case httpreq.CancelledByClient(ctx):
			logCancelled(ctx, a.log, "personal_data", "withheld", "entries", len(entries))
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			// The request's own time limit ended it, so the trail is not at
			// fault and the caller should hear about the limit.
			a.log.WarnContext(ctx, "request timed out before its reads were audited; personal data withheld",
				"timeout", a.timeout, "request_id", RequestID(ctx), "entries", len(entries))
			return &graphql.Response{Errors: gqlerror.List{{
				Message: fmt.Sprintf("request timed out: it ran longer than the limit of %s, so its reads "+
					"were not audited and its personal data is withheld; select fewer records or retry", a.timeout),
				Extensions: map[string]any{"code": string(apierr.LimitExceeded), "limit": "request-timeout"},
			}}}
		default:
			a.log.ErrorContext(ctx, "audit write failed; personal data withheld", "err", err,
				"request_id", RequestID(ctx), "entries", len(entries))
		}
		return &graphql.Response{Errors: gqlerror.List{{
			Message: "personal data withheld: the audit trail could not record this request's reads; " +
				"retry later (request id " + RequestID(ctx) + ")",
			Extensions: map[string]any{"code": string(apierr.SourceUnavailable)},
		}}}
	}
	return resp
}

func (a auditExtension) entries(ctx context.Context, reads []audit.Read) []audit.Entry {
	p := auth.From(ctx)
	province := ""
	switch p.Role {
	case auth.ProvinceOfficer:
		province = p.Unit
	case auth.CommuneOfficer:
		if c := a.units.Commune(p.Unit); c != nil {
			province = c.ProvinceCode
		}
	}
	operation := ""
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		// The selected operation's name, also when the request did not
		// send operationName because the document has one operation.
		operation = oc.Operation.Name
	}
	at := a.now().UTC().Format(time.RFC3339Nano)
	out := make([]audit.Entry, len(reads))
	for i, read := range reads {
		out[i] = audit.Entry{
			At: at, OfficerID: p.ID, Role: string(p.Role), Unit: p.Unit, Province: province,
			CitizenID: read.CitizenID, Fields: audit.JoinFields(read.Fields), Purpose: read.Purpose,
			RequestID: RequestID(ctx), Operation: operation,
		}
	}
	return out
}
