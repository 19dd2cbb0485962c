package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/schedule"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// Engine is the conversation engine: it decides what an update means, checks who may do
// it, writes its effects and enqueues its replies, all in the channel's transaction.
type Engine struct {
	cfg    config.Config
	clock  func() time.Time
	loc    *time.Location
	bot    string
	log    *slog.Logger
	boards *reminders.Service
	limit  *inboundLimit
	// callers keeps loaded callers between updates (see callerCache).
	callers callerCache
}

var _ Handler = (*Engine)(nil)

// Option configures an Engine.
type Option func(*Engine)

// WithBotUsername sets the bot's @username (without the @) used in the deep links of
// in-chat invites; without it /moi shows "/start CODE" for the invitee to type.
func WithBotUsername(name string) Option {
	return func(e *Engine) { e.bot = strings.TrimPrefix(strings.TrimSpace(name), "@") }
}

// WithLogger sets the logger (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithReminders connects the reminders service behind /xephang (BoardMessages), /xuat
// (Workbook) and /guingay (RunScoped); without it those commands say they are not available.
func WithReminders(s *reminders.Service) Option { return func(e *Engine) { e.boards = s } }

// New returns an Engine for the configuration; clock is the time source (time.Now in
// production, a fixed clock in tests) used for weeks, invite expiry and conversations.
func New(cfg config.Config, clock func() time.Time, opts ...Option) *Engine {
	if clock == nil {
		clock = time.Now
	}
	e := &Engine{cfg: cfg, clock: clock, loc: cfg.Location(), log: slog.Default(),
		limit: newInboundLimit(cfg.Limits.MessagesPerMinute, cfg.Limits.Burst)}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Week returns the current ISO week in the campaign's time zone.
func (e *Engine) Week() string { return storage.WeekOf(e.clock(), e.loc) }

// turn is one update being handled: its transaction, its sender and its replies.
type turn struct {
	e   *Engine
	tx  *storage.Tx
	u   Update
	who *caller
	n   int
}

// reply enqueues a message to the chat the update came from.
func (t *turn) reply(ctx context.Context, text string, buttons [][]storage.Button) error {
	t.n++
	return t.send(ctx, fmt.Sprintf("reply/%d/%d", t.u.ID, t.n), t.u.ChatID, text, buttons)
}

// send enqueues a message to any chat under a dedupe key.
func (t *turn) send(ctx context.Context, key string, chatID int64, text string, buttons [][]storage.Button) error {
	_, err := t.tx.Enqueue(ctx, storage.Message{DedupeKey: key, ChatID: chatID, Priority: storage.PriorityReply, Text: text, Buttons: buttons})
	if err != nil {
		return fmt.Errorf("commands: reply: %w", err)
	}
	return nil
}

// sendToParent enqueues a message to a parent, held until morning during quiet hours.
func (t *turn) sendToParent(ctx context.Context, key string, chatID int64, text string) error {
	m := storage.Message{DedupeKey: key, ChatID: chatID, Priority: storage.PriorityReply, Text: text}
	m.NotBefore = schedule.QuietUntil(t.e.cfg.QuietHours, t.e.loc, t.e.clock())
	if _, err := t.tx.Enqueue(ctx, m); err != nil {
		return fmt.Errorf("commands: notify parent: %w", err)
	}
	return nil
}

// replyLong sends the header and lines as one message, however long: the channel's sender
// cuts it at line boundaries into parts its chat accepts (package bot/split) and records
// each part it delivered.
func (t *turn) replyLong(ctx context.Context, header string, lines []string, buttons [][]storage.Button) error {
	text := strings.Join(lines, "\n")
	switch {
	case len(lines) == 0:
		text = header
	case header != "":
		text = header + "\n" + text
	}
	return t.reply(ctx, text, buttons)
}

func (t *turn) private() bool { return t.u.ChatType == "" || t.u.ChatType == "private" }

func (t *turn) week() string { return storage.WeekOf(t.e.clock(), t.e.loc) }

// Handle applies one update. It answers every message a person sends (a stranger gets a
// polite explanation); it returns an error only when storage fails, so the channel's
// transaction rolls back and nothing partial is kept.
func (e *Engine) Handle(ctx context.Context, tx *storage.Tx, u Update) error {
	if u.UserID == 0 {
		return nil
	}
	if !u.IsCallback() && strings.TrimSpace(u.Text) == "" {
		return nil
	}
	t := &turn{e: e, tx: tx, u: u}
	if v := e.limit.take(u.UserID, u.ID, e.clock()); !v.allow {
		if v.notice {
			return t.reply(ctx, floodNotice(v.wait), nil)
		}
		return nil
	}
	if t.private() {
		if err := tx.TouchUser(ctx, storage.User{ID: u.UserID, ChatID: u.ChatID, Name: u.Name, Username: u.Username}); err != nil {
			return fmt.Errorf("commands: %w", err)
		}
	}
	who, err := e.loadCaller(ctx, tx, u.UserID)
	if err != nil {
		return err
	}
	t.who = who
	if u.IsCallback() {
		return e.handleCallback(ctx, t)
	}
	return e.handleText(ctx, t)
}

// command is a slash command split into its folded name and its argument text.
type command struct {
	name string // folded, without "/" and "@bot": "baocao"
	args string // the rest, trimmed
}

// parseCommand recognises "/name[@bot] args".
func parseCommand(text string) (command, bool) {
	s := strings.TrimSpace(vntext.NFC(vntext.Narrow(text)))
	if !strings.HasPrefix(s, "/") {
		return command{}, false
	}
	s = s[1:]
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		end = len(s)
	}
	name, args := s[:end], strings.TrimSpace(s[end:])
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	// No command name holds a digit: one typed right after the name starts the
	// arguments, as in "/baocao6B 40 30 5" or "/chuadong6A".
	if i := strings.IndexFunc(name, unicode.IsDigit); i > 0 {
		name, args = name[:i], strings.TrimSpace(name[i:]+" "+args)
	}
	name = strings.ReplaceAll(vntext.Fold(name), "_", "")
	if name == "" {
		return command{}, false
	}
	return command{name: name, args: args}, true
}

