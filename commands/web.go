package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// Viewer is a person as the dashboard sees them: the same roles and scope rules as the chat
// commands, so a page shows exactly what /xephang would.
type Viewer struct{ c *caller }

// LoadViewer reads the user's roles (admins also from cfg.Admins) as the chat commands do.
func LoadViewer(ctx context.Context, tx *storage.Tx, cfg config.Config, userID int64) (*Viewer, error) {
	c, err := (&Engine{cfg: cfg}).loadCaller(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	return &Viewer{c: c}, nil
}

// Manager reports whether the viewer may open the dashboard: the rule of /web in the
// commands' table (admins, officers, principals), read from that table so chat and web
// cannot disagree.
func (v *Viewer) Manager() bool { return rules["web"].allow(v.c) }

// MayExport reports whether the viewer may download a board's Excel workbook: the rule of
// /xuat in the commands' table.
func (v *Viewer) MayExport() bool { return rules["xuat"].allow(v.c) }

// Admin reports whether the viewer sees every area.
func (v *Viewer) Admin() bool { return v.c.admin }

// CanArea reports whether the viewer oversees the area at path.
func (v *Viewer) CanArea(path string) bool { return v.c.canArea(path) }

// CanSchool reports whether the viewer may see the school's figures.
func (v *Viewer) CanSchool(s storage.School) bool { return v.c.canSchool(s) }

// CanClass reports whether the viewer may see the class's figures.
func (v *Viewer) CanClass(cl storage.Class) bool { return v.c.canClass(cl) }

// Scopes are the boards the viewer may see, as /xephang shows them: each school they lead,
// each area they oversee, or for an admin the empty scope (every top-level area).
func (v *Viewer) Scopes() []storage.Scope { return boardScopes(v.c) }

// WebLink stores a one-time dashboard login for the user, valid cfg.Web.LoginTTL from now, and
// returns its link <web.public_url>/login/<token>.
func WebLink(ctx context.Context, tx *storage.Tx, cfg config.Config, userID int64) (string, error) {
	tok, err := tx.CreateWebLogin(ctx, userID, tx.Now().Add(cfg.Web.LoginTTL))
	if err != nil {
		return "", fmt.Errorf("commands: web link: %w", err)
	}
	return strings.TrimRight(cfg.Web.PublicURL, "/") + "/login/" + tok, nil
}

// cmdWeb answers /web with a one-time link to the dashboard; the link is a secret, so the
// command works only in a private chat.
func (e *Engine) cmdWeb(ctx context.Context, t *turn, _ string) error {
	if e.cfg.Web.Listen == "" || e.cfg.Web.PublicURL == "" {
		return t.reply(ctx, "Trang số liệu trên web chưa được bật trên máy chủ. Hãy liên hệ quản trị viên.", nil)
	}
	link, err := WebLink(ctx, t.tx, e.cfg, t.u.UserID)
	if err != nil {
		return err
	}
	return t.reply(ctx, "🔗 Link xem bảng số liệu trên trình duyệt (chỉ dùng được một lần, trong "+
		formatTTL(e.cfg.Web.LoginTTL.Minutes())+"):\n"+link+"\nKhông chuyển link này cho người khác. Hết hạn thì gửi lại /web.", nil)
}

func formatTTL(minutes float64) string {
	if minutes >= 60 && int(minutes)%60 == 0 {
		return fmt.Sprintf("%d giờ", int(minutes)/60)
	}
	return fmt.Sprintf("%d phút", int(minutes))
}
