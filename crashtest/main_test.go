//go:build linux

package crashtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

// binary is the bhytbot executable built once by TestMain (without -race).
var binary string

// baseSeed seeds every test's random kill moments; CRASHTEST_SEED replays a run.
var baseSeed uint64

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "bhytbot-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binary = filepath.Join(tmp, "bhytbot")
	build := exec.Command("go", "build", "-o", binary, "./cmd/bhytbot")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: go build ./cmd/bhytbot: %v\n%s", err, out)
		return 1
	}
	if s := os.Getenv("CRASHTEST_SEED"); s != "" {
		if baseSeed, err = strconv.ParseUint(s, 10, 64); err != nil {
			fmt.Fprintln(os.Stderr, "crashtest: CRASHTEST_SEED:", err)
			return 2
		}
	} else {
		baseSeed = uint64(time.Now().UnixNano())
	}
	fmt.Fprintf(os.Stderr, "crashtest: seed %d (replay with CRASHTEST_SEED=%d)\n", baseSeed, baseSeed)
	return m.Run()
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			return filepath.Dir(gomod), nil
		}
	}
	if _, err := os.Stat(filepath.Join("..", "go.mod")); err == nil {
		return filepath.Abs("..")
	}
	return "", errors.New("cannot find the module root (go env GOMOD)")
}

// testRand is the test's random source, derived from the logged seed and its name.
func testRand(t *testing.T) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	t.Logf("seed %d (replay with CRASHTEST_SEED=%d)", baseSeed, baseSeed)
	return rand.New(rand.NewPCG(baseSeed, h.Sum64()))
}

// syncBuffer collects a process's logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs `bhytbot serve` against a fake, restarting it at will.
type harness struct {
	t    *testing.T
	fake *telegramtest.Server
	dir  string
	db   string
	env  []string
	runs []*proc
}

// proc is one run of `bhytbot serve`.
type proc struct {
	n      int
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{}
	killed bool
}

// newHarness makes a fake with generous limits (rate limiting is not the subject here;
// the sender's own budget paces it) and a database path under dbDir ("" = a temp dir).
func newHarness(t *testing.T, dbDir string, extraEnv ...string) *harness {
	t.Helper()
	fake := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{
		GlobalPerSecond: 1000, PrivatePerSecond: 100, PrivateBurst: 100,
	}})
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	if dbDir == "" {
		dbDir = dir
	}
	h := &harness{t: t, fake: fake, dir: dir, db: filepath.Join(dbDir, "bhytbot.db")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BHYTBOT_") {
			h.env = append(h.env, kv)
		}
	}
	h.env = append(h.env,
		"BHYTBOT_TELEGRAM_TOKEN="+fake.Token(),
		"BHYTBOT_TELEGRAM_API_ENDPOINT="+fake.Endpoint(),
		"BHYTBOT_TELEGRAM_POLL_TIMEOUT=1s",
		"BHYTBOT_DATABASE_PATH="+h.db,
		"BHYTBOT_TELEGRAM_RATE_PRIVATE_CHAT=50",
	)
	h.env = append(h.env, extraEnv...)
	t.Cleanup(func() {
		for _, p := range h.runs {
			if p.alive() {
				_ = p.cmd.Process.Kill()
				<-p.exited
			}
		}
		if t.Failed() {
			all := h.allLogs()
			if len(all) > 12000 {
				all = "…" + all[len(all)-12000:]
			}
			t.Logf("serve logs (tail):\n%s", all)
		}
	})
	return h
}

// start runs `bhytbot serve` with the harness's environment and extra variables on top;
// it fails the test if the process cannot start.
func (h *harness) start(extraEnv ...string) *proc {
	h.t.Helper()
	p := &proc{n: len(h.runs) + 1, logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(binary, "serve")
	p.cmd.Env = append(slices.Clip(h.env), extraEnv...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	// No bot outlives a test binary that dies (a go test timeout, a panic).
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		h.t.Fatalf("start serve: %v", err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	h.runs = append(h.runs, p)
	return p
}

func (h *harness) allLogs() string {
	var b strings.Builder
	for _, p := range h.runs {
		fmt.Fprintf(&b, "=== serve run %d ===\n%s", p.n, p.logs.String())
	}
	return b.String()
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if !p.alive() {
		t.Fatalf("serve run %d exited before it was killed: %v\n%s", p.n, p.cmd.ProcessState, p.logs.String())
	}
	p.killed = true
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill serve: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not die on SIGKILL")
	}
}

// stop sends SIGTERM and expects a clean exit within 10 s.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if !p.alive() {
		t.Fatalf("serve run %d had exited: %v", p.n, p.cmd.ProcessState)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM", code)
	}
}

