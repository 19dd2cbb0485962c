package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Why a login link is refused.
var (
	ErrLoginUsed    = errors.New("storage: login link already used")
	ErrLoginExpired = errors.New("storage: login link expired")
)

// newWebToken returns a random URL-safe token and the hash stored for it.
func newWebToken() (string, []byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, hashWebToken(tok), nil
}

func hashWebToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// CreateWebLogin stores a one-time login link for the user, valid until expires, and returns
// its token; only the token's hash is stored.
func (tx *Tx) CreateWebLogin(ctx context.Context, userID int64, expires time.Time) (string, error) {
	tok, h, err := newWebToken()
	if err != nil {
		return "", fmt.Errorf("storage: create web login: %w", err)
	}
	// Links expired for a day are of no use even to explain a refusal: drop them as new ones come.
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM web_logins WHERE expires_at < ?`, unix(tx.now.Add(-24*time.Hour))); err != nil {
		return "", fmt.Errorf("storage: prune web logins: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO web_logins (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		h, userID, unix(tx.now), unix(expires)); err != nil {
		return "", fmt.Errorf("storage: create web login: %w", err)
	}
	return tok, nil
}

// PeekWebLogin returns the user of a login link that could still be used, without using it
// (a link preview may fetch the link before its owner): ErrNotFound for an unknown token,
// ErrLoginUsed when it was used before, ErrLoginExpired after its time.
func (tx *Tx) PeekWebLogin(ctx context.Context, token string) (int64, error) {
	var user, expires, used int64
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM web_logins WHERE token_hash = ?`, hashWebToken(token)).Scan(&user, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, ErrNotFound
	case err != nil:
		return 0, fmt.Errorf("storage: web login: %w", err)
	case used != 0:
		return 0, ErrLoginUsed
	case unix(tx.now) >= expires:
		return 0, ErrLoginExpired
	}
	return user, nil
}

// UseWebLogin consumes a login link and returns its user, with the errors of PeekWebLogin.
func (tx *Tx) UseWebLogin(ctx context.Context, token string) (int64, error) {
	user, err := tx.PeekWebLogin(ctx, token)
	if err != nil {
		return 0, err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE web_logins SET used_at = ? WHERE token_hash = ?`, max(unix(tx.now), 1), hashWebToken(token)); err != nil {
		return 0, fmt.Errorf("storage: use web login: %w", err)
	}
	return user, nil
}

// CreateWebSession opens a dashboard session for the user until expires and returns its token;
// only the token's hash is stored.
func (tx *Tx) CreateWebSession(ctx context.Context, userID int64, expires time.Time) (string, error) {
	tok, h, err := newWebToken()
	if err != nil {
		return "", fmt.Errorf("storage: create web session: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_at < ? OR (ended_at != 0 AND ended_at < ?)`,
		unix(tx.now), unix(tx.now.Add(-24*time.Hour))); err != nil {
		return "", fmt.Errorf("storage: prune web sessions: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		h, userID, unix(tx.now), unix(expires)); err != nil {
		return "", fmt.Errorf("storage: create web session: %w", err)
	}
	return tok, nil
}

// WebSessionUser returns the user of a live session: ErrNotFound when the token is unknown,
// ended or expired.
func (tx *Tx) WebSessionUser(ctx context.Context, token string) (int64, error) {
	var user int64
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id FROM web_sessions WHERE token_hash = ? AND ended_at = 0 AND expires_at > ?`,
		hashWebToken(token), unix(tx.now)).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("storage: web session: %w", err)
	}
	return user, nil
}

// EndWebSession ends a session; ending an unknown or ended one does nothing.
func (tx *Tx) EndWebSession(ctx context.Context, token string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE web_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at = 0`,
		max(unix(tx.now), 1), hashWebToken(token)); err != nil {
		return fmt.Errorf("storage: end web session: %w", err)
	}
	return nil
}
