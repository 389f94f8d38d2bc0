package testenv

import (
	"syscall"
	"testing"
	"time"
)

// ProcessCPU returns the processor time, user and system, that this
// process has used so far.
func ProcessCPU(t testing.TB) time.Duration {
	t.Helper()
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// ReportCPU reports the processor time this process used per operation
// since start, as cpu-ns/op. Unlike ns/op it barely changes when other
// processes compete for the processor, but it leaves out the time spent in
// other processes, such as a PostgreSQL server.
func ReportCPU(b *testing.B, start time.Duration) {
	b.Helper()
	b.ReportMetric(float64(ProcessCPU(b)-start)/float64(b.N), "cpu-ns/op")
}
