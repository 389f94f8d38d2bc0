package loaders

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graph-gophers/dataloader/v7"
)

// Scheduler decides when one request's loaders run their batches.
//
// A loader that waits a fixed window after its first key (dataloader's own
// strategy, 16 ms by default) adds that window at every level of a nested
// query, and still splits a batch when the work of one level outlasts the
// window. The Scheduler instead waits for the request to go quiet: every
// field that gqlgen resolves and every key a loader receives counts as
// activity, and pending batches run once no activity has happened for the
// idle interval. At that point every resolver that will ask for a key at
// this level has asked, so the batch is complete, and the wait is only the
// idle interval after the last key. MaxWait bounds the wait on a busy
// server, where other goroutines of the request keep making progress.
type Scheduler struct {
	idle    time.Duration
	maxWait time.Duration

	activity atomic.Int64
	// running counts the resolvers in progress, and waiting those of them
	// blocked on a loader's thunk. While running exceeds waiting, a
	// resolver is computing and may still ask for keys, so the request is
	// not quiet however long that takes.
	running atomic.Int64
	waiting atomic.Int64
	// inflight counts batches running now. The request is not quiet while
	// one runs, because its results will start the next level.
	inflight atomic.Int64

	// done receives a signal whenever a batch finishes, so the watcher
	// waits for running batches without polling.
	done chan struct{}

	// unbatched makes every Load fetch its key at once, as
	// Dispatch.Unbatched describes.
	unbatched bool

	mu       sync.Mutex
	pending  []flusher
	watching bool
}

// flusher is a loader with keys waiting for a batch. take removes the
// pending keys and returns the function that fetches them.
type flusher interface {
	take() func()
}

// Dispatch sets the Scheduler's timing.
type Dispatch struct {
	// Idle is how long the request must stay quiet before pending batches
	// run.
	Idle time.Duration
	// MaxWait bounds how long a key waits for its batch.
	MaxWait time.Duration
	// Unbatched turns batching and caching off: every Load runs its own
	// statement for its one key at once. It exists to measure what
	// batching saves and is never a production setting.
	Unbatched bool
}

// DefaultDispatch suits an idle or busy server: goroutines of one request
// reach the next level within microseconds of each other, so 100 µs of
// quiet means the level is complete. The watcher measures the quiet spell
// by yielding the processor rather than sleeping, because time.Sleep on
// Linux rounds a 100 µs sleep up to about a millisecond.
var DefaultDispatch = Dispatch{Idle: 100 * time.Microsecond, MaxWait: 20 * time.Millisecond}

// NewScheduler returns a Scheduler for one request.
func NewScheduler(d Dispatch) *Scheduler {
	if d.Idle <= 0 {
		d.Idle = DefaultDispatch.Idle
	}
	if d.MaxWait < d.Idle {
		d.MaxWait = max(d.Idle, DefaultDispatch.MaxWait)
	}
	return &Scheduler{idle: d.Idle, maxWait: d.MaxWait, unbatched: d.Unbatched,
		done: make(chan struct{}, 1)}
}

// Touch records activity: a field resolved or a key requested.
func (s *Scheduler) Touch() {
	s.activity.Add(1)
}

// Enter records that a resolver has started. Every Enter needs an Exit.
func (s *Scheduler) Enter() {
	s.running.Add(1)
	s.activity.Add(1)
}

// Exit records that a resolver has returned.
func (s *Scheduler) Exit() {
	s.running.Add(-1)
	s.activity.Add(1)
}

// busy reports whether a resolver is running and not blocked on a thunk.
func (s *Scheduler) busy() bool {
	return s.running.Load() > s.waiting.Load()
}

// enqueue registers a loader that has just received its first pending key,
// and starts the watcher if none runs.
func (s *Scheduler) enqueue(f flusher) {
	s.mu.Lock()
	s.pending = append(s.pending, f)
	start := !s.watching
	s.watching = true
	s.mu.Unlock()
	if start {
		go s.watch()
	}
}

