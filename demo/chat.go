package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Chat lets a person of the demo talk to the bot from a terminal: each line of in is sent as
// their message; a number answers the newest buttons they were shown (buttons are printed
// as numbered choices). It ends at EOF or /thoat.
func Chat(ctx context.Context, rt Runtime, who Person, in io.Reader, out io.Writer) error {
	rt.Out = out
	p := &player{rt: rt}
	p.seen = len(rt.Fake.AllSent())
	p.week, p.day = "-", "-"
	fmt.Fprintf(out, "Bạn là %s (%s). Gõ tin nhắn như trong Telegram; gõ số để bấm nút; /thoat để thoát.\n> ", who.Name, who.Label)
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

func (p *player) chatLine(ctx context.Context, who Person, line string) error {
	if n, err := strconv.Atoi(line); err == nil && n > 0 {
		sent := p.rt.Fake.Sent(who.ID)
		for i := len(sent) - 1; i >= 0; i-- {
			if len(sent[i].Buttons) == 0 {
				continue
			}
			k := 0
			for _, row := range sent[i].Buttons {
				for _, b := range row {
					if k++; k == n {
						if b.Data == "" {
							return p.flushNote(fmt.Sprintf("(nút %q là một đường link: %s)", b.Text, b.URL))
						}
						p.lastUpd = p.rt.Fake.PressButton(p.user(who), who.ID, sent[i].MessageID, b.Data)
						return p.settle(ctx)
					}
				}
			}
			break
		}
	}
	p.lastUpd = p.rt.Fake.SendText(p.user(who), who.ID, line)
	return p.settle(ctx)
}

func (p *player) flushNote(s string) error {
	p.printf("%s\n", s)
	return nil
}
