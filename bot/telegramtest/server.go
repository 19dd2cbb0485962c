// Package telegramtest is a fake of the Telegram Bot API for tests and for
// the demo subcommand. It runs an httptest server that speaks the real HTTP
// protocol at /bot<token>/<method> (JSON, form-urlencoded and multipart
// bodies, query strings), answers with real Bot API JSON, enforces
// Telegram's rate limits with token buckets, and can inject faults (5xx,
// blocked users, missing chats, latency, arbitrary errors), restart its update
// ids lower (RestartIDs) and answer getUpdates without long polling.
//
// Point a client at it with
//
//	srv := telegramtest.New(telegramtest.Options{})
//	defer srv.Close()
//	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
//
// and drive it with SendText and PressButton; inspect what the bot did with
// Sent, WaitSent, Commands and Stats. Everything is safe for concurrent use.
//
// The release binary links this package only for the demo: the `demo` subcommand plays a
// scripted week against it without a token or network, and `chat` talks to that demo
// through it; `serve` and every other subcommand talk to the real Bot API and never start
// the fake.
package telegramtest

import (
	"encoding/json"
	"errors"
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
	DefaultToken       = "123456:TEST-TOKEN"
	DefaultBotUsername = "bhyt_demo_bot"
	DefaultBotName     = "BHYT Demo Bot"
)

// maxBody bounds request bodies (Telegram accepts uploads up to 50 MB).
const maxBody = 60 << 20

// ErrClosed is returned by waiting helpers when the server is closed.
var ErrClosed = errors.New("telegramtest: server closed")

// Options configure a Server. The zero value is usable.
type Options struct {
	// Token is the bot token; default DefaultToken. The bot id is the
	// numeric part before ':' (123456 by default).
	Token string
	// BotUsername is the bot's username without '@'; default DefaultBotUsername.
	BotUsername string
	// BotName is the bot's first_name; default DefaultBotName.
	BotName string
	// Limits are the rate limits; zero fields take defaults (see Limits).
	Limits Limits
	// FailRate5xx is the probability (0..1) that a request other than
	// getMe is answered with 500 or 502 instead of being processed.
	FailRate5xx float64
	// Seed seeds the fault RNG; 0 means 1 (deterministic).
	Seed int64
	// Latency is added to every request before it is processed.
	Latency time.Duration
	// Blocked lists chats that answer 403 "Forbidden: bot was blocked by the user".
	Blocked []int64
	// ChatsNotFound lists chats that answer 400 "Bad Request: chat not found".
	ChatsNotFound []int64
	// FirstUpdateID is the id of the first injected update; default 10001
	// (distinct from message ids so that mix-ups show).
	FirstUpdateID int
	// WebhookAttempts is how many times an update is POSTed to the webhook
	// before it is dropped; default 5.
	WebhookAttempts int
	// WebhookBackoff is the delay after the first failed webhook POST,
	// doubled after each further failure; default 50ms.
	WebhookBackoff time.Duration
	// Logger receives debug logs of requests (never the token); default discards.
	Logger *slog.Logger
	// StrictOffsets changes what getUpdates does with an offset more than 10 above the
	// next update id (after RestartIDs, the offset a bot kept from before). By default
	// the offset is ignored, as Telegram's Bot API server does ("from_id is in the
	// future"): nothing is confirmed and updates come from the oldest pending one. With
	// StrictOffsets only updates with an id at or above the offset are answered, so the
	// poll stays empty (and confirms nothing), as a simpler server would behave.
	StrictOffsets bool
	// NoLongPoll makes getUpdates answer at once, ignoring its timeout, as a server
	// that does not long-poll.
	NoLongPoll bool
}

// Server is a fake Telegram Bot API server. Create it with New and stop it
// with Close.
type Server struct {
	ts       *httptest.Server
	token    string
	bot      botUser
	log      *slog.Logger
	whClient *http.Client
	whTries  int
	whWait   time.Duration

	closed    chan struct{}
	closeOnce sync.Once

	whMu sync.Mutex // serialises webhook (re)configuration and its goroutine

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change

	// faults
	failRate   float64
	latency    time.Duration
	rng        *rand.Rand
	chatFaults map[int64]*APIError
	failNext   []APIError

	// limits
	limits      Limits
	global      *bucket
	chatBuckets map[int64]*bucket
	recent      []time.Time

	stats Stats

	// chats and messages
	users     map[int64]User
	nextMsgID map[int64]int
	messages  map[msgKey]*message
	sent      map[int64][]SentMessage
	all       []SentMessage
	files     map[string]storedFile
	nextFile  int

	// updates
	nextUpdateID int
	idRestarts   int  // RestartIDs calls
	strict       bool // Options.StrictOffsets
	noLongPoll   bool // Options.NoLongPoll
	queue        []queuedUpdate
	allowed      []string // getUpdates allowed_updates; nil = default
	confirmedID  int      // highest update id confirmed or delivered
	pollKill     chan struct{}
	queries      map[string]int // callback query id -> update id
	answers      []CallbackAnswer

	commands map[string][]BotCommand

	webhook webhookState
}