// watch waits until no batch runs and the request has been quiet for the
// idle interval, or MaxWait has passed, then runs every pending batch. It
// keeps watching while batches keep arriving.
func (s *Scheduler) watch() {
	for {
		s.waitQuiet(time.Now().Add(s.maxWait))

		s.mu.Lock()
		batch := s.pending
		s.pending = nil
		if len(batch) == 0 {
			s.watching = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()

		// Take every batch's keys before running any: a batch that
		// finishes first must not add keys to one that has not started,
		// or which keys share a statement would depend on timing. Batches
		// of different loaders go to different tables or sources, so they
		// run concurrently.
		runs := make([]func(), 0, len(batch))
		for _, f := range batch {
			if run := f.take(); run != nil {
				runs = append(runs, run)
			}
		}
		s.inflight.Add(int64(len(runs)))
		for _, run := range runs {
			go func() {
				defer s.finish()
				run()
			}()
		}
	}
}

// waitQuiet returns once no batch runs, no resolver is computing and no
// activity has happened for the idle interval, or at deadline.
//
// While batches run it blocks on s.done, which costs no processor time.
// For the first spinWindow of a wait it yields the processor with
// runtime.Gosched and reads the clock rather than sleeping. A goroutine of
// the request that is ready to run then gets the processor first, so its
// keys join the batch. A 100 µs spell ends after 100 µs, not after the
// millisecond or more that a short time.Sleep takes on Linux. After the
// window it sleeps, so the watcher does not take a processor from the
// request's own goroutines for long on a loaded machine.
func (s *Scheduler) waitQuiet(deadline time.Time) {
	last := s.activity.Load()
	quietSince := time.Now()
	spinUntil := quietSince.Add(spinWindow)
	for {
		if s.inflight.Load() > 0 {
			s.waitBatch(deadline)
			last = s.activity.Load()
			quietSince = time.Now()
			spinUntil = quietSince.Add(spinWindow)
		}

		now := time.Now()
		if !now.Before(deadline) {
			return
		}
		if a := s.activity.Load(); a != last || s.busy() {
			last, quietSince = a, now
		}
		quiet := now.Sub(quietSince)
		switch {
		case s.inflight.Load() > 0:
			continue
		case quiet >= s.idle:
			if s.settled() {
				return
			}
			last, quietSince = s.activity.Load(), time.Now()
		case now.Before(spinUntil) && spin():
		default:
			time.Sleep(s.idle - quiet)
		}
	}
}

// settled reports whether the request stays quiet while the watcher yields
// the processor a few times. A goroutine that a finished resolver has just
// started, or that is runnable but waiting for a processor, shows neither as
// activity nor as a running resolver; yielding lets it run, so its field or
// key counts before the watcher decides. Each yield runs the goroutines
// queued ahead of the watcher, stealing from other processors' queues when
// its own is empty.
func (s *Scheduler) settled() bool {
	before := s.activity.Load()
	for range 4 {
		runtime.Gosched()
	}
	return s.activity.Load() == before && !s.busy() && s.inflight.Load() == 0
}

// spinners counts the watchers of all requests that are yielding now.
var spinners atomic.Int64

// spin yields the processor once and reports true, unless half the
// processors already have a yielding watcher. On a busy server the other
// processors then keep running SQLite calls and resolvers, and the other
// watchers sleep instead.
func spin() bool {
	defer spinners.Add(-1)
	if spinners.Add(1) > int64(max(1, runtime.GOMAXPROCS(0)/2)) {
		return false
	}
	runtime.Gosched()
	return true
}

// spinWindow is how long waitQuiet yields before it sleeps.
const spinWindow = time.Millisecond

// waitBatch blocks until a running batch finishes or deadline passes.
func (s *Scheduler) waitBatch(deadline time.Time) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
	}
}

// finish records the end of a batch and wakes the watcher.
func (s *Scheduler) finish() {
	s.inflight.Add(-1)
	select {
	case s.done <- struct{}{}:
	default:
	}
}

// Loader batches and caches the lookups of one key type for one request. It
// implements dataloader.Interface and takes a dataloader.BatchFunc, whose
// contract it keeps: one result per key, in key order.
type Loader[K comparable, V any] struct {
	sched *Scheduler
	fetch dataloader.BatchFunc[K, V]

	mu      sync.Mutex
	cache   map[K]*entry[V]
	keys    []K
	entries []*entry[V]
	ctx     context.Context
}

var _ dataloader.Interface[string, int] = (*Loader[string, int])(nil)

type entry[V any] struct {
	done  chan struct{}
	value V
	err   error

	// mu guards resolved and waiters, the callers blocked on done that
	// the scheduler counts as waiting.
	mu       sync.Mutex
	resolved bool
	waiters  int64
}

func (e *entry[V]) thunk() (V, error) {
	<-e.done
	return e.value, e.err
}

// waitingThunk returns a thunk that counts its caller as waiting while it
// blocks, so the scheduler can tell that the caller's resolver is not
// computing. settle stops the count before the caller wakes.
func (e *entry[V]) waitingThunk(s *Scheduler) dataloader.Thunk[V] {
	return func() (V, error) {
		e.mu.Lock()
		if !e.resolved {
			e.waiters++
			s.waiting.Add(1)
		}
		e.mu.Unlock()
		<-e.done
		return e.value, e.err
	}
}

// settle marks e resolved and stops counting its callers as waiting, then
// wakes them. The count drops before they run, so the scheduler counts
// their resolvers as computing from the moment the value is ready.
func (e *entry[V]) settle(s *Scheduler) {
	e.mu.Lock()
	e.resolved = true
	s.waiting.Add(-e.waiters)
	e.waiters = 0
	e.mu.Unlock()
	close(e.done)
}

