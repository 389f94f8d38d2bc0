package graphiql

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// pageTemplate is the GraphiQL page. html/template escapes every value for
// its context. The configuration goes into a script element of type
// application/json, which the template escapes as JSON with <, > and &
// written as \u003c, \u003e and \u0026, so a query containing </script>
// cannot end the element. The page runs no inline script, so its
// Content-Security-Policy can allow scripts from its own origin only.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.StyleSheet}}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
<script id="graphiql-config" type="application/json">{{.Config}}</script>
{{range .Scripts}}<script src="{{.}}"></script>
{{end}}</body>
</html>
`))

// pageData fills pageTemplate.
type pageData struct {
	Title      string
	StyleSheet string
	Scripts    []string
	Config     pageConfig
}

// pageConfig is the JSON that assets/start.js reads. Its fields map onto
// GraphiQL 3 props of the same names.
type pageConfig struct {
	Endpoint       string `json:"endpoint"`
	DefaultQuery   string `json:"defaultQuery,omitempty"`
	DefaultHeaders string `json:"defaultHeaders,omitempty"`
	// DefaultTabs is absent when no option sets a query, and GraphiQL then
	// opens one tab with its welcome comment.
	DefaultTabs []tab `json:"defaultTabs,omitempty"`
}

// tab is one entry of the GraphiQL defaultTabs prop.
type tab struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
	Headers   string `json:"headers,omitempty"`
}

// renderedPage is the page HTML, rendered once because the options do not
// change after Handler returns.
type renderedPage struct {
	html                  []byte
	contentSecurityPolicy string
}

func renderPage(opts Options) (renderedPage, error) {
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = "/graphql"
	}
	title := opts.Title
	if title == "" {
		title = "GraphiQL"
	}
	origin, err := endpointOrigin(endpoint)
	if err != nil {
		return renderedPage{}, err
	}

	data := pageData{
		Title:      title,
		StyleSheet: assetURL("graphiql.min.css"),
		// GraphiQL's UMD build reads React and ReactDOM from globals, so
		// they load first, and start.js loads last.
		Scripts: []string{
			assetURL("react.production.min.js"),
			assetURL("react-dom.production.min.js"),
			assetURL("graphiql.min.js"),
			assetURL("start.js"),
		},
		Config: pageConfig{
			Endpoint:       endpoint,
			DefaultQuery:   opts.DefaultQuery,
			DefaultHeaders: opts.DefaultHeaders,
			DefaultTabs:    defaultTabs(opts),
		},
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		return renderedPage{}, err
	}
	return renderedPage{html: buf.Bytes(), contentSecurityPolicy: contentSecurityPolicy(origin)}, nil
}

// defaultTabs returns the first tab from DefaultQuery, if set, followed by
// one tab per example. Every tab carries DefaultHeaders itself, because
// GraphiQL 3.8 takes the tabs of defaultTabs as given and does not fill
// their headers from defaultHeaders.
func defaultTabs(opts Options) []tab {
	var tabs []tab
	if opts.DefaultQuery != "" {
		tabs = append(tabs, tab{
			Query:     opts.DefaultQuery,
			Variables: opts.DefaultVariables,
			Headers:   opts.DefaultHeaders,
		})
	}
	for _, example := range opts.Examples {
		tabs = append(tabs, tab{
			Query:     exampleQuery(example),
			Variables: example.Variables,
			Headers:   opts.DefaultHeaders,
		})
	}
	return tabs
}

// exampleQuery puts the example's name as a comment above its query, on one
// line, so that a line break in the name cannot turn the rest into GraphQL.
func exampleQuery(example Example) string {
	name := strings.Join(strings.Fields(example.Name), " ")
	if name == "" {
		return example.Query
	}
	return "# " + name + "\n" + example.Query
}

// contentSecurityPolicy allows the page to load scripts, styles and images
// from its own origin only, which turns an accidental reference to another
// host into a blocked request. The embedded CSS holds its fonts and icons as
// data URLs, and GraphiQL's components set inline styles, hence data: and
// 'unsafe-inline'. Queries go to the page's origin and, when Endpoint is an
// absolute URL, to the endpoint's origin.
func contentSecurityPolicy(endpointOrigin string) string {
	connect := "'self'"
	if endpointOrigin != "" {
		connect += " " + endpointOrigin
	}
	directives := []string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + connect,
		"base-uri 'none'",
		"form-action 'none'",
	}
	return strings.Join(directives, "; ")
}

// serve writes the page. Browsers revalidate it on every load so that a new
// binary's asset versions take effect at once.
func (p renderedPage) serve(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Set("Content-Type", "text/html; charset=utf-8")
	header.Set("Cache-Control", "no-cache")
	header.Set("Content-Security-Policy", p.contentSecurityPolicy)
	header.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(p.html))
}