// waitFor polls cond until it holds; it fails the test after timeout or as soon as a
// watched process exits.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, watch ...*proc) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		for _, p := range watch {
			if !p.alive() {
				t.Fatalf("waiting for %s: serve run %d exited: %v", what, p.n, p.cmd.ProcessState)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ready waits until the run polls Telegram and its sender runs.
func (p *proc) ready(t *testing.T) {
	t.Helper()
	waitFor(t, 20*time.Second, fmt.Sprintf("serve run %d to start", p.n), func() bool {
		l := p.logs.String()
		return strings.Contains(l, "poller started") && strings.Contains(l, "sender started")
	}, p)
}

// sleepOrExit waits d; it fails the test if p exits meanwhile (the bot crashed by itself).
func sleepOrExit(t *testing.T, p *proc, d time.Duration) {
	t.Helper()
	select {
	case <-time.After(d):
	case <-p.exited:
		t.Fatalf("serve run %d exited by itself: %v\n%s", p.n, p.cmd.ProcessState, p.logs.String())
	}
}

// openDB opens the bot's database with a plain connection, as another process would.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// checkIntegrity runs PRAGMA integrity_check and foreign_key_check on the database.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q, %v", res, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("PRAGMA foreign_key_check reports violations")
	}
	t.Log("PRAGMA integrity_check: ok")
}

// outboxCounts returns the outbox's rows per status.
func outboxCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	rows, err := db.Query("SELECT status, COUNT(*) FROM outbox GROUP BY status")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// broadcastText is the text of broadcast message i; it names its dedupe key.
func broadcastText(prefix string, i int) string {
	return fmt.Sprintf("Thông báo kiểm thử %s/%d: đề nghị nhà trường cập nhật số liệu BHYT học sinh.", prefix, i)
}

var broadcastRe = regexp.MustCompile(`Thông báo kiểm thử (\S+/\d+):`)

