package server_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"lienthong/server"
	"lienthong/testenv"
	"lienthong/vntext"
)

const citizenPage = `query($after: String) { citizens(filter: {communeCode: "00008"}, first: 1, after: $after) {
	edges { cursor node { id } } pageInfo { endCursor } } }`

type citizenPageData struct {
	Citizens struct {
		Edges []struct {
			Cursor string
			Node   struct{ ID string }
		}
		PageInfo struct{ EndCursor string }
	}
}

// withCursorSecret returns options that seal cursors with secret.
func withCursorSecret(secret string) testenv.Options {
	return testenv.Options{NoAudit: true, Configure: func(cfg *server.Config) { cfg.CursorSecret = []byte(secret) }}
}

func TestCitizenCursorsAreSealed(t *testing.T) {
	env := testenv.New(t, withCursorSecret("replica secret of thirty-two chars!"))
	f := env.Fixture(t)
	first := f.Citizen(testenv.Person{FullName: "Lê Văn Bình", CommuneCode: "00008"})
	second := f.Citizen(testenv.Person{FullName: "Lê Văn Bình", CommuneCode: "00008"})

	var page citizenPageData
	env.Query(t, citizenPage, nil).Decode(t, &page)
	if len(page.Citizens.Edges) != 1 || page.Citizens.Edges[0].Node.ID != first {
		t.Fatalf("first page = %+v, want citizen %s", page.Citizens.Edges, first)
	}
	cursor := page.Citizens.Edges[0].Cursor
	raw, _ := base64.RawURLEncoding.DecodeString(cursor)
	for _, secret := range []string{first, vntext.Fold("Lê Văn Bình")} {
		if strings.Contains(cursor, secret) || strings.Contains(string(raw), secret) {
			t.Errorf("cursor %q reveals %q", cursor, secret)
		}
	}

	// A replica with the same secret opens the cursor.
	replica := testenv.New(t, withCursorSecret("replica secret of thirty-two chars!"))
	replica.Fixture(t).Citizen(testenv.Person{ID: second, FullName: "Lê Văn Bình", CommuneCode: "00008"})
	var next citizenPageData
	replica.Query(t, citizenPage, map[string]any{"after": cursor}).Decode(t, &next)
	if len(next.Citizens.Edges) != 1 || next.Citizens.Edges[0].Node.ID != second {
		t.Errorf("replica's next page = %+v, want citizen %s", next.Citizens.Edges, second)
	}
}

func TestBadCitizenCursorsAreInvalid(t *testing.T) {
	env := testenv.New(t, withCursorSecret("replica secret of thirty-two chars!"))
	f := env.Fixture(t)
	f.Citizen(testenv.Person{CommuneCode: "00008"})
	f.Citizen(testenv.Person{CommuneCode: "00008"})
	var page citizenPageData
	env.Query(t, citizenPage, nil).Decode(t, &page)
	cursor := page.Citizens.PageInfo.EndCursor

	raw, _ := base64.RawURLEncoding.DecodeString(cursor)
	raw[len(raw)-1] ^= 1
	tampered := base64.RawURLEncoding.EncodeToString(raw)

	other := testenv.New(t, withCursorSecret("another secret of thirty-two chars"))
	otherFixture := other.Fixture(t)
	otherFixture.Citizen(testenv.Person{CommuneCode: "00008"})
	otherFixture.Citizen(testenv.Person{CommuneCode: "00008"})
	var otherPage citizenPageData
	other.Query(t, citizenPage, nil).Decode(t, &otherPage)

	tests := []struct {
		name, cursor, message string
	}{
		{"tampered", tampered, "failed authentication"},
		{"other_key", otherPage.Citizens.PageInfo.EndCursor, "failed authentication"},
		{"dossier_cursor", base64.RawURLEncoding.EncodeToString([]byte("2026-11-20T08:00:00Z\x1f000.00.04.H01-261120-0001")),
			"failed authentication"},
		{"plain_sort_key", base64.RawURLEncoding.EncodeToString([]byte("le van binh\x1f001085000001")), "too short"},
		{"not_base64", "not a cursor!", "not URL-safe base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.Query(t, citizenPage, map[string]any{"after": tt.cursor})
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", resp.Errors)
			}
			if code := resp.Errors[0].Extensions["code"]; code != "INVALID_ARGUMENT" {
				t.Errorf("code = %v, want INVALID_ARGUMENT", code)
			}
			if !strings.Contains(resp.Errors[0].Message, tt.message) || !strings.Contains(resp.Errors[0].Message, tt.cursor) {
				t.Errorf("message %q does not quote the cursor and say %q", resp.Errors[0].Message, tt.message)
			}
		})
	}
}
