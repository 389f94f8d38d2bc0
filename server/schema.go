package server

import (
	"net/http"

	lienthong "lienthong"
)

// schemaHandler serves the schema as SDL, for client code generators.
func schemaHandler() http.Handler {
	sdl := lienthong.SchemaSDL
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/graphql; charset=utf-8")
		w.Write([]byte(sdl))
	})
}
