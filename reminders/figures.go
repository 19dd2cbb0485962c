package reminders

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// figures are a roster's figures for a week (storage.Country: the whole country or the part
// at or below an area), indexed so that every school's and every area's board is built in
// memory from one read: a weekly job reads the country once, however many recipients it has.
type figures struct {
	week    string
	areas   []storage.Area
	areaIdx map[int64]int
	byPath  map[string]int
	below   [][]int // area → the areas directly below it, by id
	direct  [][]int // area → the schools directly in it, by id
	tops    []int   // areas without a parent in the set

	schools []storage.CountrySchool
	classes []storage.ClassFigure
	first   []int32 // school → its first entry in order; order[first[s]:first[s+1]] are its classes
	order   []int32
	units   []leaderboard.Unit // school → its unit (classes' carried-forward figures summed); Classes 0 when none

	boards map[string]*areaData // by area path ("" for the whole roster)
}

type areaData struct {
	area  storage.Area
	units []leaderboard.Unit
	ids   []int64 // school id of each unit
}

// loadFigures reads the figures of the roster at or below areaPath ("" for all) for a week.
func (s *Service) loadFigures(ctx context.Context, tx *storage.Tx, areaPath, week string) (*figures, error) {
	c, err := tx.CountryFigures(ctx, areaPath, s.cfg.Campaign.SchoolYear, week)
	if err != nil {
		return nil, fmt.Errorf("reminders: figures of %q: %w", areaPath, err)
	}
	return indexFigures(c), nil
}

func indexFigures(c *storage.Country) *figures {
	f := indexAreas(c.Week, c.Areas, c.Schools)
	f.classes = c.Classes
	// Group the classes (ordered by id) by school with a counting sort.
	n := len(c.Schools)
	f.first = make([]int32, n+1)
	school := make([]int32, len(c.Classes))
	for i := range c.Classes {
		s := f.schoolIndex(c.Classes[i].SchoolID)
		school[i] = int32(s)
		if s >= 0 {
			f.first[s+1]++
		}
	}
	for s := range n {
		f.first[s+1] += f.first[s]
	}
	f.order = make([]int32, f.first[n])
	next := make([]int32, n)
	copy(next, f.first[:n])
	for i, s := range school {
		if s >= 0 {
			f.order[next[s]] = int32(i)
			next[s]++
		}
	}
	f.units = make([]leaderboard.Unit, n)
	for s := range n {
		f.units[s] = f.schoolUnit(s)
	}
	return f
}

// indexAreas indexes areas (by id) and schools (by id) for boards; the caller fills in the
// schools' units.
func indexAreas(week string, areas []storage.Area, schools []storage.CountrySchool) *figures {
	f := &figures{
		week:    week,
		areas:   areas,
		areaIdx: make(map[int64]int, len(areas)),
		byPath:  make(map[string]int, len(areas)),
		below:   make([][]int, len(areas)),
		direct:  make([][]int, len(areas)),
		schools: schools,
		boards:  map[string]*areaData{},
	}
	for i, a := range areas {
		f.areaIdx[a.ID] = i
		f.byPath[a.Path] = i
	}
	for i, a := range areas {
		if p, ok := f.areaIdx[a.ParentID]; ok && a.ParentID != 0 {
			f.below[p] = append(f.below[p], i)
		} else {
			f.tops = append(f.tops, i)
		}
	}
	for i, sc := range schools {
		if a, ok := f.areaIdx[sc.AreaID]; ok {
			f.direct[a] = append(f.direct[a], i)
		}
	}
	return f
}

func (f *figures) schoolIndex(id int64) int {
	i := sort.Search(len(f.schools), func(i int) bool { return f.schools[i].ID >= id })
	if i < len(f.schools) && f.schools[i].ID == id {
		return i
	}
	return -1
}

// class returns the figures of the class with the id.
func (f *figures) class(id int64) (*storage.ClassFigure, bool) {
	i := sort.Search(len(f.classes), func(i int) bool { return f.classes[i].ID >= id })
	if i < len(f.classes) && f.classes[i].ID == id {
		return &f.classes[i], true
	}
	return nil, false
}

// classUnit turns a class's figures into a unit with carried-forward figures.
func classUnit(cf *storage.ClassFigure) leaderboard.Unit {
	u := leaderboard.Unit{Name: cf.Name, Enrolment: cf.Enrolment}
	switch {
	case cf.This.Has():
		u.Enrolment, u.ThroughSchool, u.Other, u.Reported = int(cf.This.Enrolment), int(cf.This.ThroughSchool), int(cf.This.Other), true
	case cf.Prev.Has():
		u.Enrolment, u.ThroughSchool, u.Other, u.LastWeek = int(cf.Prev.Enrolment), int(cf.Prev.ThroughSchool), int(cf.Prev.Other), cf.Prev.Week
	}
	if cf.Prev.Has() {
		u.Prev = &leaderboard.Figure{Enrolment: int(cf.Prev.Enrolment), Insured: cf.Prev.Insured()}
	}
	return u
}

