package leaderboard

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/vntext"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Unit is one ranked unit: a class on a school board, a school on an area board.
//
// Figures are carried forward: a unit's figure for a week is its latest report
// up to and including that week (a class's figure for a week is its latest
// report in that week, since reports are history and a correction is a new
// report). So a class that has not reported this week still counts toward
// every total with its last known figure — the school's and the area's totals
// never drop just because a teacher is late — while completeness (Reported,
// ClassesReported) and the "Chưa báo cáo" list show who has not reported this
// week. A class that has never reported counts with its roster enrolment and
// 0 insured, i.e. all its pupils count as "chưa tham gia", which is what the
// official template says when nothing is known.
type Unit struct {
	// Name is shown as is (HTML-escaped by the renderers): "6A", "Trường THCS Mỹ Tú".
	Name string
	// Enrolment (sĩ số), ThroughSchool (tham gia qua trường) and Other
	// (đối tượng khác) are the carried-forward figures described above. For a
	// school they are sums over all its classes.
	Enrolment, ThroughSchool, Other int
	// Reported is true when the unit has a report this week; for a school,
	// when at least one of its classes has.
	Reported bool
	// LastWeek is the ISO week ("2026-W45") of the figure when Reported is
	// false, and "" when the unit has never reported. Ignored when Reported.
	LastWeek string
	// Classes and ClassesReported give a school's reporting completeness:
	// classes on the roster and classes with a report this week. Zero for a
	// class.
	Classes, ClassesReported int
	// Prev is the unit's figure at the end of last week (carried forward the
	// same way), nil when the unit did not exist or had no figure then.
	Prev *Figure
}

// Figure is a unit's enrolment and insured pupils (through school + other).
type Figure struct{ Enrolment, Insured int }

// Insured returns ThroughSchool + Other.
func (u Unit) Insured() int { return u.ThroughSchool + u.Other }

// Ranked is a Unit with its place on a board and its derived figures.
type Ranked struct {
	Unit
	// Rank is the 1-based competition rank ("1, 2, 2, 4": equal coverage,
	// equal rank) among the units that reported this week, 0 for the others.
	Rank int
	// Percent is the coverage as shown (Percent: half up to 0.1,
	// 100 only when complete); 0 when the enrolment is 0.
	Percent float64
	// Change is the change of coverage since Prev in percentage points: the
	// difference of the two percentages as shown (10,5% → 33,6% is 23,1), so
	// a reader who subtracts the shown figures finds the shown change;
	// meaningful only when HasPrev.
	Change  float64
	HasPrev bool

	changeTenths int
}

// Light is a unit's traffic light against the campaign target.
type Light int

// The three lights: under the warning threshold, between it and the target,
// target met.
const (
	LightRed Light = iota
	LightYellow
	LightGreen
)

// Emoji returns 🔴, 🟡 or ✅.
func (l Light) Emoji() string {
	switch l {
	case LightGreen:
		return "✅"
	case LightYellow:
		return "🟡"
	default:
		return "🔴"
	}
}

// Light compares the coverage as shown with target and warn (both in percent), so a unit
// shown at "50,0%" is never listed as under 50%. Only a complete unit shows 100%, so a target
// of 100 is met only by a complete unit.
func (u Unit) Light(target, warn float64) Light {
	return lightOf(u.Insured(), u.Enrolment, target, warn)
}

func lightOf(insured, enrolment int, target, warn float64) Light {
	if enrolment <= 0 {
		return LightRed
	}
	// A threshold is compared in tenths, with a margin for a threshold like 33.3 whose
	// float times ten falls a hair under 333.
	t := float64(Tenths(insured, enrolment))
	switch {
	case t >= target*10-1e-6:
		return LightGreen
	case t >= warn*10-1e-6:
		return LightYellow
	default:
		return LightRed
	}
}

