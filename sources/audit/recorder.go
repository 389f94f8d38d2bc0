package audit

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Recorder collects the personal-data reads of one request while it
// resolves, so they can be written in one transaction before the response
// leaves the server.
type Recorder struct {
	mu    sync.Mutex
	reads map[readKey]map[string]bool
	order []readKey
}

type readKey struct{ citizen, purpose string }

// Read is the reads of one citizen for one purpose within a request.
type Read struct {
	CitizenID string
	Purpose   string
	// Fields are the names of the citizen's fields read, sorted.
	Fields []string
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{reads: map[readKey]map[string]bool{}} }

// Record notes that fields of the citizen were read for purpose. Repeated
// reads of the same citizen for the same purpose merge into one Read.
func (r *Recorder) Record(citizenID, purpose string, fields []string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	k := readKey{citizenID, purpose}
	set, ok := r.reads[k]
	if !ok {
		set = map[string]bool{}
		r.reads[k] = set
		r.order = append(r.order, k)
	}
	for _, f := range fields {
		set[f] = true
	}
}

// Reads returns the recorded reads in the order citizens were first read.
func (r *Recorder) Reads() []Read {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Read, 0, len(r.order))
	for _, k := range r.order {
		fields := make([]string, 0, len(r.reads[k]))
		for f := range r.reads[k] {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		out = append(out, Read{CitizenID: k.citizen, Purpose: k.purpose, Fields: fields})
	}
	return out
}

// JoinFields returns the stored form of a field list.
func JoinFields(fields []string) string { return strings.Join(fields, ",") }

// SplitFields returns the field list of a stored entry.
func SplitFields(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

type recorderKey struct{}

// WithRecorder returns ctx carrying r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// RecorderFrom returns the request's recorder, or nil when auditing is off;
// recording into a nil recorder does nothing.
func RecorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}