// classUnits returns the units of a school's classes.
func (f *figures) classUnits(school int) []leaderboard.Unit {
	idx := f.order[f.first[school]:f.first[school+1]]
	units := make([]leaderboard.Unit, len(idx))
	for i, c := range idx {
		units[i] = classUnit(&f.classes[c])
	}
	return units
}

// schoolUnit sums a school's classes into one unit. A school's figure is the sum of its
// classes' carried-forward figures; it has reported when one of its classes has, and its
// figure for last week exists when one of its classes had one (the others counting with
// their enrolment and nobody insured).
func (f *figures) schoolUnit(school int) leaderboard.Unit {
	u := leaderboard.Unit{Name: f.schools[school].Name, Prev: &leaderboard.Figure{}}
	hasPrev := false
	for _, i := range f.order[f.first[school]:f.first[school+1]] {
		cf := &f.classes[i]
		c := classUnit(cf)
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
			hasPrev = true
		} else {
			u.Prev.Enrolment += cf.Enrolment
		}
	}
	if !hasPrev {
		u.Prev = nil
	}
	if u.Reported {
		u.LastWeek = ""
	}
	return u
}

// area returns (and keeps) the schools at or below an area path ("" for every top-level
// area) as units, in the order of the areas; schools without classes are left out. Names that
// repeat (the same school name in two communes) get their area's last level in brackets.
func (f *figures) area(path string) (*areaData, error) {
	if d, ok := f.boards[path]; ok {
		return d, nil
	}
	var (
		d     = &areaData{}
		roots []int
	)
	if path == "" {
		d.area = storage.Area{Name: AllAreasTitle, Path: AllAreasTitle}
		if len(f.tops) == 1 {
			d.area = f.areas[f.tops[0]]
		}
		roots = f.tops
	} else {
		i, ok := f.byPath[path]
		if !ok {
			return nil, fmt.Errorf("reminders: area %q: %w", path, storage.ErrNotFound)
		}
		d.area = f.areas[i]
		roots = []int{i}
	}
	var schools []int
	var walk func(a int)
	walk = func(a int) {
		for _, s := range f.direct[a] {
			if f.units[s].Classes > 0 {
				schools = append(schools, s)
			}
		}
		for _, b := range f.below[a] {
			walk(b)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	d.units = make([]leaderboard.Unit, len(schools))
	d.ids = make([]int64, len(schools))
	names := make(map[string]int, len(schools))
	for i, s := range schools {
		d.units[i] = f.units[s]
		d.ids[i] = f.schools[s].ID
		names[d.units[i].Name]++
	}
	for i, s := range schools {
		if names[d.units[i].Name] > 1 {
			last := f.areas[f.areaIdx[f.schools[s].AreaID]].Path
			if k := strings.LastIndex(last, storage.PathSep); k >= 0 {
				last = last[k+len(storage.PathSep):]
			}
			d.units[i].Name += " (" + last + ")"
		}
	}
	f.boards[path] = d
	return d, nil
}

// schoolBoard builds a school's board from the figures: its classes, and its rank among the
// schools at or below its area.
func (s *Service) schoolBoardOf(f *figures, schoolID int64) (leaderboard.Board, error) {
	i := f.schoolIndex(schoolID)
	if i < 0 {
		return leaderboard.Board{}, fmt.Errorf("reminders: school %d: %w", schoolID, storage.ErrNotFound)
	}
	sc := f.schools[i]
	b := s.newBoard(sc.Name, f.week, f.classUnits(i))
	a, ok := f.areaIdx[sc.AreaID]
	if !ok {
		return leaderboard.Board{}, fmt.Errorf("reminders: area %d of school %d: %w", sc.AreaID, schoolID, storage.ErrNotFound)
	}
	d, err := f.area(f.areas[a].Path)
	if err != nil {
		return leaderboard.Board{}, err
	}
	b.AreaRank, b.AreaSize = rankIn(d, schoolID)
	return b, nil
}

// areaBoardOf builds an area's board from the figures.
func (s *Service) areaBoardOf(f *figures, path string) (leaderboard.Board, error) {
	d, err := f.area(path)
	if err != nil {
		return leaderboard.Board{}, err
	}
	return s.newBoard(d.area.Path, f.week, d.units), nil
}
