package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// side is one channel of a sender that has both, with its fake, as the channel-neutral
// table below sees it: recipients, faults to inject, and what the fake received.
type side struct {
	name string
	// users records n people of this channel who wrote to the bot and returns their
	// internal chat ids.
	users func(t *testing.T, st *storage.Store, n int) []int64
	block func(chatID int64)
	// fail makes the next n sends fail with code; a 429 asks for a pause of an hour.
	fail         func(s *Sender, n, code int)
	delivered    func(chatID int64) int
	forbidden    func() int
	serverErrors func() int
	tooMany      string // the metric of this channel's 429s
}

// twoSides is a Telegram fake and a Zalo fake behind one sender's two channels.
func twoSides(t *testing.T, st *storage.Store) (telegram, zaloSide side, s *Sender) {
	tg := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	t.Cleanup(tg.Close)
	z := zalotest.New(zalotest.Options{})
	t.Cleanup(z.Close)
	s = zaloSender(t, st, tg, z, config.ZaloRate{Global: 1000, PrivateChat: 100},
		SenderOptions{Poll: 10 * time.Millisecond, RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond, MaxAttempts: 30})
	ext := map[int64]string{}
	telegram = side{
		name: "telegram",
		users: func(t *testing.T, st *storage.Store, n int) []int64 {
			ids := make([]int64, n)
			err := st.Update(t.Context(), func(tx *storage.Tx) error {
				for i := range ids {
					ids[i] = int64(7000 + i)
					if err := tx.TouchUser(t.Context(), storage.User{ID: ids[i], ChatID: ids[i], Name: fmt.Sprintf("Cô %d", i)}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return ids
		},
		block: tg.Block,
		fail: func(_ *Sender, n, code int) {
			e := telegramtest.APIError{Code: code, Description: "Internal Server Error"}
			if code == 429 {
				e = telegramtest.APIError{Code: 429, Description: "Too Many Requests: retry after 3600", RetryAfter: 3600}
			}
			tg.FailNext(n, e)
		},
		delivered:    func(chatID int64) int { return len(tg.Sent(chatID)) },
		forbidden:    func() int { return tg.Stats().Forbidden },
		serverErrors: func() int { return tg.Stats().ServerErrors },
		tooMany:      "bhytbot_telegram_429_total",
	}
	zaloSide = side{
		name: "zalo",
		users: func(t *testing.T, st *storage.Store, n int) []int64 {
			ids := zaloUsers(t, st, n)
			for i, id := range ids {
				ext[id] = fmt.Sprintf("zu-%d", i)
			}
			return ids
		},
		block: func(chatID int64) { z.Block(ext[chatID]) },
		fail: func(s *Sender, n, code int) {
			e := zalotest.APIError{Code: code, Description: "Internal Server Error"}
			if code == 429 {
				// Zalo says nothing about when to come back: the pause is the client's.
				s.chans[1].out.(*zaloOut).client.ThrottlePause = time.Hour
				e = zalotest.APIError{Code: 429, Description: zalotest.DescQuota}
			}
			z.FailNext(n, e)
		},
		delivered:    func(chatID int64) int { return len(z.Sent(ext[chatID])) },
		forbidden:    func() int { return z.Stats().Forbidden },
		serverErrors: func() int { return z.Stats().ServerErrors },
		tooMany:      "bhytbot_zalo_429_total",
	}
	return telegram, zaloSide, s
}

// The same sender table runs over both channels, each through its adapter and its fake over
// real HTTP: what the sender does about a failure depends on its channel-neutral kind only.
func TestSenderTableOverBothChannels(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, st *storage.Store, s *Sender, this, other side)
	}{
		{"a blocked user is not retried", func(t *testing.T, st *storage.Store, s *Sender, this, _ side) {
			users := this.users(t, st, 3)
			this.block(users[1])
			enqueueTo(t, st, "a", users, "Lần một")
			stop := runSender(t, s)
			waitFor(t, "first round", func() bool { c := outboxCounts(t, st); return c["sent"] == 2 && c["dropped"] == 1 })
			enqueueTo(t, st, "b", users, "Lần hai")
			s.Notify()
			waitFor(t, "second round", func() bool { c := outboxCounts(t, st); return c["sent"] == 4 && c["dropped"] == 2 })
			stop()
			if f := this.forbidden(); f != 1 {
				t.Errorf("the blocked user was called %d times, want 1", f)
			}
			if n := this.delivered(users[0]); n != 2 {
				t.Errorf("an active user got %d messages, want 2", n)
			}
			_ = st.View(t.Context(), func(tx *storage.Tx) error {
				if ok, err := tx.ChatActive(t.Context(), users[1]); ok || err != nil {
					t.Errorf("blocked user still active (%v)", err)
				}
				return nil
			})
		}},
		{"a 429 pauses only its channel", func(t *testing.T, st *storage.Store, s *Sender, this, other side) {
			mine, theirs := this.users(t, st, 1), other.users(t, st, 5)
			before := map[string]float64{this.tooMany: counter(t, this.tooMany, ""), other.tooMany: counter(t, other.tooMany, "")}
			this.fail(s, 1, 429)
			enqueueTo(t, st, "p", mine, "Chờ hết lượt")
			stop := runSender(t, s)
			waitFor(t, "the pause", func() bool { return s.Stats().Pauses == 1 })
			enqueueTo(t, st, "o", theirs, "Kênh kia vẫn gửi")
			s.Notify()
			waitFor(t, "the other channel sent during the pause", func() bool { return outboxCounts(t, st)["sent"] == 5 })
			stop()
			if c := outboxCounts(t, st); c["pending"] != 1 {
				t.Errorf("outbox %v: the paused channel's message should wait", c)
			}
			if n := this.delivered(mine[0]); n != 0 {
				t.Errorf("the paused channel delivered %d messages", n)
			}
			for _, u := range theirs {
				if n := other.delivered(u); n != 1 {
					t.Errorf("the other channel delivered %d messages to %d, want 1", n, u)
				}
			}
			if d := counter(t, this.tooMany, "") - before[this.tooMany]; d != 1 {
				t.Errorf("%s counted %v, want 1", this.tooMany, d)
			}
			if d := counter(t, other.tooMany, "") - before[other.tooMany]; d != 0 {
				t.Errorf("%s counted %v, want 0", other.tooMany, d)
			}
		}},
		{"5xx is retried until delivered", func(t *testing.T, st *storage.Store, s *Sender, this, _ side) {
			users := this.users(t, st, 5)
			this.fail(s, 3, 500)
			enqueueTo(t, st, "r", users, "Gửi lại đến khi tới")
			runSender(t, s)
			waitFor(t, "all sent", func() bool { return outboxCounts(t, st)["sent"] == 5 })
			for _, u := range users {
				if n := this.delivered(u); n != 1 {
					t.Errorf("user %d got %d messages, want 1", u, n)
				}
			}
			if n := this.serverErrors(); n != 3 {
				t.Errorf("%d server errors answered, want 3", n)
			}
			if r := s.Stats().Retried; r != 3 {
				t.Errorf("%d retries, want 3", r)
			}
		}},
	}
	for _, tt := range tests {
		for _, ch := range []string{"telegram", "zalo"} {
			t.Run(tt.name+"/"+ch, func(t *testing.T) {
				st := openStore(t)
				tg, z, s := twoSides(t, st)
				this, other := tg, z
				if ch == "zalo" {
					this, other = z, tg
				}
				tt.run(t, st, s, this, other)
			})
		}
	}
}

// A channel that is not configured cannot take its messages: they are dead with the reason,
// and the other channel's go on.
func TestSenderChannelOffIsDead(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer tg.Close()
	st := openStore(t)
	zchats := zaloUsers(t, st, 2)
	enqueueTo(t, st, "z", zchats, "Không có kênh Zalo")
	enqueue(t, st, "t", 1, 2, storage.PriorityBroadcast)
	c, err := NewClient(tg.Token(), tg.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(st, c, config.Rate{Global: 1000, PrivateChat: 100, GroupPerMinute: 60}, nil, SenderOptions{Poll: 10 * time.Millisecond})
	runSender(t, s)
	waitFor(t, "outcomes", func() bool { c := outboxCounts(t, st); return c["sent"] == 2 && c["dead"] == 2 })
}

// plan cuts a message by the limits and unit its channel gives: Telegram's UTF-16 units, with
// buttons shown apart; Zalo's characters, with the numbered choices written after the text,
// which go in a call of their own when the last part has no room for them.
func TestPlanByChannelLimits(t *testing.T) {
	tg, z := (&telegramOut{}).Limits(), (&zaloOut{}).Limits()
	yesNo := [][]storage.Button{{{Text: "Đồng ý", Data: "yes"}, {Text: "Không", Data: "no"}}}
	line := strings.Repeat("ệ", 99) + "\n" // 100 characters, 100 UTF-16 units
	emoji := strings.Repeat("😀", 1500)     // 1,500 characters, 3,000 UTF-16 units
	tests := []struct {
		name    string
		lim     Limits
		text    string
		file    bool
		buttons [][]storage.Button
		want    []part // texts compared by length in lim's unit
	}{
		{"telegram short", tg, "Chào cô", false, yesNo, []part{{text: "7", buttons: true}}},
		{"zalo short", z, "Chào cô", false, yesNo, []part{{text: "7", buttons: true}}},
		{"telegram counts UTF-16", tg, emoji + emoji, false, nil, []part{{text: "4096"}, {text: "1904", buttons: true}}},
		{"zalo counts characters", z, emoji + emoji, false, nil, []part{{text: "2000"}, {text: "1000", buttons: true}}},
		{"zalo choices fit after the text", z, strings.Repeat(line, 19), false, yesNo, []part{{text: "1900", buttons: true}}},
		{"zalo choices fit after the last part", z, strings.Repeat(line, 20) + "a", false, yesNo, []part{{text: "1999"}, {text: "1", buttons: true}}},
		{"zalo choices do not fit: a call of their own", z, strings.Repeat(line, 19) + strings.Repeat("a", 95), false, yesNo,
			[]part{{text: "1995"}, {text: "0", buttons: true}}},
		{"telegram buttons never need room", tg, strings.Repeat("a", 4096), false, yesNo, []part{{text: "4096", buttons: true}}},
		{"telegram long caption", tg, strings.Repeat(line, 11), true, nil, []part{{file: true, text: "999"}, {text: "99", buttons: true}}},
		{"zalo caption", z, strings.Repeat(line, 11), true, yesNo, []part{{file: true, text: "1100", buttons: true}}},
		{"markup without a character over the limit: no call", tg, strings.Repeat("<b></b>", 700), false, yesNo, nil},
		{"whitespace caption over the limit: the file alone", tg, strings.Repeat(" ", 1100), true, nil, []part{{file: true, text: "0", buttons: true}}},
	}
	for _, tt := range tests {
		got := plan(tt.text, tt.file, tt.buttons, tt.lim)
		var sum []part
		for _, p := range got {
			sum = append(sum, part{file: p.file, text: strconv.Itoa(tt.lim.Len(p.text)), buttons: p.buttons})
		}
		if !slices.Equal(sum, tt.want) {
			t.Errorf("%s: parts %v, want %v", tt.name, sum, tt.want)
		}
	}
}
