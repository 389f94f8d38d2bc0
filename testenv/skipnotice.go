package testenv

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

// announced holds the kinds of test, such as "PostgreSQL", that this test
// binary has already announced as skipped.
var announced sync.Map

// AnnounceSkip writes one line per test binary and kind, such as
// "lienthong/server: PostgreSQL tests skipped: REASON", to the controlling
// terminal. go test prints nothing but "ok" for a passing package unless
// -v is given, so a skipped test would otherwise look like a pass. Where
// no terminal can be opened, as in CI, nothing is written, and the test's
// own t.Skip message remains, listed by go test -v ./... | grep SKIP.
func AnnounceSkip(kind, reason string) {
	if _, done := announced.LoadOrStore(kind, true); done {
		return
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer tty.Close()
	oneLine := strings.Join(strings.Fields(reason), " ")
	fmt.Fprintf(tty, "%s: %s tests skipped: %s\n", testedPackage(), kind, oneLine)
}

// testedPackage returns the import path of the package under test, from
// the test binary's build information, such as "lienthong/server" for
// lienthong/server.test.
func testedPackage() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return os.Args[0]
	}
	return strings.TrimSuffix(info.Path, ".test")
}