// commandFunc handles one slash command.
type commandFunc func(ctx context.Context, t *turn, args string) error

// where is the kind of chat a command may be used in.
type where int

const (
	anyChat     where = iota // a private chat or a group
	privateOnly              // it names pupils, hands out links or grants: never in a group
)

// rule is who may use a command and where.
type rule struct {
	allow  func(c *caller) bool
	where  where
	denied string // why a caller without the role may not use it
}

func anyone(*caller) bool  { return true }
func known(c *caller) bool { return !c.stranger() }

// rules decides, for every command, which callers may use it in which chats. Typed
// commands and button presses are checked by the same entry: a press is checked as the
// command its button belongs to (buttonCommand), so data typed by hand gets no further
// than the command would.
var rules = map[string]rule{
	"start":    {allow: anyone, where: privateOnly},
	"huongdan": {allow: anyone, where: anyChat},
	"help":     {allow: anyone, where: anyChat},
	"toi":      {allow: anyone, where: privateOnly},
	"huy":      {allow: anyone, where: anyChat},
	"lop":      {allow: known, where: anyChat},
	"baocao":   {allow: (*caller).isTeacher, where: anyChat, denied: deniedTeacher},
	"chuadong": {allow: (*caller).isTeacher, where: privateOnly, denied: deniedTeacher},
	"dadong":   {allow: (*caller).isTeacher, where: privateOnly, denied: deniedTeacher},
	"khac":     {allow: (*caller).isTeacher, where: privateOnly, denied: deniedTeacher},
	"xoadong":  {allow: (*caller).isTeacher, where: privateOnly, denied: deniedTeacher},
	"moi":      {allow: (*caller).canInvite, where: privateOnly, denied: deniedInvite},
	"thuhoi":   {allow: (*caller).canInvite, where: privateOnly, denied: deniedInvite},
	"xoaquyen": {allow: (*caller).canInvite, where: privateOnly, denied: deniedInvite},
	"cothe":    {allow: (*caller).isParent, where: privateOnly, denied: deniedParent},
	"con":      {allow: (*caller).isParent, where: privateOnly, denied: deniedParent},
	"xephang":  {allow: (*caller).isManager, where: anyChat, denied: deniedManager},
	"xuat":     {allow: (*caller).isAreaManager, where: privateOnly, denied: deniedAreaManager},
	"guingay":  {allow: (*caller).isAreaManager, where: privateOnly, denied: deniedAreaManager},
	"web":      {allow: (*caller).isManager, where: privateOnly, denied: deniedManager},
}

