package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// parseFlags parses the flags of a subcommand that takes no positional
// arguments. A parse error is returned once, naming the flag and the value
// and saying why the value is invalid, and the usage is printed only for
// -help. Go's flag package stops at the first argument that is not a flag,
// so a stray word would otherwise drop every flag after it without a word.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The wrappers come off after parsing, since the usage text reads the
	// type of each flag's value to name its argument.
	original := make(map[string]flag.Value)
	fs.VisitAll(func(f *flag.Flag) {
		original[f.Name] = f.Value
		f.Value = explainValue(f.Value)
	})
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.VisitAll(func(f *flag.Flag) { f.Value = original[f.Name] })
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(os.Stderr)
		fs.Usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (run lienthong %s -help for the flags)", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: lienthong %s takes no arguments, "+
			"and flags after an argument are not read", fs.Arg(0), fs.Name())
	}
	return nil
}

// explainValue wraps v so that an invalid value is rejected with the
// parser's reason, such as `missing unit in duration "5"`, where the flag
// package's own types return only "parse error".
func explainValue(v flag.Value) flag.Value {
	getter, ok := v.(flag.Getter)
	if !ok {
		return v
	}
	if _, ok := getter.Get().(bool); ok {
		return explainedBool{explained{getter}}
	}
	return explained{getter}
}

type explained struct{ flag.Getter }

func (e explained) Set(s string) error {
	err := e.Getter.Set(s)
	if err == nil {
		return nil
	}
	var reason error
	switch e.Get().(type) {
	case time.Duration:
		_, reason = time.ParseDuration(s)
	case int:
		_, reason = strconv.ParseInt(s, 0, strconv.IntSize)
	case int64:
		_, reason = strconv.ParseInt(s, 0, 64)
	case uint:
		_, reason = strconv.ParseUint(s, 0, strconv.IntSize)
	case uint64:
		_, reason = strconv.ParseUint(s, 0, 64)
	case float64:
		_, reason = strconv.ParseFloat(s, 64)
	case bool:
		_, reason = strconv.ParseBool(s)
	}
	return parseReason(reason, err)
}

// parseReason strips the package prefix of a parser's error, so that
// `time: missing unit in duration "5"` reads `missing unit in duration "5"`
// and a strconv error reads `invalid syntax`. It returns fallback when
// reason is nil.
func parseReason(reason, fallback error) error {
	var numErr *strconv.NumError
	switch {
	case reason == nil:
		return fallback
	case errors.As(reason, &numErr):
		return numErr.Err
	}
	return errors.New(strings.TrimPrefix(reason.Error(), "time: "))
}

// explainedBool keeps a bool flag usable without a value, as in -sensitive.
type explainedBool struct{ explained }

func (explainedBool) IsBoolFlag() bool { return true }
