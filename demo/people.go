package demo

import "github.com/bhytbot/bhytbot/storage"

// Person is someone in the demo. On Telegram their user id is also their private chat id;
// a person with a Zalo id is on Zalo instead (ID is then their Telegram id only when
// `chat --channel telegram` puts them there).
type Person struct {
	ID    int64
	Name  string
	Label string   // their role as shown in the transcript
	Role  string   // storage role; "" for the admin
	Scope string   // invite scope, spelled as in the roster
	Key   string   // the name `chat --as` knows them by
	More  []string // further scopes of the same role (a teacher of two classes)
	Zalo  string   // their Zalo user id: set, they talk to the bot on Zalo
}

// Channel names the person's chat app as the transcript shows it.
func (p Person) Channel() string {
	if p.Zalo != "" {
		return "Zalo"
	}
	return "Telegram"
}

// tag is how the transcript names the person: channel, name and role.
func (p Person) tag() string { return "[" + p.Channel() + "] " + p.Name + " (" + p.Label + ")" }

// The demo's people. In Xã Mỹ Tú the parents, one teacher (Cô Hoa), her principal (Cô Nga)
// and the commune's officer (Anh Tâm) are on Zalo, as most people there are: every weekly job
// reaches someone on Zalo. Everyone else is on Telegram.
var (
	Admin          = Person{ID: 100, Name: "Anh Khoa", Label: "quản trị", Key: "admin"}
	OfficerProv    = Person{ID: 201, Name: "Chị Hạnh", Label: "cán bộ Sở GD&ĐT Cần Thơ", Role: storage.RoleOfficer, Scope: Province, Key: "officer"}
	OfficerMyTu    = Person{ID: 202, Name: "Anh Tâm", Label: "cán bộ xã Mỹ Tú", Role: storage.RoleOfficer, Scope: MyTu, Zalo: "zalo-anh-tam"}
	PrincipalMyTu  = Person{ID: 301, Name: "Thầy Dũng", Label: "hiệu trưởng THCS Mỹ Tú", Role: storage.RolePrincipal, Scope: SchoolMyTu, Key: "principal"}
	PrincipalHuong = Person{ID: 302, Name: "Cô Nga", Label: "hiệu trưởng TH Mỹ Hương", Role: storage.RolePrincipal, Scope: SchoolMyHuong, Zalo: "zalo-co-nga"}
	PrincipalNK    = Person{ID: 303, Name: "Thầy Phúc", Label: "hiệu trưởng THCS Ninh Kiều", Role: storage.RolePrincipal, Scope: SchoolNinhKieu}
	PrincipalAnHoa = Person{ID: 304, Name: "Cô Thảo", Label: "hiệu trưởng TH An Hòa", Role: storage.RolePrincipal, Scope: SchoolAnHoa}
	TeacherLan     = Person{ID: 401, Name: "Cô Lan", Label: "GVCN 6A THCS Mỹ Tú", Role: storage.RoleTeacher, Scope: SchoolMyTu + " / 6A", Key: "teacher"}
	TeacherHung    = Person{ID: 402, Name: "Thầy Hùng", Label: "GVCN 6B THCS Mỹ Tú", Role: storage.RoleTeacher, Scope: SchoolMyTu + " / 6B", Key: "teacher-counts"}
	TeacherMai     = Person{ID: 403, Name: "Cô Mai", Label: "GVCN 7A, 8A THCS Mỹ Tú", Role: storage.RoleTeacher, Scope: SchoolMyTu + " / 7A", More: []string{SchoolMyTu + " / 8A"}}
	TeacherHoa     = Person{ID: 404, Name: "Cô Hoa", Label: "GVCN 1A TH Mỹ Hương", Role: storage.RoleTeacher, Scope: SchoolMyHuong + " / 1A", Zalo: "zalo-co-hoa"}
	TeacherBinh    = Person{ID: 405, Name: "Thầy Bình", Label: "GVCN 2A, 3A TH Mỹ Hương", Role: storage.RoleTeacher, Scope: SchoolMyHuong + " / 2A", More: []string{SchoolMyHuong + " / 3A"}}
	TeacherPhat    = Person{ID: 406, Name: "Thầy Phát", Label: "GVCN 6A THCS Ninh Kiều", Role: storage.RoleTeacher, Scope: SchoolNinhKieu + " / 6A"}
	TeacherQuyen   = Person{ID: 407, Name: "Cô Quyên", Label: "GVCN 7A THCS Ninh Kiều", Role: storage.RoleTeacher, Scope: SchoolNinhKieu + " / 7A"}
	TeacherSen     = Person{ID: 408, Name: "Cô Sen", Label: "GVCN 1A TH An Hòa", Role: storage.RoleTeacher, Scope: SchoolAnHoa + " / 1A"}
	TeacherTai     = Person{ID: 409, Name: "Thầy Tài", Label: "GVCN 2A TH An Hòa", Role: storage.RoleTeacher, Scope: SchoolAnHoa + " / 2A"}
	ParentAn       = Person{ID: 501, Name: "Mẹ bé Lan (6A)", Label: "phụ huynh", Role: storage.RoleParent, Scope: SchoolMyTu + " / 6A / 8", Key: "parent", Zalo: "zalo-me-be-lan"}
	ParentLong     = Person{ID: 502, Name: "Bố bé Long (6A)", Label: "phụ huynh", Role: storage.RoleParent, Scope: SchoolMyTu + " / 6A", Zalo: "zalo-bo-be-long"}
	ParentHuong    = Person{ID: 503, Name: "Mẹ bé Tí (1A)", Label: "phụ huynh", Role: storage.RoleParent, Scope: SchoolMyHuong + " / 1A", Zalo: "zalo-me-be-ti"}
)

// People lists everyone, in transcript order.
var People = []Person{Admin, OfficerProv, OfficerMyTu, PrincipalMyTu, PrincipalHuong, PrincipalNK, PrincipalAnHoa,
	TeacherLan, TeacherHung, TeacherMai, TeacherHoa, TeacherBinh, TeacherPhat, TeacherQuyen, TeacherSen, TeacherTai,
	ParentAn, ParentLong, ParentHuong}

// Keys lists the names `chat --as` knows, in People order.
func Keys() []string {
	var keys []string
	for _, p := range People {
		if p.Key != "" {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// ByKey returns the person `chat --as KEY` speaks as: admin, officer, principal, teacher (a
// class with a pupil roster), teacher-counts (a class that reports counts) or parent.
func ByKey(key string) (Person, bool) {
	for _, p := range People {
		if p.Key != "" && p.Key == key {
			return p, true
		}
	}
	return Person{}, false
}
