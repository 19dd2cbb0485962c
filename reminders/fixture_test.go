package reminders

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// fakeClock is a settable clock, safe for the cron goroutine to read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// at returns a time in Asia/Ho_Chi_Minh on a weekday of an ISO week of 2026.
func at(t *testing.T, week string, weekday time.Weekday, hour, minute int) time.Time {
	t.Helper()
	start, err := storage.WeekStart(week, hcm)
	if err != nil {
		t.Fatal(err)
	}
	day := (int(weekday) + 6) % 7
	return start.AddDate(0, 0, day).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// world is a small roster in a real SQLite file:
//
//	Sóc Trăng / Mỹ Tú:     Trường THCS Mỹ Tú (6A 42, 6B 40, 7A roster of 3), Trường TH Mỹ Tú A (1A 30)
//	Sóc Trăng / Long Hưng: Trường TH Long Hưng (1A 35)
//
// Reports in 2026-W46: 6A 30+8/42, 6B 20+0/40, Mỹ Tú A 1A 30/30, Long Hưng 1A 10+5/35; in W48
// (before Monday 08:00): 6B 38+2/40. 7A never reports; its pupils An and Cường are uninsured,
// Bình is insured through school.
type world struct {
	t     *testing.T
	path  string
	store *storage.Store
	clock *fakeClock
	cfg   config.Config
	ids   map[string]int64 // areas "a:…", schools "s:…", classes "c:…", pupils "p:…"
}

// Users of the world; chat id = user id.
const (
	uOfficerProvince = 10
	uOfficerMyTu     = 11
	uOfficerInactive = 12
	uPrincipalMyTu   = 20
	uPrincipalLH     = 21
	uTeacher6A6B     = 30
	uTeacher7A       = 31
	uTeacherA1A      = 32
	uTeacherInactive = 33
	uParentAn        = 40
	uParentBinh      = 41
	uParentLink6A    = 42
	uParentLinkA1A   = 43
	uParentCuong6A   = 44
)

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, path: filepath.Join(t.TempDir(), "bot.db"), clock: &fakeClock{}, cfg: config.Default(),
		ids: map[string]int64{}}
	w.clock.Set(at(t, "2026-W46", time.Monday, 7, 0))
	w.open()
	ctx := context.Background()
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		area := func(names ...string) int64 {
			id, _, err := tx.EnsureArea(ctx, names)
			if err != nil {
				t.Fatal(err)
			}
			w.ids["a:"+strings.Join(names, " / ")] = id
			return id
		}
		myTu, longHung := area("Sóc Trăng", "Mỹ Tú"), area("Sóc Trăng", "Long Hưng")
		area("Sóc Trăng")
		school := func(key string, areaID int64, name string) int64 {
			id, _, err := tx.EnsureSchool(ctx, areaID, name)
			if err != nil {
				t.Fatal(err)
			}
			w.ids["s:"+key] = id
			return id
		}
		s1, s2, s3 := school("mytu", myTu, "Trường THCS Mỹ Tú"), school("mytuA", myTu, "Trường TH Mỹ Tú A"), school("lh", longHung, "Trường TH Long Hưng")
		class := func(key string, schoolID int64, name string, enrolment int, roster bool) int64 {
			id, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schoolID, SchoolYear: w.cfg.Campaign.SchoolYear,
				Name: name, Enrolment: enrolment, HasRoster: roster})
			if err != nil {
				t.Fatal(err)
			}
			w.ids["c:"+key] = id
			return id
		}
		c6a, c6b, c7a := class("6A", s1, "6A", 42, false), class("6B", s1, "6B", 40, false), class("7A", s1, "7A", 3, true)
		cA1a, cLH1a := class("A1A", s2, "1A", 30, false), class("LH1A", s3, "1A", 35, false)
		for i, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
			id, _, err := tx.UpsertStudent(ctx, c7a, i+1, name)
			if err != nil {
				t.Fatal(err)
			}
			w.ids["p:"+strings.Fields(name)[2]] = id
		}
		if err := tx.SetStudentStatus(ctx, w.ids["p:Bình"], storage.StatusSchool); err != nil {
			t.Fatal(err)
		}
		report := func(classID int64, week string, e, through, other int) {
			if _, err := tx.InsertReport(ctx, storage.Report{ClassID: classID, Week: week, Enrolment: e, ThroughSchool: through, Other: other}); err != nil {
				t.Fatal(err)
			}
		}
		report(c6a, "2026-W46", 42, 30, 8)
		report(c6b, "2026-W46", 40, 20, 0)
		report(cA1a, "2026-W46", 30, 30, 0)
		report(cLH1a, "2026-W46", 35, 10, 5)
		report(c6b, "2026-W48", 40, 38, 2)

		grant := func(user int64, role string, sc storage.Scope) {
			if err := tx.TouchUser(ctx, storage.User{ID: user, ChatID: user, Name: "u"}); err != nil {
				t.Fatal(err)
			}
			if err := tx.GrantRole(ctx, user, role, sc); err != nil {
				t.Fatal(err)
			}
		}
		grant(uOfficerProvince, storage.RoleOfficer, storage.Scope{AreaID: w.ids["a:Sóc Trăng"]})
		grant(uOfficerMyTu, storage.RoleOfficer, storage.Scope{AreaID: myTu})
		grant(uOfficerInactive, storage.RoleOfficer, storage.Scope{AreaID: myTu})
		grant(uPrincipalMyTu, storage.RolePrincipal, storage.Scope{SchoolID: s1})
		grant(uPrincipalLH, storage.RolePrincipal, storage.Scope{SchoolID: s3})
		grant(uTeacher6A6B, storage.RoleTeacher, storage.Scope{ClassID: c6a})
		grant(uTeacher6A6B, storage.RoleTeacher, storage.Scope{ClassID: c6b})
		grant(uTeacher7A, storage.RoleTeacher, storage.Scope{ClassID: c7a})
		grant(uTeacherA1A, storage.RoleTeacher, storage.Scope{ClassID: cA1a})
		grant(uTeacherInactive, storage.RoleTeacher, storage.Scope{ClassID: cLH1a})
		grant(uParentAn, storage.RoleParent, storage.Scope{StudentID: w.ids["p:An"]})
		grant(uParentBinh, storage.RoleParent, storage.Scope{StudentID: w.ids["p:Bình"]})
		grant(uParentLink6A, storage.RoleParent, storage.Scope{ClassID: c6a})
		grant(uParentLinkA1A, storage.RoleParent, storage.Scope{ClassID: cA1a})
		grant(uParentCuong6A, storage.RoleParent, storage.Scope{StudentID: w.ids["p:Cường"]})
		grant(uParentCuong6A, storage.RoleParent, storage.Scope{ClassID: c6a})
		for _, u := range []int64{uOfficerInactive, uTeacherInactive} {
			if err := tx.DeactivateChat(ctx, u, "blocked"); err != nil {
				t.Fatal(err)
			}
		}
		_ = s2
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) open() {
	w.t.Helper()
	st, err := storage.Open(context.Background(), w.path, storage.WithClock(w.clock.Now))
	if err != nil {
		w.t.Fatal(err)
	}
	w.store = st
	w.t.Cleanup(func() { st.Close() })
}

func (w *world) service() *Service { return New(w.cfg, w.store, w.clock.Now, nil) }

// outbox returns every pending message, by dedupe key, whatever its not_before.
func (w *world) outbox() map[string]storage.Message {
	w.t.Helper()
	out := map[string]storage.Message{}
	err := w.store.View(context.Background(), func(tx *storage.Tx) error {
		ms, err := tx.PendingMessages(context.Background(), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 100000)
		for _, m := range ms {
			out[m.DedupeKey] = m
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// keysOf returns the sorted keys starting with prefix.
func keysOf(box map[string]storage.Message, prefix string) []string {
	var out []string
	for k := range box {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// chats returns the sorted distinct chat ids of the messages with the key prefix.
func chats(box map[string]storage.Message, prefix string) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for k, m := range box {
		if strings.HasPrefix(k, prefix) && !seen[m.ChatID] {
			seen[m.ChatID] = true
			out = append(out, m.ChatID)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
