// Package zalo is the client of Zalo's Bot API (bot-api.zaloplatforms.com):
// calls, the webhook receiver, and the conversion of Zalo updates into the
// plain fields the commands need. Failed calls come back as *failure.Error
// wrapping a *zalo.Error, so the sender treats them like Telegram's. The bot
// token never appears in an error.
package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot/failure"
)

// DefaultEndpoint is the API endpoint in printf form (token, method).
const DefaultEndpoint = "https://bot-api.zaloplatforms.com/bot%s/%s"

// DefaultThrottlePause is how long a 429 pauses the channel: Zalo says
// nothing about when to come back, unlike Telegram's retry_after.
const DefaultThrottlePause = time.Second

// MaxTextLen is the longest text or caption Zalo accepts, in characters
// (runes, not bytes); longer texts must be split before sending.
const MaxTextLen = 2000

// DefaultCallTimeout bounds one call other than a long poll.
const DefaultCallTimeout = 30 * time.Second

// pollGrace is added to a long poll's own timeout before the client gives up
// on a server that never answers.
const pollGrace = 10 * time.Second

// maxResponse bounds an answer's body.
const maxResponse = 4 << 20

// Client calls the Bot API for one bot. Set ThrottlePause and CallTimeout
// before the first call; a Client is then safe for concurrent use.
type Client struct {
	token    string
	endpoint string
	hc       *http.Client

	// ThrottlePause is the pause a 429 asks for (DefaultThrottlePause).
	ThrottlePause time.Duration
	// CallTimeout bounds a call other than getUpdates (DefaultCallTimeout).
	CallTimeout time.Duration
}

// New returns a client for the bot with token at endpoint, in printf form
// "https://host/bot%s/%s" (DefaultEndpoint when empty). A nil httpClient
// gets a client of its own without a global timeout (every call has its
// own). New makes no request; GetMe checks the token.
func New(token, endpoint string, httpClient *http.Client) (*Client, error) {
	if token == "" {
		return nil, errors.New("zalo: new client: empty token")
	}
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("zalo: new client: endpoint %q is not a printf form like https://host/bot%%s/%%s", endpoint)
	}
	if httpClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		httpClient = &http.Client{Transport: tr}
	}
	return &Client{token: token, endpoint: endpoint, hc: httpClient,
		ThrottlePause: DefaultThrottlePause, CallTimeout: DefaultCallTimeout}, nil
}

// Error is an error answer of the API: the error_code and description of the
// body, whatever the HTTP status was (Zalo sends errors with HTTP 200).
type Error struct {
	Code        int
	Description string
	Method      string
	HTTPStatus  int
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("zalo: %s: error %d: %s", e.Method, e.Code, e.Description)
}

// envelope is every answer: {ok, result} or {ok:false, error_code, description}.
type envelope struct {
	OK             bool            `json:"ok"`
	Result         json.RawMessage `json:"result"`
	ErrorCode      int             `json:"error_code"`
	ErrorCodeCamel int             `json:"errorCode"`
	Description    string          `json:"description"`
}

