package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Country is the whole roster of a school year with every class's figures for an ISO week,
// in compact form, read in a few sequential passes: the input of a weekly job that builds the
// boards of every school and area at once (a national roster is 500,000 classes).
type Country struct {
	Year, Week string
	Areas      []Area          // every area, by id
	Schools    []CountrySchool // every school, by id
	Classes    []ClassFigure   // the classes of Year, by id
}

// CountrySchool is a school without its area's path (see Country.Areas).
type CountrySchool struct {
	ID, AreaID int64
	Name       string
}

// ClassFigure is a class with its latest report of the week (This) and its latest report of
// any earlier week (Prev), as BoardFigures gives them.
type ClassFigure struct {
	ID, SchoolID int64
	Name         string
	Enrolment    int  // on the roster
	Roster       bool // imported with its pupils: counts come from /dadong and /khac marks
	This, Prev   Figures
}

// Figures are a report's numbers; Week is "" when there is no report.
type Figures struct {
	Week                            string
	Enrolment, ThroughSchool, Other int16 // each within 0–200
}

// Has reports whether there is a report.
func (f Figures) Has() bool { return f.Week != "" }

// Insured is ThroughSchool + Other.
func (f Figures) Insured() int { return int(f.ThroughSchool) + int(f.Other) }

// countryScanWeeks is how many earlier weeks CountryFigures reads whole for the classes'
// previous figures before it looks up the classes still without one by index.
const countryScanWeeks = 2

// ClassIndex returns the index in c.Classes of the class with the id, or -1.
func (c *Country) ClassIndex(id int64) int {
	i := sort.Search(len(c.Classes), func(i int) bool { return c.Classes[i].ID >= id })
	if i < len(c.Classes) && c.Classes[i].ID == id {
		return i
	}
	return -1
}

// CountryFigures reads the roster at or below an area path ("" for the whole roster) for a
// school year and an ISO week: the areas, the schools, the year's classes, and for each class
// its latest report of the week and of an earlier week (the figures BoardFigures gives).
//
// For the whole roster it reads the week's reports and those of the latest earlier weeks in
// index order, then looks up by index the few classes still without an earlier figure; for an
// area it looks up each class's two figures in the covering index reports_class_week.
func (tx *Tx) CountryFigures(ctx context.Context, areaPath, year, week string) (*Country, error) {
	if areaPath != "" {
		return tx.areaFigures(ctx, areaPath, year, week)
	}
	c := &Country{Year: year, Week: week}
	var err error
	if c.Areas, err = tx.Areas(ctx); err != nil {
		return nil, err
	}
	sort.Slice(c.Areas, func(i, j int) bool { return c.Areas[i].ID < c.Areas[j].ID })
	if err := tx.countrySchools(ctx, c, `SELECT id, area_id, name FROM schools ORDER BY id`); err != nil {
		return nil, err
	}
	if err := tx.countryClasses(ctx, c); err != nil {
		return nil, err
	}
	if err := tx.scanWeek(ctx, c, week, func(cf *ClassFigure) *Figures { return &cf.This }); err != nil {
		return nil, err
	}
	before := week
	for range countryScanWeeks {
		w, err := tx.LatestReportWeek(ctx, before)
		if err != nil {
			return nil, err
		}
		if w == "" {
			return c, nil
		}
		err = tx.scanWeek(ctx, c, w, func(cf *ClassFigure) *Figures {
			if cf.Prev.Has() && cf.Prev.Week != w {
				return nil
			}
			return &cf.Prev
		})
		if err != nil {
			return nil, err
		}
		before = w
	}
	return c, tx.lookupPrevious(ctx, c, before)
}

// packedFigures packs a report's enrolment, through_school and other (each ≤ 200) into one
// integer, so that a correlated subquery answers from the covering index alone.
const packedFigures = `(enrolment | (through_school << 10) | (other << 20))`

func unpack(n int64, week string) Figures {
	return Figures{Week: week, Enrolment: int16(n & 1023), ThroughSchool: int16(n >> 10 & 1023), Other: int16(n >> 20 & 1023)}
}

func (tx *Tx) areaFigures(ctx context.Context, areaPath, year, week string) (*Country, error) {
	c := &Country{Year: year, Week: week}
	rows, err := tx.tx.QueryContext(ctx, `SELECT a.id, IFNULL(a.parent_id, 0), a.name, a.path, a.level FROM areas a WHERE `+underArea+` ORDER BY a.id`, areaPath, areaPath)
	if err != nil {
		return nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
	}
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.ID, &a.ParentID, &a.Name, &a.Path, &a.Level); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
		}
		c.Areas = append(c.Areas, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
	}
	err = tx.countrySchools(ctx, c, `SELECT s.id, s.area_id, s.name FROM areas a CROSS JOIN schools s ON s.area_id = a.id WHERE `+underArea+` ORDER BY s.id`, areaPath, areaPath)
	if err != nil {
		return nil, err
	}
	var n int
	err = tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM areas a CROSS JOIN schools s ON s.area_id = a.id
