package savedquery

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"lienthong/apierr"
)

// maxVariablesBytes bounds the JSON body of POST /saved/{name}.
const maxVariablesBytes = 1 << 20

// Handler serves the saved queries of a registry, running each one through
// the GraphQL handler so that every rule of the API applies unchanged.
type Handler struct {
	reg     *Registry
	graphql http.Handler
	log     *slog.Logger
}

// NewHandler returns the handler of /saved over graphql, the handler of the
// GraphQL endpoint.
func NewHandler(reg *Registry, graphql http.Handler, log *slog.Logger) *Handler {
	return &Handler{reg: reg, graphql: graphql, log: log}
}

// Register adds GET /saved, GET /saved/{name} and POST /saved/{name} to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /saved", h.list)
	mux.HandleFunc("GET /saved/{name}", h.run)
	mux.HandleFunc("POST /saved/{name}", h.run)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"queries": h.reg.All()})
}

func (h *Handler) run(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	q := h.reg.Get(name)
	if q == nil {
		writeErrors(w, http.StatusNotFound, &apierr.Error{Code: apierr.NotFound,
			Message: fmt.Sprintf("saved query %q not found; GET /saved lists the saved queries", name)})
		return
	}

	params := r.URL.Query()
	asCSV, err := wantsCSV(r)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err)
		return
	}
	bom := params.Get("bom") == "1" || params.Get("bom") == "true"

	vars, errs := h.variables(r, q)
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, invalid(errs)...)
		return
	}
	if !asCSV {
		status, body := h.execute(r, q, vars)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(failedStatus(status, body))
		w.Write(body)
		return
	}
	if q.table == nil {
		writeErrors(w, http.StatusBadRequest, apierr.Invalid(
			"saved query %s selects no list, so it has no rows for CSV; ask for JSON instead", q.Name))
		return
	}
	h.writeCSV(w, r, q, vars, bom)
}

// wantsCSV reads ?format=csv|json, then the Accept header.
func wantsCSV(r *http.Request) (bool, *apierr.Error) {
	switch format := r.URL.Query().Get("format"); format {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, apierr.Invalid("invalid format %q: use csv or json", format)
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mediaType == "text/csv" {
			return true, nil
		}
	}
	return false, nil
}

// variables reads the query string on GET and the JSON object body on POST.
func (h *Handler) variables(r *http.Request, q *Query) (map[string]any, []error) {
	if r.Method != http.MethodPost {
		return h.reg.VariablesFromQuery(q, r.URL.Query())
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxVariablesBytes+1))
	if err != nil {
		return nil, []error{fmt.Errorf("read request body: %w", err)}
	}
	if len(body) > maxVariablesBytes {
		return nil, []error{fmt.Errorf("request body exceeds %d bytes", maxVariablesBytes)}
	}
	raw := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, []error{fmt.Errorf("invalid request body: expected a JSON object of variables, such as {\"province\": \"01\"}: %v", err)}
		}
	}
	return h.reg.VariablesFromJSON(q, raw)
}

// execute runs q through the GraphQL handler and returns its status and
// body. The request keeps the caller's context and headers, so identity,
// deadlines and request ids carry over.
func (h *Handler) execute(r *http.Request, q *Query, vars map[string]any) (int, []byte) {
	payload, err := json.Marshal(map[string]any{"query": q.Body, "operationName": q.Name, "variables": vars})
	if err != nil {
		// Variables come from JSON or from the converters, so they always
		// marshal; report it as internal all the same.
		h.log.ErrorContext(r.Context(), "encode saved query request", "query", q.Name, "err", err)
		body, _ := json.Marshal(errorBody(&apierr.Error{Code: apierr.Internal, Message: "internal error"}))
		return http.StatusInternalServerError, body
	}
	inner, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/graphql", bytes.NewReader(payload))
	inner.Header = r.Header.Clone()
	inner.Header.Set("Content-Type", "application/json")
	inner.Header.Del("Accept")
	inner.Header.Del("Accept-Encoding")
	rec := &recorder{header: make(http.Header), status: http.StatusOK}
	h.graphql.ServeHTTP(rec, inner)
	return rec.status, rec.body.Bytes()
}

