package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// Apology is sent when the handler fails on an update.
const Apology = "Xin lỗi, đã có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút."

// intake applies incoming updates exactly once, for the poller and the webhook alike.
//
// A batch of updates (what one getUpdates returned; one update for a webhook call) is
// applied in ONE write transaction (group commit): each update's processed mark, the
// sender's touch, the handler's effects and replies. Handlers rarely fail, so a batch is
// first applied without savepoints (an open savepoint makes SQLite copy every page a
// statement first touches, a third of the intake's time); when a handler fails, that
// transaction is rolled back and the batch applied again with each update in its own
// savepoint: the failed update's savepoint is rolled back and, in the same transaction, the
// update is recorded as processed with an apology queued. The next getUpdates offset is
// written once, after the last update, and the transaction commits once: an update's
// effects, its processed mark and the offset past it become durable together, so an
// update is applied at most once however often Telegram delivers it, also across
// restarts and retries of the batch.
//
// "Applied before" means: an update with the same id and the same fingerprint (what the
// update is: a message's chat, id and date, a button press's query id) is remembered in
// processed_updates. It never means "an id lower than one seen before": Telegram picks new,
// possibly lower, ids after a week without updates, and a restarted or replaced Bot API
// server may start again low or hand out ids it used before. The memory is bounded (see
// storage.UpdatesKept): each batch that applied something prunes it in its transaction.
type intake struct {
	store    *storage.Store
	handler  commands.Handler
	client   *Client
	log      *slog.Logger
	notify   func()    // wakes the sender after replies were committed
	outcomes *Sender   // nil: the sender's outcomes are not written in the batch's transaction
	menus    *menuSync // nil: no per-chat menus
	webhook  bool      // offsets may arrive out of order: keep the largest
	noOffset bool      // a channel without offsets (Zalo): dedupe by processed marks only
	busy     backoff   // template for SQLite busy retries
}

// updateState is what a batch's transaction did with one update.
type updateState int

const (
	upDuplicate updateState = iota // applied before: skipped
	upApplied                      // handler's effects committed
	upFailed                       // handler failed: processed mark and apology committed
)

// pending is one update of a batch.
type pending struct {
	u      commands.Update // u.ID is the update id, or the local id of a reused one once marked
	id     int64           // the update id as the server sent it
	key    string          // its fingerprint
	handle bool
	state  updateState
	err    error // the handler's error when upFailed
}

// updateSavepoint is the savepoint around each update of a guarded batch.
const updateSavepoint = "bhyt_update"

// errGuard ends a batch's first, unguarded transaction when a handler failed: the batch
// is applied again with a savepoint around each update, so that only the failed update's
// writes are undone.
var errGuard = errors.New("bot: a handler failed: applying the batch again with a savepoint per update")

// apply applies one update unless it was applied before (the webhook's path).
func (in *intake) apply(ctx context.Context, up tgbotapi.Update) error {
	return in.applyBatch(ctx, []tgbotapi.Update{up})
}

// applyBatch applies updates, in order, in one transaction, skipping those applied
// before. It returns an error only when ctx ended or storage could not record the
// updates at all; nothing of the batch is then committed and the caller retries it
// (Telegram delivers the batch again, the updates already applied are skipped).
//
// A busy database or a full disk aborts and retries the whole batch (see retryLater).
// Any other failure outside a handler (the transaction itself is broken: a savepoint
// SQLite already rolled back) falls back to applying the updates one by one.
func (in *intake) applyBatch(ctx context.Context, ups []tgbotapi.Update) error {
	_, err := in.ingest(ctx, ups)
	return err
}

