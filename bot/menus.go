package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// menuSync keeps each private chat's command menu (setMyCommands, chat scope) equal to
// commands.Menu of its user's roles. The hash of the menu last set is kept in storage
// (kv "telegram.menu.<chat>") and cached in memory; a chat without one has the default
// menu of all private chats.
type menuSync struct {
	client *Client
	store  *storage.Store
	admins map[int64]bool
	log    *slog.Logger
	wake   chan struct{}

	mu      sync.Mutex
	cache   map[int64]string // chat → hash of the menu set
	pending map[int64]int64  // chat → user, to check
	current map[int64]int64  // chat → roles version (Tx.StoredRolesVersion) when its menu was last found current
	menus   map[string]menu  // role names (sorted, joined) → their menu, which depends on nothing else
}

// menu is the menu of a set of role names and its hash.
type menu struct {
	items []commands.MenuItem
	hash  string
}

// menuChange is a chat whose menu must be set.
type menuChange struct {
	chatID  int64
	items   []commands.MenuItem
	hash    string
	version int64 // roles version (Tx.StoredRolesVersion) the change was computed at
}

func newMenuSync(client *Client, store *storage.Store, admins []int64, log *slog.Logger) *menuSync {
	m := &menuSync{client: client, store: store, admins: map[int64]bool{}, log: log,
		cache: map[int64]string{}, pending: map[int64]int64{}, current: map[int64]int64{}, menus: map[string]menu{},
		wake: make(chan struct{}, 1)}
	for _, id := range admins {
		m.admins[id] = true
	}
	return m
}

func menuKey(chatID int64) string { return "telegram.menu." + strconv.FormatInt(chatID, 10) }

func menuHash(items []commands.MenuItem) string {
	h := sha256.New()
	for _, it := range items {
		h.Write([]byte(it.Command + "\x00" + it.Description + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// defaultMenu is the menu of every private chat without roles.
func defaultMenu() []commands.MenuItem { return commands.Menu(nil) }

// touched queues a check of the chat's menu; it is called after an update committed,
// so the check sees the roles the update gave or took.
func (m *menuSync) touched(u commands.Update) {
	if u.ChatType != "private" || u.UserID == 0 {
		return
	}
	m.mu.Lock()
	m.pending[u.ChatID] = u.UserID
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// run checks queued chats until ctx ends.
func (m *menuSync) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
		m.mu.Lock()
		pending := m.pending
		m.pending = map[int64]int64{}
		m.mu.Unlock()
		for _, c := range m.checkAll(ctx, pending) {
			m.apply(ctx, c)
		}
	}
}

// checkAll compares, for each queued chat, the menu of the user's roles with the one last
// set in the chat, in one read transaction. A chat whose menu was found current at the
// same roles version is skipped without reading its roles: a teacher's report does not
// read their roles. The version is the database's counter of role changes, so a role
// taken away by another process (the CLI's revoke) is noticed too.
func (m *menuSync) checkAll(ctx context.Context, pending map[int64]int64) []*menuChange {
	var changes []*menuChange
	err := m.store.View(ctx, func(tx *storage.Tx) error {
		changes = changes[:0]
		version, err := tx.StoredRolesVersion(ctx)
		if err != nil {
			return err
		}
		m.mu.Lock()
		for chat := range pending {
			if seen, ok := m.current[chat]; ok && seen == version {
				delete(pending, chat)
			}
		}
		m.mu.Unlock()
		for chat, user := range pending {
			c, err := m.check(ctx, tx, chat, user, version)
			if err != nil {
				return err
			}
			if c != nil {
				changes = append(changes, c)
			}
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("menu: check", "chats", len(pending), "error", err)
		}
		return nil
	}
	return changes
}

// check computes one chat's menu from the user's roles and returns a change when it differs
// from the menu last set there.
func (m *menuSync) check(ctx context.Context, tx *storage.Tx, chatID, userID, version int64) (*menuChange, error) {
	m.mu.Lock()
	old, cached := m.cache[chatID]
	m.mu.Unlock()
	roles, err := tx.RolesOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !cached {
		v, err := tx.Value(ctx, menuKey(chatID))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			old = menuHash(defaultMenu())
		case err != nil:
			return nil, err
		default:
			old = v
		}
	}
	var names []string
	if m.admins[userID] {
		names = append(names, storage.RoleAdmin)
	}
	for _, r := range roles {
		names = append(names, r.Role)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	key := strings.Join(names, ",")
	m.mu.Lock()
	defer m.mu.Unlock()
	want, ok := m.menus[key]
	if !ok {
		want.items = commands.Menu(names)
		want.hash = menuHash(want.items)
		m.menus[key] = want
	}
	m.cache[chatID] = old
	if want.hash != old {
		return &menuChange{chatID: chatID, items: want.items, hash: want.hash, version: version}, nil
	}
	m.current[chatID] = version
	return nil, nil
}

// apply sets the chat's menu and then remembers it; on failure the next update retries.
func (m *menuSync) apply(ctx context.Context, c *menuChange) {
	if err := m.client.SetCommands(ctx, c.chatID, c.items); err != nil {
		m.log.Warn("menu: setMyCommands failed", "chat_id", c.chatID, "error", err)
		return
	}
	err := m.store.Update(ctx, func(tx *storage.Tx) error {
		return tx.SetValue(ctx, menuKey(c.chatID), c.hash)
	})
	if err != nil {
		m.log.Warn("menu: remember", "chat_id", c.chatID, "error", err)
		return
	}
	m.mu.Lock()
	m.cache[c.chatID] = c.hash
	m.current[c.chatID] = c.version
	m.mu.Unlock()
	m.log.Info("menu set", "chat_id", c.chatID, "commands", menuNames(c.items))
}

// setDefault sets the menu of all private chats.
func (m *menuSync) setDefault(ctx context.Context) error {
	return m.client.SetCommands(ctx, 0, defaultMenu())
}

func menuNames(items []commands.MenuItem) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("/" + it.Command)
	}
	return b.String()
}