// failedStatus returns the HTTP status of a GraphQL response for callers
// that do not read GraphQL: a response with errors and no data (null, or
// null in every root field) is 400, or 500 when an error is internal, even
// though GraphQL sent it as 200.
func failedStatus(status int, body []byte) int {
	if status != http.StatusOK {
		return status
	}
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Errors) == 0 {
		return status
	}
	if hasData(resp.Data) {
		return status
	}
	for _, e := range resp.Errors {
		if e.Extensions.Code == string(apierr.Internal) {
			return http.StatusInternalServerError
		}
	}
	return http.StatusBadRequest
}

// page is a decoded GraphQL response.
type page struct {
	Data   map[string]any    `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// writeCSV streams the rows page by page: each page is fetched, written and
// flushed before the next is asked for, so memory stays bounded by one page
// however many rows the export has.
func (h *Handler) writeCSV(w http.ResponseWriter, r *http.Request, q *Query, vars map[string]any, bom bool) {
	var out *csv.Writer
	flusher, _ := w.(http.Flusher)
	rows := 0
	for pageNo := 1; ; pageNo++ {
		status, body := h.execute(r, q, vars)
		var p page
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		decodeErr := dec.Decode(&p)
		failed := decodeErr != nil || len(p.Errors) > 0 || status != http.StatusOK

		if out == nil {
			if failed {
				// Nothing is written yet, so the caller gets the GraphQL
				// errors as JSON with their status.
				if status = failedStatus(status, body); status == http.StatusOK {
					status = http.StatusBadRequest
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write(body)
				return
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, q.Name))
			w.WriteHeader(http.StatusOK)
			if bom {
				io.WriteString(w, "\ufeff")
			}
			out = csv.NewWriter(w)
			out.Write(q.table.header())
		} else if failed {
			// The header is sent, so the only honest signal left is to
			// abort the response: the client sees a broken transfer, not a
			// short file that looks complete.
			h.log.ErrorContext(r.Context(), "saved query CSV export failed mid-stream",
				"query", q.Name, "page", pageNo, "rows", rows, "status", status, "err", errors.Join(decodeErr, pageError(p.Errors)))
			panic(http.ErrAbortHandler)
		}

		err := q.table.rows(p.Data, func(row []string) error {
			rows++
			return out.Write(row)
		})
		out.Flush()
		if err == nil {
			err = out.Error()
		}
		if err != nil {
			// The client disconnected, so no response can reach it.
			h.log.InfoContext(r.Context(), "saved query CSV export stopped", "query", q.Name, "rows", rows, "err", err)
			return
		}
		if flusher != nil {
			flusher.Flush()
		}

		next := ""
		if q.table.paged {
			next = q.table.nextCursor(p.Data)
		}
		if next == "" || next == vars[q.table.afterVar] {
			return
		}
		vars = withVariable(vars, q.table.afterVar, next)
	}
}

func withVariable(vars map[string]any, name string, value any) map[string]any {
	out := make(map[string]any, len(vars)+1)
	for k, v := range vars {
		out[k] = v
	}
	out[name] = value
	return out
}

func pageError(errs []json.RawMessage) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("graphql errors: %s", errs[0])
}

// recorder buffers one GraphQL response, which holds at most one page.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// errorBody shapes errors like a GraphQL response, so clients parse one
// format.
func errorBody(errs ...*apierr.Error) map[string]any {
	list := make([]map[string]any, len(errs))
	for i, e := range errs {
		list[i] = map[string]any{"message": e.Message, "extensions": map[string]any{"code": e.Code}}
	}
	return map[string]any{"errors": list}
}

func writeErrors(w http.ResponseWriter, status int, errs ...*apierr.Error) {
	writeJSON(w, status, errorBody(errs...))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// hasData reports whether a response's data holds a value in any root field.
func hasData(data json.RawMessage) bool {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return false
	}
	for _, v := range fields {
		if string(v) != "null" {
			return true
		}
	}
	return false
}
