package persisted_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/graph"
	"lienthong/persisted"
	"lienthong/savedquery"
	"lienthong/server"
	"lienthong/testenv"
)

const provincesQuery = `query Provinces { provinces { code name } }`

// apqPost sends an operation the way Apollo clients do: the hash in
// extensions.persistedQuery, with or without the query text.
func apqPost(t *testing.T, env *testenv.Env, query, hash string) *testenv.Response {
	t.Helper()
	body := map[string]any{
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}},
	}
	if query != "" {
		body["query"] = query
	}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return env.Post(t, "application/json", raw)
}

// apqGet sends a hash alone as Apollo clients do over GET, with the
// extensions in the query string.
func apqGet(t *testing.T, env *testenv.Env, hash string) *testenv.Response {
	t.Helper()
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hash)
	resp, err := http.Get(env.Server.URL + "/graphql?extensions=" + url.QueryEscape(ext))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &testenv.Response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return out
}

func errorCode(r *testenv.Response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// checkProtocol runs Apollo's automatic persisted-query exchange.
func checkProtocol(t *testing.T, register, reuse *testenv.Env) {
	t.Helper()
	hash := persisted.Hash(provincesQuery)

	resp := apqPost(t, register, "", hash)
	if code := errorCode(resp); code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("hash alone before registration: code = %q, want PERSISTED_QUERY_NOT_FOUND (%+v)", code, resp.Errors)
	}
	if resp.Errors[0].Message != "PersistedQueryNotFound" {
		t.Errorf("message = %q, want PersistedQueryNotFound, which Apollo clients look for", resp.Errors[0].Message)
	}

	var data struct{ Provinces []struct{ Code string } }
	apqPost(t, register, provincesQuery, hash).Decode(t, &data)
	if len(data.Provinces) != 34 {
		t.Errorf("hash with query: %d provinces, want 34", len(data.Provinces))
	}

	data.Provinces = nil
	apqPost(t, reuse, "", hash).Decode(t, &data)
	if len(data.Provinces) != 34 {
		t.Errorf("hash alone after registration: %d provinces, want 34", len(data.Provinces))
	}

	data.Provinces = nil
	apqGet(t, reuse, hash).Decode(t, &data)
	if len(data.Provinces) != 34 {
		t.Errorf("GET with the hash alone: %d provinces, want 34", len(data.Provinces))
	}

	resp = apqPost(t, register, provincesQuery, strings.Repeat("0", 64))
	if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "hash does not match") {
		t.Errorf("wrong hash with query: errors = %+v, want a hash mismatch", resp.Errors)
	}
}

func TestAPQInMemory(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	checkProtocol(t, env, env)
}

// TestAPQRedisSharedByReplicas registers a query on one gateway and runs
// it by hash on another that shares the Redis cache.
func TestAPQRedisSharedByReplicas(t *testing.T) {
	redisURL := os.Getenv("LIENTHONG_TEST_REDIS")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	var b [6]byte
	rand.Read(b[:])
	prefix := "lienthong_test:" + hex.EncodeToString(b[:]) + ":"
	ctx := context.Background()
	cache, err := persisted.NewRedisCache(ctx, redisURL, prefix, time.Minute, slog.Default())
	if err != nil {
		reason := err.Error() + "; start Redis there or set LIENTHONG_TEST_REDIS to a server's URL"
		if os.Getenv("LIENTHONG_REQUIRE_REDIS") != "" {
			t.Fatal("REDIS TESTS FAILED: " + reason)
		}
		testenv.AnnounceSkip("Redis", reason)
		t.Skip("REDIS TESTS SKIPPED: " + reason)
	}
	t.Cleanup(func() {
		keys, err := cache.Client().Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			err = cache.Client().Del(ctx, keys...).Err()
		}
		if err != nil {
			t.Errorf("delete test keys %s*: %v", prefix, err)
		}
		cache.Close()
	})

	withCache := testenv.Options{Configure: func(c *server.Config) { c.APQCache = cache }}
	replicaA := testenv.New(t, withCache)
	replicaB := testenv.New(t, withCache)
	checkProtocol(t, replicaA, replicaB)

	stored, err := cache.Client().Get(ctx, prefix+persisted.Hash(provincesQuery)).Result()
	if err != nil || stored != provincesQuery {
		t.Errorf("Redis holds %q (%v), want the query under its hash", stored, err)
	}
}

