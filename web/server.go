// Package web is the officers' read-only dashboard: the boards of the chat, in a browser,
// rendered on the server (html/template, no script), behind a one-time login link sent by the
// bot.
package web

import (
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

//go:embed templates/*.html static/*
var assets embed.FS

// CookieName is the session cookie.
const CookieName = "bhytbot_phien"

// Server serves the dashboard.
type Server struct {
	cfg     config.Config
	store   *storage.Store
	boards  *reminders.Service
	clock   func() time.Time
	loc     *time.Location
	log     *slog.Logger
	tmpl    *template.Template
	secure  bool
	handler http.Handler
}

// New returns the dashboard over the store and the reminders service that builds the boards;
// clock is the time source (time.Now in production).
func New(cfg config.Config, st *storage.Store, boards *reminders.Service, clock func() time.Time, log *slog.Logger) (*Server, error) {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s := &Server{cfg: cfg, store: st, boards: boards, clock: clock, loc: cfg.Location(), log: log, tmpl: tmpl,
		secure: strings.HasPrefix(strings.ToLower(cfg.Web.PublicURL), "https://")}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/style.css", s.style)
	post := s.crossOrigin()
	mux.HandleFunc("GET /login/{token}", s.loginPage)
	mux.Handle("POST /login/{token}", post.Handler(http.HandlerFunc(s.login)))
	mux.HandleFunc("GET /dangxuat", s.logoutPage)
	mux.Handle("POST /dangxuat", post.Handler(http.HandlerFunc(s.logout)))
	mux.HandleFunc("GET /{$}", s.page(s.home))
	mux.HandleFunc("GET /index.json", s.page(s.home))
	mux.HandleFunc("GET /index.xlsx", s.page(s.home))
	mux.HandleFunc("GET /khu-vuc/{id}", s.page(s.areaPage))
	mux.HandleFunc("GET /truong/{id}", s.page(s.schoolPage))
	mux.HandleFunc("GET /lop/{id}", s.page(s.classPage))
	mux.HandleFunc("GET /tep/{token}", s.file)
	mux.HandleFunc("/", s.notFound)
	s.handler = securityHeaders(gzipped(mux))
	return s, nil
}

// Handler is the dashboard's HTTP handler (for tests and for mounting elsewhere).
func (s *Server) Handler() http.Handler { return s.handler }

// Run listens on web.listen and serves until ctx is done, then shuts down gracefully and
// returns; an error to listen returns at once.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Web.Listen)
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, as Run.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.log.Info("web dashboard listening", "address", ln.Addr().String())
	select {
	case err := <-done:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}

// securityHeaders sets what every answer carries: no script at all, styles only from our own
// file, no framing, no referrer (a login URL is a secret), no sniffing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

type gzipWriter struct {
	http.ResponseWriter
	z *gzip.Writer
}

func (g gzipWriter) Write(b []byte) (int, error) { return g.z.Write(b) }

// gzipped compresses answers for clients that accept gzip, except the workbook (already zip).
func gzipped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) || strings.HasSuffix(r.URL.Path, ".xlsx") || strings.HasPrefix(r.URL.Path, "/tep/") {
			next.ServeHTTP(w, r)
			return
		}
		z := gzipPool.Get().(*gzip.Writer)
		z.Reset(w)
		defer func() {
			z.Close()
			gzipPool.Put(z)
		}()
		w.Header().Set("Content-Encoding", "gzip")
		next.ServeHTTP(gzipWriter{ResponseWriter: w, z: z}, r)
	})
}

func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func (s *Server) style(w http.ResponseWriter, r *http.Request) {
	data, err := assets.ReadFile("static/style.css")
	if err != nil {
		http.Error(w, "missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(data)
}
