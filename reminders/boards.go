package reminders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// ChartPhotoMaxRows is the most rows a chart is sent with as a photo; a larger chart goes as a
// document, because Telegram scales photos down to 2560 px and thin rows become unreadable.
const ChartPhotoMaxRows = 50

// SchoolBoard builds a school's board for an ISO week ("2026-W48"): its classes with their
// carried-forward figures (see Unit), and the school's rank among the schools of its area.
// After the campaign deadline the board has the final wording.
func (s *Service) SchoolBoard(ctx context.Context, tx *storage.Tx, schoolID int64, week string) (Board, error) {
	return s.schoolBoard(ctx, tx, newBoardCache(), schoolID, week)
}

// AreaBoard builds the board of an area (at its path, e.g. "Sóc Trăng / Mỹ Tú") for an ISO
// week: the schools of the area and of every area below it, aggregated from their classes.
// The path "" means the whole roster (every top-level area).
func (s *Service) AreaBoard(ctx context.Context, tx *storage.Tx, areaPath string, week string) (Board, error) {
	return s.areaBoard(ctx, tx, newBoardCache(), areaPath, week)
}

// Workbook renders an area's board for an ISO week as the official template's .xlsx and names
// the file, e.g. "bao-cao-bhyt-soc-trang-my-tu-2026-W48.xlsx"; the path "" exports the whole
// roster.
func (s *Service) Workbook(ctx context.Context, tx *storage.Tx, areaPath string, week string) (fileName string, data []byte, err error) {
	b, err := s.AreaBoard(ctx, tx, areaPath, week)
	if err != nil {
		return "", nil, err
	}
	data, err = AreaWorkbook(b)
	if err != nil {
		return "", nil, err
	}
	return WorkbookFileName(b.Title, week), data, nil
}

// WorkbookFileName is the ASCII file name of an area's workbook for a week (the area given by
// its path or the board's title).
func WorkbookFileName(areaPath, week string) string {
	return "bao-cao-bhyt-" + slug(areaPath) + "-" + week + ".xlsx"
}

