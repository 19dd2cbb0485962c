// Package leaderboard is what a board shows, computed from figures alone: it reads no
// storage, writes nothing and knows no channel, so the weekly jobs, a principal's /xephang,
// the CLI export and a web page show the same numbers.
//
// Where things are:
//   - Coverage is rounded in coverage.go: Tenths and Percent, half up to one decimal as
//     Excel's ROUND does, 100% only for a complete unit. Every percentage the bot shows (a
//     teacher's reply, a board line, a chart label, an Excel cell) comes from Percent, and a
//     change since last week is the difference of two such percentages (Ranked.Change).
//   - A board is ranked in board.go: Rank orders units (reported first, by exact coverage,
//     ties by name in Vietnamese order) and gives competition ranks; compareCoverage is the one
//     tie rule, and RankOf reads one unit's rank without sorting. storage.Tx.ClassRank ranks a
//     teacher's class from the figures one SQL query selects, by the same rule (storage's
//     TestClassRankAgreesWithLeaderboard drives both over the same random schools, ties
//     included, and demands the same ranks).
//   - The text boards (neutral markup, which Telegram takes as HTML; package markup) are
//     RenderSchoolBoard and RenderAreaBoard in board.go, one text however long;
//     the bar chart PNG is ChartPNG in chart.go, which draws ChartData's
//     rows, legend and reference lines (DejaVu fonts embedded from fonts/); the
//     official template's workbook is AreaWorkbook in workbook.go.
//   - render.go turns a board into a spec (ChartSpec, WorkbookSpec) stored with an outbox
//     message, and RenderAttachment draws the picture or workbook from it at send time.
//
// The figures themselves (which report counts for a week, carried forward) are loaded by the
// reminders package, which builds a Board and calls the renderers. Elsewhere: a report is
// parsed by report.Parse; a weekly job runs once a week by the reminders package's job
// ledger (RunInTx); messages are rate-limited by the channel's sender in package bot
// (inbound ones per person in package commands, limit.go).
package leaderboard