// Rank orders units for a board: first the units that reported this week, by
// coverage (descending, compared exactly), ties by name in Vietnamese order
// with numbers compared by value ("6A" before "10A"); then the units that did
// not report this week, by name, with Rank 0 and their carried-forward
// figures. A unit with zero enrolment has coverage 0. The input is not
// modified.
func Rank(units []Unit) []Ranked {
	out := make([]Ranked, len(units))
	keys := make([][]byte, len(units))
	col := collate.New(language.Vietnamese, collate.Numeric, collate.IgnoreCase)
	var buf collate.Buffer
	for i, u := range units {
		out[i] = Ranked{Unit: u, Percent: Percent(u.Insured(), u.Enrolment)}
		if u.Prev != nil && u.Prev.Enrolment > 0 {
			d := Tenths(u.Insured(), u.Enrolment) - Tenths(u.Prev.Insured, u.Prev.Enrolment)
			out[i].HasPrev = true
			out[i].changeTenths = d
			out[i].Change = float64(d) / 10
		}
		keys[i] = col.KeyFromString(&buf, u.Name)
	}
	idx := make([]int, len(units))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ua, ub := &out[a].Unit, &out[b].Unit
		if ua.Reported != ub.Reported {
			if ua.Reported {
				return -1
			}
			return 1
		}
		if ua.Reported {
			if c := compareCoverage(ub, ua); c != 0 {
				return c
			}
		}
		if c := strings.Compare(string(keys[a]), string(keys[b])); c != 0 {
			return c
		}
		return strings.Compare(ua.Name, ub.Name)
	})
	sorted := make([]Ranked, len(units))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	for i := range sorted {
		if !sorted[i].Reported {
			break
		}
		if i > 0 && compareCoverage(&sorted[i].Unit, &sorted[i-1].Unit) == 0 {
			sorted[i].Rank = sorted[i-1].Rank
		} else {
			sorted[i].Rank = i + 1
		}
	}
	return sorted
}

// RankOf returns the rank Rank gives units[at] without sorting: 0 when it has not reported
// this week, else one more than the number of reported units with a strictly higher
// coverage (competition ranking, the tie rule of compareCoverage). A school's place in its
// area is read this way.
func RankOf(units []Unit, at int) int {
	if at < 0 || at >= len(units) || !units[at].Reported {
		return 0
	}
	rank := 1
	for i := range units {
		if units[i].Reported && compareCoverage(&units[i], &units[at]) > 0 {
			rank++
		}
	}
	return rank
}

// compareCoverage compares a's and b's coverage exactly (cross-multiplied): the one tie rule
// of every board. Two units are tied only when their fractions are equal, not when their
// rounded percentages are (90,48% and 90,52% both show 90,5% but do not share a rank).
func compareCoverage(a, b *Unit) int {
	ai, ae, bi, be := int64(a.Insured()), int64(a.Enrolment), int64(b.Insured()), int64(b.Enrolment)
	if ae <= 0 {
		ai, ae = 0, 1
	}
	if be <= 0 {
		bi, be = 0, 1
	}
	l, r := ai*be, bi*ae
	switch {
	case l < r:
		return -1
	case l > r:
		return 1
	}
	return 0
}

// Board is everything a leaderboard message needs; the renderers are pure
// functions of it.
type Board struct {
	// Title is the school's name (school board) or the area's (area board).
	Title string
	// Week is the ISO week of the figures, "2026-W47".
	Week string
	// Units are the classes (school board) or schools (area board), in any order.
	Units []Unit
	// TargetPercent is the campaign target (campaign.target_percent, e.g.
	// 100); WarnBelowPercent the threshold under which a unit is singled out
	// (campaign.warn_below_percent, e.g. 50).
	TargetPercent, WarnBelowPercent float64
	// Deadline is the campaign deadline and Now the time of rendering; the
	// reminder wording counts the days left between them (calendar days in
	// Deadline's location). A zero Deadline omits the line.
	Deadline, Now time.Time
	// Final selects the final-result wording (set it once Now is past the
	// deadline): no reminder, "Kết quả cuối cùng" in the header.
	Final bool
	// AreaRank and AreaSize place a school within its area on the school
	// board ("Xếp hạng trong khu vực: 3/12"); 0 omits the line.
	AreaRank, AreaSize int
}

// totals are a board's sums over all its units (carried-forward figures).
type totals struct {
	Enrolment, ThroughSchool, Other, Insured int
	Percent                                  float64
	Change                                   float64
	HasPrev                                  bool
	Units, UnitsReported                     int
	Classes, ClassesReported                 int
	Lights                                   [3]int
}

