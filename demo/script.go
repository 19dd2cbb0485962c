package demo

import (
	"context"
	"strings"
)

// script is the three weeks: reports (some late, some wrong and corrected), the weekly
// jobs at their scheduled times, a parent's "my child has a card" and on-demand boards. Xã
// Mỹ Tú's parents, Cô Hoa, Cô Nga and Anh Tâm do all of it on Zalo.
func (p *player) script(ctx context.Context) error {
	p.at(Start)
	p.printf("Kịch bản: %s và %s, %s → %s; lịch: nhắc GV thứ Hai 8:00, nhắc phụ huynh thứ Tư 19:00, xếp hạng trường thứ Sáu 16:00, xếp hạng xã/tỉnh thứ Bảy 8:00.\n",
		MyTu, NinhKieu, Start.Format("02/01/2006"), Deadline)
	var onZalo []string
	for _, who := range People {
		if who.Zalo != "" {
			onZalo = append(onZalo, who.Name)
		}
	}
	p.printf("Trên Zalo (tin nhắn chữ, lựa chọn đánh số, tệp gửi bằng liên kết): %s. Những người khác dùng Telegram.\n", strings.Join(onZalo, ", "))
	if err := p.onboard(ctx); err != nil {
		return err
	}
	tick := p.tick
	weeks := [][]step{
		{ // week 1: first reports; Thầy Bình does not report; Cô Mai's first 8A report is wrong
			{0, 7, 45, p.says(ParentLong, "Đỗ Thành Long")},
			{0, 8, 0, tick},
			{0, 9, 0, p.says(TeacherLan, "/dadong 6A 1 2 3 4 5 6", "/khac 6A 7")},
			{0, 10, 15, p.says(TeacherHung, "/baocao 6B 40 22 5")},
			{1, 7, 50, p.says(TeacherMai, "7A: ss 38, tr 20, khac 6", "bao cao lop 8A 41 30 15", "bao cao lop 8A 41 25 5")},
			{1, 9, 5, p.says(TeacherHoa, "/baocao 1A 10/32")},
			{1, 10, 30, p.says(TeacherPhat, "/baocao 42 38 4")},
			{1, 11, 0, p.says(TeacherQuyen, "7a ss=40 tr=36 khác=4")},
			{2, 8, 0, p.says(TeacherSen, "BAO CAO lop 1A 35 25 3")},
			{2, 9, 0, p.says(TeacherTai, "/baocao")},
			{2, 9, 1, p.presses(TeacherTai, "theo danh sách")},
			{2, 9, 2, p.says(TeacherTai, "26", "2")},
			{2, 9, 3, p.presses(TeacherTai, "Gửi báo cáo")},
			{2, 19, 0, tick},
			{2, 20, 10, p.presses(ParentAn, "đã có thẻ")},
			{3, 7, 30, p.presses(TeacherLan, "Qua trường")},
			{4, 16, 0, tick},
			{5, 8, 0, tick},
		},
		{ // week 2: Thầy Bình reports late for the first time; Thầy Hùng corrects himself
			{0, 8, 0, tick},
			{0, 9, 0, p.says(TeacherLan, "/dadong 6A 9 10", "/chuadong 6A")},
			{0, 10, 0, p.says(TeacherHung, "/baocao 6B 40 21 5", "/baocao 6B 40 22 5")},
			{1, 8, 0, p.says(TeacherMai, "/baocao 7A 38 20 6", "/baocao 8A 41 23 5")},
			{1, 14, 0, p.says(TeacherBinh, "/baocao 2A 30 8 2", "3A: ss 33, tr 9, khac 1")},
			{1, 15, 0, p.says(TeacherHoa, "/baocao", "32", "12", "0")}, // on Zalo: the guided report, figures typed
			{1, 15, 1, p.presses(TeacherHoa, "Gửi báo cáo")},           // and the confirmation answered with its number
			{1, 16, 0, p.says(TeacherPhat, "/baocao 42 40 2")},
			{1, 16, 30, p.says(TeacherQuyen, "/baocao 7A 40 39 1")},
			{2, 8, 0, p.says(TeacherSen, "/baocao 1A 35 27 3", "/baocao 2A 34 26 4")},
			{2, 8, 5, p.says(TeacherTai, "/baocao 2A 34 27 4")},
			{2, 19, 0, tick},
			{4, 16, 0, tick},
			{4, 16, 30, p.says(PrincipalHuong, "/xephang")},
			{5, 8, 0, tick},
		},
		{ // week 3: Ninh Kiều reaches 100%, Mỹ Tú ends near 70%, Mỹ Hương is still under 50%
			{0, 8, 0, tick},
			{0, 9, 0, p.says(TeacherLan, "/khac 6A 11")},
			{0, 9, 30, p.says(TeacherHung, "/baocao 6B 40 23 5")},
			{1, 8, 0, p.says(TeacherMai, "/baocao 7A 38 21 6", "/baocao 8A 41 24 5")},
			{1, 10, 0, p.says(TeacherPhat, "/baocao 42 40 2")},
			{1, 10, 5, p.says(TeacherQuyen, "/baocao 7A 40 38 2")},
			{1, 11, 0, p.says(TeacherHoa, "1a: ss 32, tr 13, khac 0")},
			{2, 8, 0, p.says(TeacherBinh, "/baocao 2A 30 10 2", "/baocao 3A 33 11 1")},
			{2, 8, 30, p.says(TeacherSen, "/baocao 1A 35 29 3")},
			{2, 8, 45, p.says(TeacherTai, "/baocao 2A 34 28 4")},
			{2, 19, 0, tick},
			{4, 16, 0, tick},
			{5, 8, 0, tick},
			{5, 9, 0, p.says(OfficerMyTu, "/xephang")},
		},
	}
	for i, steps := range weeks {
		if err := p.week_(ctx, i, steps); err != nil {
			return err
		}
	}
	return nil
}
