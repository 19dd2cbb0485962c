package web

import (
	"context"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// A file link works without a session, by its token only, with the file's type and name;
// an unknown or expired token is a Vietnamese 404, and a stored photo is served inline.
func TestFileLinks(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	ctx := context.Background()
	photo := "cGhvdG8tdG9rZW4tb2YtdGhpcnR5LXR3by1ieXRlcy1sb25n"
	doc := "ZG9jdW1lbnQtdG9rZW4tb2YtdGhpcnR5LXR3by1ieXRlcy1sbw"
	err := f.store.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.AddFileLink(ctx, photo, storage.FileLink{OutboxID: 1, Kind: "photo", FileName: "bieu-do.png", Data: []byte("\x89PNG\r\n\x1a\nfake")}); err != nil {
			return err
		}
		return tx.AddFileLink(ctx, doc, storage.FileLink{OutboxID: 2, Kind: "document", FileName: "bao-cao.xlsx", Data: []byte("PK\x03\x04fake")})
	})
	if err != nil {
		t.Fatal(err)
	}
	a := f.get("/tep/"+photo, nil)
	if a.status != 200 || a.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(a.header.Get("Content-Disposition"), "inline") || !strings.HasPrefix(a.body, "\x89PNG") {
		t.Errorf("photo: %d %q %q", a.status, a.header.Get("Content-Type"), a.header.Get("Content-Disposition"))
	}
	a = f.get("/tep/"+doc, nil, "Accept-Encoding", "gzip")
	if a.status != 200 || a.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(a.header.Get("Content-Disposition"), `attachment; filename=bao-cao.xlsx`) || !strings.HasPrefix(a.body, "PK") {
		t.Errorf("document: %d %q %q", a.status, a.header.Get("Content-Type"), a.header.Get("Content-Disposition"))
	}
	a = f.get("/tep/"+strings.Repeat("x", 43), nil)
	if a.status != 404 || !strings.Contains(a.body, "Liên kết đã hết hạn") {
		t.Errorf("unknown token: %d", a.status)
	}
	f.clock.add(storage.FileLinkTTL)
	if a = f.get("/tep/"+photo, nil); a.status != 404 {
		t.Errorf("expired link: %d", a.status)
	}
}
