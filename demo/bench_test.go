package demo

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"

	"lienthong/sources"
)

// BenchmarkSeed seeds SQLite files with DEMO_BENCH_CITIZENS citizens
// (default 50,000) per iteration.
func BenchmarkSeed(b *testing.B) {
	citizens := DefaultCitizens
	if s := os.Getenv("DEMO_BENCH_CITIZENS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("DEMO_BENCH_CITIZENS=%q: %v", s, err)
		}
		citizens = n
	}
	for b.Loop() {
		dir := b.TempDir()
		dbs, err := sources.Open(context.Background(), sources.DefaultConfig(dir))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Seed(context.Background(), dbs, Options{Citizens: citizens, Seed: 1}, slog.Default()); err != nil {
			b.Fatal(err)
		}
		dbs.Close()
	}
}
