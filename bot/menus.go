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
	admins map[int64]bool
	log    *slog.Logger

	mu    sync.Mutex
	cache map[int64]string
}

// menuChange is a chat whose menu must be set after the update commits.
type menuChange struct {
	chatID int64
	items  []commands.MenuItem
	hash   string
}

func newMenuSync(client *Client, admins []int64, log *slog.Logger) *menuSync {
	m := &menuSync{client: client, admins: map[int64]bool{}, log: log, cache: map[int64]string{}}
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

// check runs inside the update's transaction, after the handler, so it sees role
// changes the update made. It returns the change to apply after commit, or nil.
func (m *menuSync) check(ctx context.Context, tx *storage.Tx, u commands.Update) *menuChange {
	if u.ChatType != "private" || u.UserID == 0 {
		return nil
	}
	roles, err := tx.RolesOfUser(ctx, u.UserID)
	if err != nil {
		m.log.Warn("menu: roles", "chat_id", u.ChatID, "error", err)
		return nil
	}
	var names []string
	if m.admins[u.UserID] {
		names = append(names, storage.RoleAdmin)
	}
	for _, r := range roles {
		names = append(names, r.Role)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	items := commands.Menu(names)
	hash := menuHash(items)

	m.mu.Lock()
	old, ok := m.cache[u.ChatID]
	m.mu.Unlock()
	if !ok {
		v, err := tx.Value(ctx, menuKey(u.ChatID))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			old = menuHash(defaultMenu())
		case err != nil:
			m.log.Warn("menu: stored hash", "chat_id", u.ChatID, "error", err)
			return nil
		default:
			old = v
		}
		m.mu.Lock()
		m.cache[u.ChatID] = old
		m.mu.Unlock()
	}
	if old == hash {
		return nil
	}
	return &menuChange{chatID: u.ChatID, items: items, hash: hash}
}

// apply sets the chat's menu and then remembers it; on failure the next update retries.
func (m *menuSync) apply(ctx context.Context, store *storage.Store, c *menuChange) {
	if err := m.client.SetCommands(ctx, c.chatID, c.items); err != nil {
		m.log.Warn("menu: setMyCommands failed", "chat_id", c.chatID, "error", err)
		return
	}
	err := store.Update(ctx, func(tx *storage.Tx) error {
		return tx.SetValue(ctx, menuKey(c.chatID), c.hash)
	})
	if err != nil {
		m.log.Warn("menu: remember", "chat_id", c.chatID, "error", err)
		return
	}
	m.mu.Lock()
	m.cache[c.chatID] = c.hash
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
