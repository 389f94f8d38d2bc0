package audit

import (
	"fmt"
	"testing"
)

// BenchmarkChain measures hashing the 200 entries of one request onto a
// keyed head, without the database.
func BenchmarkChain(b *testing.B) {
	s := &Store{key: testKey}
	entries := make([]Entry, 200)
	for i := range entries {
		entries[i] = Entry{At: "2026-12-01T09:00:00.000123Z", OfficerID: "central-officer-01",
			Role: "central-officer", CitizenID: fmt.Sprintf("0010850%05d", i/4),
			Fields: "dateOfBirth,fullName,gender,id,permanentAddress", Purpose: "000.00.01.H01-261120-0001",
			RequestID: "req-0000002a-002a", Operation: "DossierList"}
	}
	b.ReportAllocs()
	for b.Loop() {
		s.chain(entries, Head{Seq: 1000, Hash: "ab", KeyedFrom: 1})
	}
}
