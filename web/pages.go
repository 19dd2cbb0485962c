package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// TrendWeeks is how many weeks, ending with the page's week, the trend chart shows.
const TrendWeeks = 8

// view is one page: what the templates show and what its JSON says.
type view struct {
	Kind    string `json:"kind"` // area, school, class, home, login, logout, message
	Title   string `json:"title"`
	Week    string `json:"week,omitempty"`
	WeekTxt string `json:"-"`
	Prev    string `json:"prev_week,omitempty"`
	Next    string `json:"next_week,omitempty"`
	Path    string `json:"-"` // the page's path without a suffix, for links
	Up      *link  `json:"up,omitempty"`
	Message string `json:"message,omitempty"`
	Action  string `json:"-"` // where the login page's button posts

	Total      *row          `json:"total,omitempty"`
	Areas      []row         `json:"areas,omitempty"`
	Units      []row         `json:"units,omitempty"`
	UnitName   string        `json:"-"` // "Trường", "Lớp"
	Unreported []missing     `json:"unreported_classes,omitempty"`
	Trend      []trendPoint  `json:"trend,omitempty"`
	Chart      template.HTML `json:"-"`
	Scopes     []link        `json:"scopes,omitempty"`
	History    []historyRow  `json:"history,omitempty"`
	Teacher    string        `json:"teacher,omitempty"`
	Excel      string        `json:"excel,omitempty"`
	Warn       string        `json:"-"`
	LoggedIn   bool          `json:"-"`
	xlsx       *file
}

type file struct {
	name string
	data []byte
}

type link struct {
	Name string `json:"name"`
	Href string `json:"href"`
}

// row is a unit as the Excel shows it.
type row struct {
	STT             int      `json:"stt,omitempty"`
	Name            string   `json:"name"`
	Href            string   `json:"href,omitempty"`
	Enrolment       int      `json:"enrolment"`
	ThroughSchool   int      `json:"through_school"`
	Other           int      `json:"other"`
	Insured         int      `json:"insured"`
	Percent         float64  `json:"percent"`
	Uninsured       int      `json:"uninsured"`
	Rank            int      `json:"rank"` // 0: has not reported this week
	Change          *float64 `json:"change"`
	Reported        bool     `json:"reported"`
	LastWeek        string   `json:"last_week,omitempty"`
	Classes         int      `json:"classes,omitempty"`
	ClassesReported int      `json:"classes_reported,omitempty"`
	Under           bool     `json:"under_warn"`
	NoData          bool     `json:"-"` // never reported: no rate to show
	PercentTxt      string   `json:"-"`
	ChangeTxt       string   `json:"-"`
	RankTxt         string   `json:"-"`
	Done            string   `json:"-"`
	Class           string   `json:"-"`
}

type missing struct {
	Class   string `json:"class"`
	Teacher string `json:"teacher"`
	Href    string `json:"href"`
}

type trendPoint struct {
	Week      string  `json:"week"`
	Percent   float64 `json:"percent"`
	Insured   int     `json:"insured"`
	Enrolment int     `json:"enrolment"`
	Known     bool    `json:"known"` // false: no class had reported by then
}

type historyRow struct {
	Week          string  `json:"week"`
	Enrolment     int     `json:"enrolment"`
	ThroughSchool int     `json:"through_school"`
	Other         int     `json:"other"`
	Percent       float64 `json:"percent"`
	PercentTxt    string  `json:"-"`
}

// request is what a page handler is asked for.
type request struct {
	id     string // the path's id without a suffix
	format string // html, json or xlsx
	week   string
}

var errNotFound = errors.New("web: not found")

type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

type pageFunc func(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request) (*view, error)

