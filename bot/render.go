package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/bhytbot/bhytbot/storage"
)

// Renderer draws a photo or document from the spec a message carries instead of its bytes
// (storage.Message.Render), at send time, and names the file ("" keeps the message's
// FileName). leaderboard.RenderAttachment is bhytbot's.
type Renderer func(ctx context.Context, spec string) (name string, data []byte, err error)

// WithRenderer gives the sender the renderer of attachments drawn at send time. Without one,
// such a message is dead with the reason. Give it after WithSenderOptions, which makes a new
// sender.
func WithRenderer(r Renderer) Option {
	return func(s *Service) { s.sender.opt.Render = r }
}

// attach draws the attachment of a message that carries a Render spec and no bytes, before
// its first part is sent. It returns false with r's outcome set when the message cannot be
// sent: a spec that fails to draw is a dead letter with the reason.
func (s *Sender) attach(ctx context.Context, j *job, m *storage.Message, r *result) bool {
	if m.Render == "" || j.done > 0 || len(m.Photo) > 0 || len(m.Document) > 0 {
		return true
	}
	if s.opt.Render == nil {
		r.out, r.reason = outDead, "render: no renderer for an attachment drawn at send time"
		return false
	}
	name, data, err := s.opt.Render(ctx, m.Render)
	if err == nil && len(data) == 0 {
		err = errors.New("empty file")
	}
	if err != nil {
		r.out, r.reason = outDead, fmt.Sprintf("render: %v", err)
		if ctx.Err() != nil {
			r.out, r.reason = outCanceled, "stopped"
		}
		return false
	}
	if name != "" {
		m.FileName = name
	}
	if m.Photo != nil {
		m.Photo = data
	} else {
		m.Document = data
	}
	j.msg.FileName, j.msg.Photo, j.msg.Document = m.FileName, m.Photo, m.Document // kept for a retry after a 429
	return true
}