// NewLoader returns a Loader whose batches s schedules.
func NewLoader[K comparable, V any](s *Scheduler, fetch dataloader.BatchFunc[K, V]) *Loader[K, V] {
	return &Loader[K, V]{sched: s, fetch: fetch, cache: make(map[K]*entry[V])}
}

// Load returns a thunk for the value of key. The first Load of a key adds it
// to the pending batch; later ones share the result.
func (l *Loader[K, V]) Load(ctx context.Context, key K) dataloader.Thunk[V] {
	if l.sched.unbatched {
		return l.loadNow(ctx, key)
	}
	l.sched.Touch()
	l.mu.Lock()
	if e, ok := l.cache[key]; ok {
		l.mu.Unlock()
		return e.waitingThunk(l.sched)
	}
	e := &entry[V]{done: make(chan struct{})}
	l.cache[key] = e
	l.keys = append(l.keys, key)
	l.entries = append(l.entries, e)
	first := len(l.keys) == 1
	if first {
		l.ctx = ctx
	}
	l.mu.Unlock()

	if first {
		l.sched.enqueue(l)
	}
	return e.waitingThunk(l.sched)
}

// loadNow fetches key on its own, without batching or caching, for
// Dispatch.Unbatched.
func (l *Loader[K, V]) loadNow(ctx context.Context, key K) dataloader.Thunk[V] {
	e := &entry[V]{done: make(chan struct{})}
	l.resolve(ctx, []K{key}, []*entry[V]{e})
	return e.thunk
}

// LoadMany returns a thunk for the values of keys, in key order.
func (l *Loader[K, V]) LoadMany(ctx context.Context, keys []K) dataloader.ThunkMany[V] {
	thunks := make([]dataloader.Thunk[V], len(keys))
	for i, k := range keys {
		thunks[i] = l.Load(ctx, k)
	}
	return func() ([]V, []error) {
		values := make([]V, len(keys))
		var errs []error
		for i, th := range thunks {
			v, err := th()
			values[i] = v
			if err != nil {
				if errs == nil {
					errs = make([]error, len(keys))
				}
				errs[i] = err
			}
		}
		return values, errs
	}
}

// Cached reports whether key has been loaded, or is being loaded, in this
// request. It is always false without batching, which caches nothing.
func (l *Loader[K, V]) Cached(key K) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.cache[key]
	return ok
}

// Prime stores a value for key unless one is cached.
func (l *Loader[K, V]) Prime(_ context.Context, key K, value V) dataloader.Interface[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cache[key]; !ok {
		e := &entry[V]{done: make(chan struct{}), value: value, resolved: true}
		close(e.done)
		l.cache[key] = e
	}
	return l
}

// Clear forgets key, so the next Load fetches it again.
func (l *Loader[K, V]) Clear(_ context.Context, key K) dataloader.Interface[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.cache[key]; ok && isDone(e) {
		delete(l.cache, key)
	}
	return l
}

// ClearAll forgets every fetched key.
func (l *Loader[K, V]) ClearAll() dataloader.Interface[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, e := range l.cache {
		if isDone(e) {
			delete(l.cache, k)
		}
	}
	return l
}

func isDone[V any](e *entry[V]) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// take removes the pending batch and returns the function that fetches it
// and resolves its thunks, or nil when nothing is pending.
func (l *Loader[K, V]) take() func() {
	l.mu.Lock()
	keys, entries, ctx := l.keys, l.entries, l.ctx
	l.keys, l.entries, l.ctx = nil, nil, nil
	l.mu.Unlock()
	if len(keys) == 0 {
		return nil
	}
	return func() { l.resolve(ctx, keys, entries) }
}

// resolve fetches a batch and resolves its thunks.
func (l *Loader[K, V]) resolve(ctx context.Context, keys []K, entries []*entry[V]) {
	results := l.run(ctx, keys)
	for i, e := range entries {
		switch {
		case len(results) != len(keys):
			e.err = errBatchLength
		case results[i] == nil:
			e.err = errBatchLength
		default:
			e.value, e.err = results[i].Data, results[i].Error
		}
		e.settle(l.sched)
	}
	l.sched.Touch()
}

// run calls the batch function, turning a panic into an error for every
// key so that one bad batch cannot take the server down.
func (l *Loader[K, V]) run(ctx context.Context, keys []K) (results []*dataloader.Result[V]) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("loaders: batch of %d keys panicked: %v", len(keys), p)
			results = make([]*dataloader.Result[V], len(keys))
			for i := range results {
				results[i] = &dataloader.Result[V]{Error: err}
			}
		}
	}()
	return l.fetch(ctx, keys)
}

type batchError string

func (e batchError) Error() string { return string(e) }

const errBatchLength = batchError("loaders: batch function returned the wrong number of results")