type msgKey struct {
	chat int64
	id   int
}

type storedFile struct {
	data []byte
	name string
	mime string
}

// New starts a fake Bot API server on 127.0.0.1 with a random port.
func New(opts Options) *Server {
	s := &Server{
		token:        opts.Token,
		log:          opts.Logger,
		closed:       make(chan struct{}),
		changed:      make(chan struct{}),
		failRate:     opts.FailRate5xx,
		latency:      opts.Latency,
		chatFaults:   map[int64]*APIError{},
		users:        map[int64]User{},
		nextMsgID:    map[int64]int{},
		messages:     map[msgKey]*message{},
		sent:         map[int64][]SentMessage{},
		files:        map[string]storedFile{},
		nextUpdateID: opts.FirstUpdateID,
		strict:       opts.StrictOffsets,
		noLongPoll:   opts.NoLongPoll,
		queries:      map[string]int{},
		commands:     map[string][]BotCommand{},
		whTries:      opts.WebhookAttempts,
		whWait:       opts.WebhookBackoff,
		whClient:     &http.Client{Timeout: 10 * time.Second},
	}
	if s.token == "" {
		s.token = DefaultToken
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.nextUpdateID <= 0 {
		s.nextUpdateID = 10001
	}
	if s.whTries <= 0 {
		s.whTries = 5
	}
	if s.whWait <= 0 {
		s.whWait = 50 * time.Millisecond
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
		s.chatFaults[id] = errChatNotFound()
	}

	botID := int64(123456)
	if idStr, _, ok := strings.Cut(s.token, ":"); ok {
		if v, err := strconv.ParseInt(idStr, 10, 64); err == nil && v > 0 {
			botID = v
		}
	}
	s.bot = botUser{ID: botID, IsBot: true, FirstName: opts.BotName, Username: opts.BotUsername, CanJoinGroups: true}
	if s.bot.FirstName == "" {
		s.bot.FirstName = DefaultBotName
	}
	if s.bot.Username == "" {
		s.bot.Username = DefaultBotUsername
	}
	s.ts = httptest.NewServer(s)
	return s
}

// Close stops the server. Pending long polls return an empty result,
// webhook delivery stops and waiting helpers return ErrClosed.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.whMu.Lock()
		s.stopWebhookLocked()
		s.whMu.Unlock()
		s.ts.Close()
	})
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.ts.URL }

// Endpoint returns the API endpoint in printf form,
// "http://127.0.0.1:PORT/bot%s/%s", for tgbotapi.NewBotAPIWithAPIEndpoint.
func (s *Server) Endpoint() string { return s.ts.URL + "/bot%s/%s" }

// Token returns the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// BotUsername returns the bot's username (without '@').
func (s *Server) BotUsername() string { return s.bot.Username }

// BotID returns the bot's user id.
func (s *Server) BotID() int64 { return s.bot.ID }

// signalLocked wakes everything waiting for a state change; s.mu must be held.
func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// request is a parsed Bot API call.
type request struct {
	method string // canonical name
	params map[string]string
	files  map[string]upload
}

type upload struct {
	name string
	data []byte
	mime string
}

// errClientGone makes ServeHTTP write nothing (the client went away).
var errClientGone = &APIError{Code: -1, Description: "client gone"}