// sumUnits totals ranked units. The change since last week is given only
// when every unit has a previous figure, so a new unit never shows up as a
// jump of the total.
func sumUnits(rs []Ranked, target, warn float64) totals {
	var t totals
	var prevE, prevI int
	allPrev := len(rs) > 0
	for i := range rs {
		r := &rs[i]
		t.Enrolment += r.Enrolment
		t.ThroughSchool += r.ThroughSchool
		t.Other += r.Other
		t.Units++
		t.Classes += r.Classes
		t.ClassesReported += r.ClassesReported
		if r.Reported {
			t.UnitsReported++
			t.Lights[r.Light(target, warn)]++
		}
		if r.Prev != nil {
			prevE += r.Prev.Enrolment
			prevI += r.Prev.Insured
		} else {
			allPrev = false
		}
	}
	t.Insured = t.ThroughSchool + t.Other
	t.Percent = Percent(t.Insured, t.Enrolment)
	if allPrev && prevE > 0 {
		t.HasPrev = true
		t.Change = float64(Tenths(t.Insured, t.Enrolment)-Tenths(prevI, prevE)) / 10
	}
	return t
}

// RenderSchoolBoard renders a principal's weekly board (Telegram HTML): the
// school's classes ranked by coverage, each with its light, percentage,
// insured/enrolment and change since last week; the school's total and its
// rank in its area; the classes that have not reported; the reminder or the
// final-result wording.
func RenderSchoolBoard(b Board) string {
	rs := Rank(b.Units)
	t := sumUnits(rs, b.TargetPercent, b.WarnBelowPercent)
	var sb strings.Builder
	sb.Grow(256 + 64*len(rs))
	writeHeader(&sb, b)
	sb.WriteString(lightOf(t.Insured, t.Enrolment, b.TargetPercent, b.WarnBelowPercent).Emoji())
	sb.WriteString(" Toàn trường: ")
	writeTotal(&sb, t)
	sb.WriteString("\nĐã báo cáo: ")
	sb.WriteString(strconv.Itoa(t.UnitsReported))
	sb.WriteByte('/')
	sb.WriteString(strconv.Itoa(t.Units))
	sb.WriteString(" lớp")
	if b.AreaRank > 0 {
		sb.WriteString("\nXếp hạng trong khu vực: <b>")
		sb.WriteString(strconv.Itoa(b.AreaRank))
		sb.WriteString("</b>")
		if b.AreaSize > 0 {
			sb.WriteByte('/')
			sb.WriteString(strconv.Itoa(b.AreaSize))
		}
	}
	sb.WriteByte('\n')
	n := writeRankedList(&sb, rs, b, false)
	writeUnreported(&sb, rs[n:], b.Final)
	writeFooter(&sb, b, closing(rs, t, b, "lớp", "toàn trường"))
	return sb.String()
}

