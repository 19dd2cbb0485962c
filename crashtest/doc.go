// Package crashtest is bhytbot's crash and fault suite. Its tests build the real binary
// once, run `bhytbot serve` as a subprocess against the Bot API fake (bot/telegramtest)
// running in the test process on 127.0.0.1, and check the bot's first promise — nothing
// lost, nothing twice — under the faults of a real deployment:
//
//   - SIGKILL at random moments during a broadcast of 1,000 messages: every message
//     reaches Telegram, at most one duplicate per crash;
//   - SIGKILL at random moments during a burst of teachers' reports: every report
//     acknowledged to a teacher is stored, no update is applied twice;
//   - another process holding SQLite's write lock longer than busy_timeout: the bot
//     logs "database is locked", retries, and delivers everything once it is released;
//   - the database's filesystem full: the bot logs the error, keeps running, and catches
//     up once space is freed.
//
// Every test ends with PRAGMA integrity_check. The random kill moments come from a seed
// that is logged; set CRASHTEST_SEED to replay one. The tests run on Linux only; the
// full-disk test mounts a tmpfs, which needs root (CI runs as root), and is skipped with
// the reason elsewhere. The package has no code of its own.
package crashtest
