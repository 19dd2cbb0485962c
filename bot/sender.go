package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// SenderOptions tune the sender; zero fields take the defaults shown.
type SenderOptions struct {
	Workers     int              // concurrent sends per channel, one per chat at a time (8)
	Poll        time.Duration    // how often the outbox is read without a Notify (1s)
	Sweep       time.Duration    // how often every due message is listed again, not only new ones (30s)
	Batch       int              // messages read from the outbox at a time (256)
	MaxAttempts int              // transient failures before a message is dead (8)
	RetryBase   time.Duration    // first retry delay, doubled per attempt (2s)
	RetryMax    time.Duration    // longest retry delay (10m)
	StopGrace   time.Duration    // how long in-flight sends may finish after stop (2.5s)
	Now         func() time.Time // clock (time.Now)
	Render      Renderer         // draws attachments given as a spec (see WithRenderer)
}

func (o SenderOptions) withDefaults() SenderOptions {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Sweep <= 0 {
		o.Sweep = 30 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 2 * time.Second
	}
	if o.RetryMax <= 0 {
		o.RetryMax = 10 * time.Minute
	}
	if o.StopGrace <= 0 {
		o.StopGrace = 2500 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// SenderStats counts what the sender did since it was made.
type SenderStats struct {
	Sent, Retried, Dead, Dropped, Pauses int
	// Listed counts the outbox rows read to schedule (ids and chats only), Loaded the
	// messages read in full (text, buttons, file or spec) just before being sent.
	Listed, Loaded int
}

// Sender is the one sender of all traffic: it reads the outbox, keeps within the rate
// budget (global, per private chat, per group), sends replies before broadcasts, one
// message at a time per chat, with a few workers in parallel, and records each outcome
// in the outbox only after Telegram answered. A 429 pauses the whole sender for
// retry_after; 5xx and network errors retry with exponential backoff up to MaxAttempts,
// then the message is dead; a recipient that blocked the bot or does not exist is marked
// inactive and its pending messages dropped. Outcomes are committed in batches.
type Sender struct {
	store  *storage.Store
	client *Client
	lim    *limiter
	zlim   *limiter // Zalo's budget (nil: no Zalo channel)
	zalo   *zaloOut // nil: no Zalo channel
	log    *slog.Logger
	opt    SenderOptions

	wake chan struct{}

	mu       sync.Mutex
	results  []result
	forget   []int64
	undrop   []int64
	notified bool
	progress map[int64]int // message id → parts already sent
	stats    SenderStats

	cmu     sync.Mutex
	commits []commitItem
	cwake   chan struct{}
	intakes atomic.Int32 // intake transactions in progress (see outcomes.go)
}

// NewSender returns a sender of store's outbox through client within rate.
func NewSender(store *storage.Store, client *Client, rate config.Rate, logger *slog.Logger, opt SenderOptions) *Sender {
	opt = opt.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{
		store: store, client: client, log: logger, opt: opt,
		lim:      newLimiter(rate, opt.Now),
		wake:     make(chan struct{}, 1),
		cwake:    make(chan struct{}, 1),
		progress: map[int64]int{},
	}
}

// Notify tells the sender new messages are in the outbox (it also polls).
func (s *Sender) Notify() {
	s.mu.Lock()
	s.notified = true
	s.mu.Unlock()
	s.signal()
}

// Stats returns the sender's counters.
func (s *Sender) Stats() SenderStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Sender) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

type outcome int

const (
	outSent outcome = iota
	outRetry
	outDead
	outGone     // recipient cannot receive: deactivate, drop its pending messages
	outInactive // recipient known inactive: dropped without a send
	outPause    // 429: back to the queue, whole sender paused
	outCanceled // stopped mid-send: stays pending
)

type job struct {
	msg    storage.Message // as listed (no text, file or spec) until loaded
	loaded bool
	done   int // parts already sent
}

type result struct {
	job        *job
	out        outcome
	messageID  int
	reason     string
	retryAfter time.Duration
	done       int
}

type commitItem struct {
	id, chatID int64
	out        outcome
	messageID  int
	reason     string
	next       time.Time
	extra      []int64 // queued ids to forget with this commit (dropped with the chat)
	done       int     // parts Telegram took (outRetry, outCanceled)
}

// state is the scheduler's own; only Run's goroutine touches it.
type state struct {
	known       map[int64]bool // queued, in flight or awaiting commit
	high, low   []*job         // Telegram's, replies and broadcasts
	zhigh, zlow []*job         // Zalo's: a channel's queue is skipped whole while it cannot send
	busy        map[int64]bool // chats with a message in flight
	dropping    map[int64]bool // chats whose drop is not committed yet
	free        int
	paused      [2]time.Time // per channel (see channelIndex): a 429 pauses its channel only
	nextPoll    time.Time
	lastFull    bool
	lastRefill  time.Time
	// highID is, per priority, the highest id listed: a refill lists only rows above it. Rows
	// at or below it that become due later (quiet hours, a retry) are listed by the held
	// sweep every Poll; anything else (an id reused after the newest rows were pruned) by the
	// full sweep every Sweep.
	highID    map[int]int64
	nextHeld  time.Time
	nextSweep time.Time
}

// queue is the queue of m's channel and priority.
func (st *state) queue(m storage.Message) *[]*job {
	zalo := channelIndex(m.ChatID) == 1
	switch {
	case m.Priority >= storage.PriorityReply && zalo:
		return &st.zhigh
	case m.Priority >= storage.PriorityReply:
		return &st.high
	case zalo:
		return &st.zlow
	}
	return &st.low
}

// commitLinger is how long outcomes gather before they are written in one transaction.
const commitLinger = 5 * time.Millisecond

// minRefillGap is the least time between two reads of the outbox prompted by Notify.
const minRefillGap = 5 * time.Millisecond

// Run sends until ctx ends; then it stops dispatching, lets in-flight sends finish
// (aborting them after StopGrace), commits every outcome and returns.
func (s *Sender) Run(ctx context.Context) error {
	sendCtx, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	jobs := make(chan *job, s.opt.Workers)
	var workers sync.WaitGroup
	for range s.opt.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				r := result{job: j, done: j.done, out: outCanceled, reason: "stopped"}
				if ctx.Err() == nil {
					r = s.deliver(sendCtx, j)
				}
				s.mu.Lock()
				s.results = append(s.results, r)
				s.mu.Unlock()
				s.signal()
			}
		}()
	}
	commitStop := make(chan struct{})
	commitDone := make(chan struct{})
	go s.commitLoop(commitStop, commitDone)

	st := &state{known: map[int64]bool{}, busy: map[int64]bool{}, dropping: map[int64]bool{}, free: s.opt.Workers, highID: map[int]int64{}}
	s.log.Info("sender started", "workers", s.opt.Workers, "rate_global", s.lim.global.rate)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for ctx.Err() == nil {
		s.drain(st)
		s.mu.Lock()
		notified := s.notified
		s.notified = false
		s.mu.Unlock()
		now := s.opt.Now()
		wait := time.Duration(-1)
		if notified && now.Sub(st.lastRefill) < minRefillGap {
			// Coalesce a burst of Notify calls into one read of the outbox.
			wait = minRefillGap - now.Sub(st.lastRefill)
			s.mu.Lock()
			s.notified = true
			s.mu.Unlock()
		} else if notified || !now.Before(st.nextPoll) || st.lastFull {
			s.refill(ctx, st)
		}
		if d := s.dispatch(st, jobs); wait < 0 || d < wait {
			wait = d
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-timer.C:
		}
	}
	close(jobs)
	grace := time.AfterFunc(s.opt.StopGrace, hardStop)
	workers.Wait()
	grace.Stop()
	s.drain(st)
	close(commitStop)
	<-commitDone
	s.log.Info("sender stopped")
	return nil
}

