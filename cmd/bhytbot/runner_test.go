package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder notes the order in which units start and stop.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	r.events = append(r.events, s)
	r.mu.Unlock()
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// blocking is a well-behaved unit: it runs until its context ends, then stops.
func (r *recorder) blocking(name string, started *sync.WaitGroup) unit {
	started.Add(1)
	return unit{name: name, run: func(ctx context.Context) error {
		r.note("start " + name)
		started.Done()
		<-ctx.Done()
		r.note("stop " + name)
		return nil
	}}
}

func quietRunner(units ...unit) *runner {
	return &runner{log: slog.New(slog.NewTextHandler(io.Discard, nil)), timeout: 5 * time.Second, units: units}
}

// TestRunnerStopsInReverse: on shutdown the units stop one at a time, last started first,
// each only after the one started after it has returned.
func TestRunnerStopsInReverse(t *testing.T) {
	var rec recorder
	var started sync.WaitGroup
	r := quietRunner(rec.blocking("admin", &started), rec.blocking("schedules", &started), rec.blocking("channel", &started))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	started.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	events := rec.got()
	if stops := events[3:]; !slices.Equal(stops, []string{"stop channel", "stop schedules", "stop admin"}) {
		t.Errorf("stop order %v", events)
	}
}

// TestRunnerStartupErrorStopsTheOthers: a unit that fails to start (an address in use)
// makes Run stop the others and return that error at once, without a signal.
func TestRunnerStartupErrorStopsTheOthers(t *testing.T) {
	var rec recorder
	var started sync.WaitGroup
	listen := errors.New("admin: listen :9090: address already in use")
	r := quietRunner(
		unit{name: "admin", run: func(context.Context) error { return listen }},
		rec.blocking("schedules", &started),
		rec.blocking("channel", &started),
	)
	if err := r.Run(context.Background()); !errors.Is(err, listen) {
		t.Fatalf("Run = %v, want the listen error", err)
	}
	stops := slices.DeleteFunc(rec.got(), func(e string) bool { return e[:4] != "stop" })
	if !slices.Equal(stops, []string{"stop channel", "stop schedules"}) {
		t.Errorf("stops %v", stops)
	}
}

// TestRunnerGivesUpAtTheDeadline: a unit that does not stop in time is left behind (the
// process exits) and the units started before it are still cancelled.
func TestRunnerGivesUpAtTheDeadline(t *testing.T) {
	var rec recorder
	var started sync.WaitGroup
	release := make(chan struct{})
	defer close(release)
	stuck := unit{name: "schedules", run: func(ctx context.Context) error {
		<-release
		return nil
	}}
	admin := rec.blocking("admin", &started)
	r := quietRunner(admin, stuck)
	r.timeout = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	started.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// admin's context was cancelled even though schedules never returned.
	for n := 0; !slices.Contains(rec.got(), "stop admin"); n++ {
		if n > 1000 {
			t.Fatal("admin was never told to stop")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
