package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// allowedUpdates are the update types the bot handles; Telegram sends no others.
var allowedUpdates = []string{"message", "callback_query"}

// callTimeout bounds one Bot API call other than a long poll.
const callTimeout = 60 * time.Second

// Client talks to the Bot API at a configurable endpoint (printf form
// "https://host/bot%s/%s"). It wraps go-telegram-bot-api: every call goes through the
// library, but over an HTTP client that carries the caller's context, so a cancelled
// context ends a long poll or a send at once. Errors never contain the token.
type Client struct {
	api     *tgbotapi.BotAPI
	hc      *http.Client
	token   string
	timeout time.Duration // bounds one call other than a long poll (callTimeout)
}

// ctxDoer is the library's HTTPClient with a context attached to every request.
type ctxDoer struct {
	hc  *http.Client
	ctx context.Context
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.hc.Do(req.WithContext(d.ctx))
}

// NewClient returns a client for the bot with token at endpoint. It makes no request;
// GetMe checks the token. The library's own log lines go to logger at debug level,
// token removed.
func NewClient(token, endpoint string, logger *slog.Logger) (*Client, error) {
	if token == "" {
		return nil, errors.New("bot: new client: empty token")
	}
	if !strings.Contains(endpoint, "%s") {
		return nil, fmt.Errorf("bot: new client: endpoint %q is not a printf form like https://host/bot%%s/%%s", endpoint)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	registerSecret(token)
	installLibraryLogger(logger)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	hc := &http.Client{Transport: tr}
	api := &tgbotapi.BotAPI{Token: token, Client: hc, Buffer: 100}
	api.SetAPIEndpoint(endpoint)
	return &Client{api: api, hc: hc, token: token, timeout: callTimeout}, nil
}

// lib returns a copy of the library's BotAPI whose requests carry ctx.
func (c *Client) lib(ctx context.Context) *tgbotapi.BotAPI {
	api := *c.api
	api.Client = ctxDoer{hc: c.hc, ctx: ctx}
	return &api
}

// wrap prefixes and redacts an error of method.
func (c *Client) wrap(method string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("bot: %s: %w", method, redactError(err, c.token))
}

// SetDebug turns the library's debug logging on or off (it goes through the redacting
// logger).
func (c *Client) SetDebug(on bool) { c.api.Debug = on }

// GetMe returns the bot's own user, checking the token.
func (c *Client) GetMe(ctx context.Context) (tgbotapi.User, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u, err := c.lib(ctx).GetMe()
	return u, c.wrap("getMe", err)
}

// GetUpdates long-polls for updates from offset for up to timeout; cancelling ctx ends
// the poll at once.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+c.timeout)
	defer cancel()
	ups, err := c.lib(ctx).GetUpdates(tgbotapi.UpdateConfig{
		Offset: int(offset), Limit: 100, Timeout: int(timeout / time.Second), AllowedUpdates: allowedUpdates,
	})
	return ups, c.wrap("getUpdates", err)
}

// request makes a call with raw parameters (for those the library lacks).
func (c *Client) request(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.lib(ctx).MakeRequest(method, params)
	return resp, c.wrap(method, err)
}

// SetWebhook points Telegram at url with the secret it must send in
// X-Telegram-Bot-Api-Secret-Token, for the update types the bot handles.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	allowed, _ := json.Marshal(allowedUpdates)
	_, err := c.request(ctx, "setWebhook", tgbotapi.Params{
		"url": url, "secret_token": secret, "allowed_updates": string(allowed),
	})
	return err
}

// DeleteWebhook removes the webhook (needed before getUpdates works), keeping pending updates.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	_, err := c.request(ctx, "deleteWebhook", tgbotapi.Params{})
	return err
}

// AnswerCallback acknowledges a button press.
func (c *Client) AnswerCallback(ctx context.Context, callbackID string) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := c.lib(ctx).Request(tgbotapi.NewCallback(callbackID, ""))
	return c.wrap("answerCallbackQuery", err)
}

// SetCommands sets the command menu of a scope: chatID 0 means all private chats,
// otherwise that chat. An empty menu deletes the scope's commands.
func (c *Client) SetCommands(ctx context.Context, chatID int64, items []commands.MenuItem) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
	if chatID != 0 {
		scope = tgbotapi.NewBotCommandScopeChat(chatID)
	}
	if len(items) == 0 {
		_, err := c.lib(ctx).Request(tgbotapi.NewDeleteMyCommandsWithScope(scope))
		return c.wrap("deleteMyCommands", err)
	}
	cmds := make([]tgbotapi.BotCommand, len(items))
	for i, it := range items {
		cmds[i] = tgbotapi.BotCommand{Command: it.Command, Description: it.Description}
	}
	_, err := c.lib(ctx).Request(tgbotapi.NewSetMyCommandsWithScope(scope, cmds...))
	return c.wrap("setMyCommands", err)
}

