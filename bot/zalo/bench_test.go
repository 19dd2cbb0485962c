package zalo

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/bhytbot/bhytbot/bot/zalotest"
)

// BenchmarkSendMessage measures sendMessage round trips through the client
// and the fake over real HTTP, 8 in flight, with no quota.
func BenchmarkSendMessage(b *testing.B) {
	srv := zalotest.New(zalotest.Options{})
	defer srv.Close()
	c, err := New(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := c.SendMessage(context.Background(), "chat"+strconv.FormatInt(i%1000, 10), "Nhắc nhở BHYT tuần này"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if got := len(srv.AllSent()); got != int(n.Load()) {
		b.Errorf("fake recorded %d, sent %d", got, n.Load())
	}
}
