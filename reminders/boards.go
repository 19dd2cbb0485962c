package reminders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// ChartPhotoMaxRows is the most rows a chart is sent with as a photo; a larger chart goes as a
// document, because Telegram scales photos down to 2560 px and thin rows become unreadable.
const ChartPhotoMaxRows = 50

// SchoolBoard builds a school's board for an ISO week ("2026-W48"): its classes with their
// carried-forward figures (see leaderboard.Unit), and the school's rank among the schools of its area.
// After the campaign deadline the board has the final wording.
func (s *Service) SchoolBoard(ctx context.Context, tx *storage.Tx, schoolID int64, week string) (b leaderboard.Board, err error) {
	err = s.withSchoolFigures(ctx, tx, schoolID, week, func(f *figures) error {
		b, err = s.schoolBoardOf(f, schoolID)
		return err
	})
	return b, err
}

// AreaBoard builds the board of an area (at its path, e.g. "Sóc Trăng / Mỹ Tú") for an ISO
// week: the schools of the area and of every area below it, aggregated from their classes.
// The path "" means the whole roster (every top-level area).
func (s *Service) AreaBoard(ctx context.Context, tx *storage.Tx, areaPath string, week string) (b leaderboard.Board, err error) {
	err = s.withAreaFigures(ctx, tx, areaPath, week, func(f *figures) error {
		b, err = s.areaBoardOf(f, areaPath)
		return err
	})
	return b, err
}

// withSchoolFigures calls fn with the figures a school's board needs: those of its area (for
// its rank).
func (s *Service) withSchoolFigures(ctx context.Context, tx *storage.Tx, schoolID int64, week string, fn func(*figures) error) error {
	if err := s.checkWeek(week); err != nil {
		return err
	}
	school, err := tx.SchoolByID(ctx, schoolID)
	if err != nil {
		return fmt.Errorf("reminders: school %d: %w", schoolID, err)
	}
	return s.withFigures(ctx, tx, school.AreaPath, week, fn)
}

// withAreaFigures calls fn with the figures of an area's board ("" for the whole roster).
func (s *Service) withAreaFigures(ctx context.Context, tx *storage.Tx, areaPath, week string, fn func(*figures) error) error {
	if err := s.checkWeek(week); err != nil {
		return err
	}
	if areaPath == "" {
		return s.withFigures(ctx, tx, areaPath, week, fn)
	}
	if _, err := tx.AreaByPath(ctx, areaPath); err != nil {
		return fmt.Errorf("reminders: area %q: %w", areaPath, err)
	}
	// An area's board needs only its schools' sums: kept figures when there are some,
	// otherwise the sums the storage keeps per school and week (one row per school).
	if ok, err := s.withKeptFigures(ctx, tx, areaPath, week, fn); ok || err != nil {
		return err
	}
	f, err := s.loadSchoolTotals(ctx, tx, areaPath, week)
	if err != nil {
		return err
	}
	return fn(f)
}

