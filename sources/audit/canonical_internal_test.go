package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// marshalled returns the entry's encoding by encoding/json, which canonical
// must match byte for byte because trails already written were hashed
// over it.
func marshalled(t testing.TB, e *Entry) []byte {
	t.Helper()
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCanonicalMatchesJSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value string
	}{
		{"empty", ""},
		{"ascii", "fullName,id"},
		{"quote_backslash", `a"b\c`},
		{"html", "<script>&amp;</script>"},
		{"control", "a\x00b\x01\x1f\b\f\n\r\t"},
		{"delete", "a\x7fb"},
		{"vietnamese", "Nguyễn Văn Đức"},
		{"line_separators", "a\u2028b\u2029c"},
		{"invalid_utf8", "a\xffb\xc3"},
		{"surrogate_bytes", "\xed\xa0\x80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Entry{Seq: 42, At: tc.value, OfficerID: tc.value, Role: tc.value, Unit: tc.value,
				Province: tc.value, CitizenID: tc.value, Fields: tc.value, Purpose: tc.value,
				RequestID: tc.value, Operation: tc.value, PrevHash: tc.value, Hash: "not encoded"}
			want, got := marshalled(t, &e), e.canonical()
			if !bytes.Equal(got, want) {
				t.Errorf("canonical encoding differs from encoding/json:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestHasherMatchesHMAC(t *testing.T) {
	h := newHasher(testKey)
	for i, citizen := range []string{"001085000001", "Nguyễn <&>", "001085000003"} {
		e := Entry{Seq: int64(i + 1), At: "2026-12-01T09:00:00Z", OfficerID: "o-1", CitizenID: citizen}
		mac := hmac.New(sha256.New, testKey)
		mac.Write(marshalled(t, &e))
		want := hex.EncodeToString(mac.Sum(nil))
		if got := h.keyed(&e); got != want {
			t.Errorf("entry %d: reused hasher = %s, want %s", e.Seq, got, want)
		}
		if got := e.KeyedHash(testKey); got != want {
			t.Errorf("entry %d: KeyedHash = %s, want %s", e.Seq, got, want)
		}
	}
}

func FuzzCanonicalMatchesJSON(f *testing.F) {
	f.Add(int64(1), "2026-12-01T09:00:00Z", "001085000001", "fullName,id", "")
	f.Add(int64(-7), "<&>", "\x00\xff", "Nguyễn", "\u2028")
	f.Fuzz(func(t *testing.T, seq int64, a, b, c, d string) {
		e := Entry{Seq: seq, At: a, OfficerID: b, Role: c, Unit: d, Province: a, CitizenID: b,
			Fields: c, Purpose: d, RequestID: a, Operation: b, PrevHash: c}
		want, got := marshalled(t, &e), e.canonical()
		if !bytes.Equal(got, want) {
			t.Errorf("canonical encoding differs from encoding/json:\n got %q\nwant %q", got, want)
		}
	})
}
