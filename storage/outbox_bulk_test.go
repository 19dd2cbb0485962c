package storage

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// TestEnqueueAllAndRender: the bulk writer keeps the first of each dedupe key, like Enqueue,
// and a photo or document drawn at send time comes back with its spec, no bytes and its kind.
func TestEnqueueAllAndRender(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	png := []byte("\x89PNG fake")
	msgs := []Message{
		{DedupeKey: "a/1", ChatID: 1, Text: "một"},
		{DedupeKey: "a/chart", ChatID: 1, Text: "biểu đồ", Photo: []byte{}, FileName: "c.png", Render: `{"kind":"chart"}`},
		{DedupeKey: "a/xlsx", ChatID: 1, Text: "bảng", Document: []byte{}, FileName: "b.xlsx", Render: `{"kind":"workbook"}`},
		{DedupeKey: "a/png", ChatID: 2, Text: "ảnh", Photo: png, FileName: "p.png"},
		{DedupeKey: "a/1", ChatID: 9, Text: "lần hai"},
	}
	err := st.Update(ctx, func(tx *Tx) error {
		n, err := tx.EnqueueAll(ctx, msgs)
		if n != 4 {
			t.Errorf("%d new, want 4", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *Tx) error {
		n, err := tx.EnqueueAll(ctx, msgs)
		if n != 0 {
			t.Errorf("again: %d new", n)
		}
		if _, err := tx.EnqueueAll(ctx, []Message{{ChatID: 1, Text: "không khóa"}}); err == nil {
			t.Error("empty dedupe key accepted")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []Message
	err = st.View(ctx, func(tx *Tx) error {
		got, err = tx.PendingMessages(ctx, time.Now(), 10)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d pending", len(got))
	}
	byKey := map[string]Message{}
	for _, m := range got {
		byKey[m.DedupeKey] = m
	}
	if m := byKey["a/1"]; m.Text != "một" || m.Kind() != "text" || m.Render != "" {
		t.Errorf("text: %+v", m)
	}
	if m := byKey["a/chart"]; m.Kind() != "photo" || len(m.Photo) != 0 || m.Render != `{"kind":"chart"}` || m.FileName != "c.png" {
		t.Errorf("chart: kind %s, %d bytes, spec %q", m.Kind(), len(m.Photo), m.Render)
	}
	if m := byKey["a/xlsx"]; m.Kind() != "document" || len(m.Document) != 0 || m.Render != `{"kind":"workbook"}` {
		t.Errorf("workbook: kind %s, %d bytes, spec %q", m.Kind(), len(m.Document), m.Render)
	}
	if m := byKey["a/png"]; m.Kind() != "photo" || !bytes.Equal(m.Photo, png) || m.Render != "" {
		t.Errorf("photo: %+v", m)
	}
}
