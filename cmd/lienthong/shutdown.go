package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// closeTimeout bounds each shutdown step, such as flushing traces, so
// that an unreachable collector cannot hold the exit.
const closeTimeout = 5 * time.Second

// OnShutdown adds a step that runs after the HTTP server has stopped and
// every request in flight has finished, before the sources close. Steps run
// in the order they were added, each within closeTimeout; one that fails
// is logged and does not stop the others.
func (a *App) OnShutdown(name string, close func(context.Context) error) {
	a.closers = append(a.closers, closer{name: name, close: close})
}

// runClosers runs the shutdown steps and joins their errors.
func (a *App) runClosers() error {
	var errs []error
	for _, c := range a.closers {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		err := c.close(ctx)
		cancel()
		if err != nil {
			a.log.Error("shutdown step failed", "step", c.name, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", c.name, err))
		}
	}
	return errors.Join(errs...)
}
