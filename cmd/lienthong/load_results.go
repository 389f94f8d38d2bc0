package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"
	"time"
)

// loadResults collects the samples of a run, per workload.
type loadResults struct {
	mu         sync.Mutex
	elapsed    time.Duration
	byWorkload map[string]*workloadResults
}

type workloadResults struct {
	latencies []time.Duration
	errors    int
	// firstError is kept to show what went wrong, and firstErrorAt is
	// when it was recorded.
	firstError   error
	firstErrorAt time.Time
	statements   int
	sqlMillis    float64
	// reported counts the responses that carried extensions.sources.
	reported int
}

func newLoadResults() *loadResults {
	return &loadResults{byWorkload: make(map[string]*workloadResults)}
}

func (r *loadResults) get(name string) *workloadResults {
	w := r.byWorkload[name]
	if w == nil {
		w = &workloadResults{}
		r.byWorkload[name] = w
	}
	return w
}

// add records one sample. Failed requests count as errors and stay out of
// the latency percentiles.
func (r *loadResults) add(name string, s sample) {
	w := r.get(name)
	if s.err != nil {
		w.errors++
		if w.firstError == nil {
			w.firstError, w.firstErrorAt = s.err, time.Now()
		}
		return
	}
	w.latencies = append(w.latencies, s.latency)
	if s.reported {
		w.reported++
		w.statements += s.statements
		w.sqlMillis += s.sqlMillis
	}
}

// merge adds the samples of one worker.
func (r *loadResults) merge(other *loadResults) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, o := range other.byWorkload {
		w := r.get(name)
		w.latencies = append(w.latencies, o.latencies...)
		w.errors += o.errors
		if o.firstError != nil && (w.firstError == nil || o.firstErrorAt.Before(w.firstErrorAt)) {
			w.firstError, w.firstErrorAt = o.firstError, o.firstErrorAt
		}
		w.statements += o.statements
		w.sqlMillis += o.sqlMillis
		w.reported += o.reported
	}
}

// print writes one line per workload and a total line when there are
// several.
func (r *loadResults) print(out io.Writer) {
	names := make([]string, 0, len(r.byWorkload))
	total := &workloadResults{}
	for name, w := range r.byWorkload {
		names = append(names, name)
		total.latencies = append(total.latencies, w.latencies...)
		total.errors += w.errors
		total.statements += w.statements
		total.sqlMillis += w.sqlMillis
		total.reported += w.reported
	}
	sort.Strings(names)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\tstatements/req\tSQL ms/req\t")
	for _, name := range names {
		r.printRow(tw, name, r.byWorkload[name])
	}
	if len(names) > 1 {
		r.printRow(tw, "total", total)
	}
	tw.Flush()
	for _, name := range names {
		if err := r.byWorkload[name].firstError; err != nil {
			fmt.Fprintf(out, "first error of %s: %v\n", name, err)
		}
	}
}

// failure returns an error when the run completed no request within
// duration or when any request failed, naming the first error recorded.
func (r *loadResults) failure(duration time.Duration) error {
	completed, failed := 0, 0
	var first *workloadResults
	for _, w := range r.byWorkload {
		completed += len(w.latencies) + w.errors
		failed += w.errors
		if w.firstError != nil && (first == nil || w.firstErrorAt.Before(first.firstErrorAt)) {
			first = w
		}
	}
	switch {
	case completed == 0:
		return fmt.Errorf("no request completed within -duration %s: raise -duration, "+
			"or check that the server responds within it", duration)
	case failed > 0:
		return fmt.Errorf("%d of %d requests failed; first error: %s",
			failed, completed, excerpt(first.firstError.Error(), 2*maxExcerpt))
	}
	return nil
}

func (r *loadResults) printRow(out io.Writer, name string, w *workloadResults) {
	slices.Sort(w.latencies)
	statements, sqlMillis := "n/a", "n/a"
	if w.reported > 0 {
		statements = fmt.Sprintf("%.1f", float64(w.statements)/float64(w.reported))
		sqlMillis = fmt.Sprintf("%.2f", w.sqlMillis/float64(w.reported))
	}
	fmt.Fprintf(out, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", name, len(w.latencies),
		float64(len(w.latencies))/r.elapsed.Seconds(),
		millis(percentile(w.latencies, 50)), millis(percentile(w.latencies, 90)),
		millis(percentile(w.latencies, 99)), millis(percentile(w.latencies, 100)),
		w.errors, statements, sqlMillis)
}

// percentile returns the nearest-rank percentile p of sorted latencies, or
// zero when there are none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func millis(d time.Duration) string {
	return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000)
}
