package graphiql

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// get sends a GET request to h and returns the response with its body read.
func get(t *testing.T, h http.Handler, target string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for key, values := range header {
		req.Header[key] = values
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body of %s failed: %v", target, err)
	}
	return resp, body
}

// referencedURLs returns the src and href attribute values of the page.
func referencedURLs(page string) []string {
	var urls []string
	for _, match := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		urls = append(urls, match[1])
	}
	return urls
}

// pageConfigJSON returns the content of the configuration script element.
func pageConfigJSON(t *testing.T, page string) string {
	t.Helper()
	const open = `<script id="graphiql-config" type="application/json">`
	start := strings.Index(page, open)
	if start < 0 {
		t.Fatalf("page has no configuration element %s", open)
	}
	rest := page[start+len(open):]
	end := strings.Index(rest, "</script>")
	if end < 0 {
		t.Fatal("configuration element is not closed")
	}
	return rest[:end]
}

func decodePageConfig(t *testing.T, page string) pageConfig {
	t.Helper()
	raw := pageConfigJSON(t, page)
	var config pageConfig
	if err := json.Unmarshal([]byte(raw), &config); err != nil {
		t.Fatalf("configuration is not valid JSON: %v\n%s", err, raw)
	}
	return config
}

func TestPageLoads(t *testing.T) {
	resp, body := get(t, Handler(Options{}), "/", nil)

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", got)
	}
	if !bytes.Contains(body, []byte(`<div id="graphiql">`)) {
		t.Error("page has no GraphiQL container element")
	}
	if !bytes.Contains(body, []byte("<title>GraphiQL</title>")) {
		t.Error("page does not have the default title GraphiQL")
	}

	config := decodePageConfig(t, string(body))
	if config.Endpoint != "/graphql" {
		t.Errorf("endpoint = %q, want /graphql", config.Endpoint)
	}
	if config.DefaultTabs != nil {
		t.Errorf("defaultTabs = %+v, want none without a default query or examples", config.DefaultTabs)
	}
}

func TestPageReferencesLocalAssets(t *testing.T) {
	h := Handler(Options{})
	_, body := get(t, h, "/", nil)
	page := string(body)

	refs := referencedURLs(page)
	if len(refs) == 0 {
		t.Fatal("page references no script or style sheet")
	}
	pageURL, _ := url.Parse("/")
	wantTypes := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
	}
	scripts, styleSheets := 0, 0
	for _, ref := range refs {
		if ref == "data:," {
			continue // The empty favicon, which keeps browsers from requesting /favicon.ico.
		}
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("reference %q is not a valid URL: %v", ref, err)
			continue
		}
		if u.Scheme != "" || u.Host != "" {
			t.Errorf("reference %q is not a local path", ref)
			continue
		}
		resolved := pageURL.ResolveReference(u)
		if !strings.HasPrefix(resolved.Path, AssetPath) {
			t.Errorf("reference %q resolves to %s, outside %s", ref, resolved.Path, AssetPath)
		}

		resp, assetBody := get(t, h, resolved.RequestURI(), nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status = %d, want 200", resolved, resp.StatusCode)
			continue
		}
		if len(assetBody) == 0 {
			t.Errorf("GET %s: empty body", resolved)
		}
		ext := resolved.Path[strings.LastIndex(resolved.Path, "."):]
		if got := resp.Header.Get("Content-Type"); got != wantTypes[ext] {
			t.Errorf("GET %s: Content-Type = %q, want %q", resolved, got, wantTypes[ext])
		}
		switch ext {
		case ".js":
			scripts++
		case ".css":
			styleSheets++
		}
	}
	if scripts != 4 {
		t.Errorf("page loads %d scripts, want 4 (react, react-dom, graphiql, start.js)", scripts)
	}
	if styleSheets != 1 {
		t.Errorf("page loads %d style sheets, want 1", styleSheets)
	}
}

