package roster

import (
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// matchPupils pairs each pupil row of one class's file with the pupil the class already
// has (known: active and retired), or -1 for a new pupil. A roster number is only where a
// child sits in this year's list, so the name decides who a row is: the same name at the
// same number first, then the same name at any number (a renumbered pupil), then the same
// name but for case, spacing and diacritics (a name retyped without or with other accents
// is the same child: "Nguyen Van An" is Nguyễn Văn An) at the same number, then at any
// number. A row whose name matches no one is a new pupil even at a number someone had.
// Rows are matched to active pupils first; only rows left over go through the same steps
// against retired pupils (whose number is only the one they last held), to bring them
// back. Among several candidates of one step (two pupils of one name in a class) the
// nearest number wins, then the older row. The result is the same for the same inputs.
func matchPupils(known []storage.Student, file []Row) []int {
	match := make([]int, len(file))
	for i := range match {
		match[i] = -1
	}
	used := make([]bool, len(known))
	fileKeys := make([]string, len(file))
	for i, r := range file {
		fileKeys[i] = vntext.Fold(r.StudentName)
	}
	knownKeys := make([]string, len(known))
	for j, p := range known {
		knownKeys[j] = vntext.Fold(p.Name)
	}
	same := []func(i, j int) bool{
		func(i, j int) bool {
			return file[i].StudentName == known[j].Name && file[i].StudentNo == known[j].Number
		},
		func(i, j int) bool { return file[i].StudentName == known[j].Name },
		func(i, j int) bool { return fileKeys[i] == knownKeys[j] && file[i].StudentNo == known[j].Number },
		func(i, j int) bool { return fileKeys[i] == knownKeys[j] },
	}
	better := func(i, a, b int) bool {
		pa, pb := known[a], known[b]
		da, db := abs(pa.Number-file[i].StudentNo), abs(pb.Number-file[i].StudentNo)
		if da != db {
			return da < db
		}
		return pa.ID < pb.ID
	}
	for _, retired := range []bool{false, true} {
		for _, ok := range same {
			for i := range file {
				if match[i] >= 0 {
					continue
				}
				best := -1
				for j := range known {
					if used[j] || known[j].Retired != retired || !ok(i, j) {
						continue
					}
					if best < 0 || better(i, j, best) {
						best = j
					}
				}
				if best >= 0 {
					match[i], used[best] = best, true
				}
			}
		}
	}
	return match
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// spelling is the name to store for a known pupil the file lists as typed: the file's,
// unless it only drops the stored name's diacritics ("Le Thi Binh" for Lê Thị Bình), which
// an export without accents does and which would lose what the roster knew.
func spelling(stored, typed string) string {
	if isASCII(typed) && !isASCII(stored) && vntext.Fold(typed) == vntext.Fold(stored) {
		return stored
	}
	return typed
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
