package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"

	"lienthong/persisted"
)

// usePersistedQueries installs Apollo's automatic persisted queries and, in
// allow-list mode, the check that only saved and registered operations run.
// The APQ extension comes first, so a hash sent alone is replaced by its
// text before the allow-list checks it.
func usePersistedQueries(gql *handler.Server, cfg Config) {
	if cfg.AllowList {
		ops := persisted.Operations{}
		for hash, query := range cfg.Registered {
			ops[hash] = query
		}
		if cfg.SavedQueries != nil {
			for _, q := range cfg.SavedQueries.All() {
				ops.Register(q.Body)
			}
		}
		// The registered operations are the whole cache, so clients cannot
		// add to it.
		gql.Use(extension.AutomaticPersistedQuery{Cache: ops})
		gql.Use(persisted.AllowList{Operations: ops})
		return
	}

	cache := cfg.APQCache
	if cache == nil {
		cache = lru.New[string](1000)
	}
	gql.Use(extension.AutomaticPersistedQuery{Cache: registeredFirst{registered: cfg.Registered, cache: cache}})
}

// registeredFirst is an APQ cache that finds registered operations before
// looking in the cache of operations clients sent.
type registeredFirst struct {
	registered persisted.Operations
	cache      graphql.Cache[string]
}

func (c registeredFirst) Get(ctx context.Context, hash string) (string, bool) {
	if query, ok := c.registered[hash]; ok {
		return query, true
	}
	return c.cache.Get(ctx, hash)
}

func (c registeredFirst) Add(ctx context.Context, hash, query string) {
	if _, ok := c.registered[hash]; !ok {
		c.cache.Add(ctx, hash, query)
	}
}
