// Package persisted stores and restricts the operations clients may run:
// the cache behind Apollo's automatic persisted queries (in memory or in
// Redis, shared by every replica), Apollo persisted-query manifests, and
// the allow-list mode in which only registered operations run.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/redis/go-redis/v9"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// NotAllowedCode is extensions.code of an operation rejected in allow-list
// mode.
const NotAllowedCode = "PERSISTED_QUERY_NOT_ALLOWED"

// Hash returns the hex sha256 of an operation's text, the id Apollo clients
// and manifests use.
func Hash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// RedisCache is an APQ cache in Redis, so every replica can run a query
// that any of them registered. Redis failures are logged and read as a miss,
// after which Apollo clients send the full query again.
type RedisCache struct {
	client *redis.Client
	prefix string
	ttl    time.Duration
	log    *slog.Logger
}

// NewRedisCache connects to the Redis at url, such as
// redis://127.0.0.1:6379/0, and pings it. Keys are the hash
// after prefix, and each expires ttl after it was last stored.
func NewRedisCache(ctx context.Context, url, prefix string, ttl time.Duration, log *slog.Logger) (*RedisCache, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("invalid APQ Redis URL: %w", err)
	}
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect to APQ Redis at %s: %w", opts.Addr, err)
	}
	return &RedisCache{client: client, prefix: prefix, ttl: ttl, log: log}, nil
}

// Get returns the query stored under a hash.
func (c *RedisCache) Get(ctx context.Context, hash string) (string, bool) {
	query, err := c.client.Get(ctx, c.prefix+hash).Result()
	if errors.Is(err, redis.Nil) {
		return "", false
	}
	if err != nil {
		c.log.WarnContext(ctx, "read persisted query from Redis failed", "hash", hash, "err", err)
		return "", false
	}
	return query, true
}

// Add stores a query under its hash.
func (c *RedisCache) Add(ctx context.Context, hash, query string) {
	if err := c.client.Set(ctx, c.prefix+hash, query, c.ttl).Err(); err != nil {
		c.log.WarnContext(ctx, "store persisted query in Redis failed", "hash", hash, "err", err)
	}
}

// Close closes the connection pool.
func (c *RedisCache) Close() error { return c.client.Close() }

// Client returns the Redis client, for tests that clean up their keys.
func (c *RedisCache) Client() *redis.Client { return c.client }

// Operations is a set of registered operations, by hash.
type Operations map[string]string

// Register adds an operation's text under its hash.
func (o Operations) Register(query string) { o[Hash(query)] = query }

// Get returns the operation with a hash. With Add it makes Operations a
// read-only APQ cache for allow-list mode, where clients may send a
// registered hash alone.
func (o Operations) Get(_ context.Context, hash string) (string, bool) {
	q, ok := o[hash]
	return q, ok
}

// Add ignores the operation: in allow-list mode a client cannot register
// one.
func (o Operations) Add(context.Context, string, string) {}

// manifest is Apollo's persisted-query manifest format.
type manifest struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Operations []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	} `json:"operations"`
}

// LoadManifest reads an Apollo persisted-query manifest into ops, checking
// that each id is the sha256 of its body and that each body is valid
// against schema.
func LoadManifest(path string, schema *ast.Schema, ops Operations) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read persisted-query manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("persisted-query manifest %s: invalid JSON: %w", path, err)
	}
	if m.Format != "apollo-persisted-query-manifest" || m.Version != 1 {
		return fmt.Errorf("persisted-query manifest %s: format %q version %d is not supported: "+
			"expected apollo-persisted-query-manifest version 1", path, m.Format, m.Version)
	}
	for i, op := range m.Operations {
		if op.ID != Hash(op.Body) {
			return fmt.Errorf("persisted-query manifest %s: operation %d (%s): id %s is not the sha256 of its body",
				path, i, op.Name, op.ID)
		}
		doc, perr := parser.ParseQuery(&ast.Source{Name: op.Name, Input: op.Body})
		if perr != nil {
			return fmt.Errorf("persisted-query manifest %s: operation %d (%s): %w", path, i, op.Name, perr)
		}
		if errs := validator.Validate(schema, doc); len(errs) > 0 {
			return fmt.Errorf("persisted-query manifest %s: operation %d (%s): %s",
				path, i, op.Name, strings.TrimSpace(errs.Error()))
		}
		ops.Register(op.Body)
	}
	return nil
}

// AllowList is a gqlgen extension that rejects every operation whose text
// is not registered. Use it after extension.AutomaticPersistedQuery, so a
// hash sent alone is first replaced by the registered text.
type AllowList struct {
	Operations Operations
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = AllowList{}

func (AllowList) ExtensionName() string                   { return "AllowList" }
func (AllowList) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters rejects the operation unless its text is
// registered.
func (a AllowList) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if _, ok := a.Operations[Hash(params.Query)]; ok {
		return nil
	}
	err := gqlerror.Errorf("operation not allowed: this server runs only saved and registered operations; " +
		"send a registered operation, or its sha256 in extensions.persistedQuery")
	errcode.Set(err, NotAllowedCode)
	return err
}
