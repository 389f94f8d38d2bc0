package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
)

// rng is a seeded random source. Each generation step draws from its own
// stream, so that a change in one step leaves the records of the others
// unchanged.
type rng struct {
	*rand.Rand
}

func newRNG(seed uint64, stream string) *rng {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return &rng{rand.New(rand.NewPCG(seed, h.Sum64()))}
}

// chance returns true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// normal returns a normally distributed value.
func (r *rng) normal(mean, sd float64) float64 { return mean + sd*r.NormFloat64() }

func pick[T any](r *rng, items []T) T { return items[r.IntN(len(items))] }

// weighted is a discrete distribution over items.
type weighted[T any] struct {
	items []T
	cum   []float64
}

func (w *weighted[T]) add(item T, weight float64) {
	if weight <= 0 {
		return
	}
	total := 0.0
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.items = append(w.items, item)
	w.cum = append(w.cum, total+weight)
}

func (w *weighted[T]) pick(r *rng) T {
	x := r.Float64() * w.cum[len(w.cum)-1]
	i := sort.SearchFloat64s(w.cum, x)
	if i == len(w.items) {
		i--
	}
	return w.items[i]
}

func (w *weighted[T]) empty() bool { return len(w.items) == 0 }

// zipf builds a distribution over items in rank order, with weight
// 1/(rank+2)^s, the usual shape of name frequency lists.
func zipf[T any](items []T, s float64) weighted[T] {
	var w weighted[T]
	for i, item := range items {
		w.add(item, 1/math.Pow(float64(i+2), s))
	}
	return w
}

// stableHash returns a value in [0, 1) derived from key alone, for values
// that must not depend on the seed.
func stableHash(key string) float64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return float64(h.Sum64()>>11) / float64(1<<53)
}