// buttonCommand maps a button's callback prefix to the command it belongs to.
var buttonCommand = map[string]string{
	button.Report: "baocao",   // the guided report
	button.Claim:  "dadong",   // a teacher marks a pupil insured on a parent's claim
	button.Invite: "moi",      // class choices of /moi
	button.Link:   "moi",      // a teacher admits a class-link parent to a pupil
	button.Revoke: "xoaquyen", // choices and confirmation of /xoaquyen
	button.Card:   "cothe",    // a parent's "my child has a card"
}

// permit checks the rule of a command for the turn's caller and chat; when it refuses, it
// answers why and returns false.
func (t *turn) permit(ctx context.Context, name string) (bool, error) {
	r, ok := rules[name]
	switch {
	case !ok:
		return false, t.reply(ctx, "Nút này không còn dùng được. Gõ /huongdan để xem các lệnh.", nil)
	case r.where == privateOnly && !t.private():
		return false, t.reply(ctx, "Lệnh này chỉ dùng trong tin nhắn riêng với bot, để không lộ thông tin trong nhóm.", nil)
	case !r.allow(t.who):
		if t.who.stranger() {
			return false, t.reply(ctx, strangerText, nil)
		}
		return false, t.reply(ctx, r.denied+" Gõ /huongdan để xem các lệnh dùng được.", nil)
	}
	return true, nil
}

// commands maps each command of rules to its handler.
func (e *Engine) commands() map[string]commandFunc {
	return map[string]commandFunc{
		"start":    e.cmdStart,
		"huongdan": e.cmdHelp,
		"help":     e.cmdHelp,
		"toi":      e.cmdWhoAmI,
		"huy":      e.cmdCancel,
		"lop":      e.cmdClasses,
		"baocao":   e.cmdReport,
		"chuadong": e.cmdUninsured,
		"dadong":   e.markCmd(storage.StatusSchool),
		"khac":     e.markCmd(storage.StatusOther),
		"xoadong":  e.markCmd(storage.StatusUninsured),
		"moi":      e.cmdInvite,
		"thuhoi":   e.cmdRevoke,
		"xoaquyen": e.cmdRemoveRole,
		"cothe":    e.cmdHasCard,
		"con":      e.cmdChild,
		"xephang":  e.cmdBoard,
		"xuat":     e.cmdExport,
		"guingay":  e.cmdSendNow,
		"web":      e.cmdWeb,
	}
}

const (
	deniedTeacher     = "Lệnh này dành cho giáo viên chủ nhiệm."
	deniedInvite      = "Lệnh này dành cho giáo viên, hiệu trưởng và cán bộ quản lý giáo dục."
	deniedParent      = "Lệnh này dành cho phụ huynh đã liên kết với học sinh."
	deniedManager     = "Lệnh này dành cho hiệu trưởng và cán bộ quản lý giáo dục."
	deniedAreaManager = "Lệnh này dành cho cán bộ quản lý giáo dục."
)

