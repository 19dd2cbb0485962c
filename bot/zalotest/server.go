// Package zalotest is a fake of the Zalo Bot API for tests and for the demo
// subcommand. It runs an httptest server that speaks the protocol at
// /bot<token>/<method> (GET or POST; JSON, form-urlencoded or multipart
// bodies; query strings) and answers as Zalo does: {"ok":true,"result":…} or
// {"ok":false,"error_code":N,"description":"…"}, by default with HTTP 200 and
// the code only in the body (Options.HTTPStatusErrors also sets the status).
//
// getUpdates is a long poll that answers ONE update (Options.ArrayUpdates: an
// array) and error 408 when nothing came within its timeout; there is no
// offset: an update is consumed as soon as it is answered. With a webhook
// set, the fake POSTs each update to it with X-Bot-Api-Secret-Token and the
// body {"ok":true,"result":{update}}, retrying non-2xx answers. sendPhoto
// fetches the photo URL, so a test proves the URL serves an image.
//
// Point a client at it with
//
//	srv := zalotest.New(zalotest.Options{})
//	defer srv.Close()
//	c, err := zalo.New(srv.Token(), srv.Endpoint(), nil)
//
// drive it with SendText and SendImage, SendSticker, SendEvent, and inspect
// what the bot did with Sent, WaitSent and Stats. Faults (blocked users,
// unknown chats, 5xx, 429 quotas, latency) and a restart are injectable.
// Everything is safe for concurrent use.
//
// The release binary links this package only for `chat --channel zalo`, which talks to the
// demo through it; `serve` and every other subcommand talk to the real Zalo Bot API and never
// start the fake.
package zalotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultToken       = "1234567890:zalo-test-token"
	DefaultAccountName = "bot.bhytdemo"
	// DefaultPollTimeout is the getUpdates timeout when the request gives none
	// (Zalo's documented default).
	DefaultPollTimeout = 30 * time.Second
)

// Descriptions of the errors the fake gives. Zalo publishes codes but not
// these texts; they are the fake's choice.
const (
	DescBlocked      = "Forbidden: the user has blocked the bot"
	DescChatNotFound = "Chat not found"
	DescQuota        = "Too many requests: quota exceeded"
	DescPollTimeout  = "Request timeout: no update"
	DescUnauthorized = "Unauthorized: invalid token"
	DescNotFound     = "Not found: method does not exist"
	DescWebhookSet   = "Bad request: getUpdates is not available while a webhook is set; call deleteWebhook first"
)

// maxBody bounds request bodies.
const maxBody = 10 << 20

// ErrClosed is returned by waiting helpers when the server is closed.
var ErrClosed = errors.New("zalotest: server closed")

// Options configure a Server. The zero value is usable.
type Options struct {
	// Token is the bot token; default DefaultToken. The bot id is the part
	// before ':'.
	Token string
	// AccountName is getMe's account_name; default DefaultAccountName.
	AccountName string
	// HTTPStatusErrors makes error answers carry the matching HTTP status as
	// well as error_code in the body. By default errors come with HTTP 200, as
	// measurements of the real API report. 5xx faults always carry their
	// status (they come from the gateway, not the API).
	HTTPStatusErrors bool
	// ArrayUpdates makes getUpdates answer an array of every pending update
	// (up to 100) instead of one update object.
	ArrayUpdates bool
	// Limits are the quotas; zero fields mean no limit (Zalo publishes none).
	Limits Limits
	// FailRate5xx is the probability (0..1) that a request other than getMe
	// is answered with 500 or 502 instead of being processed.
	FailRate5xx float64
	// Seed seeds the fault RNG; 0 means 1 (deterministic).
	Seed int64
	// Latency is added to every request before it is processed.
	Latency time.Duration
	// Blocked lists chats that answer 403 DescBlocked.
	Blocked []string
	// ChatsNotFound lists chats that answer ChatNotFoundCode DescChatNotFound.
	ChatsNotFound []string
	// ChatNotFoundCode is the code of an unknown chat: 400 (default) or 404.
	ChatNotFoundCode int
	// StrictChats makes chats that never wrote to the bot (no injected
	// update) answer as unknown, as a bot can only reach people who wrote.
	StrictChats bool
	// AllowHTTPWebhook accepts http:// webhook URLs; Zalo requires https.
	AllowHTTPWebhook bool
	// WebhookClient posts updates to the webhook; default a client with a
	// 10 s timeout. Give httptest.NewTLSServer's Client() to reach a TLS test server.
	WebhookClient *http.Client
	// WebhookAttempts is how many times an update is POSTed before it is
	// dropped; default 5.
	WebhookAttempts int
	// WebhookBackoff is the delay after the first failed POST, doubled after
	// each further failure; default 50ms.
	WebhookBackoff time.Duration
	// PhotoClient fetches sendPhoto URLs; default a client with a 10 s timeout.
	PhotoClient *http.Client
	// MaxPhotoBytes bounds a fetched photo; default 5 MB.
	MaxPhotoBytes int64
	// Logger receives debug logs of requests (never the token); default discards.
	Logger *slog.Logger
}