// ServeHTTP implements http.Handler; it serves /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the whole body first, whatever the answer: tgbotapi streams
	// uploads through a pipe and fails if the server answers early.
	params, files, perr := parseRequest(w, r)

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
		s.writeError(w, &APIError{Code: 404, Description: "Not Found"})
		return
	}
	if token != s.token {
		s.writeError(w, &APIError{Code: 401, Description: "Unauthorized"})
		return
	}
	m, ok := methods[strings.ToLower(name)]
	if !ok {
		s.writeError(w, &APIError{Code: 404, Description: "Not Found"})
		return
	}
	s.mu.Lock()
	s.stats.Calls[m.name]++
	fail := m.name != "getMe" && s.failRate > 0 && s.rng.Float64() < s.failRate
	bad := s.rng.Intn(2) == 0
	s.mu.Unlock()
	if perr != nil {
		s.writeError(w, perr)
		return
	}
	if fail {
		if bad {
			s.writeError(w, &APIError{Code: 502, Description: "Bad Gateway"})
		} else {
			s.writeError(w, &APIError{Code: 500, Description: "Internal Server Error"})
		}
		return
	}
	req := &request{method: m.name, params: params, files: files}
	res, aerr := m.handle(s, r.Context(), req)
	if aerr == errClientGone {
		return
	}
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	resp := apiResponse{OK: true, Result: res}
	if wd, ok := res.(withDescription); ok {
		resp.Result, resp.Description = wd.result, wd.description
	}
	s.log.Debug("telegramtest: answered", "method", m.name, "status", 200)
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) writeError(w http.ResponseWriter, e *APIError) {
	s.mu.Lock()
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
	case c == 409:
		s.stats.Conflicts++
	}
	s.mu.Unlock()
	s.log.Debug("telegramtest: answered", "status", e.Code, "description", e.Description)
	resp := apiResponse{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter > 0 {
		resp.Parameters = &responseParameters{RetryAfter: e.RetryAfter}
	}
	writeJSON(w, e.Code, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// parseRequest collects query-string and body parameters. JSON values that
// are not strings are kept as their JSON text, the way form-encoded clients
// send reply_markup and similar objects.
func parseRequest(w http.ResponseWriter, r *http.Request) (map[string]string, map[string]upload, *APIError) {
	params := map[string]string{}
	files := map[string]upload{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	body := http.MaxBytesReader(w, r.Body, maxBody)
	defer func() { _, _ = io.Copy(io.Discard, body) }()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	tooBig := func(err error) *APIError {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &APIError{Code: 413, Description: "Request Entity Too Large"}
		}
		return nil
	}
	switch ct {
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			if e := tooBig(err); e != nil {
				return params, files, e
			}
			return params, files, &APIError{Code: 400, Description: "Bad Request: can't read request body"}
		}
		if len(strings.TrimSpace(string(data))) == 0 {
			return params, files, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return params, files, &APIError{Code: 400, Description: "Bad Request: can't parse JSON object"}
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
			if e := tooBig(err); e != nil {
				return params, files, e
			}
			return params, files, &APIError{Code: 400, Description: "Bad Request: can't parse form"}
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	case "multipart/form-data":
		r.Body = body
		if err := r.ParseMultipartForm(maxBody); err != nil {
			if e := tooBig(err); e != nil {
				return params, files, e
			}
			return params, files, &APIError{Code: 400, Description: "Bad Request: can't parse multipart form"}
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
		for k, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			f, err := fhs[0].Open()
			if err != nil {
				return params, files, &APIError{Code: 400, Description: "Bad Request: can't read file"}
			}
			data, err := io.ReadAll(f)
			_ = f.Close()
			if err != nil {
				return params, files, &APIError{Code: 400, Description: "Bad Request: can't read file"}
			}
			files[k] = upload{name: fhs[0].Filename, data: data, mime: fhs[0].Header.Get("Content-Type")}
		}
	}
	return params, files, nil
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

func errBlocked() *APIError {
	return &APIError{Code: 403, Description: "Forbidden: bot was blocked by the user"}
}

func errChatNotFound() *APIError {
	return &APIError{Code: 400, Description: "Bad Request: chat not found"}
}

// Block makes calls to chatID answer 403 "Forbidden: bot was blocked by the
// user" until Unblock, or until the user writes to the bot (SendText in that
// private chat), as restarting the bot does on Telegram.
func (s *Server) Block(chatID int64) { s.SetChatError(chatID, errBlocked()) }

// Unblock removes any fault set on chatID (Block, ChatNotFound, Deactivate,
// Kick, SetChatError).
func (s *Server) Unblock(chatID int64) { s.SetChatError(chatID, nil) }

// ChatNotFound makes calls to chatID answer 400 "Bad Request: chat not found".
func (s *Server) ChatNotFound(chatID int64) { s.SetChatError(chatID, errChatNotFound()) }

// Deactivate makes calls to chatID answer 403 "Forbidden: user is deactivated".
func (s *Server) Deactivate(chatID int64) {
	s.SetChatError(chatID, &APIError{Code: 403, Description: "Forbidden: user is deactivated"})
}

// Kick makes calls to group chatID answer 403 "Forbidden: bot was kicked
// from the group chat".
func (s *Server) Kick(chatID int64) {
	s.SetChatError(chatID, &APIError{Code: 403, Description: "Forbidden: bot was kicked from the group chat"})
}

// SetChatError makes every chat call (send*, edit*, deleteMessage,
// sendChatAction) to chatID answer e; nil removes the fault.
func (s *Server) SetChatError(chatID int64, e *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e == nil {
		delete(s.chatFaults, chatID)
		return
	}
	c := *e
	s.chatFaults[chatID] = &c
}

// FailNext makes the next n rate-limited calls (send*/edit*), whatever the
// chat, answer e instead of being processed. Calls add to the queue.
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

func itoa(n int) string { return strconv.Itoa(n) }
