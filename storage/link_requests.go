package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Link request statuses.
const (
	LinkPending   = "pending"
	LinkConfirmed = "confirmed"
	LinkRejected  = "rejected"
	LinkCancelled = "cancelled"
)

// LinkRequest is a class-link parent's request to be bound to one pupil, waiting for the
// class teacher's decision. InviteCode is the class link it came through.
type LinkRequest struct {
	ID         int64
	UserID     int64
	StudentID  int64
	ClassID    int64
	InviteCode string
	Status     string
	DecidedBy  int64
	CreatedAt  time.Time
}

// CreateLinkRequest stores a pending request and returns its id.
func (tx *Tx) CreateLinkRequest(ctx context.Context, r LinkRequest) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO link_requests (user_id, student_id, class_id, invite_code, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.UserID, r.StudentID, r.ClassID, r.InviteCode, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: create link request: %w", err)
	}
	return res.LastInsertId()
}

const linkSelect = `SELECT id, user_id, student_id, class_id, invite_code, status, decided_by, created_at FROM link_requests `

func scanLinks(rows *sql.Rows, err error) ([]LinkRequest, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: link requests: %w", err)
	}
	defer rows.Close()
	var out []LinkRequest
	for rows.Next() {
		var (
			r       LinkRequest
			created int64
		)
		if err := rows.Scan(&r.ID, &r.UserID, &r.StudentID, &r.ClassID, &r.InviteCode, &r.Status, &r.DecidedBy, &created); err != nil {
			return nil, fmt.Errorf("storage: link requests: %w", err)
		}
		r.CreatedAt = fromUnix(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LinkRequestByID returns one request or ErrNotFound.
func (tx *Tx) LinkRequestByID(ctx context.Context, id int64) (LinkRequest, error) {
	rs, err := scanLinks(tx.tx.QueryContext(ctx, linkSelect+`WHERE id = ?`, id))
	if err != nil {
		return LinkRequest{}, err
	}
	if len(rs) == 0 {
		return LinkRequest{}, ErrNotFound
	}
	return rs[0], nil
}

// PendingLinkRequests lists a user's pending requests in a class, oldest first.
func (tx *Tx) PendingLinkRequests(ctx context.Context, userID, classID int64) ([]LinkRequest, error) {
	return scanLinks(tx.tx.QueryContext(ctx, linkSelect+`WHERE user_id = ? AND class_id = ? AND status = 'pending' ORDER BY id`, userID, classID))
}

// DecideLinkRequest moves a pending request to status; it returns false (and changes
// nothing) when the request is not pending any more, so a decision is applied once.
func (tx *Tx) DecideLinkRequest(ctx context.Context, id int64, status string, decidedBy int64) (bool, error) {
	if status != LinkConfirmed && status != LinkRejected && status != LinkCancelled {
		return false, fmt.Errorf("storage: decide link request: bad status %q", status)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE link_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, decidedBy, unix(tx.now), id)
	if err != nil {
		return false, fmt.Errorf("storage: decide link request: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CancelLinkRequests cancels a user's pending requests in a class (their class link was
// taken back).
func (tx *Tx) CancelLinkRequests(ctx context.Context, userID, classID int64, by int64) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE link_requests SET status = 'cancelled', decided_by = ?, decided_at = ? WHERE user_id = ? AND class_id = ? AND status = 'pending'`,
		by, unix(tx.now), userID, classID)
	if err != nil {
		return fmt.Errorf("storage: cancel link requests: %w", err)
	}
	return nil
}

// LinkTries returns how many wrong answers a user gave for a class's pupils.
func (tx *Tx) LinkTries(ctx context.Context, userID, classID int64) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT tries FROM link_attempts WHERE user_id = ? AND class_id = ?`, userID, classID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: link tries: %w", err)
	}
	return n, nil
}

// AddLinkTry counts one more wrong answer and returns the new count.
func (tx *Tx) AddLinkTry(ctx context.Context, userID, classID int64) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO link_attempts (user_id, class_id, tries, updated_at) VALUES (?, ?, 1, ?)
ON CONFLICT (user_id, class_id) DO UPDATE SET tries = tries + 1, updated_at = excluded.updated_at RETURNING tries`,
		userID, classID, unix(tx.now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: add link try: %w", err)
	}
	return n, nil
}
