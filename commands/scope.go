package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// caller is who sent an update and everything their roles reach.
type caller struct {
	userID        int64
	admin         bool
	roles         []storage.Role
	classes       []storage.Class   // teacher of
	schools       []storage.School  // principal of
	areas         []storage.Area    // officer of
	pupils        []storage.Student // parent of, identified
	parentClasses []storage.Class   // parent by a class link, child not identified yet
	pupilClasses  map[int64]storage.Class
}

// callerCache keeps loaded callers between updates: a caller's roles and classes are read
// with a join per grant, which costs more than the rest of a report together. An entry is
// used only at the version of roles and roster it was read at (storage.CallerVersion), so a
// role granted or revoked, by this process or another (the CLI), or a changed roster shows
// at the very next update. A parent's pupils are read every time: a pupil's name and status
// change without a roster version.
type callerCache struct {
	mu      sync.Mutex
	entries map[int64]keptCaller
}

type keptCaller struct {
	v storage.CallerVersion
	c *caller
}

// maxKeptCallers bounds the cache; past it, it starts afresh.
const maxKeptCallers = 20000

// loadCaller returns who sent an update and what their roles reach. A kept caller is shared
// between updates: nothing changes a caller once loaded.
func (e *Engine) loadCaller(ctx context.Context, tx *storage.Tx, userID int64) (*caller, error) {
	v, err := tx.CallerVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("commands: %w", err)
	}
	cc := &e.callers
	cc.mu.Lock()
	kept, ok := cc.entries[userID]
	cc.mu.Unlock()
	if ok && kept.v == v {
		return kept.c, nil
	}
	c, err := e.readCaller(ctx, tx, userID)
	if err != nil || len(c.pupils) > 0 {
		return c, err
	}
	// Kept once the transaction commits: what it read may be its own writes until then.
	tx.Keep(func() {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		if cc.entries == nil || len(cc.entries) >= maxKeptCallers {
			cc.entries = map[int64]keptCaller{}
		}
		cc.entries[userID] = keptCaller{v: v, c: c}
	})
	return c, nil
}

// readCaller reads a caller's roles and what they reach.
func (e *Engine) readCaller(ctx context.Context, tx *storage.Tx, userID int64) (*caller, error) {
	c := &caller{userID: userID, admin: slices.Contains(e.cfg.Admins, userID), pupilClasses: map[int64]storage.Class{}}
	roles, err := tx.RolesOfUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("commands: roles: %w", err)
	}
	c.roles = roles
	for _, r := range roles {
		switch {
		case r.Role == storage.RoleAdmin:
			c.admin = true
		case r.Role == storage.RoleOfficer && r.AreaID != 0:
			a, err := tx.AreaByID(ctx, r.AreaID)
			if err != nil {
				return nil, fmt.Errorf("commands: officer area: %w", err)
			}
			c.areas = append(c.areas, a)
		case r.Role == storage.RolePrincipal && r.SchoolID != 0:
			s, err := tx.SchoolByID(ctx, r.SchoolID)
			if err != nil {
				return nil, fmt.Errorf("commands: principal school: %w", err)
			}
			c.schools = append(c.schools, s)
		case r.Role == storage.RoleTeacher && r.ClassID != 0:
			cl, err := tx.ClassByID(ctx, r.ClassID)
			if err != nil {
				return nil, fmt.Errorf("commands: teacher class: %w", err)
			}
			c.classes = append(c.classes, cl)
		case r.Role == storage.RoleParent && r.StudentID != 0:
			p, err := tx.StudentByID(ctx, r.StudentID)
			if err != nil {
				return nil, fmt.Errorf("commands: parent pupil: %w", err)
			}
			cl, err := tx.ClassByID(ctx, p.ClassID)
			if err != nil {
				return nil, fmt.Errorf("commands: parent class: %w", err)
			}
			c.pupils = append(c.pupils, p)
			c.pupilClasses[p.ID] = cl
		case r.Role == storage.RoleParent && r.ClassID != 0:
			cl, err := tx.ClassByID(ctx, r.ClassID)
			if err != nil {
				return nil, fmt.Errorf("commands: parent class: %w", err)
			}
			c.parentClasses = append(c.parentClasses, cl)
		}
	}
	return c, nil
}

