package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// Outbound is one chat network as the sender sees it: a few calls and the network's limits.
// The sender plans a message into calls by the limits (splitting the text where the channel
// needs it), keeps the channel's rate budget and decides what a failure means; the
// channel's adapter only makes the calls. A failed call returns a *failure.Error (or a
// context error) whose kind, not the network's own code, tells the sender what to do:
// Blocked or Gone deactivate the recipient, Throttled pauses this channel only, RetryLater
// backs off, Permanent makes the message dead.
//
// Recipients are internal chat ids (the outbox's); the adapter maps them to its network's.
// Texts are in the neutral markup (a few HTML tags and entities), which each channel renders.
type Outbound interface {
	// Limits are the channel's limits on one call and how it takes files.
	Limits() Limits
	// SendText sends one text with buttons (nil: none) and returns the channel's message id.
	SendText(ctx context.Context, chatID int64, text string, buttons [][]storage.Button) (int, error)
	// SendFile sends a photo or a document with a caption and buttons: the bytes, or for a
	// channel that takes links (Limits.Links) the URL where the channel or the person
	// fetches it.
	SendFile(ctx context.Context, chatID int64, f File, caption string, buttons [][]storage.Button) (int, error)
}

// Limits are what one call of a channel may carry.
type Limits struct {
	Text    int              // longest text of one call, in Len's unit
	Caption int              // longest caption of a photo or document, in Len's unit
	Len     func(string) int // the channel's unit of length (UTF-16 code units, characters)
	// Links: the channel takes no uploads. A photo goes as a URL the channel fetches and a
	// document as a download link in the text, both drawn when the link is opened.
	Links bool
	// Buttons is the length buttons add to the text they end when the channel writes them
	// into it (numbered choices); nil when they are shown apart from the text.
	Buttons func([][]storage.Button) int
}

// File is a message's photo or document as one call carries it.
type File struct {
	Photo bool   // a photo, else a document
	Name  string // file name ("" lets the channel choose)
	Data  []byte // the bytes to upload (a channel that uploads)
	URL   string // where it is fetched (a channel that takes links)
}

// finisher is an Outbound that acts once every call of a message went through: Zalo
// remembers the numbered choices a reply "2" presses.
type finisher interface {
	Finish(ctx context.Context, m storage.Message)
}

// preloader is an Outbound that reads what it needs to know of a recipient (Zalo: the chat's
// id on Zalo) in the transaction that loads the message, rather than in one of its own.
// A recipient it cannot read is not an error here: the send then says why.
type preloader interface {
	Preload(ctx context.Context, tx *storage.Tx, chatID int64) error
}

// newLinkToken is an unguessable token of 32 random bytes.
func newLinkToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("bot: link token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// link records a message's file under a new token and returns its URL, for a channel that
// takes links: the web dashboard serves it (drawn from the spec when opened) until it expires.
func (s *Sender) link(ctx context.Context, m storage.Message) (string, error) {
	if s.publicURL == "" {
		return "", errors.New("bot: web.public_url is empty: files cannot be linked")
	}
	token, err := newLinkToken()
	if err != nil {
		return "", err
	}
	l := storage.FileLink{OutboxID: m.ID, Kind: m.Kind(), FileName: m.FileName, Render: m.Render}
	if m.Render == "" {
		l.Data = m.Photo
		if l.Kind == "document" {
			l.Data = m.Document
		}
	}
	err = s.store.Update(ctx, func(tx *storage.Tx) error { return tx.AddFileLink(ctx, token, l) })
	if err != nil {
		return "", err
	}
	return s.publicURL + "/tep/" + token, nil
}

// withDownload is a document's text for a channel that takes links: the text, then a line
// to download the file.
func withDownload(text, name, url string) string {
	if name == "" {
		name = "tệp"
	}
	return strings.TrimSpace(text + "\n\nTải " + vntext.EscapeHTML(name) + " (7 ngày): " + url)
}