func TestPageBehindStripPrefix(t *testing.T) {
	h := http.StripPrefix("/ide", Handler(Options{}))
	resp, body := get(t, h, "/ide/", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /ide/: status = %d, want 200", resp.StatusCode)
	}

	pageURL, _ := url.Parse("/ide/")
	for _, ref := range referencedURLs(string(body)) {
		if ref == "data:," {
			continue
		}
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("reference %q is not a valid URL: %v", ref, err)
			continue
		}
		resolved := pageURL.ResolveReference(u)
		resp, _ := get(t, h, resolved.RequestURI(), nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status = %d, want 200", resolved, resp.StatusCode)
		}
	}
}

func TestPageHasNoExternalURL(t *testing.T) {
	_, body := get(t, Handler(Options{
		DefaultQuery: "{ __typename }",
		Examples:     []Example{{Name: "Types", Query: "{ __schema { types { name } } }"}},
	}), "/", nil)

	for _, scheme := range []string{"http://", "https://", "//"} {
		if i := bytes.Index(body, []byte(scheme)); i >= 0 {
			t.Errorf("page contains %q at byte %d: %s", scheme, i, body[max(0, i-40):min(len(body), i+40)])
		}
	}
}

func TestPageEscapesOptions(t *testing.T) {
	hostile := `</script><script>alert("x")</script><!-- & '`
	opts := Options{
		Title:            `</title><script>alert(1)</script>`,
		DefaultQuery:     "query Hostile { a(s: \"" + hostile + "\") }",
		DefaultVariables: `{"s": "</script>"}`,
		DefaultHeaders:   `{"Authorization": "Bearer </script>"}`,
		Examples: []Example{
			{Name: "Hostile </script>\nquery X", Query: "query Example { b(s: \"" + hostile + "\") }", Variables: `{"t": "<!--"}`},
			{Name: "Plain", Query: "query Plain { c }"},
		},
	}
	_, body := get(t, Handler(opts), "/", nil)
	page := string(body)

	if got := strings.Count(page, "<script"); got != 5 {
		t.Errorf("page has %d <script elements, want 5 (configuration and four files)", got)
	}
	if !strings.Contains(page, "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>") {
		t.Error("title is not HTML-escaped")
	}
	raw := pageConfigJSON(t, page)
	for _, unsafe := range []string{"<", ">", "&"} {
		if strings.Contains(raw, unsafe) {
			t.Errorf("configuration contains an unescaped %q", unsafe)
		}
	}

	config := decodePageConfig(t, page)
	if config.DefaultQuery != opts.DefaultQuery {
		t.Errorf("defaultQuery = %q, want %q", config.DefaultQuery, opts.DefaultQuery)
	}
	if config.DefaultHeaders != opts.DefaultHeaders {
		t.Errorf("defaultHeaders = %q, want %q", config.DefaultHeaders, opts.DefaultHeaders)
	}
	want := []tab{
		{Query: opts.DefaultQuery, Variables: opts.DefaultVariables, Headers: opts.DefaultHeaders},
		{Query: "# Hostile </script> query X\n" + opts.Examples[0].Query, Variables: opts.Examples[0].Variables, Headers: opts.DefaultHeaders},
		{Query: "# Plain\n" + opts.Examples[1].Query, Headers: opts.DefaultHeaders},
	}
	if len(config.DefaultTabs) != len(want) {
		t.Fatalf("defaultTabs has %d tabs, want %d: %+v", len(config.DefaultTabs), len(want), config.DefaultTabs)
	}
	for i := range want {
		if config.DefaultTabs[i] != want[i] {
			t.Errorf("defaultTabs[%d] = %+v, want %+v", i, config.DefaultTabs[i], want[i])
		}
	}
}

