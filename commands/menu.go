package commands

import "github.com/bhytbot/bhytbot/storage"

// menuCommands is every command of the menu, in the order a menu lists them.
var menuCommands = []MenuItem{
	{"start", "Bắt đầu, nhập mã mời"},
	{"huongdan", "Hướng dẫn sử dụng"},
	{"toi", "Thông tin và vai trò của tôi"},
	{"con", "Tình trạng thẻ BHYT của con tôi"},
	{"cothe", "Báo con tôi đã có thẻ BHYT"},
	{"baocao", "Báo cáo số thẻ BHYT của lớp"},
	{"huy", "Hủy thao tác đang làm"},
	{"lop", "Xem tình hình các lớp"},
	{"chuadong", "Học sinh chưa có thẻ BHYT"},
	{"dadong", "Học sinh đã có thẻ BHYT"},
	{"khac", "Ghi nhận học sinh có thẻ diện khác"},
	{"xoadong", "Bỏ đánh dấu học sinh ghi nhầm"},
	{"xephang", "Bảng xếp hạng tỷ lệ tham gia BHYT"},
	{"guingay", "Gửi nhắc nhở ngay"},
	{"xuat", "Xuất báo cáo Excel"},
	{"moi", "Tạo mã mời"},
	{"thuhoi", "Thu hồi mã mời"},
	{"xoaquyen", "Gỡ quyền của người đã mời"},
}

// menuByRole lists the commands each role adds to everyone's menu.
var menuByRole = map[string][]string{
	"":                    {"start", "huongdan", "toi"},
	storage.RoleTeacher:   {"baocao", "huy", "lop", "chuadong", "dadong", "khac", "xoadong", "moi", "thuhoi", "xoaquyen"},
	storage.RolePrincipal: {"xephang", "lop", "moi", "thuhoi", "xoaquyen"},
	storage.RoleOfficer:   {"xephang", "guingay", "xuat", "moi", "thuhoi", "xoaquyen"},
	storage.RoleParent:    {"con", "cothe", "huongdan"},
}

// Menu returns the command menu of a user with the given roles (role names as in storage,
// e.g. "teacher"; unknown names add nothing): everyone's commands plus each role's, in a
// fixed order, each once. An admin gets every command.
func Menu(roles []string) []MenuItem {
	want := map[string]bool{}
	for _, c := range menuByRole[""] {
		want[c] = true
	}
	for _, r := range roles {
		if r == storage.RoleAdmin {
			for _, it := range menuCommands {
				want[it.Command] = true
			}
			continue
		}
		for _, c := range menuByRole[r] {
			want[c] = true
		}
	}
	out := make([]MenuItem, 0, len(want))
	for _, it := range menuCommands {
		if want[it.Command] {
			out = append(out, it)
		}
	}
	return out
}
