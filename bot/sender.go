package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	fail "github.com/bhytbot/bhytbot/bot/failure"
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

// Sender is the one sender of all traffic, of every channel: it reads the outbox, keeps
// within each channel's rate budget (global, per private chat, per group), sends replies
// before broadcasts, one message at a time per chat, with a few workers per channel in
// parallel, and records each outcome in the outbox only after the channel answered. It
// speaks to a channel only through its Outbound adapter and acts on the channel-neutral
// failure kinds: a throttled channel (429) pauses for the pause it asks, that channel only;
// 5xx and network errors retry with exponential backoff up to MaxAttempts, then the message
// is dead; a recipient that blocked the bot or does not exist is marked inactive and its
// pending messages dropped. Outcomes are committed in batches.
type Sender struct {
	store *storage.Store
	chans [numChannels]*channel // by channelIndex; nil: a channel that is off
	log   *slog.Logger
	opt   SenderOptions
	// publicURL is web.public_url without a trailing slash, under which files are linked
	// for a channel that takes links.
	publicURL string

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

// channel is one chat network in the sender: its adapter and its rate budget.
type channel struct {
	name string
	out  Outbound
	lim  *limiter
}

// The channels the sender knows, numbered for its per-channel state.
const numChannels = 2

var channelNames = [numChannels]string{storage.ChannelTelegram, storage.ChannelZalo}

// channelIndex numbers a chat's channel: 0 Telegram, 1 Zalo.
func channelIndex(chatID int64) int {
	if storage.ChannelOf(chatID) == storage.ChannelZalo {
		return 1
	}
	return 0
}

// NewSender returns a sender of store's outbox with the Telegram channel through client
// within rate; SetZalo (or SetChannel) adds other channels.
func NewSender(store *storage.Store, client *Client, rate config.Rate, logger *slog.Logger, opt SenderOptions) *Sender {
	opt = opt.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Sender{
		store: store, log: logger, opt: opt,
		wake:     make(chan struct{}, 1),
		cwake:    make(chan struct{}, 1),
		progress: map[int64]int{},
	}
	s.SetChannel(storage.ChannelTelegram, TelegramOut(client), rate)
	return s
}

// SetChannel makes out the sender's channel name (storage.ChannelTelegram or ChannelZalo),
// within rate, with workers of its own; call it before Run.
func (s *Sender) SetChannel(name string, out Outbound, rate config.Rate) {
	for i, n := range channelNames {
		if n == name {
			s.chans[i] = &channel{name: name, out: out, lim: newLimiter(rate, s.opt.Now)}
			return
		}
	}
	panic("bot: sender: unknown channel " + name)
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
	outPause    // 429: back to the queue, its channel paused
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

// lane is one channel's part of the scheduler: its queues, free workers and pause. A
// channel that cannot send (paused, over its budget, every worker busy) holds up no other.
type lane struct {
	high, low []*job    // replies and broadcasts
	free      int       // idle workers
	paused    time.Time // a 429 pauses this channel only
}

// state is the scheduler's own; only Run's goroutine touches it.
type state struct {
	known      map[int64]bool // queued, in flight or awaiting commit
	lanes      [numChannels]lane
	busy       map[int64]bool // chats with a message in flight
	dropping   map[int64]bool // chats whose drop is not committed yet
	nextPoll   time.Time
	lastFull   bool
	lastRefill time.Time
	// highID is, per channel and priority, the highest id listed: a refill lists only rows
	// above it, a batch per channel, so that one channel's thousands of rows written first
	// do not hold back the listing of the other's. Rows at or below it that become due later
	// (quiet hours, a retry) are listed by the held sweep every Poll; anything else (an id
	// reused after the newest rows were pruned) by the full sweep every Sweep.
	highID    map[listKey]int64
	nextHeld  time.Time
	nextSweep time.Time
	// sweepFrom is, per priority, where the full sweep under way goes on (nil: none). It
	// reads a batch a refill, like the new rows: a sweep that read every due row at once
	// would stall the dispatching of a large broadcast, and read it again and again while
	// more were due than it asked for.
	sweepFrom map[int]int64
}

// listKey is a channel (channelIndex) and a priority.
type listKey struct{ ch, priority int }

// queue is the queue of m's channel and priority.
func (st *state) queue(m storage.Message) *[]*job {
	l := &st.lanes[channelIndex(m.ChatID)]
	if m.Priority >= storage.PriorityReply {
		return &l.high
	}
	return &l.low
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
	// Each channel has its own workers: a send waits for its network's answer, and one
	// channel's slow or many sends must not hold the workers another needs to keep its rate.
	var (
		jobs    [numChannels]chan *job
		workers sync.WaitGroup
	)
	st := &state{known: map[int64]bool{}, busy: map[int64]bool{}, dropping: map[int64]bool{}, highID: map[listKey]int64{}}
	for i, c := range s.chans {
		if c == nil {
			continue
		}
		jobs[i] = make(chan *job, s.opt.Workers)
		st.lanes[i].free = s.opt.Workers
		for range s.opt.Workers {
			workers.Add(1)
			go func() {
				defer workers.Done()
				for j := range jobs[i] {
					r := result{job: j, done: j.done, out: outCanceled, reason: "stopped"}
					if ctx.Err() == nil {
						r = s.deliver(sendCtx, c, j)
					}
					s.mu.Lock()
					s.results = append(s.results, r)
					s.mu.Unlock()
					s.signal()
				}
			}()
		}
		s.log.Info("sender started", "channel", c.name, "workers", s.opt.Workers, "rate_global", c.lim.global.rate)
	}
	commitStop := make(chan struct{})
	commitDone := make(chan struct{})
	go s.commitLoop(commitStop, commitDone)

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
	for _, j := range jobs {
		if j != nil {
			close(j)
		}
	}
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
	ch := channelIndex(m.ChatID)
	st.lanes[ch].free++
	delete(st.busy, m.ChatID)
	s.mu.Lock()
	if r.done > 0 && r.out != outSent {
		s.progress[m.ID] = r.done
	}
	s.mu.Unlock()
	item := commitItem{id: m.ID, chatID: m.ChatID, out: r.out, messageID: r.messageID, reason: r.reason, done: r.done}
	switch r.out {
	case outPause:
		countTooMany(channelNames[ch])
		until := s.opt.Now().Add(r.retryAfter)
		if until.After(st.lanes[ch].paused) {
			st.lanes[ch].paused = until
		}
		r.job.done = r.done
		q := st.queue(m)
		*q = append([]*job{r.job}, *q...)
		s.count(func(c *SenderStats) { c.Pauses++ })
		s.log.Warn("channel paused: 429 too many requests", "channel", channelNames[ch], "retry_after", r.retryAfter, "chat_id", m.ChatID)
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
		l := &st.lanes[ch]
		for _, q := range []*[]*job{&l.high, &l.low} {
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
// (above the highest id listed, per channel and priority) every time, those held until a time every Poll,
// all every Sweep (a batch a refill). Messages to inactive chats are dropped without a send.
func (s *Sender) refill(ctx context.Context, st *state) {
	now := s.opt.Now()
	st.nextPoll = now.Add(s.opt.Poll)
	st.lastRefill = now
	if len(st.highID) == 0 {
		// Nothing listed yet: the new rows, listed from the first id, are every due row, and
		// a sweep now would only read them a second time.
		st.nextSweep, st.nextHeld = now.Add(s.opt.Sweep), now.Add(s.opt.Poll)
	}
	if st.sweepFrom == nil && !now.Before(st.nextSweep) {
		st.sweepFrom = map[int]int64{}
	}
	sweepHeld := !now.Before(st.nextHeld)
	var (
		msgs      []storage.Message
		full      bool
		sweepMore bool
		high      = map[listKey]int64{}
		swept     = map[int]int64{}
		inactive  map[int64]bool
	)
	err := s.store.View(ctx, func(tx *storage.Tx) error {
		for _, p := range []int{storage.PriorityReply, storage.PriorityBroadcast} {
			for ch, name := range channelNames {
				k := listKey{ch, p}
				ms, err := tx.PendingAfterOn(ctx, now, name, p, st.highID[k], s.opt.Batch)
				if err != nil {
					return err
				}
				if len(ms) > 0 {
					high[k] = ms[len(ms)-1].ID
				}
				full = full || len(ms) == s.opt.Batch
				msgs = append(msgs, ms...)
			}
			if st.sweepFrom == nil {
				continue
			}
			ms, err := tx.PendingAfter(ctx, now, p, st.sweepFrom[p], s.opt.Batch)
			if err != nil {
				return err
			}
			if len(ms) > 0 {
				swept[p] = ms[len(ms)-1].ID
			}
			sweepMore = sweepMore || len(ms) == s.opt.Batch
			msgs = append(msgs, ms...)
		}
		if sweepHeld {
			limit := len(st.known) + len(msgs) + s.opt.Batch
			ms, err := tx.PendingDue(ctx, now, true, limit)
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
		var chats []int64
		for _, m := range msgs {
			if st.known[m.ID] || st.dropping[m.ChatID] || checked[m.ChatID] {
				continue
			}
			checked[m.ChatID] = true
			chats = append(chats, m.ChatID)
		}
		var err error
		inactive, err = tx.InactiveChats(ctx, chats)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("sender: read outbox", "error", err)
		}
		return
	}
	for k, id := range high {
		st.highID[k] = id
	}
	if sweepHeld {
		st.nextHeld = now.Add(s.opt.Poll)
	}
	switch {
	case st.sweepFrom == nil:
	case sweepMore:
		for p, id := range swept {
			st.sweepFrom[p] = id
		}
		full = true // go on with the sweep at the next turn
	default:
		st.sweepFrom = nil
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
		if name := channelNames[channelIndex(m.ChatID)]; s.chans[channelIndex(m.ChatID)] == nil {
			reason := fmt.Sprintf("a %s chat, and the %s channel is not configured", name, name)
			s.count(func(c *SenderStats) { c.Dead++ })
			s.log.Error("message dead", "id", m.ID, "chat_id", m.ChatID, "reason", reason)
			countOutcome(commitItem{out: outDead}, m.Kind())
			s.queueCommit(commitItem{id: m.ID, chatID: m.ChatID, out: outDead, reason: reason})
			continue
		}
		s.mu.Lock()
		j := &job{msg: m, done: max(progress[m.ID], m.PartsSent)}
		s.mu.Unlock()
		q := st.queue(m)
		*q = append(*q, j)
	}
}

// dispatch hands out as many messages as each channel's budget and workers allow now and
// returns how long until one of them might allow more.
func (s *Sender) dispatch(st *state, jobs [numChannels]chan *job) time.Duration {
	now := s.opt.Now()
	wait := st.nextPoll.Sub(now)
	for ch, c := range s.chans {
		if c == nil {
			continue
		}
		l := &st.lanes[ch]
		for l.free > 0 {
			j, w := s.pick(st, ch, now)
			if j == nil {
				if w > 0 && w < wait {
					wait = w
				}
				break
			}
			c.lim.reserve(j.msg.ChatID)
			st.busy[j.msg.ChatID] = true
			l.free--
			jobs[ch] <- j
		}
	}
	return wait
}

// pick removes and returns the first message of channel ch, replies first, whose chat is
// free and within its budget, if the channel is neither paused nor over its global budget;
// else it returns how long until one of them allows one.
func (s *Sender) pick(st *state, ch int, now time.Time) (*job, time.Duration) {
	l, lim := &st.lanes[ch], s.chans[ch].lim
	if now.Before(l.paused) {
		return nil, l.paused.Sub(now)
	}
	if w := lim.globalWait(); w > 0 {
		return nil, w
	}
	var (
		soonest time.Duration
		seen    map[int64]bool // chats passed over: their later messages wait too
	)
	for _, q := range []*[]*job{&l.high, &l.low} {
		for i, j := range *q {
			c := j.msg.ChatID
			if seen[c] || st.busy[c] {
				continue
			}
			if w := lim.chatWait(c); w > 0 {
				if seen == nil {
					seen = map[int64]bool{}
				}
				seen[c] = true
				if soonest == 0 || w < soonest {
					soonest = w
				}
				continue
			}
			*q = removeAt(*q, i)
			return j, 0
		}
	}
	return nil, soonest
}

// removeAt removes q[i] in place: taking the head, the common case of a broadcast, costs
// nothing, where copying the rest of a queue of thousands for every message sent would.
func removeAt(q []*job, i int) []*job {
	if i == 0 {
		q[0] = nil
		return q[1:]
	}
	copy(q[i:], q[i+1:])
	q[len(q)-1] = nil
	return q[:len(q)-1]
}

// part is one call of a message.
type part struct {
	file    bool   // the photo or document, with text as its caption
	text    string // text or caption
	buttons bool
}

// plan cuts a message into calls by its channel's limits, in the channel's unit of length:
// a text over the text limit in several messages at line boundaries; a caption over the
// caption limit as a short caption on the file and the rest as text after it. Buttons go on
// the last call; when the channel writes them into the text and they do not fit there,
// they go in a call of their own after it.
func plan(text string, file bool, buttons [][]storage.Button, lim Limits) []part {
	var parts []part
	if !file {
		for _, t := range split.Split(text, lim.Text, lim.Len) {
			parts = append(parts, part{text: t})
		}
		if len(parts) == 0 {
			return nil // markup without a visible character: nothing a channel would accept
		}
	} else {
		caption, rest := text, ""
		if lim.Len(caption) > lim.Caption {
			caption = "" // a long caption of whitespace only cuts into no part
			if chunks := split.Split(text, lim.Caption, lim.Len); len(chunks) > 0 {
				caption, rest = chunks[0], strings.Join(chunks[1:], "\n")
			}
		}
		parts = append(parts, part{file: true, text: caption})
		if rest != "" {
			for _, t := range split.Split(rest, lim.Text, lim.Len) {
				parts = append(parts, part{text: t})
			}
		}
	}
	if len(buttons) > 0 && lim.Buttons != nil {
		last, room := parts[len(parts)-1], lim.Text
		if last.file {
			room = lim.Caption
		}
		if n := lim.Buttons(buttons); n > 0 && lim.Len(last.text)+n > room {
			parts = append(parts, part{})
		}
	}
	parts[len(parts)-1].buttons = true
	return parts
}

// deliver sends a message's remaining parts through its channel c; the first one's budget
// was taken by dispatch.
func (s *Sender) deliver(ctx context.Context, c *channel, j *job) result {
	r := result{job: j, done: j.done}
	if !s.load(ctx, c, j, &r) {
		return r
	}
	m := j.msg
	if m.Kind() == "text" && strings.TrimSpace(m.Text) == "" {
		r.out, r.reason = outDead, "empty text"
		return r
	}
	lim := c.out.Limits()
	var f *File
	switch {
	case m.Kind() == "text":
	case lim.Links:
		// Drawn when the link is opened: nothing to attach here.
		url, err := s.link(ctx, m)
		if err != nil {
			r.out, r.reason = outRetry, err.Error()
			return r
		}
		if m.Kind() == "document" {
			m.Text = withDownload(m.Text, m.FileName, url)
		} else {
			f = &File{Photo: true, Name: m.FileName, URL: url}
		}
	default:
		if !s.attach(ctx, j, &m, &r) {
			return r
		}
		f = &File{Photo: m.Kind() == "photo", Name: m.FileName, Data: m.Photo}
		if !f.Photo {
			f.Data = m.Document
		}
	}
	parts := plan(m.Text, f != nil, m.Buttons, lim)
	if len(parts) == 0 {
		r.out, r.reason = outDead, "empty text"
		return r
	}
	for i := j.done; i < len(parts); i++ {
		if i > j.done && !sleep(ctx, c.lim.reserve(m.ChatID)) {
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
		if p.file {
			id, err = c.out.SendFile(ctx, m.ChatID, *f, p.text, buttons)
		} else {
			id, err = c.out.SendText(ctx, m.ChatID, p.text, buttons)
		}
		if err != nil {
			r.reason = err.Error()
			r.out, r.retryAfter = outcomeOf(ctx, fail.KindOf(err), fail.PauseOf(err))
			return r
		}
		r.messageID = id
		r.done = i + 1
	}
	if fin, ok := c.out.(finisher); ok {
		fin.Finish(ctx, m)
	}
	r.out = outSent
	return r
}

// load reads a listed message in full (its text, buttons, file or spec) just before it is
// sent, and lets a channel that needs it read what it knows of the recipient in the same
// read. It returns false with r's outcome set when it is not to be sent: no longer pending
// (forgotten), or unreadable (retried later).
func (s *Sender) load(ctx context.Context, c *channel, j *job, r *result) bool {
	if j.loaded {
		return true
	}
	var (
		m  storage.Message
		ok bool
	)
	pre, _ := c.out.(preloader)
	err := s.store.View(ctx, func(tx *storage.Tx) (err error) {
		m, ok, err = tx.OutboxBody(ctx, j.msg.ID)
		if err == nil && ok && pre != nil {
			err = pre.Preload(ctx, tx, m.ChatID)
		}
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