func TestExamplesWithoutDefaultQuery(t *testing.T) {
	_, body := get(t, Handler(Options{
		Examples: []Example{{Query: "query First { a }"}, {Name: "Second", Query: "query Second { b }"}},
	}), "/", nil)

	config := decodePageConfig(t, string(body))
	if config.DefaultQuery != "" {
		t.Errorf("defaultQuery = %q, want empty", config.DefaultQuery)
	}
	if len(config.DefaultTabs) != 2 {
		t.Fatalf("defaultTabs has %d tabs, want 2", len(config.DefaultTabs))
	}
	if got := config.DefaultTabs[0].Query; got != "query First { a }" {
		t.Errorf("unnamed example query = %q, want it unchanged", got)
	}
	if got := config.DefaultTabs[1].Query; got != "# Second\nquery Second { b }" {
		t.Errorf("named example query = %q, want the name as a comment line", got)
	}
}

func TestEndpointOption(t *testing.T) {
	tests := []struct {
		endpoint    string
		wantConnect string
	}{
		{"/api/graphql", "connect-src 'self';"},
		{"http://127.0.0.1:9000/graphql", "connect-src 'self' http://127.0.0.1:9000;"},
	}
	for _, tt := range tests {
		resp, body := get(t, Handler(Options{Endpoint: tt.endpoint}), "/", nil)

		config := decodePageConfig(t, string(body))
		if config.Endpoint != tt.endpoint {
			t.Errorf("endpoint = %q, want %q", config.Endpoint, tt.endpoint)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, tt.wantConnect) {
			t.Errorf("Endpoint %q: Content-Security-Policy = %q, want it to contain %q", tt.endpoint, csp, tt.wantConnect)
		}
		if !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("Content-Security-Policy = %q, want script-src 'self'", csp)
		}
	}
}

func TestUnknownPathNotFound(t *testing.T) {
	h := Handler(Options{})
	for _, target := range []string{
		"/graphiql/assets/missing.js",
		"/graphiql/assets/",
		"/graphiql/assets/assets/start.js",
		"/graphiql/assets/../graphiql.go",
		"/graphiql/assets/graphiql.min.js.map",
		"/graphiql/",
		"/index.html",
		"/favicon.ico",
	} {
		resp, _ := get(t, h, target, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status = %d, want 404", target, resp.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := Handler(Options{})
	for _, target := range []string{"/", "/graphiql/assets/start.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, strings.NewReader("{}")))

		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status = %d, want 405", target, rec.Code)
		}
		if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
			t.Errorf("POST %s: Allow = %q, want GET, HEAD", target, got)
		}
	}
}

func TestAssetCacheHeaders(t *testing.T) {
	h := Handler(Options{})
	versioned := "/" + assetURL("graphiql.min.css")

	resp, _ := get(t, h, versioned, nil)
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("versioned URL: Cache-Control = %q, want a one-year immutable lifetime", got)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("versioned URL: no ETag")
	}

	resp, _ = get(t, h, AssetPath+"graphiql.min.css?v=old", nil)
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("outdated version: Cache-Control = %q, want no-cache", got)
	}
	resp, _ = get(t, h, AssetPath+"graphiql.min.css", nil)
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("unversioned URL: Cache-Control = %q, want no-cache", got)
	}

	resp, body := get(t, h, versioned, http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: status = %d, want 304", resp.StatusCode)
	}
	if len(body) != 0 {
		t.Errorf("304 response has a %d-byte body", len(body))
	}
}

