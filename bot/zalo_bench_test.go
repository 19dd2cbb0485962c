package bot

import (
	"context"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// BenchmarkZaloBroadcast sends 5,000 messages to distinct Zalo chats with the fake's and the
// sender's zalo.rate.global both at 1,000/s while, in the same sender, 5,000 Telegram
// messages go at telegram.rate.global 1,000/s; it reports each channel's achieved/configured
// and the 429 answers of each fake (goal ≥ 0.97 and 0 on both: neither slows the other).
func BenchmarkZaloBroadcast(b *testing.B) {
	b.Run("zalo_alone", func(b *testing.B) { benchZaloBroadcast(b, false) })
	b.Run("zalo_and_telegram", func(b *testing.B) { benchZaloBroadcast(b, true) })
}

func benchZaloBroadcast(b *testing.B, withTelegram bool) {
	const n, rate = 5000, 1000
	var zratio, tratio, z429, t429 float64
	for range b.N {
		b.StopTimer()
		tg := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{GlobalPerSecond: rate}})
		z := zalotest.New(zalotest.Options{Limits: zalotest.Limits{GlobalPerSecond: rate, ChatPerSecond: 1}})
		st := openStore(b)
		chats := zaloUsers(b, st, n)
		enqueueTo(b, st, "zb", chats, "<b>Nhắc nhở</b> nộp BHYT học sinh")
		tn := 0
		if withTelegram {
			tn = n
			enqueue(b, st, "tb", 1, n, storage.PriorityBroadcast)
		}
		s := zaloSender(b, st, tg, z, config.ZaloRate{Global: rate, PrivateChat: 1}, SenderOptions{})
		s.chans[0].lim = newLimiter(config.Rate{Global: rate, PrivateChat: 1, GroupPerMinute: 20}, s.opt.Now)
		stop := runSender(b, s)
		b.StartTimer()
		start := time.Now()
		s.Notify()
		var zdone, tdone time.Duration
		zc := make(chan error, 1)
		go func() {
			_, err := z.WaitAllSent(context.Background(), n)
			zdone = time.Since(start)
			zc <- err
		}()
		if withTelegram {
			if _, err := tg.WaitAllSent(context.Background(), n); err != nil {
				b.Fatal(err)
			}
			tdone = time.Since(start)
		}
		if err := <-zc; err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		waitFor(b, "recorded", func() bool { return outboxCounts(b, st)[storage.OutboxSent] == n+tn })
		stop()
		zratio += float64(n) / zdone.Seconds() / rate
		if withTelegram {
			tratio += float64(n) / tdone.Seconds() / rate
		}
		z429 += float64(z.Stats().TooManyRequests)
		t429 += float64(tg.Stats().TooManyRequests)
		tg.Close()
		z.Close()
		b.StartTimer()
	}
	k := float64(b.N)
	b.ReportMetric(zratio/k, "zalo_achieved/configured")
	if withTelegram {
		b.ReportMetric(tratio/k, "telegram_achieved/configured")
	}
	b.ReportMetric(z429/k, "zalo_429s")
	b.ReportMetric(t429/k, "telegram_429s")
}
