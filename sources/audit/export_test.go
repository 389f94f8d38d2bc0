package audit

import "context"

// CommitGroup commits batches as one group, in one transaction, as the
// writer goroutine does for concurrent Append calls, and returns each
// batch's result. No Append may run meanwhile, so the writer is idle.
func CommitGroup(s *Store, batches ...[]Entry) []error {
	group := make([]*appendRequest, len(batches))
	for i, entries := range batches {
		group[i] = &appendRequest{ctx: context.Background(), entries: entries, done: make(chan error, 1)}
	}
	s.flush(group)
	errs := make([]error, len(group))
	for i, r := range group {
		errs[i] = <-r.done
	}
	return errs
}