// RenderAreaBoard renders an officer's weekly board (Telegram HTML): the
// area's total and pupils still uninsured, reporting completeness (classes
// reported / classes), the schools ranked with their completeness, the
// schools that have not reported, those under the warning threshold, the
// three most improved, and the reminder or final-result wording.
func RenderAreaBoard(b Board) string {
	rs := Rank(b.Units)
	t := sumUnits(rs, b.TargetPercent, b.WarnBelowPercent)
	var sb strings.Builder
	sb.Grow(512 + 96*len(rs))
	writeHeader(&sb, b)
	sb.WriteString(lightOf(t.Insured, t.Enrolment, b.TargetPercent, b.WarnBelowPercent).Emoji())
	sb.WriteString(" Toàn khu vực: ")
	writeTotal(&sb, t)
	sb.WriteString("\nĐã báo cáo: ")
	sb.WriteString(strconv.Itoa(t.ClassesReported))
	sb.WriteByte('/')
	sb.WriteString(strconv.Itoa(t.Classes))
	sb.WriteString(" lớp (")
	sb.WriteString(FormatPercent(Percent(t.ClassesReported, t.Classes)))
	sb.WriteString("), ")
	sb.WriteString(strconv.Itoa(t.UnitsReported))
	sb.WriteByte('/')
	sb.WriteString(strconv.Itoa(t.Units))
	sb.WriteString(" trường")
	sb.WriteString("\n✅ ")
	sb.WriteString(strconv.Itoa(t.Lights[LightGreen]))
	sb.WriteString(" · 🟡 ")
	sb.WriteString(strconv.Itoa(t.Lights[LightYellow]))
	sb.WriteString(" · 🔴 ")
	sb.WriteString(strconv.Itoa(t.Lights[LightRed]))
	sb.WriteString(" trường\n")
	n := writeRankedList(&sb, rs, b, true)
	writeUnreported(&sb, rs[n:], b.Final)

	var under []string
	for i := range rs[:n] {
		if rs[i].Light(b.TargetPercent, b.WarnBelowPercent) == LightRed {
			under = append(under, escape(rs[i].Name)+" ("+FormatPercent(rs[i].Percent)+")")
		}
	}
	if len(under) > 0 {
		sb.WriteString("\nDưới ")
		sb.WriteString(FormatThreshold(b.WarnBelowPercent))
		sb.WriteString(" (")
		sb.WriteString(strconv.Itoa(len(under)))
		sb.WriteString("): ")
		sb.WriteString(strings.Join(under, ", "))
		sb.WriteByte('\n')
	}
	if best := mostImproved(rs[:n], 3); len(best) > 0 {
		sb.WriteString("\nTiến bộ nhất: ")
		for i, r := range best {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(escape(r.Name))
			sb.WriteString(" (")
			sb.WriteString(formatChange(r))
			sb.WriteByte(')')
		}
		sb.WriteByte('\n')
	}
	writeFooter(&sb, b, closing(rs, t, b, "trường", "toàn khu vực"))
	return sb.String()
}

// mostImproved returns up to n ranked units with the largest rise since last
// week as shown (strictly positive), ties in rank order.
func mostImproved(rs []Ranked, n int) []Ranked {
	var c []Ranked
	for _, r := range rs {
		if r.HasPrev && r.Change > 0 {
			c = append(c, r)
		}
	}
	slices.SortStableFunc(c, func(a, b Ranked) int {
		switch {
		case a.changeTenths > b.changeTenths:
			return -1
		case a.changeTenths < b.changeTenths:
			return 1
		}
		return 0
	})
	return c[:min(n, len(c))]
}

func writeHeader(sb *strings.Builder, b Board) {
	if b.Final {
		sb.WriteString("<b>🏁 Kết quả cuối cùng — ")
	} else {
		sb.WriteString("<b>📊 ")
	}
	sb.WriteString(escape(b.Title))
	sb.WriteString("</b>\nBHYT học sinh · ")
	sb.WriteString(FormatWeek(b.Week))
	sb.WriteString(" · mục tiêu ")
	sb.WriteString(FormatThreshold(b.TargetPercent))
	sb.WriteString("\n\n")
}

func writeTotal(sb *strings.Builder, t totals) {
	sb.WriteString("<b>")
	sb.WriteString(FormatPercent(t.Percent))
	sb.WriteString("</b> (")
	sb.WriteString(formatInt(t.Insured))
	sb.WriteByte('/')
	sb.WriteString(formatInt(t.Enrolment))
	sb.WriteByte(')')
	if t.HasPrev {
		sb.WriteByte(' ')
		sb.WriteString(formatPP(t.Change))
	}
	sb.WriteString("\nChưa tham gia: <b>")
	sb.WriteString(formatInt(max(t.Enrolment-t.Insured, 0)))
	sb.WriteString("</b> học sinh")
}

// writeRankedList writes the reported units and returns how many there were
// (they come first in rs).
func writeRankedList(sb *strings.Builder, rs []Ranked, b Board, completeness bool) int {
	n := 0
	for n < len(rs) && rs[n].Reported {
		n++
	}
	if n > 0 {
		sb.WriteByte('\n')
	}
	for i := range rs[:n] {
		r := &rs[i]
		sb.WriteString(strconv.Itoa(r.Rank))
		sb.WriteString(". ")
		sb.WriteString(r.Light(b.TargetPercent, b.WarnBelowPercent).Emoji())
		sb.WriteByte(' ')
		sb.WriteString(escape(r.Name))
		sb.WriteString(" — ")
		sb.WriteString(FormatPercent(r.Percent))
		sb.WriteString(" (")
		sb.WriteString(formatInt(r.Insured()))
		sb.WriteByte('/')
		sb.WriteString(formatInt(r.Enrolment))
		sb.WriteString(") ")
		sb.WriteString(formatChange(*r))
		if completeness && r.Classes > 0 {
			sb.WriteString(" · ")
			sb.WriteString(strconv.Itoa(r.ClassesReported))
			sb.WriteByte('/')
			sb.WriteString(strconv.Itoa(r.Classes))
			sb.WriteString(" lớp")
		}
		sb.WriteByte('\n')
	}
	return n
}