func TestAssetGzip(t *testing.T) {
	h := Handler(Options{})
	want := assets["graphiql.min.js"].body

	resp, body := get(t, h, AssetPath+"graphiql.min.js", http.Header{"Accept-Encoding": {"br, gzip"}})
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", got)
	}
	if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary = %q, want Accept-Encoding", got)
	}
	if len(body) >= len(want)/2 {
		t.Errorf("gzip body is %d bytes for %d bytes of JavaScript, want under half", len(body), len(want))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gzip body does not open: %v", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip body does not decompress: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("decompressed body differs from the embedded file")
	}

	resp, body = get(t, h, AssetPath+"graphiql.min.js", http.Header{"Accept-Encoding": {"gzip;q=0, *"}})
	if got := resp.Header.Get("Content-Encoding"); got != "" {
		t.Errorf("gzip;q=0: Content-Encoding = %q, want none", got)
	}
	if !bytes.Equal(body, want) {
		t.Error("gzip;q=0: body differs from the embedded file")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"br", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestAssetHead(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(Options{}).ServeHTTP(rec, httptest.NewRequest(http.MethodHead, AssetPath+"start.js", nil))

	if rec.Code != http.StatusOK {
		t.Errorf("HEAD status = %d, want 200", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("HEAD response has a %d-byte body", rec.Body.Len())
	}
}

func TestLicenceFilesServed(t *testing.T) {
	h := Handler(Options{})
	for _, name := range []string{"graphiql-LICENSE.txt", "react-LICENSE.txt", "react-dom-LICENSE.txt", "THIRD-PARTY-LICENSES.txt"} {
		resp, body := get(t, h, AssetPath+name, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status = %d, want 200", name, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("GET %s: Content-Type = %q, want text/plain", name, got)
		}
		if !bytes.Contains(body, []byte("Permission is hereby granted")) {
			t.Errorf("GET %s: no MIT permission notice", name)
		}
	}
}

// TestStyleSheetLoadsNothingExternal guards upgrades of the vendored CSS:
// every url() must be a data URL and no @import may pull in a font service.
func TestStyleSheetLoadsNothingExternal(t *testing.T) {
	css := string(assets["graphiql.min.css"].body)

	urls := regexp.MustCompile(`url\(\s*['"]?([^'")\s]{0,40})`).FindAllStringSubmatch(css, -1)
	if len(urls) == 0 {
		t.Fatal("no url() found, so the check below proves nothing")
	}
	for _, match := range urls {
		if !strings.HasPrefix(match[1], "data:") {
			t.Errorf("graphiql.min.css loads url(%s...), want data URLs only", match[1])
		}
	}
	if strings.Contains(css, "@import") {
		t.Error("graphiql.min.css contains @import")
	}
}

func TestValidateRejectsInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"variables not JSON", Options{DefaultQuery: "{ a }", DefaultVariables: "{a: 1}"}},
		{"variables an array", Options{DefaultQuery: "{ a }", DefaultVariables: "[1]"}},
		{"variables null", Options{DefaultQuery: "{ a }", DefaultVariables: "null"}},
		{"variables without query", Options{DefaultVariables: `{"a": 1}`}},
		{"headers not JSON", Options{DefaultHeaders: "Authorization: Bearer x"}},
		{"headers a string", Options{DefaultHeaders: `"Bearer x"`}},
		{"example without query", Options{Examples: []Example{{Name: "Empty", Query: "  "}}}},
		{"example variables not JSON", Options{Examples: []Example{{Query: "{ a }", Variables: "{"}}}},
		{"endpoint scheme", Options{Endpoint: "javascript:alert(1)"}},
		{"endpoint without host", Options{Endpoint: "http:///graphql"}},
		{"endpoint invalid", Options{Endpoint: "http://[::1"}},
	}
	for _, tt := range tests {
		if err := tt.opts.Validate(); err == nil {
			t.Errorf("%s: Validate returned nil, want an error", tt.name)
		}
	}
}

func TestValidateAcceptsValidOptions(t *testing.T) {
	opts := Options{
		Endpoint:         "https://127.0.0.1:8443/graphql",
		Title:            "Liên thông",
		DefaultQuery:     "query Q($a: Int) { a(x: $a) }",
		DefaultVariables: `{"a": 1}`,
		DefaultHeaders:   ` {"Authorization": "Bearer x"} `,
		Examples:         []Example{{Name: "E", Query: "{ a }", Variables: "{}"}},
	}
	if err := opts.Validate(); err != nil {
		t.Errorf("Validate = %v, want nil", err)
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("Validate of zero Options = %v, want nil", err)
	}
}

func TestHandlerPanicsOnInvalidOptions(t *testing.T) {
	defer func() {
		message, _ := recover().(string)
		if !strings.Contains(message, "DefaultHeaders") {
			t.Errorf("panic message = %q, want it to name DefaultHeaders", message)
		}
	}()
	Handler(Options{DefaultHeaders: "not json"})
}
