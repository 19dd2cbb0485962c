package storage

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"
)

// TestPendingHeadsCarryNoBodies: the listings the sender schedules by hold ids, chats and
// kinds but no text, buttons, file bytes or spec; PendingAfter lists only ids above the
// mark; PendingDue can keep only the held rows; OutboxBody reads one pending row in full.
func TestPendingHeadsCarryNoBodies(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	now := time.Now()
	file := bytes.Repeat([]byte{7}, 4096)
	var ids []int64
	err := st.Update(ctx, func(tx *Tx) error {
		for _, m := range []Message{
			{DedupeKey: "a", ChatID: 1, Text: "a", Priority: PriorityReply, Buttons: [][]Button{{{Text: "Sửa", Data: "x"}}}},
			{DedupeKey: "b", ChatID: 2, Text: "b", Priority: PriorityReply, Document: file, FileName: "b.xlsx"},
			{DedupeKey: "c", ChatID: 3, Text: "c", Priority: PriorityReply, Photo: []byte{}, FileName: "c.png", Render: `{"kind":"chart"}`},
			{DedupeKey: "d", ChatID: 4, Text: "d", NotBefore: now.Add(-time.Minute)},
			{DedupeKey: "e", ChatID: 5, Text: "e", NotBefore: now.Add(time.Hour)},
		} {
			if _, err := tx.Enqueue(ctx, m); err != nil {
				return err
			}
		}
		ms, err := tx.PendingMessages(ctx, now.Add(2*time.Hour), 10)
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	empty := func(what string, ms []Message) {
		for _, m := range ms {
			if m.Text != "" || m.Buttons != nil || len(m.Photo)+len(m.Document) != 0 || m.Render != "" || m.FileName != "" {
				t.Errorf("%s: message %d carries its body: %+v", what, m.ID, m)
			}
		}
	}
	st.View(ctx, func(tx *Tx) error {
		after, err := tx.PendingAfter(ctx, now, PriorityReply, ids[0], 10)
		if err != nil {
			t.Fatal(err)
		}
		empty("after", after)
		if len(after) != 2 || after[0].ChatID != 2 || after[0].Kind() != "document" || after[1].Kind() != "photo" {
			t.Errorf("after the first reply: %+v", after)
		}
		all, err := tx.PendingDue(ctx, now, false, 10)
		if err != nil {
			t.Fatal(err)
		}
		empty("due", all)
		if len(all) != 4 || all[3].ChatID != 4 {
			t.Errorf("due: %+v", all)
		}
		held, err := tx.PendingDue(ctx, now, true, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != 1 || held[0].ChatID != 4 {
			t.Errorf("held and due: %+v", held)
		}
		body, ok, err := tx.OutboxBody(ctx, after[0].ID)
		if err != nil || !ok || !bytes.Equal(body.Document, file) || body.Text != "b" || body.FileName != "b.xlsx" {
			t.Errorf("body: ok %v err %v, %d bytes", ok, err, len(body.Document))
		}
		body, _, _ = tx.OutboxBody(ctx, after[1].ID)
		if body.Render != `{"kind":"chart"}` || body.Photo == nil {
			t.Errorf("spec body: %+v", body)
		}
		return nil
	})
	st.Update(ctx, func(tx *Tx) error { return tx.MarkSent(ctx, ids[0], 1) })
	st.View(ctx, func(tx *Tx) error {
		if _, ok, err := tx.OutboxBody(ctx, ids[0]); ok || err != nil {
			t.Errorf("body of a sent message: ok %v, %v", ok, err)
		}
		return nil
	})
}

// PendingAfterOn lists one channel's rows only, each from its own mark.
func TestPendingAfterOnListsOneChannel(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	now := time.Now()
	zalo := FirstForeignID + 7
	err := st.Update(ctx, func(tx *Tx) error {
		for i, chat := range []int64{1, zalo, -100, zalo + 1, 2} {
			if _, err := tx.Enqueue(ctx, Message{DedupeKey: string(rune('a' + i)), ChatID: chat, Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	chats := func(ms []Message) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.ChatID)
		}
		return out
	}
	st.View(ctx, func(tx *Tx) error {
		tests := []struct {
			channel string
			after   int64
			limit   int
			want    []int64
		}{
			{ChannelTelegram, 0, 10, []int64{1, -100, 2}},
			{ChannelZalo, 0, 10, []int64{zalo, zalo + 1}},
			{ChannelTelegram, 0, 2, []int64{1, -100}},
			{ChannelZalo, 2, 10, []int64{zalo + 1}},
		}
		for _, tt := range tests {
			ms, err := tx.PendingAfterOn(ctx, now, tt.channel, PriorityBroadcast, tt.after, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := chats(ms); !slices.Equal(got, tt.want) {
				t.Errorf("%s after %d: chats %v, want %v", tt.channel, tt.after, got, tt.want)
			}
		}
		return nil
	})
}
