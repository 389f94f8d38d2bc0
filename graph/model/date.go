package model

import (
	"io"
	"strconv"
	"time"

	"lienthong/apierr"
)

// Date is a calendar date in ISO 8601 form, YYYY-MM-DD, as the sources
// store it.
type Date string

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) {
	io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL accepts a string holding a valid date.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return apierr.Invalid("invalid Date %v: must be a string such as \"2025-07-01\"", v)
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return apierr.Invalid("invalid Date %q: must be YYYY-MM-DD, such as \"2025-07-01\"", s)
	}
	*d = Date(s)
	return nil
}
