package bot

import (
	"encoding/json"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/commands"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		want   commands.Update
		handle bool
	}{
		{"private text",
			`{"update_id":5,"message":{"message_id":1,"from":{"id":7,"is_bot":false,"first_name":"Lan","last_name":"Nguyễn","username":"lan"},"chat":{"id":7,"type":"private"},"date":1,"text":"/baocao 6A 42 30 8"}}`,
			commands.Update{ID: 5, UserID: 7, ChatID: 7, ChatType: "private", Name: "Lan Nguyễn", Username: "lan", Text: "/baocao 6A 42 30 8"}, true},
		{"group text",
			`{"update_id":6,"message":{"message_id":2,"from":{"id":7,"is_bot":false,"first_name":"Lan"},"chat":{"id":-100,"type":"supergroup","title":"GV"},"date":1,"text":"6A: ss 42"}}`,
			commands.Update{ID: 6, UserID: 7, ChatID: -100, ChatType: "supergroup", Name: "Lan", Text: "6A: ss 42"}, true},
		{"photo caption",
			`{"update_id":7,"message":{"message_id":3,"from":{"id":7,"is_bot":false,"first_name":"Lan"},"chat":{"id":7,"type":"private"},"date":1,"caption":"6A 38/42","photo":[]}}`,
			commands.Update{ID: 7, UserID: 7, ChatID: 7, ChatType: "private", Name: "Lan", Text: "6A 38/42"}, true},
		{"sticker",
			`{"update_id":8,"message":{"message_id":4,"from":{"id":7,"is_bot":false,"first_name":"Lan"},"chat":{"id":7,"type":"private"},"date":1}}`,
			commands.Update{ID: 8, UserID: 7, ChatID: 7, ChatType: "private", Name: "Lan"}, false},
		{"channel post chat",
			`{"update_id":9,"message":{"message_id":5,"chat":{"id":-1001,"type":"channel"},"date":1,"text":"x"}}`,
			commands.Update{ID: 9}, false},
		{"button",
			`{"update_id":10,"callback_query":{"id":"q1","from":{"id":7,"is_bot":false,"first_name":"Lan"},"message":{"message_id":44,"chat":{"id":7,"type":"private"},"date":1},"chat_instance":"c","data":"class:6A"}}`,
			commands.Update{ID: 10, UserID: 7, ChatID: 7, ChatType: "private", Name: "Lan", CallbackID: "q1", Data: "class:6A", MessageID: 44}, true},
		{"edited message",
			`{"update_id":11,"edited_message":{"message_id":5,"chat":{"id":7,"type":"private"},"date":1,"text":"x"}}`,
			commands.Update{ID: 11}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var up tgbotapi.Update
			if err := json.Unmarshal([]byte(tt.raw), &up); err != nil {
				t.Fatal(err)
			}
			got, handle := convert(up)
			if got != tt.want || handle != tt.handle {
				t.Errorf("convert = %+v, %v\nwant      %+v, %v", got, handle, tt.want, tt.handle)
			}
		})
	}
}