// drain takes the workers' results and the committer's acknowledgements.
func (s *Sender) drain(st *state) {
	s.mu.Lock()
	results, forget, undrop := s.results, s.forget, s.undrop
	s.results, s.forget, s.undrop = nil, nil, nil
	s.mu.Unlock()
	for _, id := range forget {
		delete(st.known, id)
	}
	for _, c := range undrop {
		delete(st.dropping, c)
	}
	for _, r := range results {
		s.handle(st, r)
	}
}

func (s *Sender) handle(st *state, r result) {
	m := r.job.msg
	st.free++
	delete(st.busy, m.ChatID)
	s.mu.Lock()
	if r.done > 0 && r.out != outSent {
		s.progress[m.ID] = r.done
	}
	s.mu.Unlock()
	item := commitItem{id: m.ID, chatID: m.ChatID, out: r.out, messageID: r.messageID, reason: r.reason, done: r.done}
	switch r.out {
	case outPause:
		if channelIndex(m.ChatID) == 0 {
			countTooMany() // the metric is Telegram's 429s
		}
		until := s.opt.Now().Add(r.retryAfter)
		if ch := channelIndex(m.ChatID); until.After(st.paused[ch]) {
			st.paused[ch] = until
		}
		r.job.done = r.done
		q := st.queue(m)
		*q = append([]*job{r.job}, *q...)
		s.count(func(c *SenderStats) { c.Pauses++ })
		s.log.Warn("sender paused: 429 too many requests", "retry_after", r.retryAfter, "chat_id", m.ChatID)
		return
	case outCanceled:
		if r.done > 0 {
			s.queueCommit(item) // record the parts sent; forgotten after the commit
			return
		}
		delete(st.known, m.ID)
		return
	case outRetry:
		attempts := m.Attempts + 1
		if attempts >= s.opt.MaxAttempts {
			item.out = outDead
			item.reason = fmt.Sprintf("gave up after %d attempts: %s", attempts, r.reason)
			break
		}
		item.next = s.opt.Now().Add(retryDelay(s.opt.RetryBase, s.opt.RetryMax, attempts))
		s.count(func(c *SenderStats) { c.Retried++ })
		s.log.Warn("message failed, will retry", "id", m.ID, "chat_id", m.ChatID, "attempt", attempts, "retry_at", item.next, "reason", r.reason)
	case outGone:
		st.dropping[m.ChatID] = true
		for _, q := range []*[]*job{&st.high, &st.low, &st.zhigh, &st.zlow} {
			*q, item.extra = removeChat(*q, m.ChatID, item.extra)
		}
	}
	switch item.out {
	case outSent:
		s.count(func(c *SenderStats) { c.Sent++ })
		s.log.Info("message sent", "id", m.ID, "chat_id", m.ChatID, "message_id", r.messageID)
	case outDead:
		s.count(func(c *SenderStats) { c.Dead++ })
		s.log.Error("message dead", "id", m.ID, "chat_id", m.ChatID, "reason", item.reason)
	case outGone:
		s.count(func(c *SenderStats) { c.Dropped++ })
		s.log.Warn("recipient gone: chat deactivated, its messages dropped", "id", m.ID, "chat_id", m.ChatID, "dropped_queued", len(item.extra), "reason", r.reason)
	}
	countOutcome(item, m.Kind())
	s.queueCommit(item)
}

