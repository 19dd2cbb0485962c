package demo

import (
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
)

// TestButtonFor: a typed number presses a button of the last message only when that
// message's buttons are actions; at a prompt whose buttons are numbers, typed numbers are the
// answer and "[n]" presses.
func TestButtonFor(t *testing.T) {
	actions := telegramtest.SentMessage{Buttons: [][]telegramtest.Button{{{Text: "✅ Gửi báo cáo", Data: "ok"}, {Text: "↩️ Làm lại", Data: "redo"}}, {{Text: "❌ Hủy", Data: "x"}}}}
	numeric := telegramtest.SentMessage{Buttons: [][]telegramtest.Button{{{Text: "0", Data: "n0"}, {Text: "40 (cả lớp)", Data: "n40"}, {Text: "❌ Hủy", Data: "x"}}}}
	classes := telegramtest.SentMessage{Buttons: [][]telegramtest.Button{{{Text: "7A", Data: "c7"}, {Text: "8A", Data: "c8"}}}}
	none := telegramtest.SentMessage{Text: "✅ Đã ghi"}
	tests := []struct {
		name string
		last telegramtest.SentMessage
		line string
		want string // the button's data, "" for text
	}{
		{"action by number", actions, "1", "ok"},
		{"action in the second row", actions, "3", "x"},
		{"action bracketed", actions, "[2]", "redo"},
		{"out of range is text", actions, "4", ""},
		{"zero is text", actions, "0", ""},
		{"numeric prompt: number is the answer", numeric, "2", ""},
		{"numeric prompt: bracket presses", numeric, "[3]", "x"},
		{"class names are not numbers", classes, "2", "c8"},
		{"no buttons: number is text", none, "1", ""},
		{"no buttons: bracket is text", none, "[1]", ""},
		{"words are text", actions, "Gửi", ""},
	}
	for _, tt := range tests {
		b, ok := buttonFor(tt.last, tt.line)
		if got := map[bool]string{true: b.Data}[ok]; got != tt.want {
			t.Errorf("%s: %q pressed %q, want %q", tt.name, tt.line, got, tt.want)
		}
	}
}
