package bot

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// A caption over Telegram's 1,024 units with nothing to show cuts into no part at all: the
// photo still goes, without a caption, and the sender keeps running.
func TestSenderBlankLongCaption(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	img := tinyPNG(t)
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "p", ChatID: 8, Text: strings.Repeat(" \n", 600), Photo: img, FileName: "c.png"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, fastRetries)
	runSender(t, s)
	s.Notify()
	waitFor(t, "sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 1 })
	if got := srv.Sent(8); len(got) != 1 || got[0].Method != "sendPhoto" || !bytes.Equal(got[0].Photo, img) || strings.TrimSpace(got[0].Caption) != "" {
		t.Errorf("sent %+v", got)
	}
}
