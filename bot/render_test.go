package bot

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// TestSenderRendersAtSendTime: a photo or document enqueued as a spec is drawn by the
// renderer just before it is sent, named as the renderer says; a spec that fails to draw,
// or a spec without a renderer, is a dead letter with the reason; other messages never call
// the renderer.
func TestSenderRendersAtSendTime(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	img := tinyPNG(t)
	xlsx := []byte("PK\x03\x04 bảng tính")
	var calls atomic.Int32
	render := func(ctx context.Context, spec string) (string, []byte, error) {
		calls.Add(1)
		switch spec {
		case "chart":
			return "", img, nil
		case "workbook":
			return "bang.xlsx", xlsx, nil
		}
		return "", nil, errors.New("bad spec " + spec)
	}
	msgs := []storage.Message{
		{DedupeKey: "chart", ChatID: 8, Text: "Biểu đồ", Photo: []byte{}, FileName: "bieu-do.png", Render: "chart"},
		{DedupeKey: "xlsx", ChatID: 9, Text: "Bảng", Document: []byte{}, FileName: "x.xlsx", Render: "workbook"},
		{DedupeKey: "bad", ChatID: 10, Text: "Hỏng", Photo: []byte{}, FileName: "h.png", Render: "nonsense"},
		{DedupeKey: "ready", ChatID: 11, Text: "Có sẵn", Photo: img, FileName: "s.png"},
		{DedupeKey: "text", ChatID: 12, Text: "Chào"},
	}
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.EnqueueAll(t.Context(), msgs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, SenderOptions{Render: render})
	runSender(t, s)
	s.Notify()
	waitFor(t, "outcomes", func() bool {
		c := outboxCounts(t, st)
		return c[storage.OutboxSent] == 4 && c[storage.OutboxDead] == 1
	})
	if got := srv.Sent(8); len(got) != 1 || got[0].Method != "sendPhoto" || !bytes.Equal(got[0].Photo, img) || got[0].Caption != "Biểu đồ" {
		t.Errorf("chart: %+v", got)
	}
	if got := srv.Sent(9); len(got) != 1 || got[0].Method != "sendDocument" || !bytes.Equal(got[0].Document, xlsx) || got[0].FileName != "bang.xlsx" {
		t.Errorf("workbook: %+v", got)
	}
	if got := srv.Sent(10); len(got) != 0 {
		t.Errorf("a spec that failed to draw was sent: %+v", got)
	}
	err = st.View(t.Context(), func(tx *storage.Tx) error {
		status, reason, err := tx.OutboxByKey(t.Context(), "bad")
		if status != storage.OutboxDead || reason != "render: bad spec nonsense" {
			t.Errorf("bad spec: %s %q", status, reason)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("renderer called %d times, want 3", n)
	}
}

func TestSenderWithoutRendererDeadLetters(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "chart", ChatID: 8, Text: "Biểu đồ", Photo: []byte{}, FileName: "c.png", Render: "chart"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "dead", func() bool { return outboxCounts(t, st)[storage.OutboxDead] == 1 })
	err = st.View(t.Context(), func(tx *storage.Tx) error {
		_, reason, err := tx.OutboxByKey(t.Context(), "chart")
		if reason != "render: no renderer for an attachment drawn at send time" {
			t.Errorf("reason %q", reason)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Sent(8); len(got) != 0 {
		t.Errorf("sent %+v", got)
	}
}
