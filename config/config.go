// Package config holds bhytbot's settings: defaults in code, a YAML file on top, and
// BHYTBOT_<SECTION>_<KEY> environment variables on top of that.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Job names of the weekly jobs; they are also the keys under `schedules`.
const (
	JobTeacherReminder      = "teacher-reminder"
	JobPrincipalLeaderboard = "principal-leaderboard"
	JobOfficerLeaderboard   = "officer-leaderboard"
	JobParentReminder       = "parent-reminder"
)

// Jobs lists the weekly jobs in the order they are documented.
var Jobs = []string{JobTeacherReminder, JobPrincipalLeaderboard, JobOfficerLeaderboard, JobParentReminder}

// Config is every setting of the bot.
type Config struct {
	Telegram   Telegram   `yaml:"telegram"`
	Database   Database   `yaml:"database"`
	Timezone   string     `yaml:"timezone"`
	Campaign   Campaign   `yaml:"campaign"`
	Schedules  Schedules  `yaml:"schedules"`
	QuietHours QuietHours `yaml:"quiet_hours"`
	Admins     []int64    `yaml:"admins"`
	Invites    Invites    `yaml:"invites"`
	AdminHTTP  AdminHTTP  `yaml:"admin_http"`
	Limits     Limits     `yaml:"limits"`
	Web        Web        `yaml:"web"`
	Zalo       Zalo       `yaml:"zalo"`
}

// Zalo configures the Zalo channel; an empty token turns it off.
type Zalo struct {
	Token       string   `yaml:"token"`
	APIEndpoint string   `yaml:"api_endpoint"`
	Mode        string   `yaml:"mode"`
	Webhook     Webhook  `yaml:"webhook"`
	Rate        ZaloRate `yaml:"rate"`
	// Admins are Zalo user ids (strings) who are admins, as Admins are Telegram's.
	Admins []string `yaml:"admins"`
}

// ZaloRate is the sender's budget on Zalo, which publishes no limits: keep it in config and
// treat a 429 as a pause of the Zalo channel.
type ZaloRate struct {
	Global      float64 `yaml:"global"`
	PrivateChat float64 `yaml:"private_chat"`
}

// On reports whether the Zalo channel is configured.
func (z Zalo) On() bool { return strings.TrimSpace(z.Token) != "" }

// SenderRate is the Zalo budget in the sender's terms (Zalo's groups, in beta, get a
// private chat's rate).
func (r ZaloRate) SenderRate() Rate {
	return Rate{Global: r.Global, PrivateChat: r.PrivateChat, GroupPerMinute: 60 * r.PrivateChat}
}

// Telegram configures the channel.
type Telegram struct {
	Token       string        `yaml:"token"`
	APIEndpoint string        `yaml:"api_endpoint"`
	Mode        string        `yaml:"mode"`
	PollTimeout time.Duration `yaml:"poll_timeout"`
	Webhook     Webhook       `yaml:"webhook"`
	Rate        Rate          `yaml:"rate"`
}

// Webhook configures webhook mode.
type Webhook struct {
	Listen      string `yaml:"listen"`
	URL         string `yaml:"url"`
	Path        string `yaml:"path"`
	SecretToken string `yaml:"secret_token"`
}

// Rate is the sender's budget, within Telegram's limits.
type Rate struct {
	Global         float64 `yaml:"global"`
	PrivateChat    float64 `yaml:"private_chat"`
	GroupPerMinute float64 `yaml:"group_per_minute"`
}

// Database configures storage.
type Database struct {
	Path string `yaml:"path"`
}

// Campaign holds the figures of the coverage campaign.
type Campaign struct {
	SchoolYear       string  `yaml:"school_year"`
	TargetPercent    float64 `yaml:"target_percent"`
	WarnBelowPercent float64 `yaml:"warn_below_percent"`
	Deadline         string  `yaml:"deadline"`
	Premium          int     `yaml:"premium"`
	PaymentMonths    []int   `yaml:"payment_months"`
	PaymentInfo      string  `yaml:"payment_info"`
}

// Schedules holds a cron spec per weekly job and the catch-up window.
type Schedules struct {
	TeacherReminder      string        `yaml:"teacher-reminder"`
	PrincipalLeaderboard string        `yaml:"principal-leaderboard"`
	OfficerLeaderboard   string        `yaml:"officer-leaderboard"`
	ParentReminder       string        `yaml:"parent-reminder"`
	CatchUpWindow        time.Duration `yaml:"catch_up_window"`
}

// QuietHours is the daily window in which parent messages are held.
type QuietHours struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

// Invites configures invite codes.
type Invites struct {
	TTL           time.Duration `yaml:"ttl"`
	ClassLinkUses int           `yaml:"class_link_uses"`
}

// Limits keep one account from slowing everyone: its incoming messages (typed or button
// presses) are limited to MessagesPerMinute with bursts of Burst, and a chat with
// PendingRepliesPerChat replies still unsent gets no further board or export.
type Limits struct {
	MessagesPerMinute     float64 `yaml:"messages_per_minute"`
	Burst                 int     `yaml:"burst"`
	PendingRepliesPerChat int     `yaml:"pending_replies_per_chat"`
}

// AdminHTTP configures the optional health and metrics listener.
type AdminHTTP struct {
	Listen string `yaml:"listen"`
}

// Web configures the officers' read-only dashboard; an empty Listen turns it off.
type Web struct {
	Listen     string        `yaml:"listen"`
	PublicURL  string        `yaml:"public_url"`
	LoginTTL   time.Duration `yaml:"login_ttl"`
	SessionTTL time.Duration `yaml:"session_ttl"`
}

