package baseline

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// parallel runs tasks concurrently and returns the first error.
func parallel(ctx context.Context, tasks ...func(context.Context) error) error {
	group, ctx := errgroup.WithContext(ctx)
	for _, task := range tasks {
		group.Go(func() error { return task(ctx) })
	}
	return group.Wait()
}

// missing returns the keys, without duplicates, that have no entry in
// cache, in the order they first appear.
func missing[V any](keys []string, cache map[string]V) []string {
	var out []string
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if _, ok := cache[k]; ok || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return out
}

// load reads the keys not yet in cache with one call of lookup, a source's
// batch lookup, and caches every result, nil included, as a loader does.
// Each map is written by one task of a level at a time.
func load[V any](ctx context.Context, keys []string, cache map[string]V,
	lookup func(context.Context, []string) ([]V, error)) error {
	keys = missing(keys, cache)
	if len(keys) == 0 {
		return nil
	}
	rows, err := lookup(ctx, keys)
	if err != nil {
		return err
	}
	for i, k := range keys {
		cache[k] = rows[i]
	}
	return nil
}