// ingest is applyBatch that also returns how many of the updates were new (applied or
// apologised for now, not skipped as applied before).
func (in *intake) ingest(ctx context.Context, ups []tgbotapi.Update) (int, error) {
	if len(ups) == 0 {
		return 0, nil
	}
	batch := make([]pending, len(ups))
	for i, up := range ups {
		batch[i].u, batch[i].handle = convert(up)
		batch[i].id, batch[i].key = batch[i].u.ID, fingerprint(up)
	}
	bo := in.busy
	guarded := false
	for {
		start := time.Now()
		var outcomes []commitItem
		if in.outcomes != nil {
			in.outcomes.intakeBegins()
		}
		err := in.store.Update(ctx, func(tx *storage.Tx) error {
			if err := in.applyTx(ctx, tx, batch, guarded); err != nil {
				return err
			}
			outcomes = in.writeOutcomesIn(ctx, tx)
			return nil
		})
		if in.outcomes != nil {
			if err == nil {
				in.outcomes.recorded(outcomes)
			} else {
				in.outcomes.giveBack(outcomes)
			}
			in.outcomes.intakeEnds()
		}
		switch {
		case err == nil:
			in.log.Debug("updates committed", "first_update_id", batch[0].id, "count", len(batch), "took", time.Since(start), "outcomes", len(outcomes))
			return in.committed(ctx, batch), nil
		case ctx.Err() != nil:
			return 0, fmt.Errorf("bot: apply updates %d..%d: %w", batch[0].id, batch[len(batch)-1].id, ctx.Err())
		case errors.Is(err, errGuard) && !guarded:
			in.log.Info("a handler failed: applying the batch again with a savepoint per update", "first_update_id", batch[0].id, "count", len(batch))
			guarded = true
			continue
		case retryLater(err):
			wait := bo.next()
			in.log.Warn("updates retry: database busy or full", "first_update_id", batch[0].id, "count", len(batch), "retry_in", wait, "error", err)
			if !sleep(ctx, wait) {
				return 0, fmt.Errorf("bot: apply updates %d..%d: %w", batch[0].id, batch[len(batch)-1].id, ctx.Err())
			}
			continue
		}
		if len(ups) > 1 {
			in.log.Warn("batch not recorded, applying its updates one by one", "first_update_id", batch[0].id, "count", len(batch), "error", err)
			fresh := 0
			for _, up := range ups {
				n, err := in.ingest(ctx, []tgbotapi.Update{up})
				if err != nil {
					return fresh, err
				}
				fresh += n
			}
			return fresh, nil
		}
		// One update whose transaction broke: record it as failed in a fresh one.
		p := &batch[0]
		in.log.Error("update failed: transaction error, apologising", "update_id", p.id, "chat_id", p.u.ChatID, "error", err)
		fresh, ferr := in.fail(ctx, p)
		if ferr == nil {
			p.state = upDuplicate
			if fresh {
				p.state = upFailed
			}
			return in.committed(ctx, batch), nil
		}
		if retryLater(ferr) && ctx.Err() == nil {
			wait := bo.next()
			in.log.Warn("update retry: database busy", "update_id", p.id, "retry_in", wait)
			if !sleep(ctx, wait) {
				return 0, fmt.Errorf("bot: apply update %d: %w", p.id, ctx.Err())
			}
			continue
		}
		return 0, fmt.Errorf("bot: record failed update %d: %w", p.id, ferr)
	}
}

// retryLater reports whether err is the database's trouble, not the update's: busy
// (another connection held the write lock past busy_timeout) or full (no space left on
// the disk). The batch is then retried after a pause, and nobody gets an apology.
func retryLater(err error) bool { return storage.IsBusy(err) || storage.IsFull(err) }

