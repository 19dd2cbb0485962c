package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// Apology is sent when the handler fails on an update.
const Apology = "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Vui lòng thử lại sau ít phút."

// intake applies incoming updates exactly once, for the poller and the webhook alike.
// Each update gets one write transaction holding its processed mark, the sender's
// touch, the handler's effects and replies, and the next getUpdates offset.
type intake struct {
	store   *storage.Store
	handler commands.Handler
	client  *Client
	log     *slog.Logger
	notify  func()    // wakes the sender after replies were committed
	menus   *menuSync // nil: no per-chat menus
	webhook bool      // offsets may arrive out of order: keep the largest
	busy    backoff   // template for SQLite busy retries
}

// apply applies one update unless it was applied before. It returns an error only when
// ctx ended or storage could not record the update at all; the caller retries then.
func (in *intake) apply(ctx context.Context, up tgbotapi.Update) error {
	u, handle := convert(up)
	bo := in.busy
	for {
		var applied bool
		err := in.store.Update(ctx, func(tx *storage.Tx) error {
			fresh, err := tx.MarkUpdate(ctx, u.ID)
			if err != nil || !fresh {
				return err
			}
			applied = true
			if u.UserID != 0 {
				if err := tx.TouchUser(ctx, storage.User{ID: u.UserID, ChatID: userChat(u), Name: u.Name, Username: u.Username}); err != nil {
					return err
				}
			}
			if handle {
				if err := in.handle(ctx, tx, u); err != nil {
					return err
				}
			}
			return in.setOffset(ctx, tx, u.ID+1)
		})
		switch {
		case err == nil:
			if !applied {
				in.log.Debug("update skipped: applied before", "update_id", u.ID)
				return nil
			}
			in.log.Info("update applied", "update_id", u.ID, "chat_id", u.ChatID, "callback", u.IsCallback())
			in.after(ctx, u, true)
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("bot: apply update %d: %w", u.ID, ctx.Err())
		case storage.IsBusy(err):
			wait := bo.next()
			in.log.Warn("update retry: database busy", "update_id", u.ID, "retry_in", wait)
			if !sleep(ctx, wait) {
				return fmt.Errorf("bot: apply update %d: %w", u.ID, ctx.Err())
			}
			continue
		}
		in.log.Error("update failed: handler error, apologising", "update_id", u.ID, "chat_id", u.ChatID, "error", err)
		ferr := in.fail(ctx, u)
		if ferr == nil {
			in.after(ctx, u, false)
			return nil
		}
		if storage.IsBusy(ferr) && ctx.Err() == nil {
			wait := bo.next()
			in.log.Warn("update retry: database busy", "update_id", u.ID, "retry_in", wait)
			if !sleep(ctx, wait) {
				return fmt.Errorf("bot: apply update %d: %w", u.ID, ctx.Err())
			}
			continue
		}
		return fmt.Errorf("bot: record failed update %d: %w", u.ID, ferr)
	}
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

func (in *intake) setOffset(ctx context.Context, tx *storage.Tx, next int64) error {
	if in.webhook {
		cur, err := tx.Offset(ctx)
		if err != nil {
			return err
		}
		if cur >= next {
			return nil
		}
	}
	return tx.SetOffset(ctx, next)
}

// fail records an update the handler could not apply: processed, offset advanced, and
// an apology queued, in a fresh transaction, so the loop moves on.
func (in *intake) fail(ctx context.Context, u commands.Update) error {
	return in.store.Update(ctx, func(tx *storage.Tx) error {
		fresh, err := tx.MarkUpdate(ctx, u.ID)
		if err != nil || !fresh {
			return err
		}
		if u.ChatID != 0 {
			_, err := tx.Enqueue(ctx, storage.Message{
				DedupeKey: "apology/" + strconv.FormatInt(u.ID, 10),
				ChatID:    u.ChatID,
				Priority:  storage.PriorityReply,
				Text:      Apology,
			})
			if err != nil {
				return err
			}
		}
		return in.setOffset(ctx, tx, u.ID+1)
	})
}

// after runs what follows a commit: wake the sender, acknowledge a button press, queue
// a check of the chat's menu. Failures here are logged: the update itself is done.
func (in *intake) after(ctx context.Context, u commands.Update, handled bool) {
	if in.notify != nil {
		in.notify()
	}
	if u.CallbackID != "" && in.client != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := in.client.AnswerCallback(actx, u.CallbackID); err != nil {
			in.log.Warn("answer callback failed", "update_id", u.ID, "error", err)
		}
		cancel()
	}
	if handled && in.menus != nil {
		in.menus.touched(u)
	}
}
