package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"lienthong/baseline"
)

// loadFlags are the settings of the load command.
type loadFlags struct {
	url         string
	graphqlURL  string
	concurrency int
	duration    time.Duration
	workload    string
	timeout     time.Duration
	seed        uint64
	token       string
}

// maxLoadDuration bounds a run, so that a mistyped duration cannot leave a
// load generator running for days.
const maxLoadDuration = time.Hour

// load drives a running server over HTTP and prints throughput, latency
// percentiles, errors and statements per request.
func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var f loadFlags
	stringVar(fs, &f.url, "url", "http://127.0.0.1:8080/graphql",
		"http(s) URL to send requests to: the GraphQL endpoint, or a raw endpoint of serve --raw-baseline, "+
			baseline.Path+" with -workload case-context or "+baseline.DossierListPath+" with -workload dossier-list")
	stringVar(fs, &f.graphqlURL, "graphql-url", "",
		"GraphQL endpoint to read dossier codes from; empty means /graphql on the host of -url")
	intVar(fs, &f.concurrency, "concurrency", 8, "number of requests in flight at once")
	durationVar(fs, &f.duration, "duration", 20*time.Second,
		"how long to send requests, at most "+maxLoadDuration.String())
	stringVar(fs, &f.workload, "workload", "mix",
		"operation to send: mix, "+strings.Join(workloadNames(), ", "))
	durationVar(fs, &f.timeout, "timeout", 10*time.Second, "time limit of one request")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed that picks dossier codes and names")
	stringVar(fs, &f.token, "token", "",
		"bearer token sent with every request, such as the output of lienthong token -role central-officer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.validate(); err != nil {
		return err
	}

	client := &http.Client{
		Timeout: f.timeout,
		Transport: &http.Transport{
			MaxIdleConns:        f.concurrency,
			MaxIdleConnsPerHost: f.concurrency,
			IdleConnTimeout:     time.Minute,
		},
	}
	defer client.CloseIdleConnections()
	withBearer(client, f.token)

	mix, err := f.mix()
	if err != nil {
		return err
	}
	codes, err := f.dossierCodes(ctx, client, mix)
	if err != nil {
		return err
	}
	if err := f.check(ctx, client, mix, codes); err != nil {
		return err
	}
	picked := ""
	if codes != nil {
		picked = fmt.Sprintf(", %d dossier codes", len(codes))
	}
	workers := "workers"
	if f.concurrency == 1 {
		workers = "worker"
	}
	fmt.Fprintf(os.Stderr, "load: %d %s for %s against %s, workload %s%s\n",
		f.concurrency, workers, f.duration, f.url, f.workload, picked)

	results := drive(ctx, client, f, mix, codes)
	results.print(os.Stdout)
	return results.failure(f.duration)
}

func (f *loadFlags) validate() error {
	if err := checkHTTPURL("-url", f.url); err != nil {
		return err
	}
	if err := f.checkRawWorkload(); err != nil {
		return err
	}
	if f.graphqlURL != "" {
		if err := checkHTTPURL("-graphql-url", f.graphqlURL); err != nil {
			return err
		}
	}
	if f.concurrency < 1 || f.concurrency > 10_000 {
		return fmt.Errorf("invalid -concurrency %d: must be between 1 and 10000", f.concurrency)
	}
	if f.duration <= 0 || f.duration > maxLoadDuration {
		return fmt.Errorf("invalid -duration %s: must be above 0 and at most %s", f.duration, maxLoadDuration)
	}
	if f.timeout <= 0 {
		return fmt.Errorf("invalid -timeout %s: must be above 0", f.timeout)
	}
	return nil
}

// checkHTTPURL accepts only absolute http and https URLs with a host, so
// that the load goes where the caller meant and nowhere else.
func checkHTTPURL(flagName, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, so only its cause is quoted.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Errorf("invalid %s %q: %v; give an http:// or https:// URL such as http://127.0.0.1:8080/graphql",
			flagName, raw, err)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid %s %q: port %s must be between 1 and 65535", flagName, raw, port)
		}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid %s %q: must be an http:// or https:// URL", flagName, raw)
	}
	if u.Host == "" {
		return fmt.Errorf("invalid %s %q: missing host", flagName, raw)
	}
	return nil
}

// rawWorkloads maps the path of each raw endpoint of serve --raw-baseline
// to the one workload it serves. A raw endpoint ignores the query of a
// request body and reads only the variables it expects, so another
// workload's requests would measure the wrong thing or fail.
var rawWorkloads = map[string]string{
	baseline.Path:            "case-context",
	baseline.DossierListPath: "dossier-list",
}

