package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"lienthong/sources"
	"lienthong/sqldb"
)

// sourceFlags are the settings of one source database.
type sourceFlags struct {
	name             string
	dsn              string
	maxOpenConns     int
	statementTimeout time.Duration
	connectTimeout   time.Duration
	breakerFailures  int
	breakerCoolDown  time.Duration
}

// storeFlags are the settings every subcommand that opens the sources
// shares.
type storeFlags struct {
	dataDir string
	sources []*sourceFlags
}

// envName returns the environment variable of a setting, such as
// LIENTHONG_POPULATION_DSN for population-dsn.
func envName(flagName string) string {
	return "LIENTHONG_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func envString(flagName, def string) string {
	if v, ok := os.LookupEnv(envName(flagName)); ok {
		return v
	}
	return def
}

// envParse reads a typed default from the environment. A malformed value is
// reported at start rather than silently replaced by the default.
func envParse[T any](flagName string, def T, parse func(string) (T, error)) T {
	v, ok := os.LookupEnv(envName(flagName))
	if !ok {
		return def
	}
	parsed, err := parse(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lienthong: invalid %s=%q: %v\n", envName(flagName), v, err)
		os.Exit(2)
	}
	return parsed
}

func stringVar(fs *flag.FlagSet, p *string, name, def, usage string) {
	fs.StringVar(p, name, envString(name, def), usage+" (env "+envName(name)+")")
}

func intVar(fs *flag.FlagSet, p *int, name string, def int, usage string) {
	fs.IntVar(p, name, envParse(name, def, strconv.Atoi), usage+" (env "+envName(name)+")")
}

func durationVar(fs *flag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) {
	fs.DurationVar(p, name, envParse(name, def, time.ParseDuration), usage+" (env "+envName(name)+")")
}

func boolVar(fs *flag.FlagSet, p *bool, name string, def bool, usage string) {
	fs.BoolVar(p, name, envParse(name, def, strconv.ParseBool), usage+" (env "+envName(name)+")")
}

// register adds the data folder and the settings of each source to fs.
func (s *storeFlags) register(fs *flag.FlagSet) {
	stringVar(fs, &s.dataDir, "data-dir", "data",
		"folder of the SQLite files of every source without a DSN of its own")
	for _, name := range []string{"population", "civilstatus", "business", "procedures"} {
		src := &sourceFlags{name: name}
		s.sources = append(s.sources, src)
		stringVar(fs, &src.dsn, name+"-dsn", "",
			"DSN of the "+name+" source: "+sqldb.DSNForms+"; empty means DATA-DIR/"+name+".db")
		intVar(fs, &src.maxOpenConns, name+"-max-conns", 0,
			"maximum open connections to the "+name+" source; 0 means 8 on SQLite, 16 on PostgreSQL")
		durationVar(fs, &src.statementTimeout, name+"-statement-timeout", 5*time.Second,
			"longest a statement on the "+name+" source may run, also set as PostgreSQL's statement_timeout; 0 means no limit")
		durationVar(fs, &src.connectTimeout, name+"-connect-timeout", 5*time.Second,
			"longest to wait for a new connection to the "+name+" source")
		intVar(fs, &src.breakerFailures, name+"-breaker-failures", 5,
			"consecutive timeouts or connection failures that open the "+name+" source's circuit breaker")
		durationVar(fs, &src.breakerCoolDown, name+"-breaker-cool-down", 10*time.Second,
			"how long the "+name+" source's open circuit breaker fails statements at once before it tries one")
	}
}

// config returns the sources' configuration. demo reports whether every
// source is an embedded SQLite file in the data folder.
func (s *storeFlags) config() (cfg sources.Config, demo bool) {
	demo = true
	build := func(src *sourceFlags) sources.Source {
		dsn := src.dsn
		if dsn == "" {
			dsn = filepath.Join(s.dataDir, src.name+".db")
		} else {
			demo = false
		}
		return sources.Source{DSN: dsn, Options: sqldb.Options{
			MaxOpenConns:     src.maxOpenConns,
			StatementTimeout: src.statementTimeout,
			ConnectTimeout:   src.connectTimeout,
			Breaker: sqldb.BreakerOptions{
				Failures: src.breakerFailures,
				CoolDown: src.breakerCoolDown,
			},
		}}
	}
	cfg.Population = build(s.sources[0])
	cfg.CivilStatus = build(s.sources[1])
	cfg.Business = build(s.sources[2])
	cfg.Procedures = build(s.sources[3])
	return cfg, demo
}

// usesDataDir reports whether any source is a SQLite file in the data
// folder, which must then exist.
func (s *storeFlags) usesDataDir() bool {
	for _, src := range s.sources {
		if src.dsn == "" {
			return true
		}
	}
	return false
}

// namedDSN is the DSN of a source or of the audit trail, with the prefix
// of its flag, such as "population" for -population-dsn.
type namedDSN struct {
	flag string
	dsn  string
}

// dsns returns the DSN of every source in cfg.
func dsns(cfg sources.Config) []namedDSN {
	return []namedDSN{
		{"population", cfg.Population.DSN},
		{"civilstatus", cfg.CivilStatus.DSN},
		{"business", cfg.Business.DSN},
		{"procedures", cfg.Procedures.DSN},
	}
}

// checkDistinctDatabases rejects an invalid DSN, and two DSNs that reach
// one database, even when spelled differently. Two sources on one
// database would share its schema_migrations table.
func checkDistinctDatabases(all []namedDSN) error {
	seen := map[string]string{}
	for _, d := range all {
		database, err := sqldb.DatabaseOf(d.dsn)
		if err != nil {
			return fmt.Errorf("invalid -%s-dsn: %w", d.flag, err)
		}
		if other, ok := seen[database]; ok {
			return fmt.Errorf("-%s-dsn and -%s-dsn name the same database %s: "+
				"give each source and the audit trail a database of its own", other, d.flag, database)
		}
		seen[database] = d.flag
	}
	return nil
}

// validate rejects settings that the pools and breakers would otherwise
// replace by defaults without a word, such as -population-max-conns -1.
func (s *storeFlags) validate() error {
	for _, src := range s.sources {
		switch {
		case src.maxOpenConns < 0:
			return fmt.Errorf("invalid -%s-max-conns %d: must be 0 (the engine's default) or more",
				src.name, src.maxOpenConns)
		case src.statementTimeout < 0:
			return fmt.Errorf("invalid -%s-statement-timeout %s: must be 0 (no limit) or more",
				src.name, src.statementTimeout)
		case src.connectTimeout <= 0:
			return fmt.Errorf("invalid -%s-connect-timeout %s: must be more than 0", src.name, src.connectTimeout)
		case src.breakerFailures < 1:
			return fmt.Errorf("invalid -%s-breaker-failures %d: must be at least 1", src.name, src.breakerFailures)
		case src.breakerCoolDown <= 0:
			return fmt.Errorf("invalid -%s-breaker-cool-down %s: must be more than 0", src.name, src.breakerCoolDown)
		}
	}
	return nil
}
