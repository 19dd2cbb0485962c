package commands

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/bhytbot/bhytbot/storage"
)

func TestResolveScope(t *testing.T) {
	f := newFixture(t)
	// A second school named like the first, in another area.
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		a, _, err := tx.EnsureArea(f.ctx, []string{"Cần Thơ", "Mỹ Tú"})
		if err != nil {
			return err
		}
		_, _, err = tx.EnsureSchool(f.ctx, a, "Trường THCS Mỹ Tú")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	year := f.cfg.Campaign.SchoolYear
	tests := []struct {
		role, text string
		label      string // wanted label, or
		fault      string // wanted ScopeError text
	}{
		{storage.RoleOfficer, "Sóc Trăng / Mỹ Tú", "khu vực Sóc Trăng / Mỹ Tú", ""},
		{storage.RoleOfficer, "Sóc Trăng/ Mỹ Xuyên", "khu vực Sóc Trăng / Mỹ Xuyên", ""},
		{storage.RoleOfficer, norm.NFD.String("sóc trăng"), "khu vực Sóc Trăng", ""},
		{storage.RoleOfficer, "Mỹ Tú", "", "Có nhiều khu vực tên “Mỹ Tú”. Hãy ghi rõ một trong: Cần Thơ / Mỹ Tú; Sóc Trăng / Mỹ Tú"},
		{storage.RoleOfficer, "Hà Nội", "", "Không có khu vực “Hà Nội”"},
		{storage.RoleOfficer, "  ", "", "Thiếu phạm vi"},
		{storage.RolePrincipal, "Trường THCS Mỹ Xuyên", "Trường THCS Mỹ Xuyên (Sóc Trăng / Mỹ Xuyên)", ""},
		{storage.RolePrincipal, "Trường THCS Mỹ Tú", "", "Cần Thơ / Mỹ Tú / Trường THCS Mỹ Tú; Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú"},
		{storage.RolePrincipal, "Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú", "Trường THCS Mỹ Tú (Sóc Trăng / Mỹ Tú)", ""},
		{storage.RolePrincipal, "Mỹ Tú / truong thcs my tu", "", "Có nhiều trường"},
		{storage.RolePrincipal, "Cần Thơ / Mỹ Tú / Trường THCS Mỹ Tú", "Trường THCS Mỹ Tú (Cần Thơ / Mỹ Tú)", ""},
		{storage.RoleTeacher, "Trường THCS Mỹ Xuyên / 6A", "lớp 6A – Trường THCS Mỹ Xuyên", ""},
		{storage.RoleTeacher, "Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú / lớp 6 b", "lớp 6B – Trường THCS Mỹ Tú", ""},
		{storage.RoleTeacher, "Trường THCS Mỹ Xuyên / 9C", "", "Không có lớp “9C” ở Trường THCS Mỹ Xuyên"},
		{storage.RoleTeacher, "6A", "", "Hãy ghi lớp kèm tên trường"},
		{storage.RoleParent, "Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú / 6B / 2", "học sinh số 2 (Trần Thị Bình), lớp 6B – Trường THCS Mỹ Tú", ""},
		{storage.RoleParent, "Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú / 6B", "phụ huynh cả lớp 6B – Trường THCS Mỹ Tú", ""},
		{storage.RoleParent, "Sóc Trăng / Mỹ Tú / Trường THCS Mỹ Tú / 6B / 9", "", "không có học sinh số 9"},
		{storage.RoleParent, "Trường THCS Mỹ Xuyên / 6A / 1", "", "chưa có danh sách học sinh"},
		{storage.RoleAdmin, "Sóc Trăng", "", "không mời được"},
	}
	for _, tt := range tests {
		f.view(func(tx *storage.Tx) error {
			res, err := ResolveScope(f.ctx, tx, tt.role, tt.text, year)
			var se *ScopeError
			switch {
			case tt.fault != "":
				if !errors.As(err, &se) || !strings.Contains(se.Error(), tt.fault) {
					t.Errorf("%s %q: %v, want fault %q", tt.role, tt.text, err, tt.fault)
				}
			case err != nil || res.Label != tt.label:
				t.Errorf("%s %q: %q, %v; want %q", tt.role, tt.text, res.Label, err, tt.label)
			}
			return nil
		})
	}
}

func TestCallerScope(t *testing.T) {
	c := &caller{areas: []storage.Area{{Path: "Sóc Trăng / Mỹ Tú"}}}
	tests := []struct {
		path string
		want bool
	}{
		{"Sóc Trăng / Mỹ Tú", true},
		{"Sóc Trăng / Mỹ Tú / Xã A", true},
		{"Sóc Trăng / Mỹ Túc", false},
		{"Sóc Trăng", false},
	}
	for _, tt := range tests {
		if got := c.canArea(tt.path); got != tt.want {
			t.Errorf("canArea(%q) = %v", tt.path, got)
		}
	}
}
