package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// Bulk inserts many rows with prepared statements inside one transaction; it is for loading
// generated data (bhytbot gen), where per-row Exec would dominate.
type Bulk struct {
	tx    *Tx
	stmts map[string]*sql.Stmt
}

// Bulk returns a loader bound to the transaction; Close it before the transaction ends.
func (tx *BulkTx) Bulk() *Bulk { return &Bulk{tx: tx.Tx, stmts: map[string]*sql.Stmt{}} }

var bulkSQL = map[string]string{
	"area":    `INSERT INTO areas (id, parent_id, name, path, level) VALUES (?, ?, ?, ?, ?)`,
	"school":  `INSERT INTO schools (id, area_id, name) VALUES (?, ?, ?)`,
	"class":   `INSERT INTO classes (id, school_id, school_year, name, enrolment, teacher_name) VALUES (?, ?, ?, ?, ?, ?)`,
	"user":    `INSERT INTO users (id, chat_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
	"role":    `INSERT INTO roles (user_id, role, area_id, school_id, class_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
	"report":  `INSERT INTO reports (class_id, week, enrolment, through_school, other, source, created_at) VALUES (?, ?, ?, ?, ?, 'cli', ?)`,
	"student": `INSERT INTO students (id, class_id, number, name, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
}

func (b *Bulk) exec(ctx context.Context, kind string, args ...any) error {
	st, ok := b.stmts[kind]
	if !ok {
		var err error
		st, err = b.tx.tx.PrepareContext(ctx, bulkSQL[kind])
		if err != nil {
			return fmt.Errorf("storage: bulk prepare %s: %w", kind, err)
		}
		b.stmts[kind] = st
	}
	if _, err := st.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("storage: bulk %s: %w", kind, err)
	}
	return nil
}

// Area inserts an area with a chosen id.
func (b *Bulk) Area(ctx context.Context, a Area) error {
	return b.exec(ctx, "area", a.ID, nullInt(a.ParentID), a.Name, a.Path, a.Level)
}

// School inserts a school with a chosen id.
func (b *Bulk) School(ctx context.Context, s School) error {
	return b.exec(ctx, "school", s.ID, s.AreaID, s.Name)
}

// Class inserts a class with a chosen id.
func (b *Bulk) Class(ctx context.Context, c Class) error {
	return b.exec(ctx, "class", c.ID, c.SchoolID, c.SchoolYear, c.Name, c.Enrolment, c.TeacherName)
}

// Student inserts a pupil with a chosen id.
func (b *Bulk) Student(ctx context.Context, s Student) error {
	return b.exec(ctx, "student", s.ID, s.ClassID, s.Number, s.Name, s.Status, unix(b.tx.now))
}

// User inserts a user whose private chat id is their user id.
func (b *Bulk) User(ctx context.Context, id int64, name string) error {
	b.tx.seen = User{}
	return b.exec(ctx, "user", id, id, name, unix(b.tx.now), unix(b.tx.now))
}

// Role grants a role (area, school or class scope).
func (b *Bulk) Role(ctx context.Context, userID int64, role string, sc Scope) error {
	b.tx.rolesChanged = true
	return b.exec(ctx, "role", userID, role, nullInt(sc.AreaID), nullInt(sc.SchoolID), nullInt(sc.ClassID), unix(b.tx.now))
}

// Report appends a report.
func (b *Bulk) Report(ctx context.Context, r Report) error {
	return b.exec(ctx, "report", r.ClassID, r.Week, r.Enrolment, r.ThroughSchool, r.Other, unix(r.CreatedAt))
}

// Close releases the prepared statements.
func (b *Bulk) Close() error {
	for _, st := range b.stmts {
		st.Close()
	}
	return nil
}

// BulkTx is a write transaction its caller ends: a long load (bhytbot gen) that commits in
// batches. It has every query method of Tx, plus Commit and Rollback, which a Tx handed to
// an Update function or a Handler does not have: those transactions end when their
// function returns, so nothing inside can end them early.
type BulkTx struct {
	*Tx
}

// BeginBulk starts a write transaction for a long load that commits in batches; the caller
// must Commit or Rollback it. Everything else uses Update.
func (s *Store) BeginBulk(ctx context.Context) (*BulkTx, error) {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("storage: begin bulk: %w", err)
	}
	return &BulkTx{Tx: &Tx{tx: txStmts{Tx: sqlTx, detached: true}, now: s.now(), store: s}}, nil
}

// Commit commits the transaction.
func (tx *BulkTx) Commit() error {
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	tx.committed()
	return nil
}

// Rollback abandons the transaction.
func (tx *BulkTx) Rollback() error { return tx.tx.Rollback() }
