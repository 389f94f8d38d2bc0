// Package vntext normalises Vietnamese text: NFC for storage and display,
// and a folded key for search that ignores case and diacritics.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C, the form every source
// stores, so that a name typed with combining marks matches the stored one.
func NFC(s string) string {
	return norm.NFC.String(s)
}

// Fold returns the search key of s: lower case, diacritics removed, đ as d,
// invisible format and control characters dropped, and runs of white space
// collapsed to one space. "Nguyễn  Văn An" and
// "nguyen van an" have the same key.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	stripped, _, err := transform.String(t, s)
	if err != nil {
		stripped = s
	}
	stripped = strings.Map(func(r rune) rune {
		switch {
		case r == 'đ' || r == 'Đ':
			return 'd'
		case unicode.IsSpace(r):
			return ' '
		case unicode.Is(unicode.Cf, r) || unicode.IsControl(r):
			// Zero-width spaces and joiners, byte-order marks and control
			// characters come with pasted text and are never part of a
			// name.
			return -1
		}
		return unicode.ToLower(r)
	}, stripped)
	return strings.Join(strings.Fields(stripped), " ")
}
