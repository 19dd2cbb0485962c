package storage

import (
	"context"
	"reflect"
	"testing"
)

// TestBulkTxEndsItselfTxDoesNot: only a BulkTx can be committed or rolled back by its
// holder; the Tx an Update function or a Handler gets has no such methods, so nothing
// inside can end its transaction early. A BulkTx commits what its loader wrote and a
// rolled-back one leaves nothing, and both keep every query method of Tx.
func TestBulkTxEndsItselfTxDoesNot(t *testing.T) {
	for _, m := range []string{"Commit", "Rollback"} {
		if _, ok := reflect.TypeOf(&Tx{}).MethodByName(m); ok {
			t.Errorf("*Tx has %s: a handler could end the transaction it was lent", m)
		}
		if _, ok := reflect.TypeOf(&BulkTx{}).MethodByName(m); !ok {
			t.Errorf("*BulkTx has no %s", m)
		}
	}

	st := openTest(t)
	ctx := context.Background()
	load := func(id int64, name string, commit bool) {
		t.Helper()
		tx, err := st.BeginBulk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b := tx.Bulk()
		if err := b.Area(ctx, Area{ID: id, Name: name, Path: name}); err != nil {
			t.Fatal(err)
		}
		b.Close()
		// The query methods of Tx work on a BulkTx and see its own writes.
		if a, err := tx.AreaByPath(ctx, name); err != nil || a.ID != id {
			t.Fatalf("AreaByPath(%q) in the bulk transaction = %+v, %v", name, a, err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	load(1, "Kept", true)
	load(2, "Dropped", false)
	err := st.View(ctx, func(tx *Tx) error {
		areas, err := tx.Areas(ctx)
		if err != nil {
			return err
		}
		if len(areas) != 1 || areas[0].Name != "Kept" {
			t.Errorf("areas after commit and rollback: %+v", areas)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
