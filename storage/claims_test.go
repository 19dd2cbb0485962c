package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestClaims(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	c := seedClass(t, st)
	var pupil int64
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.TouchUser(ctx, User{ID: 7, ChatID: 7, Name: "Phụ huynh"}); err != nil {
			return err
		}
		var err error
		pupil, _, err = tx.UpsertStudent(ctx, c.ID, 12, "Nguyễn Văn An")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var first, noRoster int64
	err = st.Update(ctx, func(tx *Tx) error {
		if _, err := tx.PendingClaim(ctx, 7, pupil, c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("pending before create: %v", err)
		}
		var err error
		if first, err = tx.CreateClaim(ctx, Claim{UserID: 7, StudentID: pupil, ClassID: c.ID}); err != nil {
			return err
		}
		if noRoster, err = tx.CreateClaim(ctx, Claim{UserID: 7, ClassID: c.ID}); err != nil {
			return err
		}
		p, err := tx.PendingClaim(ctx, 7, pupil, c.ID)
		if err != nil || p.ID != first || p.Status != ClaimPending || p.StudentID != pupil {
			t.Errorf("pending = %+v, %v", p, err)
		}
		p, err = tx.PendingClaim(ctx, 7, 0, c.ID)
		if err != nil || p.ID != noRoster || p.StudentID != 0 {
			t.Errorf("pending without pupil = %+v, %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		id      int64
		status  string
		changed bool
		wantErr bool
	}{
		{"confirm", first, ClaimConfirmed, true, false},
		{"confirm twice", first, ClaimConfirmed, false, false},
		{"reject after confirm", first, ClaimRejected, false, false},
		{"reject other", noRoster, ClaimRejected, true, false},
		{"bad status", noRoster, ClaimPending, false, true},
		{"unknown", 999, ClaimRejected, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Update(ctx, func(tx *Tx) error {
				changed, err := tx.DecideClaim(ctx, tt.id, tt.status, 3)
				if changed != tt.changed {
					t.Errorf("changed = %v, want %v", changed, tt.changed)
				}
				return err
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
	err = st.View(ctx, func(tx *Tx) error {
		got, err := tx.ClaimByID(ctx, first)
		if err != nil {
			return err
		}
		if got.Status != ClaimConfirmed || got.DecidedBy != 3 || got.DecidedAt.IsZero() || time.Since(got.CreatedAt) > time.Hour {
			t.Errorf("claim = %+v", got)
		}
		if _, err := tx.ClaimByID(ctx, 999); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown claim: %v", err)
		}
		all, err := tx.ClaimsOfClass(ctx, c.ID, "")
		if err != nil || len(all) != 2 {
			t.Errorf("all claims = %v, %v", all, err)
		}
		rejected, err := tx.ClaimsOfClass(ctx, c.ID, ClaimRejected)
		if err != nil || len(rejected) != 1 || rejected[0].ID != noRoster {
			t.Errorf("rejected claims = %v, %v", rejected, err)
		}
		if _, err := tx.PendingClaim(ctx, 7, pupil, c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("pending after decision: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