// call POSTs params as JSON to method and returns the result. Every error is a
// *failure.Error; an API answer is a *Error inside it.
func (c *Client) call(ctx context.Context, method string, params map[string]any, timeout time.Duration) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if params == nil {
		params = map[string]any{}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, &failure.Error{Kind: failure.Permanent, Err: fmt.Errorf("zalo: %s: encode: %w", method, err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(c.endpoint, c.token, method), bytes.NewReader(body))
	if err != nil {
		return nil, &failure.Error{Kind: failure.Permanent, Err: fmt.Errorf("zalo: %s: %w", method, redactError(err, c.token))}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(method, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, c.transportError(method, err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		if resp.StatusCode >= 400 {
			// A gateway's own page, not the API's JSON: the status is all there is.
			return nil, c.classify(&Error{Code: resp.StatusCode, Description: http.StatusText(resp.StatusCode), Method: method, HTTPStatus: resp.StatusCode})
		}
		return nil, &failure.Error{Kind: failure.RetryLater, Err: fmt.Errorf("zalo: %s: undecodable answer (HTTP %d): %w", method, resp.StatusCode, err)}
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = env.ErrorCodeCamel
		}
		if code == 0 && resp.StatusCode >= 400 {
			code = resp.StatusCode
		}
		return nil, c.classify(&Error{Code: code, Description: env.Description, Method: method, HTTPStatus: resp.StatusCode})
	}
	return env.Result, nil
}

// transportError classifies a failure to get an answer, token removed.
func (c *Client) transportError(method string, err error) error {
	kind := failure.RetryLater
	if errors.Is(err, context.Canceled) {
		kind = failure.Canceled
	}
	return &failure.Error{Kind: kind, Err: fmt.Errorf("zalo: %s: %w", method, redactError(err, c.token))}
}

// classify gives an API error its channel-neutral kind.
func (c *Client) classify(e *Error) *failure.Error {
	return &failure.Error{Kind: Kind(e), Pause: c.pause(e), Err: e}
}

func (c *Client) pause(e *Error) time.Duration {
	if Kind(e) != failure.Throttled {
		return 0
	}
	if c.ThrottlePause > 0 {
		return c.ThrottlePause
	}
	return DefaultThrottlePause
}

// Kind classifies an API error: 403 or a description saying the user blocked
// the bot → Blocked; 404, or 400 saying the chat or user is not found →
// Gone; 429 → Throttled; 5xx and 408 → RetryLater; 401 → RetryLater too (a
// reset token is the operator's trouble, not the recipient's, and the message
// must survive it); any other 4xx → Permanent.
func Kind(e *Error) failure.Kind {
	desc := strings.ToLower(e.Description)
	switch c := e.Code; {
	case c == 403 || strings.Contains(desc, "blocked"):
		return failure.Blocked
	case c == 404 || (c == 400 && (strings.Contains(desc, "not found") || strings.Contains(desc, "not exist"))):
		return failure.Gone
	case c == 429:
		return failure.Throttled
	case c >= 500 || c == 408 || c == 401 || c == 0:
		return failure.RetryLater
	}
	return failure.Permanent
}

// GetMe checks the token and returns the bot's account.
func (c *Client) GetMe(ctx context.Context) (BotInfo, error) {
	var b BotInfo
	raw, err := c.call(ctx, "getMe", nil, c.timeout())
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return b, decodeError("getMe", err)
	}
	return b, nil
}

// GetUpdates long-polls for up to timeout (whole seconds, at least 1) and
// returns what came: usually one update, several if the API answers an array,
// none when the poll ended empty (error 408). An update returned here is gone
// from Zalo: a crash before it is recorded loses it.
func (c *Client) GetUpdates(ctx context.Context, timeout time.Duration) ([]Update, error) {
	secs := max(int(timeout/time.Second), 1)
	raw, err := c.call(ctx, "getUpdates", map[string]any{"timeout": strconv.Itoa(secs)}, time.Duration(secs)*time.Second+pollGrace)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == 408 {
			return nil, nil
		}
		return nil, err
	}
	ups, err := decodeUpdates(raw)
	if err != nil {
		return nil, decodeError("getUpdates", err)
	}
	return ups, nil
}

// SendMessage sends text (1 to MaxTextLen characters) to chatID.
func (c *Client) SendMessage(ctx context.Context, chatID, text string) (Sent, error) {
	return c.send(ctx, "sendMessage", map[string]any{"chat_id": chatID, "text": text})
}

// SendPhoto sends the image at photoURL, which Zalo fetches, with an optional
// caption (up to MaxTextLen characters).
func (c *Client) SendPhoto(ctx context.Context, chatID, photoURL, caption string) (Sent, error) {
	p := map[string]any{"chat_id": chatID, "photo": photoURL}
	if caption != "" {
		p["caption"] = caption
	}
	return c.send(ctx, "sendPhoto", p)
}

func (c *Client) send(ctx context.Context, method string, p map[string]any) (Sent, error) {
	var s Sent
	raw, err := c.call(ctx, method, p, c.timeout())
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, decodeError(method, err)
	}
	return s, nil
}

// SendChatAction shows action ("typing") in chatID.
func (c *Client) SendChatAction(ctx context.Context, chatID, action string) error {
	_, err := c.call(ctx, "sendChatAction", map[string]any{"chat_id": chatID, "action": action}, c.timeout())
	return err
}

// SetWebhook makes Zalo POST updates to url (https) with secret (8 to 256
// characters) in X-Bot-Api-Secret-Token; getUpdates stops working meanwhile.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) (WebhookInfo, error) {
	return c.webhookCall(ctx, "setWebhook", map[string]any{"url": url, "secret_token": secret})
}

// DeleteWebhook removes the webhook, so that getUpdates works again.
func (c *Client) DeleteWebhook(ctx context.Context) (WebhookInfo, error) {
	return c.webhookCall(ctx, "deleteWebhook", nil)
}

// GetWebhookInfo returns the webhook set (URL empty when none).
func (c *Client) GetWebhookInfo(ctx context.Context) (WebhookInfo, error) {
	return c.webhookCall(ctx, "getWebhookInfo", nil)
}

func (c *Client) webhookCall(ctx context.Context, method string, p map[string]any) (WebhookInfo, error) {
	var w WebhookInfo
	raw, err := c.call(ctx, method, p, c.timeout())
	if err != nil {
		return w, err
	}
	// Some answers are a bare true rather than the documented object.
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return w, nil
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return w, decodeError(method, err)
	}
	return w, nil
}

func (c *Client) timeout() time.Duration {
	if c.CallTimeout > 0 {
		return c.CallTimeout
	}
	return DefaultCallTimeout
}

// decodeError is an answer whose result has an unexpected shape: the call
// may have been carried out, so it is not worth repeating blindly.
func decodeError(method string, err error) error {
	return &failure.Error{Kind: failure.Permanent, Err: fmt.Errorf("zalo: %s: decode result: %w", method, err)}
}
