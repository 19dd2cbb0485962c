package storage

import (
	"context"
	"testing"
)

func TestTopAreas(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *Tx) error {
		for _, p := range [][]string{{"Sóc Trăng", "Mỹ Tú"}, {"Cà Mau"}, {"Sóc Trăng", "Long Hưng"}} {
			if _, _, err := tx.EnsureArea(ctx, p); err != nil {
				return err
			}
		}
		tops, err := tx.TopAreas(ctx)
		if err != nil {
			return err
		}
		if len(tops) != 2 || tops[0].Path != "Cà Mau" || tops[1].Path != "Sóc Trăng" || tops[1].Level != 0 {
			t.Errorf("top areas: %+v", tops)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