// applyTx applies a batch inside tx. A returned error aborts the whole transaction:
// a busy database, an ended ctx, storage that cannot record the updates, or errGuard: a
// handler failed in a batch applied without savepoints (guarded false).
func (in *intake) applyTx(ctx context.Context, tx *storage.Tx, batch []pending, guarded bool) error {
	var next int64
	for i := range batch {
		p := &batch[i]
		p.state, p.err, p.u.ID = upDuplicate, nil, p.id
		if guarded {
			if err := tx.Savepoint(ctx, updateSavepoint); err != nil {
				return err
			}
		}
		m, err := tx.MarkIncoming(ctx, p.id, p.key)
		if err != nil {
			return err
		}
		if m.Fresh {
			p.state = upApplied
			p.u.ID = m.LocalID(p.id)
			if m.Reused {
				in.log.Info("update id used before by another update: the server restarted its ids", "update_id", p.id, "local_id", p.u.ID)
			}
			next = max(next, p.id+1)
			if err := in.effects(ctx, tx, p); err != nil {
				if retryLater(err) || ctx.Err() != nil {
					return err
				}
				if !guarded {
					return fmt.Errorf("%w: update %d: %w", errGuard, p.id, err)
				}
				// Undo this update's writes only; the batch's other updates keep theirs.
				if err := tx.RollbackTo(ctx, updateSavepoint); err != nil {
					return err
				}
				if err := in.recordFailed(ctx, tx, p); err != nil {
					return err
				}
				p.state, p.err = upFailed, err
			}
		}
		if guarded {
			if err := tx.ReleaseSavepoint(ctx, updateSavepoint); err != nil {
				return err
			}
		}
	}
	if next == 0 {
		return nil // every update applied before: nothing to write
	}
	if _, err := tx.PruneUpdates(ctx, tx.Now().Add(-storage.UpdatesKeptFor), storage.UpdatesKept); err != nil {
		return err
	}
	return in.setOffset(ctx, tx, next)
}

// fingerprint says what an update is, apart from its id: a message by its chat, id and
// date, a button press by its query id, anything else by a hash of its content. A server
// delivers the same update with the same fingerprint; an update id reused after a restart
// comes with another.
func fingerprint(up tgbotapi.Update) string {
	msg := func(kind string, m *tgbotapi.Message, date int) string {
		var chat int64
		if m.Chat != nil {
			chat = m.Chat.ID
		}
		return kind + ":" + strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(m.MessageID) + ":" + strconv.Itoa(date)
	}
	switch {
	case up.Message != nil:
		return msg("m", up.Message, up.Message.Date)
	case up.EditedMessage != nil:
		return msg("e", up.EditedMessage, up.EditedMessage.EditDate)
	case up.ChannelPost != nil:
		return msg("p", up.ChannelPost, up.ChannelPost.Date)
	case up.CallbackQuery != nil:
		return "c:" + up.CallbackQuery.ID
	}
	up.UpdateID = 0
	raw, err := json.Marshal(up)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(raw)
	return "h:" + hex.EncodeToString(sum[:12])
}

// effects are what applying an update writes besides its processed mark.
func (in *intake) effects(ctx context.Context, tx *storage.Tx, p *pending) error {
	if p.u.UserID != 0 {
		_, err := tx.SeenUser(ctx, storage.User{ID: p.u.UserID, ChatID: userChat(p.u), Name: p.u.Name, Username: p.u.Username})
		if err != nil {
			return err
		}
	}
	if p.handle {
		return in.handle(ctx, tx, p.u)
	}
	return nil
}

// userChat is the private chat of the update's sender (their user id on Telegram).
func userChat(u commands.Update) int64 {
	if u.ChatType == "private" {
		return u.ChatID
	}
	return u.UserID
}

// handle runs the handler, turning a panic into an error.
func (in *intake) handle(ctx context.Context, tx *storage.Tx, u commands.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			in.log.Error("handler panicked", "update_id", u.ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("bot: handler panicked: %v", r)
		}
	}()
	return in.handler.Handle(ctx, tx, u)
}

// idRestartGap is how far below the stored offset an update id must be to show that the
// server restarted its ids rather than delivered out of order (a webhook has at most 100
// deliveries in flight).
const idRestartGap = 10_000

// setOffset stores the offset past a batch. The poller's batches come in order, so the
// offset simply follows them, also down to a restarted sequence. Webhook calls run
// concurrently: the largest offset is kept, unless next is so far below it that the ids
// restarted, and then it follows them.
func (in *intake) setOffset(ctx context.Context, tx *storage.Tx, next int64) error {
	if in.noOffset {
		return nil
	}
	if in.webhook {
		cur, err := tx.Offset(ctx)
		if err != nil {
			return err
		}
		if cur >= next && cur-next < idRestartGap {
			return nil
		}
	}
	return tx.SetOffset(ctx, next)
}