// Workbook renders an area's board for an ISO week as the official template's .xlsx and names
// the file, e.g. "bao-cao-bhyt-soc-trang-my-tu-2026-W48.xlsx"; the path "" exports the whole
// roster.
func (s *Service) Workbook(ctx context.Context, tx *storage.Tx, areaPath string, week string) (fileName string, data []byte, err error) {
	b, err := s.AreaBoard(ctx, tx, areaPath, week)
	if err != nil {
		return "", nil, err
	}
	data, err = leaderboard.AreaWorkbook(b)
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
// /xuat): the text, the chart, and for an area the Excel workbook. The text goes as one
// message however long: the channel's sender cuts it into the parts its chat accepts. The chart and workbook are specs drawn at send time, as a weekly
// job's are: drawing them here would hold the writer's transaction and store their bytes. The scope chooses the board: a school, the school of a
// class, an area, or (no id set, an admin) each top-level area in turn. The messages have
// PriorityReply and dedupe keys keyPrefix + "/1" for the text, "/chart" and
// "/xlsx" (with "/a<area id>" inserted after keyPrefix for an admin's several areas).
func (s *Service) BoardMessages(ctx context.Context, tx *storage.Tx, sc storage.Scope, week string, chatID int64, keyPrefix string) ([]storage.Message, error) {
	schoolID := sc.SchoolID
	switch {
	case sc.SchoolID != 0:
	case sc.ClassID != 0:
		cl, err := tx.ClassByID(ctx, sc.ClassID)
		if err != nil {
			return nil, fmt.Errorf("reminders: board of class %d: %w", sc.ClassID, err)
		}
		schoolID = cl.SchoolID
	case sc.AreaID != 0:
		a, err := tx.AreaByID(ctx, sc.AreaID)
		if err != nil {
			return nil, fmt.Errorf("reminders: board of area %d: %w", sc.AreaID, err)
		}
		return s.areaBoardMessagesNow(ctx, tx, a.Path, week, chatID, keyPrefix)
	case sc.StudentID != 0:
		return nil, fmt.Errorf("reminders: a pupil's scope has no board")
	default:
		tops, err := tx.TopAreas(ctx)
		if err != nil {
			return nil, fmt.Errorf("reminders: board messages: %w", err)
		}
		var out []storage.Message
		for _, a := range tops {
			ms, err := s.areaBoardMessagesNow(ctx, tx, a.Path, week, chatID, keyPrefix+"/a"+strconv.FormatInt(a.ID, 10))
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
		return out, nil
	}
	var ms []storage.Message
	err := s.withSchoolFigures(ctx, tx, schoolID, week, func(f *figures) (err error) {
		ms, err = s.schoolMessages(f, schoolID, chatID, keyPrefix, storage.PriorityReply)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ms, nil
}

func (s *Service) areaBoardMessagesNow(ctx context.Context, tx *storage.Tx, areaPath, week string, chatID int64, prefix string) ([]storage.Message, error) {
	var ms []storage.Message
	err := s.withAreaFigures(ctx, tx, areaPath, week, func(f *figures) (err error) {
		ms, err = s.areaMessages(f, areaPath, chatID, prefix, storage.PriorityReply)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ms, nil
}

// WorkbookMessage is an area's workbook for an ISO week (the path "" exports the whole
// roster) as a document drawn at send time; the caller sets the key, chat and caption.
func (s *Service) WorkbookMessage(ctx context.Context, tx *storage.Tx, areaPath string, week string) (storage.Message, error) {
	b, err := s.AreaBoard(ctx, tx, areaPath, week)
	if err != nil {
		return storage.Message{}, err
	}
	name := WorkbookFileName(b.Title, week)
	spec, err := leaderboard.WorkbookSpec(b, name)
	if err != nil {
		return storage.Message{}, err
	}
	return storage.Message{Priority: storage.PriorityReply, Document: []byte{}, FileName: name, Render: spec}, nil
}

func (s *Service) checkWeek(week string) error {
	if _, err := storage.WeekStart(week, s.loc); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	return nil
}

// AllAreasTitle is the title of the whole roster's board (every top-level area).
const AllAreasTitle = "Tất cả khu vực"

func (s *Service) newBoard(title, week string, units []leaderboard.Unit) leaderboard.Board {
	now := s.clock()
	return leaderboard.Board{
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

// rankIn returns the competition rank of a school among the reported schools of an area
// (leaderboard.RankOf: the area board's own rule; 0 when the school has not reported this
// week) and the number of schools in the area.
func rankIn(d *areaData, schoolID int64) (rank, size int) {
	at := -1
	for i, id := range d.ids {
		if id == schoolID {
			at = i
		}
	}
	return leaderboard.RankOf(d.units, at), len(d.units)
}

// schoolMessages are a school's board as messages: the text parts and the chart, whose
// picture is drawn at send time (see RenderAttachment).
func (s *Service) schoolMessages(f *figures, schoolID int64, chatID int64, prefix string, prio int) ([]storage.Message, error) {
	b, err := s.schoolBoardOf(f, schoolID)
	if err != nil {
		return nil, err
	}
	text := leaderboard.RenderSchoolBoard(b)
	if line := enrolmentChanges(f, schoolID); line != "" {
		text += "\n\n" + line
	}
	out := textMessages(text, chatID, prefix, prio)
	if m, ok, err := s.chartMessage(b, chatID, prefix, prio); err != nil {
		return nil, err
	} else if ok {
		out = append(out, m)
	}
	return out, nil
}

// enrolmentChanges names the school's classes whose figure on the board (this week's report
// or the one carried forward) gives another enrolment than the school's list, as
// "Lớp có sĩ số khác danh sách: 6A (40 → 42), 7B (38 → 37)."; "" when there are none. A
// report with another enrolment is accepted and moves the school's totals, so the principal
// is told which classes did it. Classes with a pupil list count their pupils and never differ.
func enrolmentChanges(f *figures, schoolID int64) string {
	i := f.schoolIndex(schoolID)
	if i < 0 {
		return ""
	}
	var parts []string
	for _, c := range f.order[f.first[i]:f.first[i+1]] {
		cf := &f.classes[c]
		if cf.Roster {
			continue
		}
		u := classUnit(cf)
		if (u.Reported || u.LastWeek != "") && u.Enrolment != cf.Enrolment {
			parts = append(parts, vntext.EscapeHTML(cf.Name)+" ("+strconv.Itoa(cf.Enrolment)+" → "+strconv.Itoa(u.Enrolment)+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "📋 Lớp có sĩ số khác danh sách: " + strings.Join(parts, ", ") + "."
}

// areaMessages are an area's board as messages: the text, the chart and the workbook,
// both drawn at send time.
func (s *Service) areaMessages(f *figures, areaPath string, chatID int64, prefix string, prio int) ([]storage.Message, error) {
	b, err := s.areaBoardOf(f, areaPath)
	if err != nil {
		return nil, err
	}
	out := textMessages(leaderboard.RenderAreaBoard(b), chatID, prefix, prio)
	if m, ok, err := s.chartMessage(b, chatID, prefix, prio); err != nil {
		return nil, err
	} else if ok {
		out = append(out, m)
	}
	spec, err := leaderboard.WorkbookSpec(b, WorkbookFileName(areaPath, b.Week))
	if err != nil {
		return nil, err
	}
	out = append(out, storage.Message{
		DedupeKey: prefix + "/xlsx",
		ChatID:    chatID,
		Priority:  prio,
		Text:      "📎 Bảng tổng hợp Excel: " + vntext.EscapeHTML(b.Title) + ", " + leaderboard.FormatWeek(b.Week),
		Document:  []byte{},
		FileName:  WorkbookFileName(areaPath, b.Week),
		Render:    spec,
	})
	return out, nil
}

// chartMessage is a board's chart, to be drawn at send time; a board without units or with
// more than leaderboard.MaxChartRows has none. A chart of more than ChartPhotoMaxRows goes as a document.
func (s *Service) chartMessage(b leaderboard.Board, chatID int64, prefix string, prio int) (storage.Message, bool, error) {
	n := len(b.Units)
	if n > leaderboard.MaxChartRows {
		s.log.Info("chart skipped: too many rows", "board", b.Title, "rows", n, "max", leaderboard.MaxChartRows)
	}
	if n == 0 || n > leaderboard.MaxChartRows {
		return storage.Message{}, false, nil
	}
	name := "bieu-do-" + slug(b.Title) + "-" + b.Week + ".png"
	spec, err := leaderboard.ChartSpec(b, name)
	if err != nil {
		return storage.Message{}, false, err
	}
	m := storage.Message{
		DedupeKey: prefix + "/chart",
		ChatID:    chatID,
		Priority:  prio,
		Text:      "📊 Biểu đồ tỷ lệ tham gia BHYT: " + vntext.EscapeHTML(b.Title) + ", " + leaderboard.FormatWeek(b.Week),
		FileName:  name,
		Render:    spec,
	}
	if n > ChartPhotoMaxRows {
		m.Document = []byte{}
	} else {
		m.Photo = []byte{}
	}
	return m, true, nil
}

// textMessages is a board's text as one message, however long: the channel's sender cuts it
// into parts its chat accepts (bot/split) and records each part delivered. Its key keeps the
// "/1" of the time boards were cut here, so a job run again after an upgrade adds nothing.
func textMessages(text string, chatID int64, prefix string, prio int) []storage.Message {
	return []storage.Message{{DedupeKey: prefix + "/1", ChatID: chatID, Priority: prio, Text: text}}
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