// checkRawWorkload rejects a -workload that the raw endpoint in -url does
// not serve. It drops a trailing slash from the path of a raw endpoint,
// which the server would not route to that endpoint.
func (f *loadFlags) checkRawWorkload() error {
	u, _ := url.Parse(f.url)
	want, ok := rawWorkloads[strings.TrimSuffix(u.Path, "/")]
	if !ok {
		return nil
	}
	if strings.HasSuffix(u.Path, "/") {
		u.Path = strings.TrimSuffix(u.Path, "/")
		f.url = u.String()
	}
	if f.workload == want {
		return nil
	}
	return fmt.Errorf("invalid -workload %q for -url %s: that raw endpoint serves only -workload %s",
		f.workload, f.url, want)
}

// codesURL returns the GraphQL endpoint that lists dossier codes.
func (f *loadFlags) codesURL() string {
	if f.graphqlURL != "" {
		return f.graphqlURL
	}
	u, _ := url.Parse(f.url)
	u.Path, u.RawQuery, u.Fragment = "/graphql", "", ""
	return u.String()
}

// mix returns the workloads to send and their weights.
func (f *loadFlags) mix() ([]weighted, error) {
	if f.workload == "mix" {
		return defaultMix, nil
	}
	w, ok := workloads[f.workload]
	if !ok {
		return nil, fmt.Errorf("invalid -workload %q: use mix, %s", f.workload, strings.Join(workloadNames(), ", "))
	}
	return []weighted{{w, 1}}, nil
}

// codePages and codePageSize bound how many dossier codes a run reads
// before it starts, and codeSpacing spreads the pages over time.
const (
	codePages    = 10
	codePageSize = 100
	codeSpacing  = 30 * 24 * time.Hour
)

// dossierCodes reads dossier codes from the server, when a workload of the
// mix needs them: codePages pages of the dossiers received before the
// newest one, then before 30, 60, ... days earlier, so the codes spread
// over the data. It filters on receivedTo rather than paging with a
// cursor, which keeps each page one range scan on the received_at index.
func (f *loadFlags) dossierCodes(ctx context.Context, client *http.Client, mix []weighted) ([]string, error) {
	if !slices.ContainsFunc(mix, func(w weighted) bool { return w.workload.needsCodes }) {
		return nil, nil
	}
	const query = `query($first: Int, $to: DateTime) {
  dossiers(first: $first, filter: {receivedTo: $to}) { edges { node { code receivedAt } } }
}`
	seen := make(map[string]bool)
	var codes []string
	var newest time.Time
	for page := 0; page < codePages; page++ {
		vars := map[string]any{"first": codePageSize}
		if page > 0 {
			vars["to"] = newest.Add(-time.Duration(page-1) * codeSpacing).Format(time.RFC3339)
		}
		var data struct {
			Dossiers struct {
				Edges []struct {
					Node struct {
						Code       string
						ReceivedAt time.Time
					}
				}
			}
		}
		if err := queryData(ctx, client, f.codesURL(), query, vars, &data); err != nil {
			return nil, fmt.Errorf("read dossier codes from %s: %w", f.codesURL(), err)
		}
		edges := data.Dossiers.Edges
		if len(edges) == 0 {
			break
		}
		if page == 0 {
			newest = edges[0].Node.ReceivedAt
		}
		for _, e := range edges {
			if !seen[e.Node.Code] {
				seen[e.Node.Code] = true
				codes = append(codes, e.Node.Code)
			}
		}
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("read dossier codes from %s: the server has no dossiers; seed it first", f.codesURL())
	}
	return codes, nil
}

// queryData posts one GraphQL operation and decodes its data into v.
func queryData(ctx context.Context, client *http.Client, endpoint, query string, vars map[string]any, v any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return explainRequestError(err, client.Timeout)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return explainRequestError(err, client.Timeout)
	}
	// The same checks as the workload requests, so errors read alike and
	// quote a bounded excerpt of the response.
	var s sample
	inspect(resp.StatusCode, raw, &s)
	if s.err != nil {
		return s.err
	}
	var out struct{ Data json.RawMessage }
	if err := json.Unmarshal(raw, &out); err != nil {
		return notGraphQL(resp.StatusCode, raw)
	}
	if err := json.Unmarshal(out.Data, v); err != nil {
		return notGraphQL(resp.StatusCode, raw)
	}
	return nil
}

// notGraphQL describes a response body that is not the GraphQL response
// expected, quoting a bounded excerpt of it.
func notGraphQL(status int, raw []byte) error {
	return fmt.Errorf("server returned status %d with a body that is not the expected GraphQL response: %q",
		status, excerpt(string(raw), maxExcerpt))
}

