package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func updateIDs(ups []tgbotapi.Update) []int {
	ids := make([]int, 0, len(ups))
	for _, u := range ups {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

// After RestartIDs the ids start again low; an offset from before (far ahead of them) is
// ignored, as Telegram's Bot API server does, or, with StrictOffsets, answered with
// nothing; neither confirms the new updates.
func TestRestartIDs(t *testing.T) {
	for _, strict := range []bool{false, true} {
		name := "telegram"
		if strict {
			name = "strict"
		}
		t.Run(name, func(t *testing.T) {
			srv, api := newBot(t, Options{StrictOffsets: strict})
			srv.SendText(alice, alice.ID, "một")
			old := srv.SendText(alice, alice.ID, "hai")
			if ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: old + 1}); len(ups) != 0 || srv.Pending() != 0 {
				t.Fatalf("before the restart: %v, pending %d", updateIDs(ups), srv.Pending())
			}
			srv.RestartIDs(5)
			id := srv.SendText(bob, bob.ID, "sau khi khởi động lại")
			if id != 5 {
				t.Fatalf("first id after the restart = %d, want 5", id)
			}
			ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: old + 1})
			if err != nil {
				t.Fatal(err)
			}
			want := []int{5}
			if strict {
				want = []int{}
			}
			if got := updateIDs(ups); len(got) != len(want) || (len(want) == 1 && got[0] != 5) {
				t.Fatalf("offset from before the restart: %v, want %v", got, want)
			}
			if srv.Pending() != 1 {
				t.Fatalf("the offset from before the restart confirmed the new update (pending %d)", srv.Pending())
			}
			// Without an offset, any server answers its earliest unconfirmed update.
			if ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{}); len(ups) != 1 || ups[0].UpdateID != 5 || ups[0].Message.Text != "sau khi khởi động lại" {
				t.Fatalf("no offset: %v", updateIDs(ups))
			}
			// An offset in the new sequence confirms as usual.
			if ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: 6}); len(ups) != 0 || srv.Pending() != 0 {
				t.Fatalf("offset 6: %v, pending %d", updateIDs(ups), srv.Pending())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.WaitConfirmed(ctx, 5); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Updates waiting when the ids restart are lost, as on a server that lost its state.
func TestRestartIDsForgetsPending(t *testing.T) {
	srv, api := newBot(t, Options{})
	srv.SendText(alice, alice.ID, "mất")
	srv.RestartIDs(1)
	if srv.Pending() != 0 {
		t.Fatalf("pending %d after the restart", srv.Pending())
	}
	srv.SendText(alice, alice.ID, "còn")
	ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{})
	if len(ups) != 1 || ups[0].UpdateID != 1 || ups[0].Message.Text != "còn" {
		t.Fatalf("updates %v", updateIDs(ups))
	}
}

// NoLongPoll answers at once with nothing instead of holding the poll.
func TestNoLongPoll(t *testing.T) {
	srv := New(Options{NoLongPoll: true})
	defer srv.Close()
	// The request asks for a 10-minute poll; the context fails the test if it is held.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/bot"+srv.Token()+"/getUpdates?timeout=600", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the poll was held: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct {
		OK     bool              `json:"ok"`
		Result []json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &r); err != nil || !r.OK || r.Result == nil || len(r.Result) != 0 {
		t.Fatalf("answer %s (%v)", body, err)
	}
}
