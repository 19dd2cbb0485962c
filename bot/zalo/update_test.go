package zalo

import (
	"errors"
	"testing"
	"time"
)

func TestToUpdate(t *testing.T) {
	msg := func(event, chatType, chatID, text string) Update {
		return Update{EventName: event, Message: &Message{
			MessageID: "m1", Date: 1750316131602, Text: text,
			From: User{ID: "u1", DisplayName: " Cô Lan "},
			Chat: Chat{ID: chatID, Type: chatType},
		}}
	}
	tests := []struct {
		name string
		in   Update
		want Inbound
		err  bool
	}{
		{"private text", msg(EventText, ChatPrivate, "u1", "/baocao 6A 38/42"),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", Text: "/baocao 6A 38/42", MessageID: "m1", Event: EventText}, false},
		{"group text", msg(EventText, ChatGroup, "g1", "6A: ss 42"),
			Inbound{UserID: "u1", ChatID: "g1", ChatType: "group", Name: "Cô Lan", Text: "6A: ss 42", MessageID: "m1", Event: EventText}, false},
		{"image", msg(EventImage, ChatPrivate, "u1", "caption-like"),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", MessageID: "m1", Event: EventImage, NonText: true}, false},
		{"sticker", msg(EventSticker, ChatPrivate, "u1", ""),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", MessageID: "m1", Event: EventSticker, NonText: true}, false},
		{"voice", msg(EventVoice, ChatPrivate, "u1", ""),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", MessageID: "m1", Event: EventVoice, NonText: true}, false},
		{"unsupported", msg(EventUnsupported, ChatPrivate, "u1", ""),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", MessageID: "m1", Event: EventUnsupported, NonText: true}, false},
		{"no chat id in a private chat", msg(EventText, "", "", "hi"),
			Inbound{UserID: "u1", ChatID: "u1", ChatType: "private", Name: "Cô Lan", Text: "hi", MessageID: "m1", Event: EventText}, false},
		{"no chat id in a group", msg(EventText, ChatGroup, "", "hi"), Inbound{}, true},
		{"no message", Update{EventName: EventUnsupported}, Inbound{}, true},
		{"no sender", Update{EventName: EventText, Message: &Message{Text: "x"}}, Inbound{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToUpdate(tt.in)
			if tt.err {
				if !errors.Is(err, ErrNoMessage) {
					t.Fatalf("err = %v, want ErrNoMessage", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Date = time.UnixMilli(1750316131602)
			if got != tt.want {
				t.Errorf("ToUpdate =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
	bot := msg(EventText, ChatPrivate, "u9", "x")
	bot.Message.From.IsBot = true
	if in, _ := ToUpdate(bot); !in.FromBot {
		t.Error("a bot's message not marked")
	}
}