CROSS JOIN classes c ON c.school_id = s.id AND c.school_year = ? WHERE `+underArea, year, areaPath, areaPath).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("storage: classes under %q: %w", areaPath, err)
	}
	c.Classes = make([]ClassFigure, 0, n)
	rows, err = tx.tx.QueryContext(ctx, `SELECT c.id, c.school_id, c.name, c.enrolment, c.has_roster,
    IFNULL((SELECT `+packedFigures+` FROM reports WHERE class_id = c.id AND week = ? ORDER BY id DESC LIMIT 1), -1),
    IFNULL((SELECT week || ' ' || `+packedFigures+` FROM reports WHERE class_id = c.id AND week < ? ORDER BY week DESC, id DESC LIMIT 1), '')
FROM areas a
CROSS JOIN schools s ON s.area_id = a.id
CROSS JOIN classes c ON c.school_id = s.id AND c.school_year = ?
WHERE `+underArea, week, week, year, areaPath, areaPath)
	if err != nil {
		return nil, fmt.Errorf("storage: figures under %q: %w", areaPath, err)
	}
	defer rows.Close()
	names := map[string]string{}
	weeks := map[string]string{}
	var name, prev sql.RawBytes
	for rows.Next() {
		var (
			cf              ClassFigure
			enrolment, this int64
		)
		if err := rows.Scan(&cf.ID, &cf.SchoolID, &name, &enrolment, &cf.Roster, &this, &prev); err != nil {
			return nil, fmt.Errorf("storage: figures under %q: %w", areaPath, err)
		}
		cf.Name, cf.Enrolment = intern(names, name), int(enrolment)
		if this >= 0 {
			cf.This = unpack(this, week)
		}
		if w, n, ok := strings.Cut(string(prev), " "); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("storage: figures under %q: %w", areaPath, err)
			}
			cf.Prev = unpack(v, intern(weeks, []byte(w)))
		}
		c.Classes = append(c.Classes, cf)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: figures under %q: %w", areaPath, err)
	}
	slices.SortFunc(c.Classes, func(a, b ClassFigure) int { return cmp.Compare(a.ID, b.ID) })
	return c, nil
}

// intern returns one shared copy of each distinct string (class names and weeks repeat).
func intern(seen map[string]string, b []byte) string {
	if s, ok := seen[string(b)]; ok {
		return s
	}
	s := string(b)
	seen[s] = s
	return s
}

// LatestReportWeek returns the latest ISO week before the given one that has a report, or "".
func (tx *Tx) LatestReportWeek(ctx context.Context, before string) (string, error) {
	var w sql.NullString
	if err := tx.tx.QueryRowContext(ctx, `SELECT MAX(week) FROM reports WHERE week < ?`, before).Scan(&w); err != nil {
		return "", fmt.Errorf("storage: latest report week: %w", err)
	}
	return w.String, nil
}

func (tx *Tx) countrySchools(ctx context.Context, c *Country, q string, args ...any) error {
	rows, err := tx.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("storage: country schools: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s CountrySchool
		if err := rows.Scan(&s.ID, &s.AreaID, &s.Name); err != nil {
			return fmt.Errorf("storage: country schools: %w", err)
		}
		c.Schools = append(c.Schools, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: country schools: %w", err)
	}
	return nil
}

func (tx *Tx) countryClasses(ctx context.Context, c *Country) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE school_year = ?`, c.Year).Scan(&n); err != nil {
		return fmt.Errorf("storage: country classes: %w", err)
	}
	c.Classes = make([]ClassFigure, 0, n)
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, school_id, name, enrolment, has_roster FROM classes WHERE school_year = ? ORDER BY id`, c.Year)
	if err != nil {
		return fmt.Errorf("storage: country classes: %w", err)
	}
	defer rows.Close()
	names := map[string]string{}
	var name sql.RawBytes
	for rows.Next() {
		var (
			cf        ClassFigure
			enrolment int64
		)
		if err := rows.Scan(&cf.ID, &cf.SchoolID, &name, &enrolment, &cf.Roster); err != nil {
			return fmt.Errorf("storage: country classes: %w", err)
		}
		cf.Name, cf.Enrolment = intern(names, name), int(enrolment)
		c.Classes = append(c.Classes, cf)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: country classes: %w", err)
	}
	return nil
}

// scanWeek reads a week's reports in (class, id) order and stores each class's latest one
// where slot says (nil: the class needs none).
func (tx *Tx) scanWeek(ctx context.Context, c *Country, week string, slot func(*ClassFigure) *Figures) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT class_id, `+packedFigures+` FROM reports WHERE week = ? ORDER BY class_id, id`, week)
	if err != nil {
		return fmt.Errorf("storage: reports of %s: %w", week, err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var classID, packed int64
		if err := rows.Scan(&classID, &packed); err != nil {
			return fmt.Errorf("storage: reports of %s: %w", week, err)
		}
		for i < len(c.Classes) && c.Classes[i].ID < classID {
			i++
		}
		if i == len(c.Classes) || c.Classes[i].ID != classID {
			continue // a class of another school year
		}
		if p := slot(&c.Classes[i]); p != nil {
			*p = unpack(packed, week)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: reports of %s: %w", week, err)
	}
	return nil
}

// lookupPrevious finds, by index, the latest report before the week for every class that
// has no earlier figure yet.
func (tx *Tx) lookupPrevious(ctx context.Context, c *Country, before string) error {
	st, err := tx.tx.PrepareContext(ctx, `SELECT week, `+packedFigures+` FROM reports
WHERE class_id = ? AND week < ? ORDER BY week DESC, id DESC LIMIT 1`)
	if err != nil {
		return fmt.Errorf("storage: previous reports: %w", err)
	}
	defer st.Close()
	weeks := map[string]string{}
	for i := range c.Classes {
		cf := &c.Classes[i]
		if cf.Prev.Has() {
			continue
		}
		var (
			week   string
			packed int64
		)
		err := st.QueryRowContext(ctx, cf.ID, before).Scan(&week, &packed)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("storage: previous report of class %d: %w", cf.ID, err)
		}
		cf.Prev = unpack(packed, intern(weeks, []byte(week)))
	}
	return nil
}

