package sqldb

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// DSNForms describes the DSNs EngineOf accepts, for help text and errors.
const DSNForms = `a postgres:// or postgresql:// URL, a keyword/value string such as ` +
	`"host=127.0.0.1 dbname=lienthong" (PostgreSQL), or a file path or file: URI (SQLite)`

var (
	// urlScheme matches the scheme of a URL, such as "mysql" in mysql://.
	urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)
	// keywordValue matches the start of a libpq keyword/value string.
	keywordValue = regexp.MustCompile(`^\s*[A-Za-z_]+\s*=`)
	// urlPassword matches the password in a URL's user information.
	urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	// paramPassword matches a password given as a DSN parameter, as in
	// postgres://host/db?password=... or "password=... host=...", quoted
	// or not.
	paramPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)`)
)

// EngineOf returns the engine a DSN selects:
//   - PostgreSQL for a postgres:// or postgresql:// URL, and for a libpq
//     keyword/value string, which starts with a keyword and "=";
//   - SQLite for a file: URI and for a file path, which must contain a
//     slash or a dot so that a mistyped word does not become a file.
//
// Any other URL scheme, and a bare word, is an error. The error never
// repeats a password.
func EngineOf(dsn string) (Engine, error) {
	trimmed := strings.TrimSpace(dsn)
	if trimmed == "" {
		return "", fmt.Errorf("empty DSN: use %s", DSNForms)
	}
	if m := urlScheme.FindStringSubmatch(trimmed); m != nil {
		switch strings.ToLower(m[1]) {
		case "postgres", "postgresql":
			return Postgres, nil
		case "file":
			return SQLite, nil
		}
		return "", fmt.Errorf("unsupported DSN scheme %q: use %s", m[1], DSNForms)
	}
	if strings.HasPrefix(trimmed, "file:") {
		return SQLite, nil
	}
	if keywordValue.MatchString(trimmed) {
		return Postgres, nil
	}
	if !strings.ContainsAny(trimmed, `/.\`) {
		return "", fmt.Errorf("invalid DSN %q: for a SQLite file in the current folder write ./%s, "+
			"otherwise use %s", trimmed, trimmed, DSNForms)
	}
	return SQLite, nil
}

// lowerScheme returns dsn with its URL scheme in lower case, because URL
// schemes are case-insensitive (RFC 3986, section 3.1) but pgx accepts only
// postgres:// and postgresql://.
func lowerScheme(dsn string) string {
	trimmed := strings.TrimSpace(dsn)
	if m := urlScheme.FindStringSubmatch(trimmed); m != nil {
		return strings.ToLower(m[1]) + trimmed[len(m[1]):]
	}
	return dsn
}

// parsePostgres parses a PostgreSQL DSN, whatever the case of its URL
// scheme. Its error never repeats a password.
func parsePostgres(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(lowerScheme(dsn))
	if err != nil {
		// pgx redacts passwords from parse errors on a best-effort basis.
		return nil, fmt.Errorf("invalid PostgreSQL DSN: %s", RedactDSN(err.Error()))
	}
	return cfg, nil
}

// DatabaseOf returns a name for the database a DSN reaches, without its
// password, so that two DSNs of one database compare equal: the absolute
// path of a SQLite file, or the host, port, database and search_path of
// a PostgreSQL DSN.
func DatabaseOf(dsn string) (string, error) {
	engine, err := EngineOf(dsn)
	if err != nil {
		return "", err
	}
	if engine == Postgres {
		cfg, err := parsePostgres(dsn)
		if err != nil {
			return "", err
		}
		name := fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
		if path := cfg.RuntimeParams["search_path"]; path != "" {
			name += "?search_path=" + path
		}
		return name, nil
	}
	path := strings.TrimPrefix(strings.TrimSpace(dsn), "file:")
	path = strings.TrimPrefix(path, "//")
	path, _, _ = strings.Cut(path, "?")
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("resolve SQLite path %q: %w", path, err)
	}
	return abs, nil
}

// RedactDSN masks the passwords of URLs and DSN parameters in s, such as a
// postgres:// DSN that a driver error repeats, so that the text can be
// logged or shown.
func RedactDSN(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	return paramPassword.ReplaceAllString(s, "${1}xxxxx")
}
