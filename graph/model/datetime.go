package model

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"lienthong/apierr"
)

// MarshalDateTime writes an instant in RFC 3339 form, in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an instant in RFC 3339 form with a time zone.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apierr.Invalid("invalid DateTime %v: must be an RFC 3339 string such as \"2025-07-01T08:30:00Z\"", v)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, apierr.Invalid("invalid DateTime %q: must be RFC 3339 with a time zone, such as \"2025-07-01T08:30:00+07:00\"", s)
	}
	return t, nil
}
