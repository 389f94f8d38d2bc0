package validate_test

import (
	"strings"
	"testing"

	"lienthong/validate"
)

func TestDossierCodeBoundsEcho(t *testing.T) {
	long := strings.Repeat("A", 100_000) + " "
	err := validate.DossierCode(long)
	if err == nil {
		t.Fatal("got no error for a code with a space")
	}
	msg := err.Error()
	if len(msg) > 300 {
		t.Errorf("message is %d bytes long, want at most 300: %.400s", len(msg), msg)
	}
	for _, want := range []string{`invalid dossier code "` + strings.Repeat("A", 64) + `"…`, "(100001 characters)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %.400q does not contain %q", msg, want)
		}
	}
}

func TestPersonalIDQuotesShortValue(t *testing.T) {
	err := validate.PersonalID("12ab")
	if err == nil {
		t.Fatal("got no error for 12ab")
	}
	if want := `invalid personal id "12ab": must be 12 digits`; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
}
