// Package commands is what bhytbot understands and says: it turns a channel-neutral Update
// into checked effects on storage and replies in the outbox, inside the transaction the
// channel opened for the update (see Handler). It knows no Telegram types.
//
// Where to look:
//   - a report is parsed by report.Parse (package report; the grammar is its doc), and
//     recorded in report.go;
//   - a board is ranked by leaderboard.Rank and rendered by the leaderboard package; the
//     /xephang and /xuat commands (boards.go) take the board's messages from the reminders
//     package (BoardMessages), the same code the weekly jobs use;
//   - a long reply (replyLong in engine.go) is one message however long: the channel's
//     sender cuts it into parts its chat accepts (package bot/split);
//   - a person's inbound messages are rate-limited per account in limit.go; outbound
//     messages by the channel's sender (package bot, its token buckets);
//   - button data is built and read by package button; quiet hours by package schedule;
//   - weekly jobs run once a week through the reminders package's job ledger.
//
// Who may do what (each role sees only its own part of the country, so a person learns
// nothing about classes they do not answer for): an admin (config.Admins) sees and invites
// everywhere; an officer oversees an area and every area below it; a principal a school; a
// teacher their classes; a parent a pupil, or a class until they name their child. Reports
// and roster marks come only from the class's own teacher. A stranger gets a polite
// explanation of how to get an invite.
//
// Commands (names are folded: "/báo_cáo" is /baocao; "/cmd@bot" works in groups):
//
//	/start [CODE]   bind an invite code, or explain how to get one
//	/huongdan       help for the caller's roles (also /help)
//	/toi            who am I: roles and scopes
//	/lop            latest figures: a teacher's classes, a principal's school, a parent's child
//	/baocao …       a report (parsed by package report: report.Parse), or the guided flow when figures are absent
//	/huy            cancel the guided flow
//	/chuadong 6A    uninsured pupils of a roster class (private chat only)
//	/dadong 6A 3 7  mark roster pupils insured through school ("3-7" ranges)
//	/khac 6A 5      mark roster pupils insured under another category
//	/xoadong 6A 3   undo a mark (back to uninsured)
//	/moi …          invites: parents of a teacher's class, teachers of a principal's school,
//	                principals and officers below an officer or admin (private chat only)
//	/thuhoi CODE    revoke an invite one created (an admin: any)
//	/cothe          a parent says their child has a card (also typed: "Con tôi đã có thẻ")
//	/con            a parent sees their child's status
//	/xephang [week] the leaderboard of the caller's school or areas (principals, officers)
//	/xuat [week]    the area's Excel workbook (officers, admins; private chat only)
//	/guingay JOB    run a weekly job now for the officer's areas (officers, admins)
//
// Callback data (bc:…, moi:…, the:…, card:…) is built and read by package button, whose doc
// lists every datum; handleCallback dispatches on its prefix.
//
// Decisions:
//   - A class imported with pupils (has_roster) takes its counts from the roster: a count
//     report for it is not written and the reply explains /dadong and /khac; each roster
//     change appends a report with source "roster".
//   - A parent's card claim is confirmed by the teacher choosing the category on the button
//     (through school or other category), so nothing is guessed; a claim for a class without
//     a roster only reminds the teacher to include it in the next report.
//   - A class-link parent names their child by full name (case and diacritics ignored) or
//     roster number; only a unique match binds, wrong answers reveal nothing, and after five
//     wrong answers the parent is asked to get a per-pupil link from the teacher.
//   - Coverage is shown rounded half up to 0.1 ("95,2%"; 100% only when complete), by
//     leaderboard.Percent, as on the leaderboards and in the office's spreadsheet.
package commands
