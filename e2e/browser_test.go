package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts headless Chromium with a fresh profile and returns a
// context for one tab. The flags turn off the browser's own traffic to
// update, sync and field-trial services, so that the only requests are the
// page's.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	requireTool(t, chromiumPath, "install Debian's chromium package (apt-get install chromium)")

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 150*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// pageEvents records what a tab requests and the script errors it raises.
type pageEvents struct {
	mu         sync.Mutex
	requests   []string
	exceptions []string
	console    []string
}

// listen records the events of the tab of ctx from now on.
func (e *pageEvents) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		e.mu.Lock()
		defer e.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			e.requests = append(e.requests, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			e.exceptions = append(e.exceptions, exceptionText(ev.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, arg := range ev.Args {
					args = append(args, arg.Description+string(arg.Value))
				}
				e.console = append(e.console, strings.Join(args, " "))
			}
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium failed: %v", err)
	}
}

func exceptionText(details *runtime.ExceptionDetails) string {
	if details == nil {
		return "exception without details"
	}
	text := fmt.Sprintf("%s at %s:%d:%d", details.Text, details.URL, details.LineNumber+1, details.ColumnNumber+1)
	if details.Exception != nil {
		text += ": " + details.Exception.Description
	}
	return text
}

func (e *pageEvents) snapshot() (requests, exceptions, console []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.requests...), append([]string(nil), e.exceptions...),
		append([]string(nil), e.console...)
}

// TestGraphiQLRunsCaseContext opens GraphiQL as an integrator does on first
// start, runs the CaseContext tab with its filled-in dossier code, and checks
// the result and that the page sent no request to a host other than 127.0.0.1.
func TestGraphiQLRunsCaseContext(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	srv := startServer(t)
	if srv.ShowcaseDossier == "" {
		t.Fatal("the server logged no showcase dossier")
	}
	var events pageEvents
	events.listen(t, ctx)

	// Open the page and wait for GraphiQL to render its editors.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
	)
	if err != nil {
		t.Fatalf("opening GraphiQL at %s failed: %v", srv.URL, err)
	}

	variables, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const tool = [...document.querySelectorAll('.graphiql-editor-tool')]
				.find(e => e.offsetParent !== null);
			return tool ? tool.innerText : 'no visible variables pane';
		})()`))
	if err != nil {
		saveScreenshot(t, ctx, "graphiql-variables-failed.png")
		t.Fatalf("reading the variables pane failed: %v", err)
	}
	if !strings.Contains(variables, srv.ShowcaseDossier) {
		t.Errorf("variables pane = %q, want it to contain the dossier code %s", variables, srv.ShowcaseDossier)
	}

	// Run the query and wait for the dossier code in the response pane.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))); err != nil {
		t.Fatalf("clicking the run button failed: %v", err)
	}
	response, err := waitForText(ctx, ".graphiql-response .result-window", srv.ShowcaseDossier, 30*time.Second)
	if err != nil {
		saveScreenshot(t, ctx, "graphiql-casecontext-failed.png")
		t.Fatalf("waiting for dossier %s in the response pane failed: %v\nresponse pane:\n%s",
			srv.ShowcaseDossier, err, response)
	}
	for _, want := range []string{`"dossier"`, `"applicant"`, `"fullName"`} {
		if !strings.Contains(response, want) {
			t.Errorf("response pane lacks %s:\n%s", want, response)
		}
	}
	if strings.Contains(response, `"errors"`) {
		t.Errorf("response pane shows errors:\n%s", response)
	}

	saveScreenshot(t, ctx, "graphiql-casecontext.png")

	// The CitizenSearch tab carries its own variables, a name typed without
	// diacritics, and finds the citizens whose names have them.
	openTab := `(() => {
		const button = [...document.querySelectorAll('.graphiql-tab-button')]
			.find(b => b.textContent.trim() === 'CitizenSearch');
		if (!button) return false;
		button.click();
		return true;
	})()`
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[bool](openTab))
	if err != nil || !opened {
		t.Fatalf("opening the CitizenSearch tab failed: found=%v, err=%v", opened, err)
	}
	// GraphiQL picks up the new tab's operation name a moment after the
	// switch, as a person would see; a click at once sends the old one.
	if err := chromedp.Do(ctx, chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))); err != nil {
		t.Fatalf("clicking the run button in CitizenSearch failed: %v", err)
	}
	const wantName = "Nguyễn Văn Anh"
	if response, err := waitForText(ctx, ".graphiql-response .result-window", wantName, 30*time.Second); err != nil {
		saveScreenshot(t, ctx, "graphiql-citizensearch-failed.png")
		t.Errorf("waiting for %s in the CitizenSearch response failed: %v\nresponse pane:\n%s", wantName, err, response)
	}

	// Every request must have gone to the server under test.
	requests, exceptions, console := events.snapshot()
	if len(requests) == 0 {
		t.Error("recorded no network request")
	}
	sawQuery := false
	for _, raw := range requests {
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("request URL %q does not parse: %v", raw, err)
			continue
		}
		if u.Scheme == "data" {
			continue // Inline data: URLs of the embedded CSS, fetched from no host.
		}
		if u.Hostname() != "127.0.0.1" {
			t.Errorf("page requested %s, on host %q, want only 127.0.0.1", raw, u.Hostname())
		}
		if u.Path == "/graphql" {
			sawQuery = true
		}
	}
	if !sawQuery {
		t.Errorf("recorded no request to /graphql among %d requests: %v", len(requests), requests)
	}
	for _, exception := range exceptions {
		t.Errorf("page raised a script error: %s", exception)
	}
	for _, message := range console {
		t.Logf("console error: %s", message)
	}
}

// waitForText polls the text of the element that selector finds until it
// contains want, and returns the text last read.
func waitForText(ctx context.Context, selector, want string, timeout time.Duration) (string, error) {
	expression := `(() => {
		const element = document.querySelector(` + jsString(selector) + `);
		return element ? element.innerText : '';
	})()`
	deadline := time.Now().Add(timeout)
	for {
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](expression))
		if err != nil {
			return text, err
		}
		if strings.Contains(text, want) {
			return text, nil
		}
		if time.Now().After(deadline) {
			return text, fmt.Errorf("%s does not contain %q after %v", selector, want, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// saveScreenshot saves a screenshot of the whole page under the artifacts
// folder and logs its path.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("taking screenshot %s failed: %v", name, err)
		return
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("writing screenshot %s failed: %v", path, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