func writeUnreported(sb *strings.Builder, rs []Ranked, final bool) {
	if len(rs) == 0 {
		return
	}
	if final {
		sb.WriteString("\nKhông báo cáo tuần cuối (")
	} else {
		sb.WriteString("\nChưa báo cáo (")
	}
	sb.WriteString(strconv.Itoa(len(rs)))
	sb.WriteString("): ")
	for i := range rs {
		r := &rs[i]
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(escape(r.Name))
		sb.WriteString(" (")
		if r.Classes > 0 {
			sb.WriteString(strconv.Itoa(r.ClassesReported))
			sb.WriteByte('/')
			sb.WriteString(strconv.Itoa(r.Classes))
			sb.WriteString(" lớp; ")
		}
		if r.LastWeek == "" {
			sb.WriteString("chưa có số liệu")
		} else {
			sb.WriteString(FormatWeek(r.LastWeek))
			sb.WriteString(": ")
			sb.WriteString(FormatPercent(r.Percent))
		}
		sb.WriteByte(')')
	}
	sb.WriteByte('\n')
}

// closingText is a board's closing line, decided by its figures: whom to remind (units that
// have not reported, classes still missing in reported schools, units under the target) and
// whom to congratulate (units that reached the target). A board where everyone reported and
// reached the target congratulates the whole and reminds nobody.
type closingText struct {
	remind  string // "" when nobody needs reminding
	praise  string // "" when no unit reached the target
	allDone bool
}

// closingMaxNames is how many units a congratulation names before it counts them instead.
const closingMaxNames = 5

func closing(rs []Ranked, t totals, b Board, noun, whole string) closingText {
	var done []string
	below, red := 0, 0
	for i := range rs {
		r := &rs[i]
		if !r.Reported {
			continue
		}
		switch r.Light(b.TargetPercent, b.WarnBelowPercent) {
		case LightGreen:
			done = append(done, escape(r.Name))
		case LightRed:
			red++
			below++
		default:
			below++
		}
	}
	unreported := t.Units - t.UnitsReported
	missingClasses := 0
	if t.Classes > 0 && unreported == 0 {
		missingClasses = t.Classes - t.ClassesReported
	}
	var c closingText
	if unreported == 0 && missingClasses == 0 && below == 0 && len(rs) > 0 {
		c.allDone = true
		c.praise = "🎉 Chúc mừng " + whole + " đã đạt " + FormatThreshold(b.TargetPercent) + "!"
		return c
	}
	switch {
	case len(done) == 0:
	case len(done) <= closingMaxNames:
		named := strings.Join(done, ", ")
		if noun == "lớp" {
			// A class is named "6A"; a school's name already starts with "Trường".
			named = "lớp " + named
		}
		c.praise = "🎉 Chúc mừng " + named + " đã đạt " + FormatThreshold(b.TargetPercent) + "."
	default:
		c.praise = "🎉 Chúc mừng " + strconv.Itoa(len(done)) + " " + noun + " đã đạt " + FormatThreshold(b.TargetPercent) + "."
	}
	var asks []string
	if unreported > 0 {
		asks = append(asks, strconv.Itoa(unreported)+" "+noun+" chưa báo cáo gửi số liệu tuần này")
	}
	if missingClasses > 0 {
		asks = append(asks, "các trường nhắc "+strconv.Itoa(missingClasses)+" lớp chưa báo cáo gửi số liệu tuần này")
	}
	if below > 0 {
		a := strconv.Itoa(below) + " " + noun + " chưa đạt " + FormatThreshold(b.TargetPercent)
		if red > 0 && red < below {
			a += " (" + strconv.Itoa(red) + " " + noun + " 🔴 dưới " + FormatThreshold(b.WarnBelowPercent) + ")"
		}
		asks = append(asks, a+" khẩn trương hoàn thành")
	}
	if len(asks) > 0 {
		if noun == "lớp" {
			c.remind = "Đề nghị thầy cô nhắc " + strings.Join(asks, " và ") + "."
		} else {
			c.remind = "Đề nghị " + strings.Join(asks, " và ") + "."
		}
	}
	return c
}