func removeChat(q []*job, chatID int64, ids []int64) ([]*job, []int64) {
	out := q[:0]
	for _, j := range q {
		if j.msg.ChatID == chatID {
			ids = append(ids, j.msg.ID)
			continue
		}
		out = append(out, j)
	}
	clear(q[len(out):])
	return out, ids
}

func (s *Sender) count(f func(*SenderStats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// refill lists due messages that are not known yet, by id and chat only: the new ones
// (above the highest id listed, per priority) every time, those held until a time every Poll,
// all every Sweep. Messages to inactive chats are dropped without a send.
func (s *Sender) refill(ctx context.Context, st *state) {
	now := s.opt.Now()
	st.nextPoll = now.Add(s.opt.Poll)
	st.lastRefill = now
	sweepAll := !now.Before(st.nextSweep)
	sweepHeld := sweepAll || !now.Before(st.nextHeld)
	var (
		msgs     []storage.Message
		full     bool
		high     = map[int]int64{}
		inactive = map[int64]bool{}
	)
	err := s.store.View(ctx, func(tx *storage.Tx) error {
		for _, p := range []int{storage.PriorityReply, storage.PriorityBroadcast} {
			ms, err := tx.PendingAfter(ctx, now, p, st.highID[p], s.opt.Batch)
			if err != nil {
				return err
			}
			if len(ms) > 0 {
				high[p] = ms[len(ms)-1].ID
			}
			full = full || len(ms) == s.opt.Batch
			msgs = append(msgs, ms...)
		}
		if sweepHeld {
			limit := len(st.known) + len(msgs) + s.opt.Batch
			ms, err := tx.PendingDue(ctx, now, !sweepAll, limit)
			if err != nil {
				return err
			}
			if len(ms) == limit {
				full = true
				sweepHeld = false // list again soon: more are due than were read
			}
			msgs = append(msgs, ms...)
		}
		checked := map[int64]bool{}
		for _, m := range msgs {
			if st.known[m.ID] || st.dropping[m.ChatID] || checked[m.ChatID] {
				continue
			}
			checked[m.ChatID] = true
			ok, err := tx.ChatActive(ctx, m.ChatID)
			if err != nil {
				return err
			}
			if !ok {
				inactive[m.ChatID] = true
			}
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("sender: read outbox", "error", err)
		}
		return
	}
	for p, id := range high {
		st.highID[p] = id
	}
	if sweepHeld {
		st.nextHeld = now.Add(s.opt.Poll)
	}
	if sweepAll && sweepHeld {
		st.nextSweep = now.Add(s.opt.Sweep)
	}
	st.lastFull = full
	s.count(func(c *SenderStats) { c.Listed += len(msgs) })
	s.mu.Lock()
	progress := s.progress
	s.mu.Unlock()
	for _, m := range msgs {
		if st.known[m.ID] || st.dropping[m.ChatID] {
			continue
		}
		st.known[m.ID] = true
		if inactive[m.ChatID] {
			s.count(func(c *SenderStats) { c.Dropped++ })
			s.log.Warn("message dropped: recipient inactive", "id", m.ID, "chat_id", m.ChatID)
			countOutcome(commitItem{out: outInactive}, m.Kind())
			s.queueCommit(commitItem{id: m.ID, chatID: m.ChatID, out: outInactive, reason: "recipient inactive"})
			continue
		}
		s.mu.Lock()
		j := &job{msg: m, done: max(progress[m.ID], m.PartsSent)}
		s.mu.Unlock()
		q := st.queue(m)
		*q = append(*q, j)
	}
}

// dispatch hands out as many messages as the budget allows now and returns how long
// until it might allow more.
func (s *Sender) dispatch(st *state, jobs chan<- *job) time.Duration {
	now := s.opt.Now()
	idle := st.nextPoll.Sub(now)
	for st.free > 0 {
		j, wait := s.pick(st, now)
		if j == nil {
			if wait > 0 {
				return min(wait, idle)
			}
			return idle
		}
		s.limFor(j.msg.ChatID).reserve(j.msg.ChatID)
		st.busy[j.msg.ChatID] = true
		st.free--
		jobs <- j
	}
	return idle
}

// pick removes and returns the first message, replies first, whose channel is neither
// paused nor over its global budget and whose chat is free and within its budget; else it
// returns how long until one of them allows one.
func (s *Sender) pick(st *state, now time.Time) (*job, time.Duration) {
	var soonest time.Duration
	later := func(w time.Duration) {
		if soonest == 0 || w < soonest {
			soonest = w
		}
	}
	// Each channel's pause and global budget, read once: a channel that cannot send now is
	// skipped, and the other goes on.
	var blocked [2]bool
	for ch, lim := range []*limiter{s.lim, s.zlim} {
		if lim == nil {
			continue
		}
		if now.Before(st.paused[ch]) {
			blocked[ch] = true
			later(st.paused[ch].Sub(now))
		} else if w := lim.globalWait(); w > 0 {
			blocked[ch] = true
			later(w)
		}
	}
	if blocked[0] && (blocked[1] || s.zlim == nil) {
		return nil, soonest
	}
	seen := map[int64]bool{}
	for _, q := range []*[]*job{&st.high, &st.zhigh, &st.low, &st.zlow} {
		if zq := q == &st.zhigh || q == &st.zlow; blocked[0] && !zq || blocked[1] && zq {
			continue // a channel that cannot send now: its queue is not even read
		}
		for i, j := range *q {
			c := j.msg.ChatID
			if seen[c] || st.busy[c] || blocked[channelIndex(c)] {
				continue
			}
			seen[c] = true
			if w := s.limFor(c).chatWait(c); w > 0 {
				if soonest == 0 || w < soonest {
					soonest = w
				}
				continue
			}
			*q = append((*q)[:i:i], (*q)[i+1:]...)
			return j, 0
		}
	}
	return nil, soonest
}

// Telegram's limits on one message, in UTF-16 code units.
const (
	maxTextLen    = 4096 // characters of a message text
	maxCaptionLen = 1024 // characters of a photo/document caption
)

// part is one Bot API call of a message.
type part struct {
	file    string // "", "photo" or "document"
	text    string // text or caption
	buttons bool
}

// plan cuts a message into calls: text over 4096 characters in several messages at
// line boundaries; a caption over 1024 characters as a short caption on the file and
// the rest as text after it. Buttons go on the last call.
func plan(m storage.Message) []part {
	var parts []part
	switch m.Kind() {
	case "text":
		for _, t := range split.Split(m.Text, maxTextLen, split.UTF16Len) {
			parts = append(parts, part{text: t})
		}
	default:
		caption, rest := m.Text, ""
		if split.UTF16Len(caption) > maxCaptionLen {
			chunks := split.Split(caption, maxCaptionLen, split.UTF16Len)
			caption, rest = chunks[0], strings.Join(chunks[1:], "\n")
		}
		parts = append(parts, part{file: m.Kind(), text: caption})
		if rest != "" {
			for _, t := range split.Split(rest, maxTextLen, split.UTF16Len) {
				parts = append(parts, part{text: t})
			}
		}
	}
	if len(parts) > 0 {
		parts[len(parts)-1].buttons = true
	}
	return parts
}

// deliver sends a message's remaining parts; the first one's budget was taken by dispatch.
func (s *Sender) deliver(ctx context.Context, j *job) result {
	r := result{job: j, done: j.done}
	if !s.load(ctx, j, &r) {
		return r
	}
	m := j.msg
	if storage.ChannelOf(m.ChatID) == storage.ChannelZalo {
		if s.zalo == nil {
			r.out, r.reason = outDead, "a Zalo chat, and the Zalo channel is not configured"
			return r
		}
		s.deliverZalo(ctx, j, &r) // files go as links drawn when fetched: no attach
		return r
	}
	parts := plan(m)
	if m.Kind() == "text" && strings.TrimSpace(m.Text) == "" {
		r.out, r.reason = outDead, "empty text"
		return r
	}
	if !s.attach(ctx, j, &m, &r) {
		return r
	}
	for i := j.done; i < len(parts); i++ {
		if i > j.done && !sleep(ctx, s.lim.reserve(m.ChatID)) {
			r.out, r.reason = outCanceled, "stopped"
			return r
		}
		p := parts[i]
		var buttons [][]storage.Button
		if p.buttons {
			buttons = m.Buttons
		}
		var (
			id  int
			err error
		)
		switch p.file {
		case "":
			id, err = s.client.SendText(ctx, m.ChatID, p.text, buttons)
		case "photo":
			id, err = s.client.SendFile(ctx, m.ChatID, true, m.FileName, m.Photo, p.text, buttons)
		default:
			id, err = s.client.SendFile(ctx, m.ChatID, false, m.FileName, m.Document, p.text, buttons)
		}
		if err != nil {
			r.reason = err.Error()
			kind, pause := telegramFailure(err)
			r.out, r.retryAfter = outcomeOf(ctx, kind, pause)
			return r
		}
		r.messageID = id
		r.done = i + 1
	}
	r.out = outSent
	return r
}

// load reads a listed message in full (its text, buttons, file or spec) just before it is
// sent. It returns false with r's outcome set when it is not to be sent: no longer pending
// (forgotten), or unreadable (retried later).
func (s *Sender) load(ctx context.Context, j *job, r *result) bool {
	if j.loaded {
		return true
	}
	var (
		m  storage.Message
		ok bool
	)
	err := s.store.View(ctx, func(tx *storage.Tx) (err error) {
		m, ok, err = tx.OutboxBody(ctx, j.msg.ID)
		return err
	})
	switch {
	case err != nil && ctx.Err() != nil:
		r.out, r.reason = outCanceled, "stopped"
		return false
	case err != nil:
		r.out, r.reason = outRetry, err.Error()
		return false
	case !ok:
		r.out, r.reason = outCanceled, "no longer pending"
		return false
	}
	s.count(func(c *SenderStats) { c.Loaded++ })
	j.msg, j.loaded = m, true
	return true
}

func (s *Sender) queueCommit(it commitItem) {
	s.cmu.Lock()
	s.commits = append(s.commits, it)
	s.cmu.Unlock()
	select {
	case s.cwake <- struct{}{}:
	default:
	}
}

// commitLoop writes outcomes in batches, one transaction per batch, and then lets the
// scheduler forget the messages. After stop it writes what is left and returns.
func (s *Sender) commitLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	bo := backoff{base: 20 * time.Millisecond, max: 2 * time.Second}
	stopping := false
	for {
		if !stopping {
			select {
			case <-s.cwake:
			case <-stop:
				stopping = true
			}
		}
		if !stopping {
			// Let a few more outcomes gather: one transaction for many messages leaves
			// the single SQLite writer to the update loop most of the time.
			select {
			case <-time.After(commitLinger):
			case <-stop:
				stopping = true
			}
		}
		if !stopping && s.intakeRunning() {
			continue // the intake writes them at the end of its transaction
		}
		items := s.takeOutcomes()
		if len(items) == 0 {
			if stopping {
				return
			}
			continue
		}
		for attempt := 1; ; attempt++ {
			err := s.commit(items)
			if err == nil {
				bo.reset()
				break
			}
			if stopping && attempt >= 5 {
				s.log.Error("sender: outcomes not recorded at stop; these messages stay pending", "count", len(items), "error", err)
				break
			}
			wait := bo.next()
			s.log.Error("sender: record outcomes", "count", len(items), "error", err, "retry_in", wait)
			time.Sleep(wait)
		}
		s.recorded(items)
	}
}

// commitTimeout bounds one commit of outcomes. It outlasts storage's busy_timeout (10 s),
// so that a write lock held elsewhere is logged as "database is locked", not as a
// context deadline.
const commitTimeout = 12 * time.Second

func (s *Sender) commit(items []commitItem) error {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	return s.store.Update(ctx, func(tx *storage.Tx) error { return s.writeOutcomes(ctx, tx, items) })
}