// enqueueBroadcast writes n messages to distinct private chats from firstChat, as a
// weekly job does, and returns their dedupe keys.
func enqueueBroadcast(t *testing.T, path, prefix string, firstChat int64, n int) []string {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys := make([]string, n)
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for i := range n {
			keys[i] = prefix + "/" + strconv.Itoa(i)
			if _, err := tx.Enqueue(ctx, storage.Message{DedupeKey: keys[i], ChatID: firstChat + int64(i),
				Priority: storage.PriorityBroadcast, Text: broadcastText(prefix, i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// broadcastSent counts the broadcast messages the fake received, per dedupe key.
func broadcastSent(fake *telegramtest.Server) map[string]int {
	out := map[string]int{}
	for _, m := range fake.AllSent() {
		if m.Method != "sendMessage" {
			continue
		}
		if sm := broadcastRe.FindStringSubmatch(m.Text); sm != nil {
			out[sm[1]]++
		}
	}
	return out
}

// teacher is a homeroom teacher with one class and a role granted as an invite would.
type teacher struct {
	user  telegramtest.User
	class string
}

const testSchool = "Trường THCS Thử Nghiệm"

// setupTeachers imports a roster of n classes of one school (enrolment 200) and gives each
// class a teacher with user id firstUser+i, who has written to the bot before.
func setupTeachers(t *testing.T, path string, firstUser int64, n int) []teacher {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var csv strings.Builder
	csv.WriteString("area,school,class,enrolment,teacher_name,student_name,student_no\n")
	ts := make([]teacher, n)
	for i := range ts {
		ts[i] = teacher{
			user:  telegramtest.User{ID: firstUser + int64(i), FirstName: fmt.Sprintf("Giáo viên %d", i+1)},
			class: fmt.Sprintf("%d%c", 6+i/26, 'A'+i%26),
		}
		fmt.Fprintf(&csv, "Cần Thơ / Xã Thử Nghiệm,%s,%s,%d,%s,,\n", testSchool, ts[i].class, enrolment, ts[i].user.FirstName)
	}
	rows, err := roster.ReadCSV(strings.NewReader(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	year := config.Default().Campaign.SchoolYear
	if _, err := roster.Import(ctx, st, year, rows); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for _, tc := range ts {
			res, err := commands.ResolveScope(ctx, tx, storage.RoleTeacher, testSchool+" / "+tc.class, year)
			if err != nil {
				return err
			}
			if err := tx.TouchUser(ctx, storage.User{ID: tc.user.ID, ChatID: tc.user.ID, Name: tc.user.FirstName}); err != nil {
				return err
			}
			if err := tx.GrantRole(ctx, tc.user.ID, storage.RoleTeacher, res.Scope); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// enrolment is every test class's: the largest allowed, so a teacher can send up to 201
// distinct reports (k pupils insured through school, k = 0…200).
const enrolment = 200

// reportText is teacher's report number k: k pupils insured through school, none other.
func reportText(tc teacher, k int) string {
	return fmt.Sprintf("/baocao %s %d %d 0", tc.class, enrolment, k)
}

var ackRe = regexp.MustCompile(`Đã ghi báo cáo lớp <b>([^<]+)</b>[^\n]*\nSĩ số 200 · qua trường (\d+) · đối tượng khác 0`)

// ack is a report acknowledgement that reached a teacher.
type ack struct {
	chat int64
	k    int
}

// acks returns the acknowledgements the fake delivered, with how often each came.
func acks(fake *telegramtest.Server) map[ack]int {
	out := map[ack]int{}
	for _, m := range fake.AllSent() {
		if m.Method != "sendMessage" {
			continue
		}
		if sm := ackRe.FindStringSubmatch(m.Text); sm != nil {
			k, _ := strconv.Atoi(sm[2])
			out[ack{m.ChatID, k}]++
		}
	}
	return out
}

// storedReports returns the reports in the database by (teacher, figure) and the update
// ids applied more than once.
func storedReports(t *testing.T, db *sql.DB) (map[ack]int, []int64) {
	t.Helper()
	rows, err := db.Query("SELECT user_id, through_school FROM reports WHERE source = 'message'")
	if err != nil {
		t.Fatal(err)
	}
	out := map[ack]int{}
	for rows.Next() {
		var a ack
		if err := rows.Scan(&a.chat, &a.k); err != nil {
			t.Fatal(err)
		}
		out[a]++
	}
	rows.Close()
	rows, err = db.Query("SELECT update_id FROM reports GROUP BY update_id HAVING COUNT(*) > 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var twice []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		twice = append(twice, id)
	}
	return out, twice
}

// checkNothingLost checks, after a fault was survived without a crash, that each teacher's
// report is stored once, every broadcast message and reply went out exactly once, nothing
// was dropped with an apology and no outbox row is dead or dropped; it returns the outbox
// counts.
func checkNothingLost(t *testing.T, h *harness, teachers []teacher, keys []string) map[string]int {
	t.Helper()
	db := openDB(t, h.db)
	reports, twice := storedReports(t, db)
	counts := outboxCounts(t, db)
	db.Close()
	for i, tc := range teachers {
		if reports[ack{tc.user.ID, i + 1}] != 1 {
			t.Errorf("teacher %d's report stored %d times", tc.user.ID, reports[ack{tc.user.ID, i + 1}])
		}
	}
	if len(twice) > 0 || len(reports) != len(teachers) {
		t.Errorf("reports: %v, applied twice: %v", reports, twice)
	}
	sent := broadcastSent(h.fake)
	lost, dups := 0, 0
	for _, key := range keys {
		if sent[key] == 0 {
			lost++
		}
		dups += max(sent[key]-1, 0)
	}
	for _, c := range acks(h.fake) {
		dups += c - 1
	}
	if lost != 0 || dups != 0 {
		t.Errorf("without a crash: %d messages lost, %d duplicates", lost, dups)
	}
	if n := apologies(h.fake); n != 0 {
		t.Errorf("%d updates were dropped with an apology instead of being retried", n)
	}
	if counts["dead"] != 0 || counts["dropped"] != 0 {
		t.Errorf("outbox: %v", counts)
	}
	return counts
}
