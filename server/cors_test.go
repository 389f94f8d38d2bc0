package server_test

import (
	"net/http"
	"strings"
	"testing"

	"lienthong/server"
	"lienthong/testenv"
)

const (
	allowedOrigin = "https://dichvucong.hanoi.gov.vn"
	otherOrigin   = "https://attacker.example"
)

// sendCORS sends a request with an Origin header to the test server and
// returns the response with its body closed.
func sendCORS(t *testing.T, env *testenv.Env, method, origin string, header map[string]string) *http.Response {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"query":"{ __typename }"}`)
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, env.Server.URL+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	for key, value := range header {
		req.Header.Set(key, value)
	}
	resp, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s /graphql from %s failed: %v", method, origin, err)
	}
	resp.Body.Close()
	return resp
}

func preflightHeaders(requestHeaders string) map[string]string {
	return map[string]string{
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": requestHeaders,
	}
}

func TestCORSPreflightAllowedOrigin(t *testing.T) {
	env := testenv.New(t, testenv.Options{CORSOrigins: []string{allowedOrigin, "https://*.danang.gov.vn"}})
	// Browsers send the header names lower-cased and sorted, as the Fetch
	// standard's CORS-unsafe request-header names algorithm specifies.
	requested := "apollographql-client-name,apollographql-client-version,authorization,content-type,x-api-key,x-request-id"

	for _, origin := range []string{allowedOrigin, "https://dvc.danang.gov.vn"} {
		resp := sendCORS(t, env, http.MethodOptions, origin, preflightHeaders(requested))

		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("preflight from %s: status = %d, want 204", origin, resp.StatusCode)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin = %q, want the origin", origin, got)
		}
		if got := resp.Header.Get("Access-Control-Allow-Methods"); got != "POST" {
			t.Errorf("preflight from %s: Access-Control-Allow-Methods = %q, want POST", origin, got)
		}
		if got := resp.Header.Get("Access-Control-Allow-Headers"); got != requested {
			t.Errorf("preflight from %s: Access-Control-Allow-Headers = %q, want %q", origin, got, requested)
		}
		if got := resp.Header.Get("Access-Control-Max-Age"); got != "600" {
			t.Errorf("preflight from %s: Access-Control-Max-Age = %q, want 600", origin, got)
		}
		if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
			t.Errorf("preflight from %s: Access-Control-Allow-Credentials = %q, want none", origin, got)
		}
	}
}

func TestCORSPreflightRejectsOthers(t *testing.T) {
	env := testenv.New(t, testenv.Options{CORSOrigins: []string{allowedOrigin}})
	cases := []struct {
		name    string
		origin  string
		method  string
		headers string
	}{
		{name: "other_origin", origin: otherOrigin, method: "POST", headers: "content-type"},
		{name: "subdomain_not_listed", origin: "https://evil.dichvucong.hanoi.gov.vn", method: "POST", headers: "content-type"},
		{name: "http_instead_of_https", origin: "http://dichvucong.hanoi.gov.vn", method: "POST", headers: "content-type"},
		{name: "method_not_allowed", origin: allowedOrigin, method: "DELETE", headers: "content-type"},
		{name: "header_not_allowed", origin: allowedOrigin, method: "POST", headers: "content-type,x-secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := sendCORS(t, env, http.MethodOptions, tc.origin, map[string]string{
				"Access-Control-Request-Method":  tc.method,
				"Access-Control-Request-Headers": tc.headers,
			})

			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("Access-Control-Allow-Origin = %q, want none", got)
			}
			if got := resp.Header.Get("Access-Control-Allow-Methods"); got != "" {
				t.Errorf("Access-Control-Allow-Methods = %q, want none", got)
			}
		})
	}
}

func TestCORSRequestHeaders(t *testing.T) {
	env := testenv.New(t, testenv.Options{CORSOrigins: []string{allowedOrigin}})

	allowed := sendCORS(t, env, http.MethodPost, allowedOrigin, map[string]string{"Content-Type": "application/json"})
	if allowed.StatusCode != http.StatusOK {
		t.Errorf("POST from allowed origin: status = %d, want 200", allowed.StatusCode)
	}
	if got := allowed.Header.Get("Access-Control-Allow-Origin"); got != allowedOrigin {
		t.Errorf("POST from allowed origin: Access-Control-Allow-Origin = %q, want %q", got, allowedOrigin)
	}
	if got := allowed.Header.Get("Access-Control-Expose-Headers"); got != "X-Request-Id" {
		t.Errorf("POST from allowed origin: Access-Control-Expose-Headers = %q, want X-Request-Id", got)
	}
	if got := allowed.Header.Get("Vary"); !strings.Contains(got, "Origin") {
		t.Errorf("POST from allowed origin: Vary = %q, want it to name Origin", got)
	}

	// The server still serves other origins, because CORS is enforced by
	// the browser: without the header, the browser hides the response.
	other := sendCORS(t, env, http.MethodPost, otherOrigin, map[string]string{"Content-Type": "application/json"})
	if got := other.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("POST from other origin: Access-Control-Allow-Origin = %q, want none", got)
	}
}

func TestCORSOffByDefault(t *testing.T) {
	env := testenv.New(t, testenv.Options{})

	preflight := sendCORS(t, env, http.MethodOptions, allowedOrigin, preflightHeaders("content-type"))
	if got := preflight.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight: Access-Control-Allow-Origin = %q, want none without configured origins", got)
	}
	post := sendCORS(t, env, http.MethodPost, allowedOrigin, map[string]string{"Content-Type": "application/json"})
	if got := post.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("POST: Access-Control-Allow-Origin = %q, want none without configured origins", got)
	}
}

func TestParseCORSOrigins(t *testing.T) {
	valid := map[string][]string{
		"":   nil,
		" ,": nil,
		"https://a.gov.vn, http://127.0.0.1:3000": {"https://a.gov.vn", "http://127.0.0.1:3000"},
		"https://*.danang.gov.vn":                 {"https://*.danang.gov.vn"},
		"*":                                       {"*"},
	}
	for list, want := range valid {
		got, err := server.ParseCORSOrigins(list)
		if err != nil {
			t.Errorf("ParseCORSOrigins(%q) failed: %v", list, err)
			continue
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("ParseCORSOrigins(%q) = %q, want %q", list, got, want)
		}
	}

	invalid := []string{
		"portal.gov.vn",
		"ftp://portal.gov.vn",
		"https://portal.gov.vn/graphiql",
		"https://portal.gov.vn?x=1",
		"https://user@portal.gov.vn",
		"https://*.*.gov.vn",
		"https://",
	}
	for _, list := range invalid {
		_, err := server.ParseCORSOrigins(list)
		if err == nil {
			t.Errorf("ParseCORSOrigins(%q) succeeded, want an error", list)
			continue
		}
		if !strings.Contains(err.Error(), list) {
			t.Errorf("ParseCORSOrigins(%q) error %q does not name the origin", list, err)
		}
	}
}
