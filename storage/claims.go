package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Claim statuses.
const (
	ClaimPending   = "pending"
	ClaimConfirmed = "confirmed"
	ClaimRejected  = "rejected"
)

// Claim is a parent's statement that their child has a BHYT card, waiting for the class
// teacher to confirm or reject it. StudentID is 0 when the parent is linked to a class
// without a roster.
type Claim struct {
	ID        int64
	UserID    int64
	StudentID int64
	ClassID   int64
	Status    string
	DecidedBy int64
	CreatedAt time.Time
	DecidedAt time.Time
}

// CreateClaim stores a new pending claim and returns its id.
func (tx *Tx) CreateClaim(ctx context.Context, c Claim) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO card_claims (user_id, student_id, class_id, status, created_at) VALUES (?, ?, ?, 'pending', ?)`,
		c.UserID, nullInt(c.StudentID), c.ClassID, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: create claim: %w", err)
	}
	return res.LastInsertId()
}

const claimSelect = `SELECT id, user_id, IFNULL(student_id, 0), class_id, status, decided_by, created_at, decided_at FROM card_claims `

func scanClaim(row interface{ Scan(...any) error }) (Claim, error) {
	var (
		c                Claim
		created, decided int64
	)
	err := row.Scan(&c.ID, &c.UserID, &c.StudentID, &c.ClassID, &c.Status, &c.DecidedBy, &created, &decided)
	c.CreatedAt, c.DecidedAt = fromUnix(created), fromUnix(decided)
	return c, err
}

// ClaimByID returns one claim or ErrNotFound.
func (tx *Tx) ClaimByID(ctx context.Context, id int64) (Claim, error) {
	c, err := scanClaim(tx.tx.QueryRowContext(ctx, claimSelect+`WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("storage: claim: %w", err)
	}
	return c, nil
}

// PendingClaim returns the user's pending claim for a pupil (or, with studentID 0, for a
// class without a roster), or ErrNotFound.
func (tx *Tx) PendingClaim(ctx context.Context, userID, studentID, classID int64) (Claim, error) {
	c, err := scanClaim(tx.tx.QueryRowContext(ctx, claimSelect+`WHERE user_id = ? AND IFNULL(student_id, 0) = ? AND class_id = ? AND status = 'pending'
ORDER BY id DESC LIMIT 1`, userID, studentID, classID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("storage: pending claim: %w", err)
	}
	return c, nil
}

// ClaimsOfClass lists a class's claims with the given status ("" for all), oldest first.
func (tx *Tx) ClaimsOfClass(ctx context.Context, classID int64, status string) ([]Claim, error) {
	rows, err := tx.tx.QueryContext(ctx, claimSelect+`WHERE class_id = ? AND (? = '' OR status = ?) ORDER BY id`, classID, status, status)
	if err != nil {
		return nil, fmt.Errorf("storage: claims of class: %w", err)
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: claims of class: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DecideClaim confirms or rejects a pending claim; it returns false (and changes nothing)
// when the claim is not pending any more, so a decision is applied once.
func (tx *Tx) DecideClaim(ctx context.Context, id int64, status string, decidedBy int64) (bool, error) {
	if status != ClaimConfirmed && status != ClaimRejected {
		return false, fmt.Errorf("storage: decide claim: bad status %q", status)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE card_claims SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, decidedBy, unix(tx.now), id)
	if err != nil {
		return false, fmt.Errorf("storage: decide claim: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ClaimWaiting reports whether a card claim is waiting for the teacher: for a pupil
// (studentID != 0), any parent's pending claim on that pupil; for a parent linked to a
// class without a roster (studentID 0), that user's pending claim on the class.
func (tx *Tx) ClaimWaiting(ctx context.Context, userID, studentID, classID int64) (bool, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM card_claims WHERE class_id = ? AND status = 'pending'
AND (CASE WHEN ? != 0 THEN student_id = ? ELSE student_id IS NULL AND user_id = ? END)`,
		classID, studentID, studentID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: claim waiting: %w", err)
	}
	return n > 0, nil
}

// PupilsClaimed returns the pupils of a class some parent has said have a card, with the
// claim still waiting for the teacher.
func (tx *Tx) PupilsClaimed(ctx context.Context, classID int64) (map[int64]bool, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT DISTINCT student_id FROM card_claims WHERE class_id = ? AND status = 'pending' AND student_id IS NOT NULL`, classID)
	if err != nil {
		return nil, fmt.Errorf("storage: pupils claimed: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("storage: pupils claimed: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: pupils claimed: %w", err)
	}
	return out, nil
}
