package sqldb_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lienthong/sqldb"
	"lienthong/testenv"
)

func TestEngineOf(t *testing.T) {
	tests := []struct {
		dsn  string
		want sqldb.Engine
	}{
		{"postgres://postgres@127.0.0.1:5432/x", sqldb.Postgres},
		{"postgresql://127.0.0.1/x", sqldb.Postgres},
		{"host=127.0.0.1 user=postgres password=S3cret dbname=x", sqldb.Postgres},
		{"dbname = x", sqldb.Postgres},
		{"data/population.db", sqldb.SQLite},
		{"population.db", sqldb.SQLite},
		{"./population", sqldb.SQLite},
		{"/var/lib/lienthong/population.db", sqldb.SQLite},
		{"file:population.db?mode=rwc", sqldb.SQLite},
		{"data/population.db?_busy_timeout=100", sqldb.SQLite},
	}
	for _, tt := range tests {
		got, err := sqldb.EngineOf(tt.dsn)
		if err != nil {
			t.Errorf("EngineOf(%q): %v", tt.dsn, err)
			continue
		}
		if got != tt.want {
			t.Errorf("EngineOf(%q) = %s, want %s", tt.dsn, got, tt.want)
		}
	}
}

func TestEngineOfRejectsUnknownForms(t *testing.T) {
	tests := []struct {
		dsn  string
		want string
	}{
		{"postgress://postgres:S3cret@127.0.0.1/x", `unsupported DSN scheme "postgress"`},
		{"mysql://root:S3cret@127.0.0.1/x", `unsupported DSN scheme "mysql"`},
		{"population", `invalid DSN "population": for a SQLite file in the current folder write ./population`},
		{"  ", "empty DSN"},
	}
	for _, tt := range tests {
		_, err := sqldb.EngineOf(tt.dsn)
		if err == nil {
			t.Errorf("EngineOf(%q) accepted it", tt.dsn)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("EngineOf(%q) error %q does not contain %q", tt.dsn, err, tt.want)
		}
		if !strings.Contains(err.Error(), "postgres:// or postgresql://") {
			t.Errorf("EngineOf(%q) error %q does not list the accepted forms", tt.dsn, err)
		}
		if strings.Contains(err.Error(), "S3cret") {
			t.Errorf("EngineOf(%q) error %q repeats the password", tt.dsn, err)
		}
	}
}

// A keyword/value DSN reaches PostgreSQL and creates no file named after it.
func TestOpenKeywordValueDSN(t *testing.T) {
	u, err := url.Parse(testenv.PostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	database := strings.TrimPrefix(u.Path, "/")
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	dir := t.TempDir()
	t.Chdir(dir)

	dsn := fmt.Sprintf("host=%s port=%s user=%s password=S3cret dbname=%s sslmode=disable",
		u.Hostname(), port, u.User.Username(), database)
	db, err := sqldb.Open(context.Background(), "test", dsn, sqldb.Options{})
	if err != nil {
		t.Fatalf("open %q: %v", sqldb.RedactDSN(dsn), err)
	}
	defer db.Close()
	if db.Engine() != sqldb.Postgres {
		t.Errorf("engine = %s, want postgres", db.Engine())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the current folder holds %s after opening a keyword/value DSN, want nothing", entries[0].Name())
	}
}

func TestOpenRejectsUnknownSchemeWithoutFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := sqldb.Open(context.Background(), "population", "mysql://root:S3cret@127.0.0.1/x", sqldb.Options{})
	if err == nil || !strings.Contains(err.Error(), `open population database: unsupported DSN scheme "mysql"`) {
		t.Fatalf("error = %v, want the population source and the mysql scheme named", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the current folder holds %s, want nothing", entries[0].Name())
	}
}

func TestDatabaseOfIgnoresSpelling(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	same := [][2]string{
		{"data/population.db", filepath.Join(dir, "data", "population.db")},
		{"data/population.db", "file:data/population.db?mode=rwc"},
		{"postgres://postgres:S3cret@127.0.0.1:5432/x", "host=127.0.0.1 user=other dbname=x"},
	}
	for _, pair := range same {
		a, errA := sqldb.DatabaseOf(pair[0])
		b, errB := sqldb.DatabaseOf(pair[1])
		if errA != nil || errB != nil {
			t.Fatalf("DatabaseOf: %v, %v", errA, errB)
		}
		if a != b {
			t.Errorf("DatabaseOf(%q) = %q, DatabaseOf(%q) = %q, want equal", pair[0], a, pair[1], b)
		}
		if strings.Contains(a, "S3cret") {
			t.Errorf("DatabaseOf(%q) = %q repeats the password", pair[0], a)
		}
	}
	a, _ := sqldb.DatabaseOf("postgres://127.0.0.1/x?search_path=population")
	b, _ := sqldb.DatabaseOf("postgres://127.0.0.1/x?search_path=business")
	if a == b {
		t.Errorf("two search paths of one database both give %q, want different names", a)
	}
}

func TestRedactDSNQuotedPassword(t *testing.T) {
	got := sqldb.RedactDSN(`host=db password='S3 cret' dbname=x`)
	if strings.Contains(got, "S3") || strings.Contains(got, "cret") {
		t.Errorf("RedactDSN = %q, still has the password", got)
	}
}