// recordFailed records an update the handler could not apply as processed, with an
// apology queued to its chat (its savepoint, mark included, was rolled back).
func (in *intake) recordFailed(ctx context.Context, tx *storage.Tx, p *pending) error {
	m, err := tx.MarkIncoming(ctx, p.id, p.key)
	if err != nil {
		return err
	}
	p.u.ID = m.LocalID(p.id)
	return apologise(ctx, tx, p.u)
}

// apologise queues the apology for an update the bot could not apply.
func apologise(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	if u.ChatID == 0 {
		return nil
	}
	_, err := tx.Enqueue(ctx, storage.Message{
		DedupeKey: "apology/" + strconv.FormatInt(u.ID, 10),
		ChatID:    u.ChatID,
		Priority:  storage.PriorityReply,
		Text:      Apology,
	})
	return err
}

// fail records an update whose transaction broke as processed, offset advanced, and
// an apology queued, in a fresh transaction, so the loop moves on.
func (in *intake) fail(ctx context.Context, p *pending) (fresh bool, err error) {
	err = in.store.Update(ctx, func(tx *storage.Tx) error {
		m, err := tx.MarkIncoming(ctx, p.id, p.key)
		fresh = m.Fresh
		if err != nil || !fresh {
			return err
		}
		p.u.ID = m.LocalID(p.id)
		if err := apologise(ctx, tx, p.u); err != nil {
			return err
		}
		return in.setOffset(ctx, tx, p.id+1)
	})
	return fresh, err
}

// callbackAnswers is how many button presses of a batch are acknowledged at once.
const callbackAnswers = 8

// committed runs what follows a batch's commit: count and log the updates, wake the
// sender, acknowledge button presses, queue checks of the chats' menus. Failures here
// are logged: the updates themselves are done. It returns how many updates were new.
func (in *intake) committed(ctx context.Context, batch []pending) (fresh int) {
	var (
		wake    bool
		answers []commands.Update
	)
	for _, p := range batch {
		u := p.u
		switch p.state {
		case upDuplicate:
			metrics.UpdatesReceived.WithLabelValues("duplicate").Inc()
			in.log.Debug("update skipped: applied before", "update_id", p.id)
			continue
		case upApplied:
			in.log.Info("update applied", "update_id", p.id, "chat_id", u.ChatID, "callback", u.IsCallback())
		case upFailed:
			if p.err != nil {
				in.log.Error("update failed: handler error, apologised", "update_id", p.id, "chat_id", u.ChatID, "error", p.err)
			}
		}
		kind := "message"
		if u.IsCallback() {
			kind = "callback"
		}
		metrics.UpdatesReceived.WithLabelValues(kind).Inc()
		fresh++
		wake = true
		if u.CallbackID != "" && in.client != nil {
			answers = append(answers, u)
		}
		if p.state == upApplied && in.menus != nil {
			in.menus.touched(u)
		}
	}
	if wake && in.notify != nil {
		in.notify()
	}
	in.answerCallbacks(ctx, answers)
	return fresh
}

// answerCallbacks acknowledges button presses, a few at a time.
func (in *intake) answerCallbacks(ctx context.Context, us []commands.Update) {
	if len(us) == 0 {
		return
	}
	sem := make(chan struct{}, callbackAnswers)
	var wg sync.WaitGroup
	for _, u := range us {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := in.client.AnswerCallback(actx, u.CallbackID); err != nil {
				if kind, _, _ := classify(err); kind == failRetryAfter {
					metrics.TooManyRequests.Inc()
				}
				in.log.Warn("answer callback failed", "update_id", u.ID, "error", err)
			}
		}()
	}
	wg.Wait()
}
