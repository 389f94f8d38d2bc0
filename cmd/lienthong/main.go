// Command lienthong runs the Liên thông GraphQL gateway and its tools.
//
//	lienthong [serve] [flags]   serve the API (the default)
//	lienthong seed [flags]      fill the sources with generated demo data
//	lienthong migrate [flags]   apply the sources' migrations and exit
//	lienthong load [flags]      drive a running server and report latency
//	lienthong token -role ROLE  print a signed bearer token
//	lienthong verify-audit      check the audit trail's hash chain
//
// Run "lienthong COMMAND -help" for the flags of a command. Every flag can
// also be set by an environment variable, named in the help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "lienthong:", err)
		os.Exit(1)
	}
}

var commands = map[string]func(context.Context, []string) error{
	"serve":   serve,
	"seed":    seed,
	"migrate": migrate,
	"load":    load,

	"token":        token,
	"verify-audit": verifyAudit,
}

func run(ctx context.Context, args []string) error {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		return fmt.Errorf("unknown command %q: use serve, seed, migrate, load, token or verify-audit", name)
	}
	return cmd(ctx, args)
}

func newLogger(format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, nil)), nil
	}
	return nil, fmt.Errorf("invalid log format %q: use text or json", format)
}
