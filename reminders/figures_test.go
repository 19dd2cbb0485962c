package reminders

import (
	"sort"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// schoolUnits aggregates class figures (as BoardFigures gives them) into the units of the
// whole roster's board, through the same in-memory figures the boards and jobs use.
func schoolUnits(figs []storage.WeekFigure) ([]leaderboard.Unit, []int64) {
	c := &storage.Country{}
	areas := map[string]int64{}
	schools := map[int64]bool{}
	for _, wf := range figs {
		cl := wf.Class
		if _, ok := areas[cl.AreaPath]; !ok {
			areas[cl.AreaPath] = int64(len(areas) + 1)
			c.Areas = append(c.Areas, storage.Area{ID: areas[cl.AreaPath], Path: cl.AreaPath})
		}
		if !schools[cl.SchoolID] {
			schools[cl.SchoolID] = true
			c.Schools = append(c.Schools, storage.CountrySchool{ID: cl.SchoolID, AreaID: areas[cl.AreaPath], Name: cl.SchoolName})
		}
		cf := storage.ClassFigure{ID: cl.ID, SchoolID: cl.SchoolID, Name: cl.Name, Enrolment: cl.Enrolment}
		if r := wf.This; r != nil {
			cf.This = storage.Figures{Week: r.Week, Enrolment: int16(r.Enrolment), ThroughSchool: int16(r.ThroughSchool), Other: int16(r.Other)}
		}
		if r := wf.Previous; r != nil {
			cf.Prev = storage.Figures{Week: r.Week, Enrolment: int16(r.Enrolment), ThroughSchool: int16(r.ThroughSchool), Other: int16(r.Other)}
		}
		c.Classes = append(c.Classes, cf)
	}
	sort.Slice(c.Schools, func(i, j int) bool { return c.Schools[i].ID < c.Schools[j].ID })
	sort.Slice(c.Classes, func(i, j int) bool { return c.Classes[i].ID < c.Classes[j].ID })
	d, err := indexFigures(c).area("")
	if err != nil {
		panic(err)
	}
	return d.units, d.ids
}
