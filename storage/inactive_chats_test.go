package storage

import (
	"context"
	"testing"
)

// InactiveChats agrees with ChatActive for every kind of chat, asked together in one call,
// also beyond the query's batch of ids.
func TestInactiveChatsAgreesWithChatActive(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	err := st.Update(ctx, func(tx *Tx) error {
		for _, u := range []User{
			{ID: 1, ChatID: 1, Name: "Cô Lan"},      // active
			{ID: 2, ChatID: 2, Name: "Thầy Minh"},   // blocked the bot
			{ID: 3, ChatID: -30, Name: "Cô Hoa"},    // a group with one active member
			{ID: 4, ChatID: -30, Name: "Thầy Tuấn"}, // and one inactive
			{ID: 5, ChatID: -40, Name: "Cô Mai"},    // a group whose only member is inactive
		} {
			if err := tx.TouchUser(ctx, u); err != nil {
				return err
			}
		}
		for _, c := range []int64{2, -40} {
			if err := tx.DeactivateChat(ctx, c, "403 blocked"); err != nil {
				return err
			}
		}
		_, err := tx.tx.ExecContext(ctx, `UPDATE users SET active = 0 WHERE id = 4`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	chats := []int64{1, 2, -30, -40, 99} // 99: nobody known, active
	for i := range 1200 {
		chats = append(chats, int64(1000+i))
	}
	chats = append(chats, 2) // past the first batch of ids
	_ = st.View(ctx, func(tx *Tx) error {
		got, err := tx.InactiveChats(ctx, chats)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chats {
			active, err := tx.ChatActive(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if got[c] == active {
				t.Errorf("chat %d: inactive %v, ChatActive %v", c, got[c], active)
			}
		}
		if len(got) != 2 || !got[2] || !got[-40] {
			t.Errorf("inactive chats %v, want 2 and -40", got)
		}
		return nil
	})
	_ = st.View(ctx, func(tx *Tx) error {
		if got, err := tx.InactiveChats(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no chats: %v %v", got, err)
		}
		return nil
	})
}
