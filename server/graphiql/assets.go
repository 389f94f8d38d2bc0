package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed assets
var assetFS embed.FS

// contentTypes maps the extensions of the embedded files to the Content-Type
// they are served with. The table is fixed here, not taken from the mime
// package, whose result depends on the host's mime.types files.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// asset is one embedded file, with the version token that the page puts in
// its URL and a gzip copy compressed on first request.
type asset struct {
	body        []byte
	contentType string
	version     string

	gzipOnce sync.Once
	gzipBody []byte
}

// assets maps a file name under AssetPath to its file.
var assets = loadAssets()

func loadAssets() map[string]*asset {
	entries, err := fs.ReadDir(assetFS, "assets")
	if err != nil {
		panic("graphiql: reading the embedded assets failed: " + err.Error())
	}
	loaded := make(map[string]*asset, len(entries))
	for _, entry := range entries {
		name := entry.Name()
		contentType, ok := contentTypes[path.Ext(name)]
		if !ok {
			panic("graphiql: no content type for embedded asset " + name + ": add its extension to contentTypes")
		}
		body, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			panic("graphiql: reading embedded asset " + name + " failed: " + err.Error())
		}
		sum := sha256.Sum256(body)
		loaded[name] = &asset{
			body:        body,
			contentType: contentType,
			version:     hex.EncodeToString(sum[:8]),
		}
	}
	return loaded
}

// assetURL returns the relative URL by which the page loads an embedded
// file. The v query parameter changes whenever the file does, so browsers
// may cache each URL for good.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("graphiql: the page references asset " + name + ", which is not embedded")
	}
	return strings.TrimPrefix(AssetPath, "/") + name + "?v=" + a.version
}

// gzipped returns the gzip-compressed body. It compresses once per process,
// on the first request that accepts gzip, because graphiql.min.js alone is
// 3.5 MB and compresses to 0.73 MB.
func (a *asset) gzipped() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			panic("graphiql: " + err.Error()) // Only an invalid level fails here.
		}
		// Writes to a bytes.Buffer cannot fail.
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		a.gzipBody = buf.Bytes()
	})
	return a.gzipBody
}

// serveAsset serves an embedded file with a long cache lifetime when the
// request carries the file's current version, and with revalidation by ETag
// otherwise. It handles If-None-Match, Range and HEAD requests through
// http.ServeContent.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}

	header := w.Header()
	header.Set("Content-Type", a.contentType)
	header.Set("X-Content-Type-Options", "nosniff")
	header.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.version {
		header.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		header.Set("Cache-Control", "no-cache")
	}

	body := a.body
	etag := a.version
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = a.gzipped()
		etag += "-gzip"
		header.Set("Content-Encoding", "gzip")
	}
	header.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header value accepts gzip:
// gzip listed without q=0, or else the * wildcard without q=0.
func acceptsGzip(acceptEncoding string) bool {
	wildcard := false
	for _, item := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(item, ";")
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip":
			return !hasZeroQuality(params)
		case "*":
			wildcard = !hasZeroQuality(params)
		}
	}
	return wildcard
}

func hasZeroQuality(params string) bool {
	for _, param := range strings.Split(params, ";") {
		key, value, ok := strings.Cut(strings.TrimSpace(param), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		return err == nil && q == 0
	}
	return false
}