func (e *Engine) handleText(ctx context.Context, t *turn) error {
	if cmd, ok := parseCommand(t.u.Text); ok {
		run, known := e.commands()[cmd.name]
		if !known {
			if !t.private() {
				return nil // another bot's command in a group
			}
			if t.who.stranger() {
				return t.reply(ctx, strangerText, nil)
			}
			return t.reply(ctx, "Mình chưa hiểu lệnh “/"+vntext.EscapeHTML(clip(cmd.name))+"”. Gõ /huongdan để xem các lệnh dùng được.", nil)
		}
		if ok, err := t.permit(ctx, cmd.name); !ok {
			return err
		}
		return run(ctx, t, cmd.args)
	}
	if !t.private() {
		return nil // group chatter is not for the bot
	}
	// Zalo has no deep link: a message that is exactly an invite code is /start CODE.
	if code := strings.TrimSpace(t.u.Text); len(code) == CodeLength && validCode(code) {
		if _, err := t.tx.InviteByCode(ctx, code); err == nil {
			return e.cmdStart(ctx, t, code)
		} else if !isNotFound(err) {
			return fmt.Errorf("commands: %w", err)
		}
	}
	kind, state, err := t.tx.Conversation(ctx, t.u.UserID)
	switch {
	case err == nil:
		return e.continueConversation(ctx, t, kind, state)
	case !isNotFound(err):
		return fmt.Errorf("commands: %w", err)
	}
	if t.who.isParent() && isHasCardText(t.u.Text) {
		return e.hasCard(ctx, t, 0, 0)
	}
	if t.who.isTeacher() {
		handled, err := e.textReport(ctx, t)
		if handled || err != nil {
			return err
		}
	}
	if t.who.stranger() {
		return t.reply(ctx, strangerText, nil)
	}
	return t.reply(ctx, "Mình chưa hiểu tin nhắn này. Gõ /huongdan để xem các lệnh dùng được.", nil)
}

// continueConversation feeds a text to the guided conversation in progress.
func (e *Engine) continueConversation(ctx context.Context, t *turn, kind, state string) error {
	switch kind {
	case convReport:
		return e.guidedText(ctx, t, state)
	case convParent:
		return e.parentIdentify(ctx, t, state)
	}
	if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
		return fmt.Errorf("commands: %w", err)
	}
	return t.reply(ctx, "Cuộc trò chuyện trước đã kết thúc. Gõ /huongdan để xem các lệnh.", nil)
}

// handleCallback dispatches a button press by the prefix of its data, after the rule of
// the command the button belongs to.
func (e *Engine) handleCallback(ctx context.Context, t *turn) error {
	data := t.u.Data
	prefix, rest := button.Split(data)
	name, ok := buttonCommand[prefix]
	if !ok {
		if t.who.stranger() {
			return t.reply(ctx, strangerText, nil)
		}
		return t.reply(ctx, "Nút này không còn dùng được. Gõ /huongdan để xem các lệnh.", nil)
	}
	if ok, err := t.permit(ctx, name); !ok {
		return err
	}
	switch prefix {
	case button.Report:
		return e.guidedButton(ctx, t, rest)
	case button.Claim:
		return e.claimDecision(ctx, t, rest)
	case button.Invite:
		return e.inviteButton(ctx, t, rest)
	case button.Link:
		return e.linkDecision(ctx, t, rest)
	case button.Revoke:
		return e.removeRoleButton(ctx, t, rest)
	}
	return e.cardButton(ctx, t)
}

const strangerText = "Xin chào! Đây là trợ lý theo dõi tham gia <b>bảo hiểm y tế học sinh</b>. " +
	"Tài khoản này chưa được cấp quyền sử dụng bot. Hãy xin đường link mời từ giáo viên chủ nhiệm, nhà trường hoặc " +
	"cơ quan quản lý giáo dục, rồi bấm vào link đó (hoặc gõ /start kèm mã mời). Xin cảm ơn!"

func (e *Engine) cmdCancel(ctx context.Context, t *turn, _ string) error {
	_, _, err := t.tx.Conversation(ctx, t.u.UserID)
	if isNotFound(err) {
		return t.reply(ctx, "Không có việc nào đang làm dở để hủy.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: cancel: %w", err)
	}
	if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
		return fmt.Errorf("commands: cancel: %w", err)
	}
	return t.reply(ctx, "Đã hủy. Chưa có gì được ghi.", nil)
}

// clip makes typed text safe to quote back: non-graphic runes become U+FFFD and long text
// is shortened to 40 runes. The caller still HTML-escapes it.
func clip(s string) string {
	const max = 40
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsGraphic(r) {
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
