package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lienthong/apierr"
	"lienthong/graph"
	"lienthong/graph/model"
	"lienthong/httpreq"
	"lienthong/paging"
)

// Limits bounds the work one request may ask for. A request over a limit
// gets a LIMIT_EXCEEDED error that names the limit, its value and the
// request's value. It is rejected before any resolver runs, except on
// RequestTimeout, which fails the fields still waiting when it passes.
type Limits struct {
	// MaxDepth bounds the nesting of fields in the executed operation,
	// counted through fragments. Introspection fields are not counted.
	MaxDepth int
	// MaxComplexity bounds the operation's complexity: each field costs 1
	// plus its children, and a paginated list multiplies its children by
	// its first argument.
	MaxComplexity int
	// MaxAliases bounds the aliased fields written in the document.
	MaxAliases int
	// MaxOperations bounds the operations defined in one document.
	MaxOperations int
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds the time to serve one request.
	RequestTimeout time.Duration
}

// DefaultLimits leave room above the largest example operation, CaseContext
// (depth 8, complexity 118 with dossiers(first: 5)), for related portal
// queries, while rejecting documents built to multiply work.
//
// NOTE: the complexity default of 5000 is an estimate. It admits a page of
// 100 citizens with about 40 fields each, and has not been checked against
// the portal's real queries.
var DefaultLimits = Limits{
	MaxDepth:       12,
	MaxComplexity:  5000,
	MaxAliases:     30,
	MaxOperations:  10,
	MaxBodyBytes:   1 << 20,
	RequestTimeout: 30 * time.Second,
}

// withDefaults fills each zero limit from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxDepth == 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxComplexity == 0 {
		l.MaxComplexity = d.MaxComplexity
	}
	if l.MaxAliases == 0 {
		l.MaxAliases = d.MaxAliases
	}
	if l.MaxOperations == 0 {
		l.MaxOperations = d.MaxOperations
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = d.RequestTimeout
	}
	return l
}

// limitError returns the GraphQL error of a rejected request. limit is the
// name of the limit, as in the flag that sets it.
func limitError(limit, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(apierr.LimitExceeded), "limit": limit}
	return err
}

// limitsExtension checks the operation count, depth, aliases and
// complexity of each parsed and validated document.
type limitsExtension struct {
	limits Limits
	schema graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*limitsExtension)(nil)

func (*limitsExtension) ExtensionName() string { return "Limits" }

func (e *limitsExtension) Validate(schema graphql.ExecutableSchema) error {
	e.schema = schema
	return nil
}

func (e *limitsExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if n := len(rc.Doc.Operations); n > e.limits.MaxOperations {
		return limitError("max-operations", "document defines %d operations, which exceeds the limit of %d",
			n, e.limits.MaxOperations)
	}
	if n := countAliases(rc.Doc); n > e.limits.MaxAliases {
		return limitError("max-aliases", "document has %d aliased fields, which exceeds the limit of %d",
			n, e.limits.MaxAliases)
	}
	if rc.Operation == nil {
		return nil
	}
	if d := depth(rc.Operation.SelectionSet, 0); d > e.limits.MaxDepth {
		return limitError("max-depth", "query depth %d exceeds the limit of %d", d, e.limits.MaxDepth)
	}
	c := complexity.Calculate(ctx, e.schema, rc.Operation, rc.Variables)
	if c > e.limits.MaxComplexity {
		return limitError("max-complexity", "query complexity %d exceeds the limit of %d", c, e.limits.MaxComplexity)
	}
	return nil
}

// depth returns the deepest field nesting below set. Fragment spreads are
// followed, and validation has already rejected fragment cycles.
func depth(set ast.SelectionSet, above int) int {
	deepest := above
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				continue
			}
			d = depth(s.SelectionSet, above+1)
		case *ast.InlineFragment:
			d = depth(s.SelectionSet, above)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = depth(s.Definition.SelectionSet, above)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// countAliases counts the fields written with an alias that differs from
// the field name, in every operation and fragment of doc, as written: a
// fragment spread twice counts once.
func countAliases(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Alias != "" && s.Alias != s.Name {
					n++
				}
				n += count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			}
		}
		return n
	}
	total := 0
	for _, op := range doc.Operations {
		total += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		total += count(f.SelectionSet)
	}
	return total
}

// setComplexity makes every paginated list cost its children once per item
// it may return: first, or the schema's default of 20.
func setComplexity(c *graph.ComplexityRoot) {
	page := func(child int, first *int) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		// An out-of-range first is rejected by the resolver with a message
		// about first itself, so count it at most as a full page here.
		n = min(n, paging.MaxFirst)
		if child > 0 && n > (math.MaxInt32-1)/child {
			return math.MaxInt32
		}
		return 1 + child*n
	}
	c.Citizen.Dossiers = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Procedure.Dossiers = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Query.Citizens = func(child int, _ model.CitizenFilter, first *int, _ *string, _ *string) int {
		return page(child, first)
	}
	c.Query.Dossiers = func(child int, _ *model.DossierFilter, first *int, _ *string) int {
		return page(child, first)
	}
	c.Query.Procedures = func(child int, _ *model.ProcedureFilter, first *int, _ *string) int {
		return page(child, first)
	}
}

// limitBody reads the request body up to the limit, so that the transport
// never reads a partial body. It rejects larger bodies with 413, bodies
// that outlast the server's read timeout with 408, and batched JSON
// arrays of operations with 400.
func limitBody(log *slog.Logger, maxBytes int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, bodyErr := httpreq.ReadBody(r, maxBytes)
		if bodyErr != nil {
			err := requestError(bodyErr.Code, "%s", bodyErr.Message)
			if bodyErr.Limit != "" {
				err.Extensions["limit"] = bodyErr.Limit
			}
			writeRequestError(log, w, r, bodyErr.Status, err)
			return
		}
		if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			writeRequestError(log, w, r, http.StatusBadRequest, requestError(apierr.BadRequest,
				"batched requests (a JSON array of operations) are not supported: send one operation per request"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds the request's context. Statements cut short by it fail
// with context.DeadlineExceeded, which presentError reports as the limit.
func withTimeout(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