func (c *caller) stranger() bool      { return !c.admin && len(c.roles) == 0 }
func (c *caller) isTeacher() bool     { return len(c.classes) > 0 }
func (c *caller) isParent() bool      { return len(c.pupils) > 0 || len(c.parentClasses) > 0 }
func (c *caller) isManager() bool     { return c.admin || len(c.areas) > 0 || len(c.schools) > 0 }
func (c *caller) isAreaManager() bool { return c.admin || len(c.areas) > 0 }
func (c *caller) canInvite() bool     { return c.isManager() || c.isTeacher() }

// underPath reports whether path is the area at base or below it.
func underPath(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+storage.PathSep)
}

// canArea reports whether the caller oversees the area at path.
func (c *caller) canArea(path string) bool {
	if c.admin {
		return true
	}
	for _, a := range c.areas {
		if underPath(path, a.Path) {
			return true
		}
	}
	return false
}

// canSchool reports whether the caller oversees the school.
func (c *caller) canSchool(s storage.School) bool {
	if c.canArea(s.AreaPath) {
		return true
	}
	for _, own := range c.schools {
		if own.ID == s.ID {
			return true
		}
	}
	return false
}

// teaches reports whether the class is one of the caller's own classes.
func (c *caller) teaches(classID int64) bool {
	for _, cl := range c.classes {
		if cl.ID == classID {
			return true
		}
	}
	return false
}

// canClass reports whether the caller may see the class's figures.
func (c *caller) canClass(cl storage.Class) bool {
	return c.teaches(cl.ID) || c.canSchool(storage.School{ID: cl.SchoolID, AreaPath: cl.AreaPath})
}

// classNames lists the teacher's class names in role order.
func (c *caller) classNames() []string {
	out := make([]string, len(c.classes))
	for i, cl := range c.classes {
		out[i] = cl.Name
	}
	return out
}

// classByName returns the teacher's class with this canonical name.
func (c *caller) classByName(name string) (storage.Class, bool) {
	for _, cl := range c.classes {
		if cl.Name == name {
			return cl, true
		}
	}
	return storage.Class{}, false
}

// ScopeError says why a scope could not be resolved, in Vietnamese; Candidates lists the
// matches when the name is ambiguous.
type ScopeError struct {
	Msg        string
	Candidates []string
}

func (e *ScopeError) Error() string {
	if len(e.Candidates) == 0 {
		return e.Msg
	}
	return e.Msg + " Hãy ghi rõ một trong: " + strings.Join(e.Candidates, "; ")
}

// Resolved is a scope found from its name, with a label for people.
type Resolved struct {
	Scope storage.Scope
	Label string // "khu vực Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú (Sóc Trăng / Mỹ Tú)", ...
	Class storage.Class
}

var pathSplit = regexp.MustCompile(`\s+/\s*|\s*/\s+`)