// Server is a fake Zalo Bot API server. Create it with New, stop it with Close.
type Server struct {
	ts          *httptest.Server
	token       string
	bot         botInfo
	log         *slog.Logger
	statusErrs  bool
	array       bool
	strict      bool
	allowHTTPWH bool
	whClient    *http.Client
	whTries     int
	whWait      time.Duration
	photoClient *http.Client
	maxPhoto    int64
	notFound    int

	closed    chan struct{}
	closeOnce sync.Once

	whMu sync.Mutex // serialises webhook (re)configuration and its goroutine

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	restart chan struct{} // closed and replaced by Restart: pending polls end

	failRate   float64
	latency    time.Duration
	rng        *rand.Rand
	chatFaults map[string]*APIError
	failNext   []APIError

	limits      Limits
	global      *bucket
	chatBuckets map[string]*bucket
	recent      []time.Time

	stats Stats

	known  map[string]bool // chats that wrote to the bot
	sent   map[string][]Sent
	all    []Sent
	nextID int64 // message ids, the bot's and the users'

	queue    []Update
	inflight int // updates taken by the webhook goroutine, not yet answered
	webhook  webhookState
}

// New starts a fake Zalo Bot API server on 127.0.0.1 with a random port.
func New(opts Options) *Server {
	s := &Server{
		token:       opts.Token,
		log:         opts.Logger,
		statusErrs:  opts.HTTPStatusErrors,
		array:       opts.ArrayUpdates,
		strict:      opts.StrictChats,
		allowHTTPWH: opts.AllowHTTPWebhook,
		whClient:    opts.WebhookClient,
		whTries:     opts.WebhookAttempts,
		whWait:      opts.WebhookBackoff,
		photoClient: opts.PhotoClient,
		maxPhoto:    opts.MaxPhotoBytes,
		notFound:    opts.ChatNotFoundCode,
		closed:      make(chan struct{}),
		changed:     make(chan struct{}),
		restart:     make(chan struct{}),
		failRate:    opts.FailRate5xx,
		latency:     opts.Latency,
		chatFaults:  map[string]*APIError{},
		known:       map[string]bool{},
		sent:        map[string][]Sent{},
		nextID:      0x5a10000000,
	}
	if s.token == "" {
		s.token = DefaultToken
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.whClient == nil {
		s.whClient = &http.Client{Timeout: 10 * time.Second}
	}
	if s.whTries <= 0 {
		s.whTries = 5
	}
	if s.whWait <= 0 {
		s.whWait = 50 * time.Millisecond
	}
	if s.photoClient == nil {
		s.photoClient = &http.Client{Timeout: 10 * time.Second}
	}
	if s.maxPhoto <= 0 {
		s.maxPhoto = 5 << 20
	}
	if s.notFound != 404 {
		s.notFound = 400
	}
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	s.rng = rand.New(rand.NewSource(seed))
	s.stats.Calls = map[string]int{}
	s.setLimitsLocked(opts.Limits)
	for _, id := range opts.Blocked {
		s.chatFaults[id] = errBlocked()
	}
	for _, id := range opts.ChatsNotFound {
		s.chatFaults[id] = s.errChatNotFound()
	}
	id, _, _ := strings.Cut(s.token, ":")
	s.bot = botInfo{ID: id, AccountName: opts.AccountName, AccountType: "BASIC"}
	if s.bot.AccountName == "" {
		s.bot.AccountName = DefaultAccountName
	}
	s.ts = httptest.NewServer(s)
	return s
}

// Close stops the server. Pending long polls end, webhook delivery stops and
// waiting helpers return ErrClosed.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.whMu.Lock()
		s.stopWebhookLocked()
		s.whMu.Unlock()
		s.ts.Close()
	})
}