// BoardMessages returns the messages that show a board to chatID, for on-demand use (/xephang,
// /xuat): the text (split into parts of at most TelegramMessageLimit), the chart, and for an
// area the Excel workbook. The scope chooses the board: a school, the school of a class, an
// area, or (no id set, an admin) each top-level area in turn. The messages have
// PriorityReply and dedupe keys keyPrefix + "/1", "/2"… for the text parts, "/chart" and
// "/xlsx" (with "/a<area id>" inserted after keyPrefix for an admin's several areas).
func (s *Service) BoardMessages(ctx context.Context, tx *storage.Tx, sc storage.Scope, week string, chatID int64, keyPrefix string) ([]storage.Message, error) {
	c := newBoardCache()
	switch {
	case sc.SchoolID != 0:
		return s.schoolMessages(ctx, tx, c, sc.SchoolID, week, chatID, keyPrefix, storage.PriorityReply)
	case sc.ClassID != 0:
		cl, err := tx.ClassByID(ctx, sc.ClassID)
		if err != nil {
			return nil, fmt.Errorf("reminders: board of class %d: %w", sc.ClassID, err)
		}
		return s.schoolMessages(ctx, tx, c, cl.SchoolID, week, chatID, keyPrefix, storage.PriorityReply)
	case sc.AreaID != 0:
		a, err := tx.AreaByID(ctx, sc.AreaID)
		if err != nil {
			return nil, fmt.Errorf("reminders: board of area %d: %w", sc.AreaID, err)
		}
		return s.areaMessages(ctx, tx, c, a.Path, week, chatID, keyPrefix, storage.PriorityReply)
	case sc.StudentID != 0:
		return nil, fmt.Errorf("reminders: a pupil's scope has no board")
	}
	tops, err := tx.TopAreas(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminders: board messages: %w", err)
	}
	var out []storage.Message
	for _, a := range tops {
		ms, err := s.areaMessages(ctx, tx, c, a.Path, week, chatID, keyPrefix+"/a"+strconv.FormatInt(a.ID, 10), storage.PriorityReply)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// boardCache keeps what one run has computed, so that a school's or an area's figures, board,
// chart and workbook are built once however many recipients share them.
type boardCache struct {
	schoolFigs map[string][]storage.WeekFigure // by school id and week
	areas      map[string]*areaData            // by path and week
	charts     map[string]chartFile            // by "s<id>/week" or "a<path>/week"
	workbooks  map[string][]byte               // by area path and week
}

type areaData struct {
	area  storage.Area
	units []Unit
	ids   []int64 // school id of each unit
}

type chartFile struct {
	data []byte
	rows int
}

func newBoardCache() *boardCache {
	return &boardCache{
		schoolFigs: map[string][]storage.WeekFigure{},
		areas:      map[string]*areaData{},
		charts:     map[string]chartFile{},
		workbooks:  map[string][]byte{},
	}
}

func (s *Service) checkWeek(week string) error {
	if _, err := storage.WeekStart(week, s.loc); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	return nil
}

// figuresOfSchool returns (and caches) the week figures of a school's classes.
func (s *Service) figuresOfSchool(ctx context.Context, tx *storage.Tx, c *boardCache, schoolID int64, week string) ([]storage.WeekFigure, error) {
	key := strconv.FormatInt(schoolID, 10) + "/" + week
	if f, ok := c.schoolFigs[key]; ok {
		return f, nil
	}
	f, err := tx.BoardFigures(ctx, "", schoolID, s.cfg.Campaign.SchoolYear, week)
	if err != nil {
		return nil, fmt.Errorf("reminders: figures of school %d: %w", schoolID, err)
	}
	c.schoolFigs[key] = f
	return f, nil
}

// areaUnits returns (and caches) the schools of an area as units.
func (s *Service) areaUnits(ctx context.Context, tx *storage.Tx, c *boardCache, areaPath, week string) (*areaData, error) {
	key := areaPath + "/" + week
	if d, ok := c.areas[key]; ok {
		return d, nil
	}
	var (
		a    storage.Area
		figs []storage.WeekFigure
		err  error
	)
	if areaPath == "" {
		a, figs, err = s.rosterFigures(ctx, tx, week)
	} else {
		a, err = tx.AreaByPath(ctx, areaPath)
		if err != nil {
			return nil, fmt.Errorf("reminders: area %q: %w", areaPath, err)
		}
		figs, err = tx.BoardFigures(ctx, areaPath, 0, s.cfg.Campaign.SchoolYear, week)
	}
	if err != nil {
		return nil, fmt.Errorf("reminders: figures of area %q: %w", areaPath, err)
	}
	units, ids := schoolUnits(figs)
	d := &areaData{area: a, units: units, ids: ids}
	c.areas[key] = d
	return d, nil
}

// AllAreasTitle is the title of the whole roster's board (every top-level area).
const AllAreasTitle = "Tất cả khu vực"

// rosterFigures returns the figures of every top-level area, as one pseudo-area titled by the
// only top-level area's path or AllAreasTitle.
func (s *Service) rosterFigures(ctx context.Context, tx *storage.Tx, week string) (storage.Area, []storage.WeekFigure, error) {
	tops, err := tx.TopAreas(ctx)
	if err != nil {
		return storage.Area{}, nil, err
	}
	a := storage.Area{Name: AllAreasTitle, Path: AllAreasTitle}
	if len(tops) == 1 {
		a = tops[0]
	}
	var all []storage.WeekFigure
	for _, t := range tops {
		figs, err := tx.BoardFigures(ctx, t.Path, 0, s.cfg.Campaign.SchoolYear, week)
		if err != nil {
			return a, nil, err
		}
		all = append(all, figs...)
	}
	return a, all, nil
}

func (s *Service) newBoard(title, week string, units []Unit) Board {
	now := s.clock()
	return Board{
		Title:            title,
		Week:             week,
		Units:            units,
		TargetPercent:    s.cfg.Campaign.TargetPercent,
		WarnBelowPercent: s.cfg.Campaign.WarnBelowPercent,
		Deadline:         s.cfg.DeadlineTime(),
		Now:              now,
		Final:            s.final(now),
	}
}

func (s *Service) schoolBoard(ctx context.Context, tx *storage.Tx, c *boardCache, schoolID int64, week string) (Board, error) {
	if err := s.checkWeek(week); err != nil {
		return Board{}, err
	}
	school, err := tx.SchoolByID(ctx, schoolID)
	if err != nil {
		return Board{}, fmt.Errorf("reminders: school %d: %w", schoolID, err)
	}
	figs, err := s.figuresOfSchool(ctx, tx, c, schoolID, week)
	if err != nil {
		return Board{}, err
	}
	b := s.newBoard(school.Name, week, classUnits(figs))
	area, err := s.areaUnits(ctx, tx, c, school.AreaPath, week)
	if err != nil {
		return Board{}, err
	}
	b.AreaRank, b.AreaSize = rankIn(area, schoolID)
	return b, nil
}

func (s *Service) areaBoard(ctx context.Context, tx *storage.Tx, c *boardCache, areaPath, week string) (Board, error) {
	if err := s.checkWeek(week); err != nil {
		return Board{}, err
	}
	d, err := s.areaUnits(ctx, tx, c, areaPath, week)
	if err != nil {
		return Board{}, err
	}
	return s.newBoard(d.area.Path, week, d.units), nil
}

// rankIn returns the competition rank of a school among the reported schools of an area
// (as Rank computes it; 0 when the school has not reported this week) and the number of
// schools in the area.
func rankIn(d *areaData, schoolID int64) (rank, size int) {
	at := -1
	for i, id := range d.ids {
		if id == schoolID {
			at = i
		}
	}
	if at < 0 || !d.units[at].Reported {
		return 0, len(d.units)
	}
	rank = 1
	for i := range d.units {
		if d.units[i].Reported && compareCoverage(&d.units[i], &d.units[at]) > 0 {
			rank++
		}
	}
	return rank, len(d.units)
}

// classUnits turns week figures into class units with carried-forward figures.
func classUnits(figs []storage.WeekFigure) []Unit {
	units := make([]Unit, len(figs))
	for i, f := range figs {
		units[i] = classUnit(f)
	}
	return units
}

func classUnit(f storage.WeekFigure) Unit {
	u := Unit{Name: f.Class.Name, Enrolment: f.Class.Enrolment}
	switch {
	case f.This != nil:
		u.Enrolment, u.ThroughSchool, u.Other, u.Reported = f.This.Enrolment, f.This.ThroughSchool, f.This.Other, true
	case f.Previous != nil:
		u.Enrolment, u.ThroughSchool, u.Other, u.LastWeek = f.Previous.Enrolment, f.Previous.ThroughSchool, f.Previous.Other, f.Previous.Week
	}
	if f.Previous != nil {
		u.Prev = &Figure{Enrolment: f.Previous.Enrolment, Insured: f.Previous.Insured()}
	}
	return u
}

// schoolUnits aggregates class figures into one unit per school, in the order the schools
// first appear, and returns the school ids alongside. A school's figure is the sum of its
// classes' carried-forward figures; it has reported when one of its classes has, and its
// figure for last week exists when one of its classes had one (the others counting with
// their enrolment and nobody insured). Names that repeat (the same school name in two
// communes) get their area's last level in brackets.
func schoolUnits(figs []storage.WeekFigure) ([]Unit, []int64) {
	var (
		units []Unit
		ids   []int64
		areas []string
	)
	index := map[int64]int{}
	for _, f := range figs {
		i, ok := index[f.Class.SchoolID]
		if !ok {
			i = len(units)
			index[f.Class.SchoolID] = i
			units = append(units, Unit{Name: f.Class.SchoolName, Prev: &Figure{}})
			ids = append(ids, f.Class.SchoolID)
			areas = append(areas, f.Class.AreaPath)
		}
		u, c := &units[i], classUnit(f)
		u.Enrolment += c.Enrolment
		u.ThroughSchool += c.ThroughSchool
		u.Other += c.Other
		u.Classes++
		if c.Reported {
			u.Reported = true
			u.ClassesReported++
		} else if c.LastWeek > u.LastWeek {
			u.LastWeek = c.LastWeek
		}
		if c.Prev != nil {
			u.Prev.Enrolment += c.Prev.Enrolment
			u.Prev.Insured += c.Prev.Insured
		} else {
			u.Prev.Enrolment += f.Class.Enrolment
		}
	}
	hasPrev := make([]bool, len(units))
	for _, f := range figs {
		if f.Previous != nil {
			hasPrev[index[f.Class.SchoolID]] = true
		}
	}
	names := map[string]int{}
	for i := range units {
		if !hasPrev[i] {
			units[i].Prev = nil
		}
		if units[i].Reported {
			units[i].LastWeek = ""
		}
		names[units[i].Name]++
	}
	for i := range units {
		if names[units[i].Name] > 1 {
			last := areas[i]
			if k := strings.LastIndex(last, storage.PathSep); k >= 0 {
				last = last[k+len(storage.PathSep):]
			}
			units[i].Name += " (" + last + ")"
		}
	}
	return units, ids
}

func (s *Service) schoolMessages(ctx context.Context, tx *storage.Tx, c *boardCache, schoolID int64, week string, chatID int64, prefix string, prio int) ([]storage.Message, error) {
	b, err := s.schoolBoard(ctx, tx, c, schoolID, week)
	if err != nil {
		return nil, err
	}
	out := textMessages(RenderSchoolBoard(b), chatID, prefix, prio)
	chart, err := s.chart(c, "s"+strconv.FormatInt(schoolID, 10), b)
	if err != nil {
		return nil, err
	}
	if chart.data != nil {
		out = append(out, chartMessage(b, chart, chatID, prefix, prio))
	}
	return out, nil
}

func (s *Service) areaMessages(ctx context.Context, tx *storage.Tx, c *boardCache, areaPath, week string, chatID int64, prefix string, prio int) ([]storage.Message, error) {
	b, err := s.areaBoard(ctx, tx, c, areaPath, week)
	if err != nil {
		return nil, err
	}
	out := textMessages(RenderAreaBoard(b), chatID, prefix, prio)
	chart, err := s.chart(c, "a"+areaPath, b)
	if err != nil {
		return nil, err
	}
	if chart.data != nil {
		out = append(out, chartMessage(b, chart, chatID, prefix, prio))
	}
	key := areaPath + "/" + week
	wb, ok := c.workbooks[key]
	if !ok {
		if wb, err = AreaWorkbook(b); err != nil {
			return nil, err
		}
		c.workbooks[key] = wb
	}
	out = append(out, storage.Message{
		DedupeKey: prefix + "/xlsx",
		ChatID:    chatID,
		Priority:  prio,
		Text:      "📎 Bảng tổng hợp Excel: " + vntext.EscapeHTML(b.Title) + ", " + formatWeek(week),
		Document:  wb,
		FileName:  WorkbookFileName(areaPath, week),
	})
	return out, nil
}

// chart draws (once per key and week) a board's chart; a board without units or with more
// than MaxChartRows has none.
func (s *Service) chart(c *boardCache, key string, b Board) (chartFile, error) {
	key += "/" + b.Week
	if f, ok := c.charts[key]; ok {
		return f, nil
	}
	var f chartFile
	if n := len(b.Units); n > 0 && n <= MaxChartRows {
		data, err := ChartPNG(b.Title+" — "+formatWeek(b.Week), Rank(b.Units), b.TargetPercent, b.WarnBelowPercent)
		if err != nil {
			return f, err
		}
		f = chartFile{data: data, rows: n}
	} else if n > MaxChartRows {
		s.log.Info("chart skipped: too many rows", "board", b.Title, "rows", n, "max", MaxChartRows)
	}
	c.charts[key] = f
	return f, nil
}

func textMessages(text string, chatID int64, prefix string, prio int) []storage.Message {
	parts := SplitMessage(text, TelegramMessageLimit)
	out := make([]storage.Message, len(parts))
	for i, p := range parts {
		out[i] = storage.Message{DedupeKey: prefix + "/" + strconv.Itoa(i+1), ChatID: chatID, Priority: prio, Text: p}
	}
	return out
}

func chartMessage(b Board, f chartFile, chatID int64, prefix string, prio int) storage.Message {
	m := storage.Message{
		DedupeKey: prefix + "/chart",
		ChatID:    chatID,
		Priority:  prio,
		Text:      "📊 Biểu đồ tỷ lệ tham gia BHYT: " + vntext.EscapeHTML(b.Title) + ", " + formatWeek(b.Week),
		FileName:  "bieu-do-" + slug(b.Title) + "-" + b.Week + ".png",
	}
	if f.rows > ChartPhotoMaxRows {
		m.Document = f.data
	} else {
		m.Photo = f.data
	}
	return m
}

// slug folds s to lower-case ASCII words joined by "-": "Sóc Trăng / Mỹ Tú" → "soc-trang-my-tu".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range vntext.Fold(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "khu-vuc"
	}
	return b.String()
}

// errUnknownJob is returned for a job name that is not one of config.Jobs.
var errUnknownJob = errors.New("reminders: unknown job")
