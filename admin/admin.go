// Package admin serves the operator's HTTP endpoints: /healthz and Prometheus /metrics.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// Server is the admin HTTP listener.
type Server struct {
	store    *storage.Store
	maxPoll  time.Duration // a last poll older than this is unhealthy; 0 = not checked
	now      func() time.Time
	started  time.Time // polls are only missed once maxPoll has passed since the start
	log      *slog.Logger
	srv      *http.Server
	listener net.Listener
}

// New returns a listener for addr. maxPollAge is how old the last getUpdates may be before
// /healthz fails (use 0 in webhook mode, where Telegram calls us).
func New(addr string, store *storage.Store, maxPollAge time.Duration, log *slog.Logger) *Server {
	s := &Server{store: store, maxPoll: maxPollAge, now: time.Now, log: log}
	s.started = s.now()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
	s.srv = &http.Server{Addr: addr, Handler: s.refreshDepth(mux), ReadHeaderTimeout: 5 * time.Second}
	return s
}

// Health is the body of /healthz.
type Health struct {
	Status             string  `json:"status"`
	Database           string  `json:"database"`
	LastPollAgeSeconds float64 `json:"last_poll_age_seconds"`
	OutboxDepth        int     `json:"outbox_depth"`
	Problem            string  `json:"problem,omitempty"`
}

// Check reports the bot's health: the database answers, the last poll is recent, and the
// outbox depth.
func (s *Server) Check(ctx context.Context) Health {
	h := Health{Status: "ok", Database: "ok", LastPollAgeSeconds: -1}
	now := s.now()
	last := metrics.LastPoll()
	if !last.IsZero() {
		h.LastPollAgeSeconds = now.Sub(last).Seconds()
	}
	// A bot that has just started has not had the time to poll yet (the first long poll
	// may last the whole poll timeout): its silence counts from the start, not from a poll
	// of an earlier run or from never.
	silence := now.Sub(s.started)
	if !last.IsZero() && last.After(s.started) {
		silence = now.Sub(last)
	}
	err := s.store.View(ctx, func(tx *storage.Tx) error {
		n, err := tx.OutboxDepth(ctx)
		h.OutboxDepth = n
		return err
	})
	switch {
	case err != nil:
		h.Status, h.Database, h.Problem = "fail", "error", err.Error()
	case s.maxPoll > 0 && silence > s.maxPoll:
		h.Status, h.Problem = "fail", fmt.Sprintf("no successful poll in the last %s", s.maxPoll)
	}
	return h
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := s.Check(ctx)
	w.Header().Set("Content-Type", "application/json")
	if h.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}

func (s *Server) refreshDepth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			_ = s.store.View(r.Context(), func(tx *storage.Tx) error {
				n, err := tx.OutboxDepth(r.Context())
				if err == nil {
					metrics.OutboxDepth.Set(float64(n))
				}
				return err
			})
		}
		next.ServeHTTP(w, r)
	})
}

// shutdownTimeout bounds how long Run waits for in-flight admin requests once its context ends.
const shutdownTimeout = time.Second

// Listen binds the address now, so that Addr is known before Run; Run calls it if it was
// not called.
func (s *Server) Listen() error {
	if s.listener != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("admin: listen %s: %w", s.srv.Addr, err)
	}
	s.listener = ln
	s.started = s.now()
	return nil
}

// Run serves until ctx ends, then shuts the listener down, letting in-flight requests
// finish for up to a second, and returns. A failure to listen returns at once.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.log.Info("admin listener started", "addr", s.listener.Addr().String())
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(s.listener) }()
	select {
	case err := <-served:
		// The listener failed by itself (it never returns ErrServerClosed before Shutdown).
		return fmt.Errorf("admin: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		s.log.Error("admin listener stopped", "error", serr)
	}
	if err != nil {
		return fmt.Errorf("admin: shutdown: %w", err)
	}
	return nil
}

// Addr is the address the listener is bound to.
func (s *Server) Addr() string {
	if s.listener == nil {
		return s.srv.Addr
	}
	return s.listener.Addr().String()
}