// Restart simulates Zalo's server restarting under the same token and
// address: open connections are cut (a pending long poll fails with a network
// error, and a client's next call on a kept-alive connection may too), and pending updates, the webhook and the quota buckets are lost.
// What the bot sent so far (Sent), the counters, injected faults and the
// chats known to the bot stay, as they are the test's view or the platform's
// lasting data.
func (s *Server) Restart() {
	s.whMu.Lock()
	s.stopWebhookLocked()
	s.mu.Lock()
	close(s.restart)
	s.restart = make(chan struct{})
	s.queue = nil
	s.setLimitsLocked(s.limits)
	s.signalLocked()
	s.mu.Unlock()
	s.whMu.Unlock()
	s.ts.CloseClientConnections()
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.ts.URL }

// Endpoint returns the API endpoint in printf form,
// "http://127.0.0.1:PORT/bot%s/%s" (the zalo.api_endpoint config key).
func (s *Server) Endpoint() string { return s.ts.URL + "/bot%s/%s" }

// Token returns the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// BotID returns the bot's id (the token's part before ':').
func (s *Server) BotID() string { return s.bot.ID }

// signalLocked wakes everything waiting for a state change; s.mu must be held.
func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// errClientGone makes ServeHTTP write nothing (the client went away, or the
// server restarted under it).
var errClientGone = &APIError{Code: -1, Description: "client gone"}

type handlerFunc func(s *Server, r *http.Request, p map[string]string) (any, *APIError)

// methods are the Bot API methods by name; Zalo's method names are
// case-sensitive.
var methods = map[string]handlerFunc{
	"getMe":          (*Server).getMe,
	"getUpdates":     (*Server).getUpdates,
	"setWebhook":     (*Server).setWebhook,
	"deleteWebhook":  (*Server).deleteWebhook,
	"getWebhookInfo": (*Server).getWebhookInfo,
	"sendMessage":    (*Server).sendMessage,
	"sendPhoto":      (*Server).sendPhoto,
	"sendChatAction": (*Server).sendChatAction,
}

// ServeHTTP implements http.Handler; it serves /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	params, perr := parseRequest(w, r)

	s.mu.Lock()
	lat := s.latency
	s.mu.Unlock()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.closed:
			t.Stop()
		}
	}

	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || name == "" {
		s.writeError(w, &APIError{Code: 404, Description: DescNotFound})
		return
	}
	if token != s.token {
		s.writeError(w, &APIError{Code: 401, Description: DescUnauthorized})
		return
	}
	h, ok := methods[name]
	if !ok {
		s.writeError(w, &APIError{Code: 404, Description: DescNotFound})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		s.writeError(w, &APIError{Code: 405, Description: "Method not allowed: use GET or POST"})
		return
	}
	s.mu.Lock()
	s.stats.Calls[name]++
	fail := name != "getMe" && s.failRate > 0 && s.rng.Float64() < s.failRate
	gateway := s.rng.Intn(2) == 0
	s.mu.Unlock()
	if perr != nil {
		s.writeError(w, perr)
		return
	}
	if fail {
		s.countError(&APIError{Code: 500})
		if gateway {
			// A gateway in front of the API answers with its own page, not JSON.
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
			return
		}
		writeJSON(w, http.StatusInternalServerError, apiResponse{ErrorCode: 500, Description: "Internal server error"})
		return
	}
	res, aerr := h(s, r, params)
	if aerr == errClientGone {
		// Cut the connection rather than answer an empty 200.
		panic(http.ErrAbortHandler)
	}
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	s.log.Debug("zalotest: answered", "method", name, "status", 200)
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: res})
}

