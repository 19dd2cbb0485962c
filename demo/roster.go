// Package demo is bhytbot's self-contained demonstration: a small province, its people, and
// three weeks of a campaign played through the real bot against the Bot API fake.
package demo

import (
	"fmt"
	"strings"
)

// Province and communes of the demo (after the 2025 reorganisation: province → commune/ward).
const (
	Province = "Cần Thơ"
	MyTu     = Province + " / Xã Mỹ Tú"
	NinhKieu = Province + " / Phường Ninh Kiều"
)

// School names.
const (
	SchoolMyTu     = "Trường THCS Mỹ Tú"     // ends near 70%
	SchoolMyHuong  = "Trường TH Mỹ Hương"    // stays under 50%
	SchoolNinhKieu = "Trường THCS Ninh Kiều" // reaches 100%
	SchoolAnHoa    = "Trường TH An Hòa"      // around 85%
)

// Pupils of the one class imported with its roster (Trường THCS Mỹ Tú / 6A).
var Pupils6A = []string{
	"Trần Văn An", "Lê Thị Bình", "Phạm Minh Châu", "Nguyễn Hoàng Dũng", "Võ Thị Em", "Huỳnh Gia Hân",
	"Đặng Quốc Khánh", "Bùi Ngọc Lan", "Đỗ Thành Long", "Hồ Thị Mai", "Ngô Văn Nam", "Dương Thị Oanh",
}

type class struct {
	area, school, name, teacher string
	enrolment                   int
}

var classes = []class{
	{MyTu, SchoolMyTu, "6A", "Nguyễn Thị Lan", len(Pupils6A)},
	{MyTu, SchoolMyTu, "6B", "Lê Văn Hùng", 40},
	{MyTu, SchoolMyTu, "7A", "Trần Thị Mai", 38},
	{MyTu, SchoolMyTu, "8A", "Trần Thị Mai", 41},
	{MyTu, SchoolMyHuong, "1A", "Phạm Thị Hoa", 32},
	{MyTu, SchoolMyHuong, "2A", "Võ Văn Bình", 30},
	{MyTu, SchoolMyHuong, "3A", "Võ Văn Bình", 33},
	{NinhKieu, SchoolNinhKieu, "6A", "Huỳnh Văn Phát", 42},
	{NinhKieu, SchoolNinhKieu, "7A", "Đặng Thị Quyên", 40},
	{NinhKieu, SchoolAnHoa, "1A", "Lý Thị Sen", 35},
	{NinhKieu, SchoolAnHoa, "2A", "Mai Văn Tài", 34},
}

// RosterCSV is the demo roster in the contract's CSV format.
func RosterCSV() string {
	var b strings.Builder
	b.WriteString("area,school,class,enrolment,teacher_name,student_name,student_no\n")
	for _, c := range classes {
		if c.school == SchoolMyTu && c.name == "6A" {
			for i, p := range Pupils6A {
				fmt.Fprintf(&b, "%s,%s,%s,%d,%s,%s,%d\n", c.area, c.school, c.name, c.enrolment, c.teacher, p, i+1)
			}
			continue
		}
		fmt.Fprintf(&b, "%s,%s,%s,%d,%s,,\n", c.area, c.school, c.name, c.enrolment, c.teacher)
	}
	return b.String()
}
