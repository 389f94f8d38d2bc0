// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, from files
// embedded in the binary. The page loads no script, style sheet or font from
// another host, so it works on networks without internet access.
//
// The embedded files are graphiql 3.8.3 (its UMD build), react 18.3.1 and
// react-dom 18.3.1, copied unchanged from their npm packages into assets/.
// README.md in this directory describes how to update them.
package graphiql

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// AssetPath is the URL path under which Handler serves the embedded files.
const AssetPath = "/graphiql/assets/"

// Options configures the GraphiQL page.
//
// The default query, variables and examples apply when a browser opens the
// page for the first time. GraphiQL then keeps the open tabs in the
// browser's localStorage and restores them on later visits.
type Options struct {
	// Endpoint is the URL that GraphiQL sends queries to, "/graphql" when
	// empty. A relative URL resolves against the page URL.
	Endpoint string
	// Title is the page title, "GraphiQL" when empty.
	Title string
	// DefaultQuery is the query in the first tab. When empty, GraphiQL shows
	// its own welcome comment.
	DefaultQuery string
	// DefaultVariables is a JSON object for the variables pane of the first
	// tab. It needs a DefaultQuery.
	DefaultVariables string
	// DefaultHeaders is a JSON object of HTTP headers, such as
	// {"Authorization": "Bearer ..."}, for the headers pane of every tab.
	DefaultHeaders string
	// Examples open as further tabs after the first.
	Examples []Example
}

// Example is a query that the page opens in a tab of its own.
type Example struct {
	// Name is written as a comment on the first line of the query. GraphiQL
	// titles a tab after the operation name, so give the query one.
	Name string
	// Query is the GraphQL document. It must not be empty.
	Query string
	// Variables is a JSON object for the variables pane, or empty.
	Variables string
}

// Validate returns an error naming the first option that Handler would
// reject: a JSON option that is not a JSON object, variables without a
// query, an example without a query, or an endpoint that is not an http(s)
// URL or path.
func (o Options) Validate() error {
	if _, err := endpointOrigin(o.Endpoint); err != nil {
		return err
	}
	if err := validateJSONObject("DefaultVariables", o.DefaultVariables); err != nil {
		return err
	}
	if o.DefaultVariables != "" && o.DefaultQuery == "" {
		return errors.New("DefaultVariables is set but DefaultQuery is empty. Set a query that uses the variables, or clear DefaultVariables")
	}
	if err := validateJSONObject("DefaultHeaders", o.DefaultHeaders); err != nil {
		return err
	}
	for i, example := range o.Examples {
		if strings.TrimSpace(example.Query) == "" {
			return fmt.Errorf("Examples[%d] (%q) has an empty Query", i, example.Name)
		}
		field := fmt.Sprintf("Examples[%d].Variables", i)
		if err := validateJSONObject(field, example.Variables); err != nil {
			return err
		}
	}
	return nil
}

// validateJSONObject accepts an empty value or a JSON object, which is what
// GraphiQL sends as variables and spreads into request headers.
func validateJSONObject(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	var object map[string]any
	if err := json.Unmarshal([]byte(value), &object); err != nil {
		return fmt.Errorf("%s is not a JSON object: %w", field, err)
	}
	if object == nil {
		return fmt.Errorf("%s is null, expected a JSON object or an empty string", field)
	}
	return nil
}

// endpointOrigin returns the scheme and host of an absolute endpoint URL, or
// "" for a path on the page's own server.
func endpointOrigin(endpoint string) (string, error) {
	if endpoint == "" {
		return "", nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("Endpoint %q is not a valid URL: %w", endpoint, err)
	}
	if u.Scheme == "" && u.Host == "" {
		return "", nil
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("Endpoint %q must be a path such as /graphql or an http(s) URL", endpoint)
	}
	if u.Host == "" {
		return "", fmt.Errorf("Endpoint %q has no host", endpoint)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Handler returns a handler that serves the GraphiQL page at "/" and the
// embedded files under AssetPath, and replies 404 to every other path. The
// page loads its files by relative URL, so the handler also works behind
// http.StripPrefix, as long as the page URL ends in a slash.
//
// Handler panics if opts.Validate returns an error. Call Validate first when
// the options come from a configuration file.
func Handler(opts Options) http.Handler {
	if err := opts.Validate(); err != nil {
		panic("graphiql: invalid options: " + err.Error())
	}
	page, err := renderPage(opts)
	if err != nil {
		panic("graphiql: rendering the page failed: " + err.Error())
	}
	return &handler{page: page}
}

type handler struct {
	page renderedPage
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.URL.Path == "/":
		h.page.serve(w, r)
	case strings.HasPrefix(r.URL.Path, AssetPath):
		serveAsset(w, r, strings.TrimPrefix(r.URL.Path, AssetPath))
	default:
		http.NotFound(w, r)
	}
}