// Default returns the configuration used when nothing overrides it.
func Default() Config {
	return Config{
		Telegram: Telegram{
			APIEndpoint: "https://api.telegram.org/bot%s/%s",
			Mode:        "polling",
			PollTimeout: 50 * time.Second,
			Webhook:     Webhook{Listen: ":8443", Path: "/telegram"},
			Rate:        Rate{Global: 25, PrivateChat: 1, GroupPerMinute: 20},
		},
		Database: Database{Path: "bhytbot.db"},
		Timezone: "Asia/Ho_Chi_Minh",
		Campaign: Campaign{
			SchoolYear:       "2025-2026",
			TargetPercent:    100,
			WarnBelowPercent: 50,
			Deadline:         "2026-12-31",
			Premium:          631800,
			PaymentMonths:    []int{3, 6, 12},
			PaymentInfo:      "Phụ huynh nộp tiền cho giáo viên chủ nhiệm hoặc theo hướng dẫn của nhà trường.",
		},
		Schedules: Schedules{
			TeacherReminder:      "0 8 * * MON",
			PrincipalLeaderboard: "0 16 * * FRI",
			OfficerLeaderboard:   "0 8 * * SAT",
			ParentReminder:       "0 19 * * WED",
			CatchUpWindow:        48 * time.Hour,
		},
		QuietHours: QuietHours{Start: "21:00", End: "07:00"},
		Invites:    Invites{TTL: 14 * 24 * time.Hour, ClassLinkUses: 60},
		Limits:     Limits{MessagesPerMinute: 30, Burst: 20, PendingRepliesPerChat: 20},
		Web:        Web{LoginTTL: 15 * time.Minute, SessionTTL: 168 * time.Hour},
		Zalo: Zalo{
			APIEndpoint: "https://bot-api.zaloplatforms.com/bot%s/%s",
			Mode:        "polling",
			Webhook:     Webhook{Listen: ":8444", Path: "/zalo"},
			Rate:        ZaloRate{Global: 20, PrivateChat: 1},
		},
	}
}

// Load reads the defaults, then the YAML file at path (if path is not empty), then the
// environment (BHYTBOT_* variables from env, typically os.Environ()).
func Load(path string, env []string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		if err := unknownKeys(data); err != nil {
			return cfg, fmt.Errorf("config: %s: %w", path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// unknownKeys names the first key of the file that is not a setting by its full dotted
// path (telegram.tokn): the YAML decoder alone names only the last part, which does not say
// in which section the typo is.
func unknownKeys(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // the decoder reports syntax errors itself
	}
	return checkKeys(doc.Content[0], reflect.TypeOf(Config{}), "")
}

func checkKeys(n *yaml.Node, t reflect.Type, prefix string) error {
	if n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		key := k.Value
		if prefix != "" {
			key = prefix + "." + k.Value
		}
		var field *reflect.StructField
		for j := 0; j < t.NumField(); j++ {
			f := t.Field(j)
			if strings.Split(f.Tag.Get("yaml"), ",")[0] == k.Value {
				field = &f
				break
			}
		}
		if field == nil {
			return fmt.Errorf("line %d: unknown key %s", k.Line, key)
		}
		if err := checkKeys(n.Content[i+1], field.Type, key); err != nil {
			return err
		}
	}
	return nil
}

// EnvName returns the environment variable that overrides the key at the dotted path,
// e.g. "telegram.rate.global" → "BHYTBOT_TELEGRAM_RATE_GLOBAL".
func EnvName(key string) string {
	r := strings.NewReplacer(".", "_", "-", "_")
	return "BHYTBOT_" + strings.ToUpper(r.Replace(key))
}

// Keys lists every dotted config key, in struct order.
func Keys() []string {
	var keys []string
	walk(reflect.ValueOf(&Config{}).Elem(), "", func(key string, _ reflect.Value) error {
		keys = append(keys, key)
		return nil
	})
	return keys
}

func walk(v reflect.Value, prefix string, fn func(key string, field reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := walk(f, key, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, f); err != nil {
			return err
		}
	}
	return nil
}

func applyEnv(cfg *Config, env []string) error {
	vars := make(map[string]string)
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "BHYTBOT_") {
			vars[k] = v
		}
	}
	if len(vars) == 0 {
		return nil
	}
	known := make(map[string]bool)
	err := walk(reflect.ValueOf(cfg).Elem(), "", func(key string, f reflect.Value) error {
		name := EnvName(key)
		known[name] = true
		raw, ok := vars[name]
		if !ok {
			return nil
		}
		if err := setField(f, raw); err != nil {
			return fmt.Errorf("config: %s (%s): %w", key, name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for name := range vars {
		if !known[name] {
			return fmt.Errorf("config: %s: unknown key", name)
		}
	}
	return nil
}

var durationType = reflect.TypeOf(time.Duration(0))

func setField(f reflect.Value, raw string) error {
	raw = strings.TrimSpace(raw)
	switch {
	case f.Type() == durationType:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("not a duration like 48h: %q", raw)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(raw)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer: %q", raw)
		}
		f.SetInt(n)
	case f.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", raw)
		}
		f.SetFloat(x)
	case f.Kind() == reflect.Slice:
		parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' })
		s := reflect.MakeSlice(f.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setField(s.Index(i), p); err != nil {
				return err
			}
		}
		f.Set(s)
	default:
		return fmt.Errorf("unsupported kind %s", f.Kind())
	}
	return nil
}
