package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// unit is one long-running part of serve. Every part has the same shape: Run starts it,
// blocks until its context ends, then stops it gracefully (waiting for its in-flight
// work) and returns; an error in starting returns at once.
type unit struct {
	name string
	run  func(context.Context) error
	late string // logged when the unit has not stopped by the deadline
}

// runner starts units in order and stops them in reverse: on shutdown the last one
// started (the intake, which takes in new work) is stopped first and the first one (the
// admin listener, which reports on the others) last. Each unit gets its own context, so
// the parent's cancellation reaches them one at a time, each after the one above it has
// returned. All the stopping shares one deadline.
type runner struct {
	log     *slog.Logger
	timeout time.Duration // for stopping every unit
	units   []unit
}

// Run runs the units until ctx ends or one of them returns by itself (a fatal error, such
// as an invalid token or an address in use); then it stops the others in reverse order
// and returns the first error (nil after a plain shutdown).
func (r *runner) Run(ctx context.Context) error {
	type running struct {
		cancel context.CancelFunc
		done   chan error
		ended  bool
	}
	rs := make([]*running, len(r.units))
	ended := make(chan int, len(r.units))
	base := context.WithoutCancel(ctx)
	for i, u := range r.units {
		uctx, cancel := context.WithCancel(base)
		rs[i] = &running{cancel: cancel, done: make(chan error, 1)}
		go func() {
			rs[i].done <- u.run(uctx)
			ended <- i
		}()
	}

	var first error
	select {
	case <-ctx.Done():
	case i := <-ended:
		err := <-rs[i].done
		rs[i].ended = true
		if err == nil {
			err = fmt.Errorf("%s stopped by itself", r.units[i].name)
		}
		if !errors.Is(err, context.Canceled) {
			first = err
		}
	}

	deadline := time.NewTimer(r.timeout)
	defer deadline.Stop()
	for i := len(rs) - 1; i >= 0; i-- {
		u, ru := r.units[i], rs[i]
		ru.cancel()
		if ru.ended {
			continue
		}
		select {
		case err := <-ru.done:
			if err != nil && !errors.Is(err, context.Canceled) {
				if first == nil {
					first = err
				} else {
					r.log.Error("stopping failed", "unit", u.name, "error", err)
				}
			}
		case <-deadline.C:
			// Out of time: the rest are cancelled without waiting; the process exits.
			for j := i; j >= 0; j-- {
				rs[j].cancel()
			}
			msg := u.late
			if msg == "" {
				msg = "still stopping at shutdown"
			}
			r.log.Warn(msg, "unit", u.name)
			return first
		}
	}
	return first
}
