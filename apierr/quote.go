package apierr

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxEcho is the most characters of a client's value that a message
// repeats, so that a client cannot make an error message or a log line
// long.
const MaxEcho = 64

// Quote returns s quoted for an error message. A value longer than MaxEcho
// characters is cut to its first MaxEcho, followed by "…" and its length,
// as in "AAAA"… (100000 characters).
func Quote(s string) string {
	head, cut := cutEcho(s)
	if !cut {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d characters)", strconv.Quote(head), utf8.RuneCountInString(s))
}

// Excerpt is Quote without the quotes, for JSON text such as [1,2] that a
// message shows as sent.
func Excerpt(s string) string {
	head, cut := cutEcho(s)
	if !cut {
		return s
	}
	return fmt.Sprintf("%s… (%d characters)", head, utf8.RuneCountInString(s))
}

// cutEcho returns the first MaxEcho characters of s and whether s is
// longer.
func cutEcho(s string) (string, bool) {
	n := 0
	for i := range s {
		if n == MaxEcho {
			return s[:i], true
		}
		n++
	}
	return s, false
}