func writeManifest(t *testing.T, ops ...string) string {
	t.Helper()
	type op struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	}
	m := map[string]any{"format": "apollo-persisted-query-manifest", "version": 1}
	var list []op
	for i, body := range ops {
		list = append(list, op{ID: persisted.Hash(body), Name: fmt.Sprintf("Op%d", i), Type: "query", Body: body})
	}
	m["operations"] = list
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAllowList(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	ops := persisted.Operations{}
	if err := persisted.LoadManifest(writeManifest(t, provincesQuery), schema, ops); err != nil {
		t.Fatal(err)
	}
	reg, err := savedquery.Load(savedquery.Embedded(), schema)
	if err != nil {
		t.Fatal(err)
	}
	env := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.SavedQueries = reg
		c.Registered = ops
		c.AllowList = true
	}})

	t.Run("unknown_operation_rejected", func(t *testing.T) {
		resp := env.Query(t, `{ provinces { code } }`, nil)
		if code := errorCode(resp); code != persisted.NotAllowedCode {
			t.Fatalf("code = %q, want %s (%+v)", code, persisted.NotAllowedCode, resp.Errors)
		}
		if !strings.Contains(resp.Errors[0].Message, "operation not allowed") {
			t.Errorf("message = %q", resp.Errors[0].Message)
		}
		if resp.Data != nil && string(resp.Data) != "null" {
			t.Errorf("data = %s, want none", resp.Data)
		}
	})

	t.Run("unknown_hash_with_query_rejected", func(t *testing.T) {
		query := `query Other { provinces { name } }`
		resp := apqPost(t, env, query, persisted.Hash(query))
		if code := errorCode(resp); code != persisted.NotAllowedCode {
			t.Errorf("code = %q, want %s", code, persisted.NotAllowedCode)
		}
		resp = apqPost(t, env, "", persisted.Hash(query))
		if code := errorCode(resp); code != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("hash alone after a rejected registration: code = %q, want PERSISTED_QUERY_NOT_FOUND", code)
		}
	})

	t.Run("manifest_operation_by_hash", func(t *testing.T) {
		var data struct{ Provinces []struct{ Code string } }
		apqGet(t, env, persisted.Hash(provincesQuery)).Decode(t, &data)
		if len(data.Provinces) != 34 {
			t.Errorf("%d provinces, want 34", len(data.Provinces))
		}
	})

	t.Run("saved_query_text", func(t *testing.T) {
		resp := env.Query(t, reg.Get("DossierStatisticsByProvince").Body, nil)
		if len(resp.Errors) > 0 {
			t.Errorf("errors = %+v", resp.Errors)
		}
	})

	t.Run("saved_query_endpoint", func(t *testing.T) {
		resp, err := http.Get(env.Server.URL + "/saved/ProcedureChanges?from=2025-01-01&to=2026-01-01")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
	})
}

func TestLoadManifestErrors(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cases := []struct {
		name, content, want string
	}{
		{"wrong_hash", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"abc","name":"P","type":"query","body":"{ provinces { code } }"}]}`, "not the sha256"},
		{"wrong_format", `{"format":"relay","version":1,"operations":[]}`, `"relay"`},
		{"invalid_operation", fmt.Sprintf(`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":%q,"name":"P","type":"query","body":"{ nope }"}]}`, persisted.Hash("{ nope }")), `Cannot query field "nope"`},
		{"not_json", `{`, "invalid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := persisted.LoadManifest(write(tc.name+".json", tc.content), schema, persisted.Operations{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

var _ graphql.Cache[string] = (*persisted.RedisCache)(nil)
