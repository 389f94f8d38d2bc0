package loaders_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"lienthong/loaders"
)

// countingFetch returns each key doubled and counts its calls and keys.
func countingFetch(calls, keys *atomic.Int64) dataloader.BatchFunc[int, int] {
	return func(_ context.Context, batch []int) []*dataloader.Result[int] {
		calls.Add(1)
		keys.Add(int64(len(batch)))
		out := make([]*dataloader.Result[int], len(batch))
		for i, k := range batch {
			out[i] = &dataloader.Result[int]{Data: 2 * k}
		}
		return out
	}
}

// loadAll loads keys 0..n-1 twice each from n goroutines at once, as
// sibling resolvers do, and checks every value.
func loadAll(t *testing.T, l *loaders.Loader[int, int], n int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		for range 2 {
			wg.Go(func() {
				v, err := l.Load(context.Background(), i)()
				if err != nil || v != 2*i {
					t.Errorf("Load(%d) = %d, %v; want %d", i, v, err, 2*i)
				}
			})
		}
	}
	wg.Wait()
}

func TestSchedulerBatchesConcurrentLoads(t *testing.T) {
	var calls, keys atomic.Int64
	s := loaders.NewScheduler(loaders.Dispatch{Idle: 2 * time.Millisecond, MaxWait: time.Second})
	loadAll(t, loaders.NewLoader(s, countingFetch(&calls, &keys)), 50)
	if calls.Load() != 1 {
		t.Errorf("fetched %d times, want 1", calls.Load())
	}
	if keys.Load() != 50 {
		t.Errorf("fetched %d keys, want 50 without duplicates", keys.Load())
	}
}

func TestSchedulerUnbatchedFetchesEachLoad(t *testing.T) {
	var calls, keys atomic.Int64
	s := loaders.NewScheduler(loaders.Dispatch{Unbatched: true})
	loadAll(t, loaders.NewLoader(s, countingFetch(&calls, &keys)), 50)
	if calls.Load() != 100 {
		t.Errorf("fetched %d times, want 100: one per Load, with no cache", calls.Load())
	}
	if keys.Load() != 100 {
		t.Errorf("fetched %d keys, want 100", keys.Load())
	}
}

func TestSchedulerWaitsForRunningResolver(t *testing.T) {
	var calls, keys atomic.Int64
	s := loaders.NewScheduler(loaders.Dispatch{Idle: 100 * time.Microsecond, MaxWait: 5 * time.Second})
	l := loaders.NewLoader(s, countingFetch(&calls, &keys))

	// A resolver that computes for longer than the idle interval before
	// asking for its key must still join the first resolver's batch.
	s.Enter()
	first := l.Load(context.Background(), 1)
	time.Sleep(20 * time.Millisecond)
	second := l.Load(context.Background(), 2)
	s.Exit()
	if _, err := first(); err != nil {
		t.Fatal(err)
	}
	if _, err := second(); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("fetched %d times, want 1 batch of both keys", calls.Load())
	}
}