// page runs a page handler in one read transaction after checking the session.
func (s *Server) page(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-store")
		q := request{id: r.PathValue("id"), format: "html"}
		for _, ext := range []string{"json", "xlsx"} {
			if base, ok := strings.CutSuffix(q.id, "."+ext); ok {
				q.id, q.format = base, ext
			}
		}
		switch {
		case r.URL.Path == "/index.json":
			q.format = "json"
		case r.URL.Path == "/index.xlsx":
			q.format = "xlsx"
		case q.format == "html" && strings.Contains(r.Header.Get("Accept"), "application/json"):
			q.format = "json"
		}
		q.week = strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("week")))
		if q.week == "" {
			q.week = storage.WeekOf(s.clock(), s.loc)
		} else if _, err := storage.WeekStart(q.week, s.loc); err != nil {
			s.message(w, r, http.StatusBadRequest, "Tuần không đúng",
				"Tuần “"+clip(q.week)+"” không đúng dạng. Ví dụ đúng: ?week="+storage.WeekOf(s.clock(), s.loc)+".")
			return
		}
		var (
			v       *view
			revoked bool
			stale   bool
			authed  bool
		)
		err := s.store.View(r.Context(), func(tx *storage.Tx) error {
			who, gone, err := s.session(r.Context(), tx, r)
			if errors.Is(err, errStaleCookie) {
				stale = true
				return nil
			}
			if err != nil || who == nil {
				revoked = gone
				return err
			}
			authed = true
			v, err = fn(r, tx, who, q)
			return err
		})
		if revoked {
			if c, err := r.Cookie(CookieName); err == nil {
				if err := s.store.Update(r.Context(), func(tx *storage.Tx) error { return tx.EndWebSession(r.Context(), c.Value) }); err != nil {
					s.fail(w, r, err)
					return
				}
			}
			s.clearCookie(w)
		}
		if stale {
			s.clearCookie(w)
		}
		var br badRequest
		switch {
		case errors.Is(err, errNotFound) || errors.Is(err, storage.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.As(err, &br):
			s.message(w, r, http.StatusBadRequest, "Yêu cầu không đúng", br.msg)
			return
		case err != nil:
			s.fail(w, r, err)
			return
		case !authed:
			s.unauthorized(w, r)
			return
		}
		v.LoggedIn = true
		switch q.format {
		case "json":
			s.writeJSON(w, http.StatusOK, v)
		case "xlsx":
			if v.xlsx == nil {
				s.notFound(w, r)
				return
			}
			name, data := v.xlsx.name, v.xlsx.data
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data)
		default:
			s.render(w, r, http.StatusOK, v)
		}
	}
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "json", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, v *view) {
	if v.Warn == "" {
		v.Warn = leaderboard.FormatThreshold(s.cfg.Campaign.WarnBelowPercent)
	}
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("web: render", "kind", v.Kind, "error", err)
		http.Error(w, "Lỗi máy chủ", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// message answers a page with only a title and a text (and the same in JSON when asked).
func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	v := &view{Kind: "message", Title: title, Message: text}
	if strings.HasSuffix(r.URL.Path, ".json") || strings.Contains(r.Header.Get("Accept"), "application/json") {
		s.writeJSON(w, status, v)
		return
	}
	s.render(w, r, status, v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusNotFound, "Không tìm thấy", "Không có trang này, hoặc trang nằm ngoài phạm vi được xem. Quay lại trang chính: /")
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("web: request failed", "path", redactPath(r.URL.Path), "error", err)
	s.message(w, r, http.StatusInternalServerError, "Lỗi máy chủ", "Máy chủ gặp lỗi khi đọc số liệu. Hãy thử lại sau ít phút.")
}

// redactPath keeps a login token out of the logs.
func redactPath(p string) string {
	if strings.HasPrefix(p, "/login/") {
		return "/login/…"
	}
	if strings.HasPrefix(p, "/tep/") {
		return "/tep/…"
	}
	return p
}

// clip makes typed text safe to quote back: at most 20 runes, each graphic.
func clip(s string) string {
	r := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	if len(r) > 20 {
		r = append(r[:20], '…')
	}
	return string(r)
}

// weekNav fills the week and its neighbours; no link goes past the current week.
func (s *Server) weekNav(v *view, week string) {
	v.Week, v.WeekTxt = week, leaderboard.FormatWeek(week)
	start, _ := storage.WeekStart(week, s.loc)
	v.Prev = storage.WeekOf(start.AddDate(0, 0, -7), s.loc)
	if next := storage.WeekOf(start.AddDate(0, 0, 7), s.loc); next <= storage.WeekOf(s.clock(), s.loc) {
		v.Next = next
	}
}

// weeksEnding returns n ISO weeks ending with week, oldest first.
func (s *Server) weeksEnding(week string, n int) []string {
	start, _ := storage.WeekStart(week, s.loc)
	out := make([]string, n)
	for i := range n {
		out[n-1-i] = storage.WeekOf(start.AddDate(0, 0, -7*i).Add(12*time.Hour), s.loc)
	}
	return out
}

// rows ranks units as the boards do (leaderboard.Rank) and links each to its page; hrefs are
// in the order of units.
func (s *Server) rows(units []leaderboard.Unit, hrefs []string) []row {
	ranked := leaderboard.Rank(units)
	used := make([]bool, len(units))
	out := make([]row, len(ranked))
	for i, r := range ranked {
		href := ""
		for j := range units {
			if !used[j] && sameUnit(&units[j], &r.Unit) {
				used[j], href = true, hrefs[j]
				break
			}
		}
		out[i] = s.row(r, i+1, href)
	}
	return out
}

func sameUnit(a, b *leaderboard.Unit) bool {
	return a.Name == b.Name && a.Enrolment == b.Enrolment && a.ThroughSchool == b.ThroughSchool && a.Other == b.Other &&
		a.Reported == b.Reported && a.Classes == b.Classes && a.ClassesReported == b.ClassesReported
}

func (s *Server) row(r leaderboard.Ranked, stt int, href string) row {
	x := row{STT: stt, Name: r.Name, Href: href, Enrolment: r.Enrolment, ThroughSchool: r.ThroughSchool, Other: r.Other,
		Insured: r.Insured(), Percent: r.Percent, Uninsured: max(r.Enrolment-r.Insured(), 0), Rank: r.Rank,
		Reported: r.Reported, LastWeek: r.LastWeek, Classes: r.Classes, ClassesReported: r.ClassesReported,
		PercentTxt: leaderboard.FormatPercent(r.Percent), ChangeTxt: leaderboard.FormatChange(r)}
	if r.HasPrev {
		c := r.Change
		x.Change = &c
	}
	x.Under = r.Light(s.cfg.Campaign.TargetPercent, s.cfg.Campaign.WarnBelowPercent) == leaderboard.LightRed
	switch {
	case !r.Reported:
		x.RankTxt, x.Class = leaderboard.WorkbookNotRanked, "chua"
		if r.LastWeek != "" {
			x.RankTxt += " (số liệu " + leaderboard.FormatWeek(r.LastWeek) + ")"
		} else {
			// No figure at all is not a rate of 0%, as the chat's boards say.
			x.NoData, x.PercentTxt = true, "chưa có số liệu"
		}
	default:
		x.RankTxt = strconv.Itoa(r.Rank)
		if x.Under {
			x.Class = "duoi"
		}
	}
	if r.Classes > 0 {
		x.Done = strconv.Itoa(r.ClassesReported) + "/" + strconv.Itoa(r.Classes)
	} else if r.Reported {
		x.Done = "đã báo cáo"
	} else {
		x.Done = "chưa"
	}
	return x
}

// total is the sum of a board's units as its last row.
func (s *Server) total(units []leaderboard.Unit) *row {
	r := leaderboard.Rank([]leaderboard.Unit{reminders.SumUnits("Tổng cộng", units)})[0]
	x := s.row(r, 0, "")
	x.RankTxt, x.Class = "", "tong"
	return &x
}

func (s *Server) trend(units []leaderboard.Unit) ([]trendPoint, template.HTML) {
	pts := make([]trendPoint, len(units))
	for i, u := range units {
		pts[i] = trendPoint{Week: u.Name, Percent: leaderboard.Percent(u.Insured(), u.Enrolment), Insured: u.Insured(), Enrolment: u.Enrolment,
			Known: u.Reported || u.LastWeek != ""}
	}
	return pts, trendSVG(pts, s.cfg.Campaign.WarnBelowPercent, s.cfg.Campaign.TargetPercent)
}

func areaHref(id int64) string   { return "/khu-vuc/" + strconv.FormatInt(id, 10) }
func schoolHref(id int64) string { return "/truong/" + strconv.FormatInt(id, 10) }
func classHref(id int64) string  { return "/lop/" + strconv.FormatInt(id, 10) }

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// home is the caller's own scope: the one board they see in chat, or a list when they have
// several.
func (s *Server) home(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request) (*view, error) {
	scopes := v.Scopes()
	if len(scopes) == 1 {
		sc := scopes[0]
		switch {
		case sc.SchoolID != 0:
			return s.school(r, tx, v, q, sc.SchoolID)
		case sc.AreaID != 0:
			a, err := tx.AreaByID(r.Context(), sc.AreaID)
			if err != nil {
				return nil, err
			}
			return s.area(r, tx, v, q, a)
		default:
			return s.area(r, tx, v, q, storage.Area{})
		}
	}
	out := &view{Kind: "home", Title: "Phạm vi được xem", Path: "/"}
	s.weekNav(out, q.week)
	for _, sc := range scopes {
		switch {
		case sc.SchoolID != 0:
			sch, err := tx.SchoolByID(r.Context(), sc.SchoolID)
			if err != nil {
				return nil, err
			}
			out.Scopes = append(out.Scopes, link{Name: sch.Name + " (" + sch.AreaPath + ")", Href: schoolHref(sch.ID)})
		case sc.AreaID != 0:
			a, err := tx.AreaByID(r.Context(), sc.AreaID)
			if err != nil {
				return nil, err
			}
			out.Scopes = append(out.Scopes, link{Name: "Khu vực " + a.Path, Href: areaHref(a.ID)})
		}
	}
	if q.format == "xlsx" {
		return nil, errNotFound
	}
	return out, nil
}

func (s *Server) areaPage(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request) (*view, error) {
	id, err := parseID(q.id)
	if err != nil {
		return nil, err
	}
	a, err := tx.AreaByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !v.CanArea(a.Path) {
		return nil, errNotFound
	}
	return s.area(r, tx, v, q, a)
}

// area is an area's board (a zero Area: the whole roster), its areas below and its schools.
func (s *Server) area(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request, a storage.Area) (*view, error) {
	ctx := r.Context()
	d, err := s.boards.AreaDrill(ctx, tx, a.Path, q.week)
	if err != nil {
		return nil, err
	}
	out := &view{Kind: "area", Title: d.Area.Path, UnitName: "Trường", Path: "/"}
	if a.ID != 0 {
		out.Path = areaHref(a.ID)
		out.Title = "Khu vực " + a.Path
		if a.ParentID != 0 {
			if p, err := tx.AreaByID(ctx, a.ParentID); err == nil && v.CanArea(p.Path) {
				out.Up = &link{Name: p.Path, Href: areaHref(p.ID)}
			}
		}
	}
	s.weekNav(out, q.week)
	if q.format == "xlsx" {
		if !v.MayExport() {
			return nil, errNotFound
		}
		name, data, err := s.boards.Workbook(ctx, tx, a.Path, q.week)
		if err != nil {
			return nil, err
		}
		out.xlsx = &file{name: name, data: data}
		return out, nil
	}
	hrefs := make([]string, len(d.BelowIDs))
	for i, id := range d.BelowIDs {
		hrefs[i] = areaHref(id)
	}
	out.Areas = s.rows(d.Below, hrefs)
	hrefs = make([]string, len(d.SchoolIDs))
	for i, id := range d.SchoolIDs {
		hrefs[i] = schoolHref(id)
	}
	out.Units = s.rows(d.Board.Units, hrefs)
	out.Total = s.total(d.Board.Units)
	switch {
	case !v.MayExport():
	case a.ID != 0:
		out.Excel = out.Path + ".xlsx?week=" + q.week
	default:
		out.Excel = "/index.xlsx?week=" + q.week
	}
	totals, err := s.boards.AreaTotals(ctx, tx, a.Path, s.weeksEnding(q.week, TrendWeeks))
	if err != nil {
		return nil, err
	}
	out.Trend, out.Chart = s.trend(totals)
	return out, nil
}

func (s *Server) schoolPage(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request) (*view, error) {
	id, err := parseID(q.id)
	if err != nil {
		return nil, err
	}
	return s.school(r, tx, v, q, id)
}

// school is a school's board: its classes ranked, those that have not reported with their
// teachers, and its trend.
func (s *Server) school(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request, id int64) (*view, error) {
	ctx := r.Context()
	sch, err := tx.SchoolByID(ctx, id)
	if err != nil {
		return nil, err
	}
	// A school's workbook is not a board of the chat either: /xuat writes areas' workbooks.
	if !v.CanSchool(sch) || q.format == "xlsx" {
		return nil, errNotFound
	}
	d, err := s.boards.SchoolDrill(ctx, tx, id, q.week)
	if err != nil {
		return nil, err
	}
	out := &view{Kind: "school", Title: sch.Name, UnitName: "Lớp", Path: schoolHref(id)}
	if v.CanArea(sch.AreaPath) {
		out.Up = &link{Name: sch.AreaPath, Href: areaHref(sch.AreaID)}
	}
	s.weekNav(out, q.week)
	hrefs := make([]string, len(d.ClassIDs))
	for i, cid := range d.ClassIDs {
		hrefs[i] = classHref(cid)
	}
	out.Units = s.rows(d.Board.Units, hrefs)
	out.Total = s.total(d.Board.Units)
	if d.Board.AreaSize > 0 && d.Board.AreaRank > 0 {
		out.Total.RankTxt = strconv.Itoa(d.Board.AreaRank) + "/" + strconv.Itoa(d.Board.AreaSize) + " trong khu vực"
	}
	classes, err := tx.ClassesOfSchool(ctx, id, s.cfg.Campaign.SchoolYear)
	if err != nil {
		return nil, fmt.Errorf("web: classes: %w", err)
	}
	byID := make(map[int64]storage.Class, len(classes))
	for _, c := range classes {
		byID[c.ID] = c
	}
	for i, u := range d.Board.Units {
		if u.Reported {
			continue
		}
		c := byID[d.ClassIDs[i]]
		t := c.TeacherName
		if t == "" {
			t = "(chưa có tên trong danh sách)"
		}
		out.Unreported = append(out.Unreported, missing{Class: u.Name, Teacher: t, Href: hrefs[i]})
	}
	weeks := s.weeksEnding(q.week, TrendWeeks)
	totals := make([]leaderboard.Unit, 0, len(weeks))
	for _, w := range weeks {
		b, err := s.boards.SchoolBoard(ctx, tx, id, w)
		if err != nil {
			return nil, err
		}
		totals = append(totals, reminders.SumUnits(w, b.Units))
	}
	out.Trend, out.Chart = s.trend(totals)
	return out, nil
}

// classPage is a class's weekly figures: never its pupils.
func (s *Server) classPage(r *http.Request, tx *storage.Tx, v *commands.Viewer, q request) (*view, error) {
	ctx := r.Context()
	id, err := parseID(q.id)
	if err != nil {
		return nil, err
	}
	cl, err := tx.ClassByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.CanClass(cl) || q.format == "xlsx" {
		return nil, errNotFound
	}
	out := &view{Kind: "class", Title: "Lớp " + cl.Name + " – " + cl.SchoolName, Path: classHref(id), Teacher: cl.TeacherName,
		Up: &link{Name: cl.SchoolName, Href: schoolHref(cl.SchoolID)}}
	s.weekNav(out, q.week)
	reports, err := tx.ReportsOfClass(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("web: reports: %w", err)
	}
	latest := map[string]storage.Report{}
	var order []string
	for _, rep := range reports {
		if rep.Week > q.week {
			continue
		}
		if _, ok := latest[rep.Week]; !ok {
			order = append(order, rep.Week)
		}
		latest[rep.Week] = rep
	}
	for i := len(order) - 1; i >= 0; i-- {
		rep := latest[order[i]]
		p := leaderboard.Percent(rep.Insured(), rep.Enrolment)
		out.History = append(out.History, historyRow{Week: rep.Week, Enrolment: rep.Enrolment, ThroughSchool: rep.ThroughSchool,
			Other: rep.Other, Percent: p, PercentTxt: leaderboard.FormatPercent(p)})
	}
	d, err := s.boards.SchoolDrill(ctx, tx, cl.SchoolID, q.week)
	if err != nil {
		return nil, err
	}
	for i, cid := range d.ClassIDs {
		if cid == id {
			u := d.Board.Units[i]
			x := s.row(leaderboard.Rank([]leaderboard.Unit{u})[0], 0, "")
			x.RankTxt = strconv.Itoa(leaderboard.RankOf(d.Board.Units, i))
			if !u.Reported {
				x.RankTxt = leaderboard.WorkbookNotRanked
			}
			out.Total = &x
		}
	}
	return out, nil
}

type table struct {
	Name       string
	Rows       []row
	Total      *row
	Week, Warn string
}

var funcs = template.FuncMap{
	"num":     vntext.FormatInt,
	"weekTxt": leaderboard.FormatWeek,
	"tableOf": func(name string, rows []row, total *row, week, warn string) table {
		return table{Name: name, Rows: rows, Total: total, Week: week, Warn: warn}
	},
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
