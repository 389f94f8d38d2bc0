package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"lienthong/graph"
	"lienthong/persisted"
	"lienthong/savedquery"
)

// persistedFlags are the settings of saved queries, persisted queries and
// the allow-list.
type persistedFlags struct {
	savedQueries string
	apqRedis     string
	apqPrefix    string
	apqTTL       time.Duration
	allowList    bool
	manifest     string
}

func (f *persistedFlags) register(fs *flag.FlagSet) {
	stringVar(fs, &f.savedQueries, "saved-queries", "",
		"folder of .graphql files served at /saved; empty means the set built into the binary")
	stringVar(fs, &f.apqRedis, "apq-redis", "",
		"Redis URL for the automatic persisted-query cache shared by replicas, such as redis://127.0.0.1:6379/0; empty keeps it in memory")
	stringVar(fs, &f.apqPrefix, "apq-redis-prefix", "lienthong:apq:", "prefix of the persisted-query keys in Redis")
	durationVar(fs, &f.apqTTL, "apq-ttl", 24*time.Hour, "how long Redis keeps a persisted query after it was last stored")
	boolVar(fs, &f.allowList, "allow-list", false,
		"run only saved queries and the operations of -persisted-manifest, rejecting any other")
	stringVar(fs, &f.manifest, "persisted-manifest", "",
		"Apollo persisted-query manifest (JSON) whose operations clients may run by hash")
}

// persistedSetup is the saved queries, the APQ cache and the registered
// operations that the flags configure for the server.
type persistedSetup struct {
	saved      *savedquery.Registry
	cache      graphql.Cache[string]
	registered persisted.Operations
	redis      *persisted.RedisCache
}

// build loads the saved queries and the manifest, validating both against
// the schema, and connects to Redis when configured.
func (f *persistedFlags) build(ctx context.Context, log *slog.Logger) (*persistedSetup, error) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	out := &persistedSetup{registered: persisted.Operations{}}

	var err error
	if f.savedQueries == "" {
		out.saved, err = savedquery.Load(savedquery.Embedded(), schema)
	} else {
		out.saved, err = loadSavedDir(f.savedQueries, schema)
	}
	if err != nil {
		return nil, err
	}
	if f.manifest != "" {
		if err := persisted.LoadManifest(f.manifest, schema, out.registered); err != nil {
			return nil, err
		}
	}
	if f.apqRedis != "" {
		if out.redis, err = persisted.NewRedisCache(ctx, f.apqRedis, f.apqPrefix, f.apqTTL, log); err != nil {
			return nil, err
		}
		out.cache = out.redis
	}
	log.InfoContext(ctx, "loaded saved queries", "count", len(out.saved.All()), "folder", f.savedQueries,
		"registered_operations", len(out.registered), "allow_list", f.allowList, "apq_redis", f.apqRedis != "")
	return out, nil
}

func loadSavedDir(dir string, schema *ast.Schema) (*savedquery.Registry, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("saved queries: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("saved queries: %s is not a folder", dir)
	}
	return savedquery.Load(os.DirFS(dir), schema)
}
