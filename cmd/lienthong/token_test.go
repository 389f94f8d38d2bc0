package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"lienthong/auth"
)

func TestTokenFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"commune_officer", []string{"-role", "commune-officer", "-unit", "00004"}, ""},
		{"province_officer", []string{"-role", "province-officer", "-unit", "01"}, ""},
		{"central_officer", []string{"-role", "central-officer"}, ""},
		{"reporting", []string{"-role", "reporting"}, ""},
		{"citizen", []string{"-role", "citizen", "-citizen", "001085000123"}, ""},
		{"missing_role", nil, "missing -role"},
		{"unknown_role", []string{"-role", "mayor"}, `invalid role "mayor"`},
		{"missing_unit", []string{"-role", "commune-officer"}, "missing -unit"},
		{"commune_code_not_in_force", []string{"-role", "commune-officer", "-unit", "99999"}, "no commune in force"},
		{"province_unit_for_commune", []string{"-role", "commune-officer", "-unit", "01"}, "5-digit commune code"},
		{"unknown_province", []string{"-role", "province-officer", "-unit", "99"}, "no province"},
		{"missing_citizen", []string{"-role", "citizen"}, "missing -citizen"},
		{"short_citizen", []string{"-role", "citizen", "-citizen", "123"}, "12-digit personal id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := captureStdout(t, func() error {
				return run(context.Background(), append([]string{"token", "-jwt-secret", "s"}, tt.args...))
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if out != "" {
					t.Errorf("printed %q on a failure", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 1 {
				t.Fatalf("printed %d lines, want exactly one token", len(lines))
			}
			v, err := auth.NewVerifier(auth.VerifierConfig{Secret: []byte("s")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.VerifyToken(lines[0]); err != nil {
				t.Errorf("printed token does not verify: %v", err)
			}
		})
	}
}

func captureStdout(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	ferr := f()
	os.Stdout = saved
	w.Close()
	out, _ := io.ReadAll(r)
	return string(out), ferr
}
