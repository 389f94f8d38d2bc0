package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
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

func TestRejectsInvalidSourceSettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		flag, value, want string
	}{
		{"-population-max-conns", "-1", "invalid -population-max-conns -1: must be 0"},
		{"-business-statement-timeout", "-1s", "invalid -business-statement-timeout -1s: must be 0"},
		{"-procedures-connect-timeout", "0", "invalid -procedures-connect-timeout 0s: must be more than 0"},
		{"-civilstatus-breaker-failures", "0", "invalid -civilstatus-breaker-failures 0: must be at least 1"},
		{"-population-breaker-cool-down", "-5s", "invalid -population-breaker-cool-down -5s: must be more than 0"},
	}
	for _, command := range []string{"migrate", "seed", "serve"} {
		for _, tt := range tests {
			t.Run(command+tt.flag, func(t *testing.T) {
				args := []string{command, "-data-dir", dir, tt.flag, tt.value}
				if command == "serve" {
					args = append(args, "-addr", "127.0.0.1:0")
				}
				err := run(context.Background(), args)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error = %v, want one containing %q", err, tt.want)
				}
			})
		}
	}
}

func TestMigrateLogsEachSourceVersion(t *testing.T) {
	dir := t.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = logFile
	err = run(context.Background(), []string{"migrate", "-data-dir", dir})
	os.Stderr = stderr
	logFile.Close()
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}

	logged, err := os.ReadFile(logFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{"population", "civilstatus", "business", "procedures"} {
		want := regexp.MustCompile(`msg=migrated source=` + source + ` engine=sqlite schema_version=[1-9][0-9]*\n`)
		if !want.Match(logged) {
			t.Errorf("migrate output %q does not contain %q", logged, want)
		}
	}
}