func keyboard(buttons [][]storage.Button) any {
	if len(buttons) == 0 {
		return nil
	}
	rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(buttons))
	for _, r := range buttons {
		row := make([]tgbotapi.InlineKeyboardButton, 0, len(r))
		for _, b := range r {
			if b.URL != "" {
				row = append(row, tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
			} else {
				row = append(row, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			}
		}
		rows = append(rows, row)
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// SendText sends an HTML message and returns its message id.
func (c *Client) SendText(ctx context.Context, chatID int64, text string, buttons [][]storage.Button) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	m := tgbotapi.NewMessage(chatID, text)
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableWebPagePreview = true
	if kb := keyboard(buttons); kb != nil {
		m.ReplyMarkup = kb
	}
	sent, err := c.lib(ctx).Send(m)
	return sent.MessageID, c.wrap("sendMessage", err)
}

// SendFile uploads a photo (photo true) or a document from bytes with an HTML caption
// and returns the message id.
func (c *Client) SendFile(ctx context.Context, chatID int64, photo bool, name string, data []byte, caption string, buttons [][]storage.Button) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if name == "" {
		name = "file"
		if photo {
			name = "chart.png"
		}
	}
	file := tgbotapi.FileBytes{Name: name, Bytes: data}
	var (
		sent   tgbotapi.Message
		err    error
		method = "sendDocument"
	)
	if photo {
		method = "sendPhoto"
		p := tgbotapi.NewPhoto(chatID, file)
		p.Caption, p.ParseMode = caption, tgbotapi.ModeHTML
		if kb := keyboard(buttons); kb != nil {
			p.ReplyMarkup = kb
		}
		sent, err = c.lib(ctx).Send(p)
	} else {
		d := tgbotapi.NewDocument(chatID, file)
		d.Caption, d.ParseMode = caption, tgbotapi.ModeHTML
		if kb := keyboard(buttons); kb != nil {
			d.ReplyMarkup = kb
		}
		sent, err = c.lib(ctx).Send(d)
	}
	return sent.MessageID, c.wrap(method, err)
}

// Failure kinds of a Bot API call, as the sender and the update loop treat them.
type failure int

const (
	failTransient  failure = iota // 5xx, network, undecodable answer: back off and retry
	failRetryAfter                // 429: pause for retry_after
	failGone                      // 403 blocked/deactivated/kicked, 400 chat not found: recipient cannot receive
	failPermanent                 // other 4xx: this message will never go through
	failCanceled                  // our context ended
)

// classify tells what a failed call means. Upload errors of the library carry no code
// (only the description), so the code is inferred from the description's prefix.
func classify(err error) (kind failure, retryAfter time.Duration, code int) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return failCanceled, 0, 0
	}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return failTransient, 0, 0
	}
	code = te.Code
	if code == 0 {
		code = codeFromDescription(te.Message)
	}
	if te.RetryAfter > 0 || code == 429 {
		ra := time.Duration(te.RetryAfter) * time.Second
		if ra <= 0 {
			ra = time.Second
		}
		return failRetryAfter, ra, 429
	}
	desc := strings.ToLower(te.Message)
	switch {
	case code == 403:
		return failGone, 0, code
	case code == 400 && (strings.Contains(desc, "chat not found") || strings.Contains(desc, "user not found") ||
		strings.Contains(desc, "peer_id_invalid") || strings.Contains(desc, "user is deactivated")):
		return failGone, 0, code
	case code == 400 || code == 404 || code == 413:
		return failPermanent, 0, code
	}
	return failTransient, 0, code
}

func codeFromDescription(desc string) int {
	prefixes := []struct {
		p    string
		code int
	}{
		{"Too Many Requests", 429}, {"Forbidden", 403}, {"Bad Request", 400}, {"Unauthorized", 401},
		{"Not Found", 404}, {"Conflict", 409}, {"Request Entity Too Large", 413},
	}
	for _, p := range prefixes {
		if strings.HasPrefix(desc, p.p) {
			return p.code
		}
	}
	if n, err := strconv.Atoi(strings.Fields(desc + " x")[0]); err == nil && n >= 100 && n < 600 {
		return n
	}
	return 500
}
