// Package paging encodes the opaque cursors of Relay connections and checks
// page sizes. A cursor holds the sort key of the last item on a page, so a
// page is read with a keyset condition rather than an offset.
package paging

import (
	"encoding/base64"
	"strings"

	"lienthong/apierr"
)

// MaxFirst is the largest page a connection returns.
const MaxFirst = 100

// Limit checks a connection's `first` argument and returns the page size.
func Limit(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > MaxFirst {
		return 0, apierr.Invalid("invalid first %d: must be between 1 and %d", *first, MaxFirst)
	}
	return *first, nil
}

// separator cannot occur in a sort key: keys are codes, ids, folded names
// and timestamps.
const separator = "\x1f"

// Encode returns the cursor of an item with the given sort key.
func Encode(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, separator)))
}

// Decode returns the n parts of the sort key in cursor, or an error that
// quotes the cursor when it is not one that Encode produced.
func Decode(cursor string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, apierr.Invalid("invalid cursor %q: take it from pageInfo.endCursor", cursor)
	}
	parts := strings.Split(string(raw), separator)
	if len(parts) != n {
		return nil, apierr.Invalid("invalid cursor %q: it belongs to another list", cursor)
	}
	return parts, nil
}