// EachRoleHolder calls fn with each grant RoleHolders would return, in the same order,
// without holding them all in memory (a national roster has 500,000 parents). fn may write
// in the same transaction.
func (tx *Tx) EachRoleHolder(ctx context.Context, role, year, areaPath string, fn func(RoleHolder) error) error {
	rows, err := tx.tx.QueryContext(ctx, roleHoldersSelect, role, year, areaPath, areaPath, areaPath)
	if err != nil {
		return fmt.Errorf("storage: role holders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h RoleHolder
		if err := rows.Scan(&h.RoleID, &h.UserID, &h.ChatID, &h.Role,
			&h.Scope.AreaID, &h.Scope.SchoolID, &h.Scope.ClassID, &h.Scope.StudentID,
			&h.AreaID, &h.AreaPath, &h.SchoolID, &h.SchoolName,
			&h.ClassID, &h.ClassName, &h.Enrolment,
			&h.StudentID, &h.StudentName, &h.StudentStatus, &h.ClaimPending); err != nil {
			return fmt.Errorf("storage: role holders: %w", err)
		}
		if err := fn(h); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: role holders: %w", err)
	}
	return nil
}

// roleHoldersSelect is the query of EachRoleHolder and RoleHolders. A parent's link to a
// pupil who has left the roster holds nothing: no reminder names a child who is gone. The
// pending claims are joined as two small materialized sets (claims are few, grants many),
// so no grant row runs a query of its own.
const roleHoldersSelect = `SELECT r.id, r.user_id, u.chat_id, r.role,
    IFNULL(r.area_id, 0), IFNULL(r.school_id, 0), IFNULL(r.class_id, 0), IFNULL(r.student_id, 0),
    IFNULL(a.id, 0), IFNULL(a.path, ''), IFNULL(s.id, 0), IFNULL(s.name, ''),
    IFNULL(c.id, 0), IFNULL(c.name, ''), IFNULL(c.enrolment, 0),
    IFNULL(st.id, 0), IFNULL(st.name, ''), IFNULL(st.status, ''),
    (pcs.student_id IS NOT NULL OR pcc.user_id IS NOT NULL)
FROM roles r
JOIN users u ON u.id = r.user_id
LEFT JOIN students st ON st.id = r.student_id
LEFT JOIN classes c ON c.id = COALESCE(r.class_id, st.class_id)
LEFT JOIN schools s ON s.id = COALESCE(r.school_id, c.school_id)
LEFT JOIN areas a ON a.id = COALESCE(r.area_id, s.area_id)
LEFT JOIN (SELECT DISTINCT student_id FROM card_claims WHERE status = 'pending' AND student_id IS NOT NULL) pcs
    ON pcs.student_id = r.student_id
LEFT JOIN (SELECT DISTINCT user_id, class_id FROM card_claims WHERE status = 'pending' AND student_id IS NULL) pcc
    ON r.student_id IS NULL AND pcc.user_id = r.user_id AND pcc.class_id = r.class_id
WHERE r.role = ? AND u.active = 1
  AND (st.id IS NULL OR st.retired_at = 0)
  AND (c.id IS NULL OR c.school_year = ?)
  AND (? = '' OR a.path = ? OR a.path LIKE ? || ' / %')
ORDER BY r.user_id, r.id`
