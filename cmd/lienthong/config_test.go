package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestRejectsTwoSourcesOnOneDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			"sqlite_spelled_twice",
			[]string{"migrate", "-data-dir", dir, "-population-dsn", "shared.db",
				"-business-dsn", "file:" + filepath.Join(dir, "shared.db") + "?mode=rwc"},
			"-population-dsn and -business-dsn name the same database " + filepath.Join(dir, "shared.db"),
		},
		{
			"postgres_url_and_keywords",
			[]string{"seed", "-data-dir", dir, "-civilstatus-dsn", "postgres://postgres:S3cret@127.0.0.1:5432/x",
				"-procedures-dsn", "host=127.0.0.1 dbname=x password=S3cret"},
			"-civilstatus-dsn and -procedures-dsn name the same database postgres://127.0.0.1:5432/x",
		},
		{
			"audit_on_a_source",
			[]string{"serve", "-data-dir", dir, "-addr", "127.0.0.1:0",
				"-population-dsn", "postgres://127.0.0.1/x", "-audit-dsn", "postgresql://127.0.0.1:5432/x"},
			"-population-dsn and -audit-dsn name the same database",
		},
		{
			"audit_default_path",
			[]string{"serve", "-data-dir", dir, "-addr", "127.0.0.1:0",
				"-procedures-dsn", filepath.Join(dir, "audit.db")},
			"-procedures-dsn and -audit-dsn name the same database",
		},
		{
			"unknown_scheme",
			[]string{"migrate", "-data-dir", dir, "-business-dsn", "mysql://root:S3cret@127.0.0.1/x"},
			`invalid -business-dsn: unsupported DSN scheme "mysql"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "S3cret") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}