// check sends one request of each workload in mix, so that a bad token, a
// wrong path or a server that is down fails the run at once rather than
// every request of it.
func (f *loadFlags) check(ctx context.Context, client *http.Client, mix []weighted, codes []string) error {
	worker := &loadWorker{client: client, url: f.url, codes: codes, rng: rand.New(rand.NewPCG(f.seed, 0))}
	for _, w := range mix {
		if s := worker.send(ctx, w.workload); s.err != nil {
			return fmt.Errorf("check request of workload %s to %s failed: %w", w.workload.name, f.url, s.err)
		}
	}
	return nil
}

// drive runs f.concurrency workers until f.duration has passed or ctx is
// cancelled, and collects their results.
func drive(ctx context.Context, client *http.Client, f loadFlags, mix []weighted, codes []string) *loadResults {
	ctx, cancel := context.WithTimeout(ctx, f.duration)
	defer cancel()

	results := newLoadResults()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range f.concurrency {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(f.seed, uint64(i)))
			worker := &loadWorker{client: client, url: f.url, codes: codes, rng: rng}
			local := newLoadResults()
			for ctx.Err() == nil {
				w := pick(mix, rng)
				sample := worker.send(ctx, w)
				if sample.cancelled {
					break
				}
				local.add(w.name, sample)
			}
			results.merge(local)
		})
	}
	wg.Wait()
	results.elapsed = time.Since(start)
	return results
}

// loadWorker sends one request at a time.
type loadWorker struct {
	client *http.Client
	url    string
	codes  []string
	rng    *rand.Rand
}

// sample is the outcome of one request.
type sample struct {
	latency    time.Duration
	statements int
	// sqlMillis is the sum of the statements' durations the server
	// reported in extensions.sources.
	sqlMillis float64
	// reported is whether the response carried extensions.sources.
	reported bool
	err      error
	// cancelled marks a request cut short by the end of the run, which
	// counts as neither a success nor an error.
	cancelled bool
}

func (w *loadWorker) send(ctx context.Context, wl *workload) sample {
	body := wl.body(w.rng, w.codes)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return sample{err: err}
	}
	req.Header.Set("Content-Type", "application/json")

	start := time.Now()
	resp, err := w.client.Do(req)
	if err != nil {
		return sample{err: explainRequestError(err, w.client.Timeout), cancelled: ctx.Err() != nil}
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s := sample{latency: time.Since(start)}
	if err != nil {
		s.err, s.cancelled = explainRequestError(err, w.client.Timeout), ctx.Err() != nil
		return s
	}
	inspect(resp.StatusCode, raw, &s)
	if s.err != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) &&
		strings.HasPrefix(req.URL.Path, "/raw/") {
		s.err = fmt.Errorf("%w; the /raw/ endpoints exist only when the server runs with --raw-baseline", s.err)
	}
	return s
}

// explainRequestError names the -timeout flag in the error of a request
// that timed out, so that the limit to raise is plain.
func explainRequestError(err error, timeout time.Duration) error {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("request timed out after -timeout %s: %w", timeout, err)
	}
	return err
}

// inspect reads the status, the first GraphQL error and the statement
// counts and durations of a response into s.
func inspect(status int, raw []byte, s *sample) {
	var out struct {
		Errors     []struct{ Message string }
		Extensions struct {
			Sources map[string]struct {
				Statements int
				DurationMs float64
			}
		}
	}
	decodeErr := json.Unmarshal(raw, &out)
	for _, source := range out.Extensions.Sources {
		s.statements += source.Statements
		s.sqlMillis += source.DurationMs
	}
	s.reported = out.Extensions.Sources != nil
	switch {
	case decodeErr == nil && len(out.Errors) > 0:
		s.err = fmt.Errorf("server returned status %d with error %q", status, excerpt(out.Errors[0].Message, maxExcerpt))
	case status != http.StatusOK:
		s.err = fmt.Errorf("server returned status %d %s with body %q",
			status, http.StatusText(status), excerpt(string(raw), maxExcerpt))
	case decodeErr != nil:
		s.err = notGraphQL(status, raw)
	}
}

// maxExcerpt bounds the bytes of a response that an error message quotes.
const maxExcerpt = 200

// excerpt returns text without surrounding space, cut to at most limit
// bytes at a character boundary.
func excerpt(text string, limit int) string {
	text = strings.TrimSpace(text)
	if len(text) <= limit {
		return text
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "..."
}

// withBearer makes client send token as a bearer credential on every
// request; personal data needs one. An empty token changes nothing.
func withBearer(client *http.Client, token string) {
	if token == "" {
		return
	}
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	client.Transport = bearerTransport{token: token, next: next}
}

type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(req)
}
