package reminders

import (
	"context"
	"sync"

	"github.com/bhytbot/bhytbot/storage"
)

// Boards asked for on demand (/xephang, /xuat, export) are built from figures kept in memory
// per area and week: reading an area's figures costs two index lookups per class (a province
// of 15,000 classes, ~70 ms), while checking that kept figures are still valid costs one
// query. Reports are only ever appended, so new ones (a higher id) are applied to the kept
// figures; any change to the roster (storage: roster_version) drops them. Weekly jobs always
// read afresh.

// maxCachedFigures bounds how many areas' figures are kept (a province's take ~1.5 MB).
const maxCachedFigures = 64

type figuresCache struct {
	mu      sync.Mutex
	entries map[string]*cachedFigures
	tick    uint64
}

type cachedFigures struct {
	f              *figures
	report, roster int64
	used           uint64
}

// withFigures calls fn with the figures at or below areaPath for a week, as the transaction
// sees them: kept ones brought up to date, or read afresh (and kept, except the whole
// roster's) when the transaction sees nothing uncommitted. fn must not keep the figures after it returns; what it builds from them (boards,
// units) stays valid.
func (s *Service) withFigures(ctx context.Context, tx *storage.Tx, areaPath, week string, fn func(*figures) error) error {
	report, roster, err := tx.FiguresVersion(ctx)
	if err != nil {
		return err
	}
	if !s.committed(ctx, report, roster) {
		// The transaction sees writes of its own (a batch of updates not committed yet) or
		// an older or newer state than the kept figures can be trusted with: read afresh.
		f, err := s.loadFigures(ctx, tx, areaPath, week)
		if err != nil {
			return err
		}
		return fn(f)
	}
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	key := areaPath + "\x00" + week
	if e, ok := c.entries[key]; ok && e.roster == roster && e.report <= report {
		if e.report < report {
			news, err := tx.ReportsAfter(ctx, e.report, report, week)
			if err != nil {
				return err
			}
			e.f.apply(news)
			e.report = report
		}
		e.used = c.tick
		return fn(e.f)
	}
	f, err := s.loadFigures(ctx, tx, areaPath, week)
	if err != nil {
		return err
	}
	if e, ok := c.entries[key]; areaPath != "" && (!ok || e.roster != roster || e.report < report) {
		if c.entries == nil {
			c.entries = map[string]*cachedFigures{}
		}
		c.entries[key] = &cachedFigures{f: f, report: report, roster: roster, used: c.tick}
		c.evict()
	}
	return fn(f)
}

// withKeptFigures calls fn with kept figures of an area and week, brought up to date, when
// there are some the transaction may use; it reports whether it did.
func (s *Service) withKeptFigures(ctx context.Context, tx *storage.Tx, areaPath, week string, fn func(*figures) error) (bool, error) {
	c := &s.cache
	c.mu.Lock()
	_, any := c.entries[areaPath+"\x00"+week]
	c.mu.Unlock()
	if !any {
		return false, nil
	}
	report, roster, err := tx.FiguresVersion(ctx)
	if err != nil {
		return false, err
	}
	if !s.committed(ctx, report, roster) {
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	e, ok := c.entries[areaPath+"\x00"+week]
	if !ok || e.roster != roster || e.report > report {
		return false, nil
	}
	if e.report < report {
		news, err := tx.ReportsAfter(ctx, e.report, report, week)
		if err != nil {
			return false, err
		}
		e.f.apply(news)
		e.report = report
	}
	e.used = c.tick
	return true, fn(e.f)
}

// committed reports whether the database, as committed now, has the given figures version:
// then a transaction that sees that version sees only committed figures, and kept figures
// may be used and brought up to date through it.
func (s *Service) committed(ctx context.Context, report, roster int64) bool {
	if s.store == nil {
		return false
	}
	var r, v int64
	err := s.store.View(ctx, func(tx *storage.Tx) (err error) {
		r, v, err = tx.FiguresVersion(ctx)
		return err
	})
	return err == nil && r == report && v == roster
}

// evict drops the least recently used figures beyond maxCachedFigures.
func (c *figuresCache) evict() {
	for len(c.entries) > maxCachedFigures {
		var (
			oldest string
			at     uint64
		)
		for k, e := range c.entries {
			if oldest == "" || e.used < at {
				oldest, at = k, e.used
			}
		}
		delete(c.entries, oldest)
	}
}

// apply brings the figures up to date with reports appended since they were read (in id
// order): a report of the week is its class's latest of the week, one of an earlier week its
// latest earlier one unless that is of a later week.
func (f *figures) apply(news []storage.ReportFigures) {
	touched := map[int]bool{}
	for _, r := range news {
		cf, ok := f.class(r.ClassID)
		if !ok {
			continue
		}
		switch {
		case r.Week == f.week:
			cf.This = r.Figures
		case r.Week < f.week && (!cf.Prev.Has() || r.Week >= cf.Prev.Week):
			cf.Prev = r.Figures
		default:
			continue
		}
		if s := f.schoolIndex(cf.SchoolID); s >= 0 {
			touched[s] = true
		}
	}
	for s := range touched {
		f.units[s] = f.schoolUnit(s)
	}
	if len(touched) > 0 {
		clear(f.boards)
	}
}