func (s *Server) countError(e *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c := e.Code; {
	case c == 429:
		s.stats.TooManyRequests++
	case c >= 500:
		s.stats.ServerErrors++
	case c == 403:
		s.stats.Forbidden++
	case c == 400:
		s.stats.BadRequests++
	case c == 401:
		s.stats.Unauthorized++
	case c == 404:
		s.stats.NotFound++
	case c == 408:
		s.stats.PollTimeouts++
	}
}

func (s *Server) writeError(w http.ResponseWriter, e *APIError) {
	s.countError(e)
	s.log.Debug("zalotest: answered", "error_code", e.Code, "description", e.Description)
	status := http.StatusOK
	if (s.statusErrs || e.Code >= 500) && e.Code >= 400 && e.Code < 600 {
		status = e.Code
	}
	writeJSON(w, status, apiResponse{ErrorCode: e.Code, Description: e.Description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"ok":false,"error_code":500,"description":"Internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// parseRequest collects query-string and body parameters. JSON values that
// are not strings are kept as their JSON text (a timeout sent as 30 or "30"
// reads the same).
func parseRequest(w http.ResponseWriter, r *http.Request) (map[string]string, *APIError) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	body := http.MaxBytesReader(w, r.Body, maxBody)
	defer func() { _, _ = io.Copy(io.Discard, body) }()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	bad := func(what string) *APIError {
		return &APIError{Code: 400, Description: "Bad request: can't parse " + what}
	}
	switch ct {
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			return params, bad("request body")
		}
		if strings.TrimSpace(string(data)) == "" {
			return params, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return params, bad("JSON object")
		}
		for k, raw := range obj {
			txt := strings.TrimSpace(string(raw))
			switch {
			case txt == "null":
			case strings.HasPrefix(txt, `"`):
				var str string
				if json.Unmarshal(raw, &str) == nil {
					params[k] = str
				}
			default:
				params[k] = txt
			}
		}
	case "application/x-www-form-urlencoded":
		r.Body = body
		if err := r.ParseForm(); err != nil {
			return params, bad("form")
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	case "multipart/form-data":
		r.Body = body
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return params, bad("multipart form")
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	}
	return params, nil
}

// SetFailRate5xx sets the probability (0..1) of answering 500/502.
func (s *Server) SetFailRate5xx(p float64) {
	s.mu.Lock()
	s.failRate = p
	s.mu.Unlock()
}

// SetLatency sets the delay added to every request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

func errBlocked() *APIError { return &APIError{Code: 403, Description: DescBlocked} }

func (s *Server) errChatNotFound() *APIError {
	return &APIError{Code: s.notFound, Description: DescChatNotFound}
}

// Block makes calls to chatID answer 403 DescBlocked until Unblock.
func (s *Server) Block(chatID string) { s.SetChatError(chatID, errBlocked()) }

// ChatNotFound makes calls to chatID answer DescChatNotFound with
// Options.ChatNotFoundCode (400 by default).
func (s *Server) ChatNotFound(chatID string) { s.SetChatError(chatID, s.errChatNotFound()) }

// Unblock removes any fault set on chatID.
func (s *Server) Unblock(chatID string) { s.SetChatError(chatID, nil) }

// SetChatError makes every call to chatID (sendMessage, sendPhoto,
// sendChatAction) answer e; nil removes the fault.
func (s *Server) SetChatError(chatID string, e *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e == nil {
		delete(s.chatFaults, chatID)
		return
	}
	c := *e
	s.chatFaults[chatID] = &c
}

// FailNext makes the next n sendMessage/sendPhoto calls, whatever the chat,
// answer e instead of being processed. Calls add to the queue.
func (s *Server) FailNext(n int, e APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, e)
	}
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Calls = make(map[string]int, len(s.stats.Calls))
	for k, v := range s.stats.Calls {
		st.Calls[k] = v
	}
	return st
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{Calls: map[string]int{}}
	s.recent = nil
}

// newIDLocked returns a fresh message id, 20 hex digits like Zalo's; s.mu
// must be held.
func (s *Server) newIDLocked() string {
	s.nextID++
	return fmt.Sprintf("%020x", s.nextID)
}