func writeFooter(sb *strings.Builder, b Board, c closingText) {
	if b.Final {
		if c.allDone {
			sb.WriteString("\n")
			sb.WriteString(c.praise)
		}
		sb.WriteString("\n🏁 Chiến dịch đã kết thúc")
		if !b.Deadline.IsZero() {
			sb.WriteString(" ngày ")
			sb.WriteString(b.Deadline.Format("02/01/2006"))
		}
		sb.WriteString(". Đây là kết quả cuối cùng. Cảm ơn thầy cô đã đồng hành!")
		return
	}
	if c.praise != "" {
		sb.WriteString("\n")
		sb.WriteString(c.praise)
	}
	if c.allDone {
		return
	}
	sb.WriteString("\n⏰ ")
	if !b.Deadline.IsZero() {
		switch d := DaysBetween(b.Now, b.Deadline); {
		case d > 0:
			sb.WriteString("Còn ")
			sb.WriteString(strconv.Itoa(d))
			sb.WriteString(" ngày đến hạn ")
		case d == 0:
			sb.WriteString("Hôm nay là hạn chót ")
		default:
			sb.WriteString("Đã quá hạn ")
		}
		sb.WriteString(b.Deadline.Format("02/01/2006"))
		sb.WriteString(".")
	}
	if c.remind != "" {
		sb.WriteString(" ")
		sb.WriteString(c.remind)
	}
}

// DaysBetween counts calendar days from now to deadline in deadline's location: the
// "còn N ngày" of every reminder and board footer.
func DaysBetween(now, deadline time.Time) int {
	loc := deadline.Location()
	y1, m1, d1 := now.In(loc).Date()
	y2, m2, d2 := deadline.Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	c := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(c.Sub(a).Hours() / 24)
}

// escape makes s safe as Telegram HTML text, with the project's one escaper.
func escape(s string) string { return vntext.EscapeHTML(s) }

// FormatWeek turns "2026-W47" into "tuần 47/2026"; anything else is returned as is.
func FormatWeek(w string) string {
	if len(w) == 8 && w[4] == '-' && w[5] == 'W' {
		if _, err := strconv.Atoi(w[:4]); err == nil {
			if n, err := strconv.Atoi(w[6:]); err == nil && n >= 1 && n <= 53 {
				return "tuần " + strconv.Itoa(n) + "/" + w[:4]
			}
		}
	}
	return w
}

// FormatChange is a unit's change since last week as every board shows it (see formatChange).
func FormatChange(r Ranked) string { return formatChange(r) }

// formatChange is a unit's change since last week: "▲ 3,5", "▼ 1,0", "=" or
// "mới" when it has no figure for last week.
func formatChange(r Ranked) string {
	if !r.HasPrev {
		return "mới"
	}
	return formatPP(r.Change)
}

// formatPP formats a change in percentage points, already rounded to 0.1.
func formatPP(d float64) string {
	switch {
	case d >= 0.05:
		return "▲ " + formatDecimal(d)
	case d <= -0.05:
		return "▼ " + formatDecimal(-d)
	}
	return "="
}

// FormatPercent is the one percentage format of every board, chart, workbook title and reply
// (vntext.FormatPercent, which the bot's replies use): one decimal with a comma, none when it
// is ",0", so a complete class and the target read alike: 95.2 → "95,2%", 100 → "100%",
// 50 → "50%", 0 → "0%".
func FormatPercent(p float64) string { return vntext.FormatPercent(p) }

// FormatThreshold formats a configured threshold (target, warning level): the same format
// as FormatPercent, 50 → "50%", 97.5 → "97,5%".
func FormatThreshold(p float64) string { return FormatPercent(p) }

func formatDecimal(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	return strings.Replace(s, ".", ",", 1)
}

// formatInt formats an integer with Vietnamese thousands separators:
// 631800 → "631.800".
func formatInt(n int) string { return vntext.FormatInt(n) }
