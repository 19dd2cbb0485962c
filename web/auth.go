package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// loginPage answers GET /login/{token}. A browser opening the link as a page logs in at
// once: the link is used, the session cookie set and the browser sent to its scope. Any
// other fetch uses nothing up: chat apps fetch a link to draw its preview, sometimes before
// its owner taps it. A link that could still be used then gets a page with one button that
// posts it (login); a refused one gets the reason.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if opensAsPage(r) {
		s.login(w, r)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	tok := r.PathValue("token")
	err := s.store.View(r.Context(), func(tx *storage.Tx) error {
		user, err := tx.PeekWebLogin(r.Context(), tok)
		if err != nil {
			return err
		}
		return s.mayLogIn(r.Context(), tx, user)
	})
	if s.loginRefused(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, &view{Kind: "login", Title: "Đăng nhập trang số liệu BHYT học sinh",
		Message: "Bấm nút dưới đây để mở bảng theo dõi tham gia BHYT học sinh trên trình duyệt này. Link chỉ dùng được một lần.",
		Action:  "/login/" + tok})
}

// opensAsPage reports whether a GET is a browser opening the link as a page in a tab: a
// browser says so in Sec-Fetch-Mode and Sec-Fetch-Dest, which no page can set for it, and
// which a chat app's link previewer (a program that reads the page's title) does not send.
// A browser too old to send them gets the page with the button.
func opensAsPage(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Sec-Fetch-Mode") == "navigate" && r.Header.Get("Sec-Fetch-Dest") == "document"
}

// login answers the page's button, POST /login/{token}: it consumes the one-time link, opens
// a session and sends the browser to the caller's scope.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	var tok string
	err := s.store.Update(r.Context(), func(tx *storage.Tx) error {
		user, err := tx.UseWebLogin(r.Context(), r.PathValue("token"))
		if err != nil {
			return err
		}
		if err := s.mayLogIn(r.Context(), tx, user); err != nil {
			return err
		}
		tok, err = tx.CreateWebSession(r.Context(), user, tx.Now().Add(s.cfg.Web.SessionTTL))
		return err
	})
	if s.loginRefused(w, r, err) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: tok, Path: "/", MaxAge: int(s.cfg.Web.SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// mayLogIn returns errNoRole unless the user may see the dashboard.
func (s *Server) mayLogIn(ctx context.Context, tx *storage.Tx, user int64) error {
	v, err := commands.LoadViewer(ctx, tx, s.cfg, user)
	if err != nil {
		return err
	}
	if !v.Manager() {
		return errNoRole
	}
	return nil
}

// loginRefused answers why a login link cannot be used, and reports whether it did (false
// for err nil).
func (s *Server) loginRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, storage.ErrLoginUsed):
		s.message(w, r, http.StatusGone, "Link đã được dùng", "Link đăng nhập này đã được dùng rồi. Mỗi link chỉ dùng được một lần: hãy gửi /web cho bot để nhận link mới.")
	case errors.Is(err, storage.ErrLoginExpired):
		s.message(w, r, http.StatusGone, "Link đã hết hạn", "Link đăng nhập này đã hết hạn. Hãy gửi /web cho bot để nhận link mới.")
	case errors.Is(err, storage.ErrNotFound):
		s.message(w, r, http.StatusForbidden, "Link không đúng", "Link đăng nhập không đúng. Hãy gửi /web cho bot để nhận link mới và mở đúng link đó.")
	case errors.Is(err, errNoRole):
		s.message(w, r, http.StatusForbidden, "Chưa có quyền xem", "Trang số liệu dành cho hiệu trưởng và cán bộ quản lý giáo dục.")
	default:
		s.fail(w, r, err)
	}
	return true
}

var errNoRole = errors.New("web: no role that may see the dashboard")

// crossOrigin refuses a form posted from another site (a page elsewhere could otherwise log a
// visitor into someone else's session, or out of their own); a browser says where a form
// comes from (Sec-Fetch-Site, Origin), and web.public_url is this site even behind a proxy
// that rewrites the Host.
func (s *Server) crossOrigin() *http.CrossOriginProtection {
	p := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.cfg.Web.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := p.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.log.Warn("web: public url is no origin", "error", err)
		}
	}
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-store")
		s.message(w, r, http.StatusForbidden, "Yêu cầu bị từ chối", "Yêu cầu này được gửi từ một trang khác nên không được chấp nhận. Hãy mở lại link bot đã gửi.")
	}))
	return p
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