// splitScope cleans a scope name (NFC, single spaces) and splits it at " / ".
func splitScope(text string) []string {
	s := vntext.Clean(text)
	if s == "" {
		return nil
	}
	parts := pathSplit.Split(s, -1)
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ResolveScope finds the scope an invite for role names, spelled as in the roster: an area
// path for an officer ("Sóc Trăng / Mỹ Tú"), a school for a principal ("Trường THCS Mỹ Tú",
// or with its area path where the name repeats), a class for a teacher ("Trường THCS Mỹ
// Tú / 6A"), and for a parent a pupil by roster number ("Trường THCS Mỹ Tú / 6A / 12") or a
// class (a class link). Names are matched in NFC, then ignoring case and diacritics; an
// ambiguous or unknown name is a *ScopeError. year is the school year of classes.
func ResolveScope(ctx context.Context, tx *storage.Tx, role, text, year string) (Resolved, error) {
	parts := splitScope(text)
	if len(parts) == 0 {
		return Resolved{}, &ScopeError{Msg: "Thiếu phạm vi (khu vực, trường, lớp hoặc học sinh)."}
	}
	switch role {
	case storage.RoleOfficer:
		a, err := resolveArea(ctx, tx, parts)
		if err != nil {
			return Resolved{}, err
		}
		return Resolved{Scope: storage.Scope{AreaID: a.ID}, Label: "khu vực " + a.Path}, nil
	case storage.RolePrincipal:
		s, err := resolveSchool(ctx, tx, parts)
		if err != nil {
			return Resolved{}, err
		}
		return Resolved{Scope: storage.Scope{SchoolID: s.ID}, Label: schoolLabel(s)}, nil
	case storage.RoleTeacher:
		cl, err := resolveClass(ctx, tx, parts, year)
		if err != nil {
			return Resolved{}, err
		}
		return Resolved{Scope: storage.Scope{ClassID: cl.ID}, Label: classLabel(cl), Class: cl}, nil
	case storage.RoleParent:
		if n, err := strconv.Atoi(parts[len(parts)-1]); err == nil && len(parts) >= 3 {
			cl, err := resolveClass(ctx, tx, parts[:len(parts)-1], year)
			if err != nil {
				return Resolved{}, err
			}
			p, err := pupilByNumber(ctx, tx, cl, n)
			if err != nil {
				return Resolved{}, err
			}
			return Resolved{Scope: storage.Scope{StudentID: p.ID}, Label: "học sinh số " + strconv.Itoa(p.Number) + " (" + p.Name + "), " + classLabel(cl), Class: cl}, nil
		}
		cl, err := resolveClass(ctx, tx, parts, year)
		if err != nil {
			return Resolved{}, err
		}
		return Resolved{Scope: storage.Scope{ClassID: cl.ID}, Label: "phụ huynh cả " + classLabel(cl), Class: cl}, nil
	}
	return Resolved{}, &ScopeError{Msg: "Vai trò “" + role + "” không mời được (chọn officer, principal, teacher hoặc parent)."}
}

func schoolLabel(s storage.School) string { return s.Name + " (" + s.AreaPath + ")" }

func classLabel(cl storage.Class) string { return "lớp " + cl.Name + " – " + cl.SchoolName }

// pick narrows names to the exact NFC matches, or failing that to the matches ignoring case
// and diacritics.
func pick[T any](items []T, key func(T) string, want string, also func(T) bool) []T {
	var exact, folded []T
	fw := vntext.Fold(want)
	for _, it := range items {
		if also != nil && !also(it) {
			continue
		}
		k := key(it)
		switch {
		case k == want:
			exact = append(exact, it)
		case vntext.Fold(k) == fw:
			folded = append(folded, it)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// suffixOf reports whether the area path ends with the given levels (all of it or its tail).
func suffixOf(path string, levels []string) bool {
	if len(levels) == 0 {
		return true
	}
	want := strings.Join(levels, storage.PathSep)
	f, fw := vntext.Fold(path), vntext.Fold(want)
	return f == fw || strings.HasSuffix(f, storage.PathSep+fw)
}

func resolveArea(ctx context.Context, tx *storage.Tx, parts []string) (storage.Area, error) {
	areas, err := tx.Areas(ctx)
	if err != nil {
		return storage.Area{}, fmt.Errorf("commands: areas: %w", err)
	}
	want := strings.Join(parts, storage.PathSep)
	found := pick(areas, func(a storage.Area) string { return a.Path }, want, nil)
	if len(found) == 0 {
		found = pick(areas, func(a storage.Area) string { return a.Name }, parts[len(parts)-1],
			func(a storage.Area) bool { return suffixOf(a.Path, parts) })
	}
	switch len(found) {
	case 0:
		return storage.Area{}, &ScopeError{Msg: "Không có khu vực “" + want + "” trong danh sách."}
	case 1:
		return found[0], nil
	}
	return storage.Area{}, &ScopeError{Msg: "Có nhiều khu vực tên “" + want + "”.", Candidates: mapTo(found, func(a storage.Area) string { return a.Path })}
}

func allSchools(ctx context.Context, tx *storage.Tx) ([]storage.School, error) {
	areas, err := tx.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("commands: areas: %w", err)
	}
	var out []storage.School
	for _, a := range areas {
		if a.ParentID != 0 {
			continue
		}
		list, err := tx.SchoolsUnder(ctx, a.Path)
		if err != nil {
			return nil, fmt.Errorf("commands: schools: %w", err)
		}
		out = append(out, list...)
	}
	return out, nil
}

func resolveSchool(ctx context.Context, tx *storage.Tx, parts []string) (storage.School, error) {
	schools, err := allSchools(ctx, tx)
	if err != nil {
		return storage.School{}, err
	}
	name, area := parts[len(parts)-1], parts[:len(parts)-1]
	found := pick(schools, func(s storage.School) string { return s.Name }, name,
		func(s storage.School) bool { return suffixOf(s.AreaPath, area) })
	switch len(found) {
	case 0:
		return storage.School{}, &ScopeError{Msg: "Không có trường “" + strings.Join(parts, storage.PathSep) + "” trong danh sách."}
	case 1:
		return found[0], nil
	}
	return storage.School{}, &ScopeError{Msg: "Có nhiều trường tên “" + name + "”.",
		Candidates: mapTo(found, func(s storage.School) string { return s.AreaPath + storage.PathSep + s.Name })}
}

func resolveClass(ctx context.Context, tx *storage.Tx, parts []string, year string) (storage.Class, error) {
	if len(parts) < 2 {
		return storage.Class{}, &ScopeError{Msg: "Hãy ghi lớp kèm tên trường, ví dụ “Trường THCS Mỹ Tú / 6A”."}
	}
	s, err := resolveSchool(ctx, tx, parts[:len(parts)-1])
	if err != nil {
		return storage.Class{}, err
	}
	classes, err := tx.ClassesOfSchool(ctx, s.ID, year)
	if err != nil {
		return storage.Class{}, fmt.Errorf("commands: classes: %w", err)
	}
	return matchClassName(classes, parts[len(parts)-1], s.Name)
}

// matchClassName finds a class by name among classes: exactly, then ignoring case,
// diacritics, spaces and a leading "lớp".
func matchClassName(classes []storage.Class, name, where string) (storage.Class, error) {
	found := pick(classes, func(c storage.Class) string { return c.Name }, name, nil)
	if len(found) == 0 {
		k := looseClassKey(name)
		for _, c := range classes {
			if looseClassKey(c.Name) == k {
				found = append(found, c)
			}
		}
	}
	switch len(found) {
	case 0:
		msg := "Không có lớp “" + name + "”"
		if where != "" {
			msg += " ở " + where
		}
		return storage.Class{}, &ScopeError{Msg: msg + "."}
	case 1:
		return found[0], nil
	}
	return storage.Class{}, &ScopeError{Msg: "Có nhiều lớp tên “" + name + "”.", Candidates: mapTo(found, func(c storage.Class) string { return c.Name })}
}

func looseClassKey(s string) string {
	k := strings.ReplaceAll(vntext.Fold(s), " ", "")
	if rest, ok := strings.CutPrefix(k, "lop"); ok && rest != "" {
		k = rest
	}
	return k
}

func pupilByNumber(ctx context.Context, tx *storage.Tx, cl storage.Class, n int) (storage.Student, error) {
	pupils, err := tx.StudentsOfClass(ctx, cl.ID)
	if err != nil {
		return storage.Student{}, fmt.Errorf("commands: pupils: %w", err)
	}
	for _, p := range pupils {
		if p.Number == n {
			return p, nil
		}
	}
	if len(pupils) == 0 {
		return storage.Student{}, &ScopeError{Msg: "Lớp " + cl.Name + " – " + cl.SchoolName + " chưa có danh sách học sinh; hãy mời phụ huynh cả lớp."}
	}
	return storage.Student{}, &ScopeError{Msg: "Lớp " + cl.Name + " – " + cl.SchoolName + " không có học sinh số " + strconv.Itoa(n) + "."}
}

func mapTo[T any](items []T, f func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return out
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
