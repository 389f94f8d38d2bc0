package main

import (
	"context"
	"strings"
	"testing"
)

func TestCommandsRejectArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"serve", []string{"serve", "--addr", "127.0.0.1:0", "--demo-citizens", "0", "extra", "--no-batching"},
			`unexpected argument "extra": lienthong serve takes no arguments`},
		{"default_serve", []string{"--addr", "127.0.0.1:0", "extra"},
			`unexpected argument "extra": lienthong serve takes no arguments`},
		{"load", []string{"load", "--concurrency", "2", "extra", "--duration", "1s"},
			`unexpected argument "extra": lienthong load takes no arguments`},
		{"seed", []string{"seed", "now"}, `unexpected argument "now": lienthong seed takes no arguments`},
		{"migrate", []string{"migrate", "up"}, `unexpected argument "up": lienthong migrate takes no arguments`},
		{"token", []string{"token", "central-officer"},
			`unexpected argument "central-officer": lienthong token takes no arguments`},
		{"verify_audit", []string{"verify-audit", "audit.db"},
			`unexpected argument "audit.db": lienthong verify-audit takes no arguments`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestFlagErrorsExplainValue(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"duration", []string{"load", "--duration", "5"},
			`invalid value "5" for flag -duration: missing unit in duration "5"`},
		{"int", []string{"load", "--concurrency", "many"}, `invalid value "many" for flag -concurrency: invalid syntax`},
		{"uint", []string{"load", "--seed", "-1"}, `invalid value "-1" for flag -seed: invalid syntax`},
		{"bool", []string{"token", "--sensitive=maybe"}, `invalid boolean value "maybe" for -sensitive: invalid syntax`},
		{"unknown", []string{"serve", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "parse error") {
				t.Errorf("error %q does not say why the value is invalid", err)
			}
		})
	}
}
