package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

// Chat lets a person of the demo talk to the bot from a terminal, on their channel: each line
// of in is sent as their message, and what anyone receives on either channel is printed.
// On Telegram buttons are printed as numbered choices; a number presses one only when it
// answers the buttons of the last message the person received (a prompt that asks for a
// number, with buttons like "0" or "34 (theo danh sách)", takes typed numbers as text; "[2]"
// presses button 2 there). On Zalo every line is sent as typed: the bot itself reads a reply
// "2" as the choice 2 of its last prompt. Files go to rt.Dir. It ends at EOF or /thoat.
func Chat(ctx context.Context, rt Runtime, who Person, in io.Reader, out io.Writer) error {
	rt.Out = out
	p := &player{rt: rt, self: &who}
	p.seen = len(rt.Fake.AllSent())
	if rt.Zalo != nil {
		p.zseen = len(rt.Zalo.AllSent())
	}
	now := rt.Clock.Now()
	p.week, p.day = storage.WeekOf(now, now.Location()), now.Format("2006-01-02")
	if who.Zalo != "" {
		fmt.Fprintf(out, "Đang nhắn qua Zalo với tư cách %s (%s). Gõ tin nhắn như trong Zalo; trả lời bằng số (1, 2…) để chọn một lựa chọn được đánh số; /thoat để thoát.\n> ", who.Name, who.Label)
	} else {
		fmt.Fprintf(out, "Đang nhắn qua Telegram với tư cách %s (%s). Gõ tin nhắn như trong Telegram; gõ số của nút (1, 2…) để bấm nút của tin nhắn cuối, hoặc [1] khi tin nhắn cuối hỏi một con số; /thoat để thoát.\n> ", who.Name, who.Label)
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case line == "/thoat" || line == "/exit":
			return nil
		default:
			if err := p.chatLine(ctx, who, line); err != nil {
				return err
			}
		}
		fmt.Fprint(out, "> ")
	}
	return sc.Err()
}

var (
	pressForm   = regexp.MustCompile(`^\[(\d+)\]$`)
	numberLabel = regexp.MustCompile(`^\d+(\s|$)`)
)

// buttonFor is the button a typed line presses: "[n]", or a plain n when the last message
// has buttons that are actions rather than numeric answers; ok is false for text.
func buttonFor(last telegramtest.SentMessage, line string) (b telegramtest.Button, ok bool) {
	var all []telegramtest.Button
	numeric := false
	for _, row := range last.Buttons {
		for _, btn := range row {
			all = append(all, btn)
			numeric = numeric || numberLabel.MatchString(btn.Text)
		}
	}
	n, err := strconv.Atoi(line)
	if m := pressForm.FindStringSubmatch(line); m != nil {
		n, err = strconv.Atoi(m[1])
	} else if numeric {
		return b, false
	}
	if err != nil || n < 1 || n > len(all) {
		return b, false
	}
	return all[n-1], true
}

func (p *player) chatLine(ctx context.Context, who Person, line string) error {
	if who.Zalo != "" {
		p.send(who, line)
		return p.settle(ctx)
	}
	if sent := p.rt.Fake.Sent(who.ID); len(sent) > 0 {
		last := sent[len(sent)-1]
		if b, ok := buttonFor(last, line); ok {
			if b.Data == "" {
				return p.flushNote(fmt.Sprintf("(nút %q là một đường link: %s)", b.Text, b.URL))
			}
			p.printf("(bấm nút [%s])\n", b.Text)
			p.lastUpd = p.rt.Fake.PressButton(p.user(who), who.ID, last.MessageID, b.Data)
			return p.settle(ctx)
		}
	}
	p.send(who, line)
	return p.settle(ctx)
}

func (p *player) flushNote(s string) error {
	p.printf("%s\n", s)
	return nil
}
