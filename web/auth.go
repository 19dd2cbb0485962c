package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// login consumes a one-time link, opens a session and sends the browser to the caller's scope.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	if r.Method == http.MethodHead || linkPreviewer(r.UserAgent()) {
		// A link preview or a HEAD must not use up the one-time link before its owner opens it.
		s.message(w, r, http.StatusOK, "Đăng nhập trang số liệu BHYT học sinh", "Mở link này trong trình duyệt để đăng nhập.")
		return
	}
	var tok string
	err := s.store.Update(r.Context(), func(tx *storage.Tx) error {
		user, err := tx.UseWebLogin(r.Context(), r.PathValue("token"))
		if err != nil {
			return err
		}
		v, err := commands.LoadViewer(r.Context(), tx, s.cfg, user)
		if err != nil {
			return err
		}
		if !v.Manager() {
			return errNoRole
		}
		tok, err = tx.CreateWebSession(r.Context(), user, tx.Now().Add(s.cfg.Web.SessionTTL))
		return err
	})
	switch {
	case errors.Is(err, storage.ErrLoginUsed):
		s.message(w, r, http.StatusGone, "Link đã được dùng", "Link đăng nhập này đã được dùng rồi. Mỗi link chỉ dùng được một lần: hãy gửi /web cho bot để nhận link mới.")
		return
	case errors.Is(err, storage.ErrLoginExpired):
		s.message(w, r, http.StatusGone, "Link đã hết hạn", "Link đăng nhập này đã hết hạn. Hãy gửi /web cho bot để nhận link mới.")
		return
	case errors.Is(err, storage.ErrNotFound):
		s.message(w, r, http.StatusForbidden, "Link không đúng", "Link đăng nhập không đúng. Hãy gửi /web cho bot để nhận link mới và mở đúng link đó.")
		return
	case errors.Is(err, errNoRole):
		s.message(w, r, http.StatusForbidden, "Chưa có quyền xem", "Trang số liệu dành cho hiệu trưởng và cán bộ quản lý giáo dục.")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: tok, Path: "/", MaxAge: int(s.cfg.Web.SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

var errNoRole = errors.New("web: no role that may see the dashboard")

// previewers are the user agents of link-preview fetchers of chat apps and social sites.
var previewers = []string{"TelegramBot", "facebookexternalhit", "WhatsApp", "Slackbot", "Discordbot", "Twitterbot", "SkypeUriPreview"}

func linkPreviewer(ua string) bool {
	for _, p := range previewers {
		if strings.Contains(ua, p) {
			return true
		}
	}
	return false
}

// logoutPage asks to confirm with a button: a GET never ends a session, so a link preview
// cannot log anyone out.
func (s *Server) logoutPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	s.render(w, r, http.StatusOK, &view{Kind: "logout", Title: "Đăng xuất"})
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		if err := s.store.Update(r.Context(), func(tx *storage.Tx) error { return tx.EndWebSession(r.Context(), c.Value) }); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w)
	s.message(w, r, http.StatusOK, "Đã đăng xuất", "Phiên xem số liệu đã kết thúc. Muốn xem lại, hãy gửi /web cho bot.")
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// errStaleCookie is a session cookie whose session has ended (logged out, expired, or ended
// by a revocation): the browser is told to forget it.
var errStaleCookie = errors.New("web: session ended")

// session returns the viewer of the request's session: nil when there is none, or when the
// role behind it is gone (the session is then ended at once); errStaleCookie when the
// cookie names no live session.
func (s *Server) session(ctx context.Context, tx *storage.Tx, r *http.Request) (*commands.Viewer, bool, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, false, nil
	}
	user, err := tx.WebSessionUser(ctx, c.Value)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, false, errStaleCookie
	}
	if err != nil {
		return nil, false, err
	}
	v, err := commands.LoadViewer(ctx, tx, s.cfg, user)
	if err != nil {
		return nil, false, err
	}
	if !v.Manager() {
		return nil, true, nil
	}
	return v, false, nil
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusUnauthorized, "Cần đăng nhập",
		"Trang này cần đăng nhập. Hãy gửi /web cho bot BHYT học sinh trong tin nhắn riêng: bot sẽ trả lời một link đăng nhập dùng một lần.")
}
