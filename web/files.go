package web

import (
	"errors"
	"mime"
	"net/http"
	"path"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// file serves a file the bot sent as a link (to Zalo, which takes no uploads): the path's
// token is the only key, so it works without a session; it expires after
// storage.FileLinkTTL. The file is drawn from its spec now, as the sender would have.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	var l storage.FileLink
	err := s.store.View(r.Context(), func(tx *storage.Tx) (err error) {
		l, err = tx.FileLinkByToken(r.Context(), token)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) || len(token) < 32 {
		s.message(w, r, http.StatusNotFound, "Liên kết đã hết hạn", "Liên kết tải tệp không đúng hoặc đã quá 7 ngày. Hãy xin bot gửi lại bảng.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data := l.FileName, l.Data
	if l.Render != "" {
		var n string
		n, data, err = leaderboard.RenderAttachment(r.Context(), l.Render)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n != "" {
			name = n
		}
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	switch {
	case ctype != "":
	case l.Kind == "photo":
		ctype = "image/png"
	default:
		ctype = "application/octet-stream"
	}
	disposition := "attachment"
	if l.Kind == "photo" {
		disposition = "inline"
	}
	if name == "" {
		name = "tep"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}
