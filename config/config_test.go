package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if err := Default().ValidateServe(); err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("serve without token: got %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, `
telegram:
  rate:
    global: 10
    private_chat: 0.5
database:
  path: /data/from-file.db
campaign:
  target_percent: 95
admins: [1, 2]
`)
	tests := []struct {
		name string
		path string
		env  []string
		want func(c Config) bool
	}{
		{"defaults", "", nil, func(c Config) bool {
			return c.Telegram.Rate.Global == 25 && c.Database.Path == "bhytbot.db" && c.Campaign.Premium == 631800
		}},
		{"file over defaults", file, nil, func(c Config) bool {
			return c.Telegram.Rate.Global == 10 && c.Telegram.Rate.PrivateChat == 0.5 &&
				c.Telegram.Rate.GroupPerMinute == 20 && c.Database.Path == "/data/from-file.db" &&
				c.Campaign.TargetPercent == 95 && len(c.Admins) == 2
		}},
		{"env over file", file, []string{
			"BHYTBOT_TELEGRAM_RATE_GLOBAL=7", "BHYTBOT_DATABASE_PATH=/tmp/env.db",
			"BHYTBOT_TELEGRAM_TOKEN=123:abc", "BHYTBOT_ADMINS=5,6,7",
			"BHYTBOT_SCHEDULES_TEACHER_REMINDER=0 9 * * TUE", "BHYTBOT_INVITES_TTL=72h",
			"PATH=/usr/bin",
		}, func(c Config) bool {
			return c.Telegram.Rate.Global == 7 && c.Database.Path == "/tmp/env.db" &&
				c.Telegram.Token == "123:abc" && len(c.Admins) == 3 && c.Admins[2] == 7 &&
				c.Schedules.TeacherReminder == "0 9 * * TUE" && c.Invites.TTL == 72*time.Hour &&
				c.Campaign.TargetPercent == 95
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(c) {
				t.Fatalf("unexpected config: %+v", c)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file string
		env        []string
		want       string
	}{
		{"unknown file key", "telegram:\n  tokn: x\n", nil, "line 2: unknown key telegram.tokn"},
		{"unknown nested key", "telegram:\n  rate:\n    globl: 3\n", nil, "line 3: unknown key telegram.rate.globl"},
		{"unknown section", "databse:\n  path: x\n", nil, "line 1: unknown key databse"},
		{"unknown env key", "", []string{"BHYTBOT_TELEGRAM_TOKN=x"}, "BHYTBOT_TELEGRAM_TOKN: unknown key"},
		{"env not a number", "", []string{"BHYTBOT_TELEGRAM_RATE_GLOBAL=fast"}, "telegram.rate.global"},
		{"env bad duration", "", []string{"BHYTBOT_INVITES_TTL=2 weeks"}, "invites.ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			_, err := Load(path, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want mention of %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil {
		t.Fatal("missing file: want error")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"bad cron", func(c *Config) { c.Schedules.OfficerLeaderboard = "every monday" }, "schedules.officer-leaderboard"},
		{"cron six fields", func(c *Config) { c.Schedules.ParentReminder = "0 0 8 * * MON" }, "schedules.parent-reminder"},
		{"unknown zone", func(c *Config) { c.Timezone = "Asia/Saigon_City" }, "timezone"},
		{"empty zone", func(c *Config) { c.Timezone = "" }, "timezone"},
		{"target over 100", func(c *Config) { c.Campaign.TargetPercent = 120 }, "campaign.target_percent"},
		{"target negative", func(c *Config) { c.Campaign.TargetPercent = -1 }, "campaign.target_percent"},
		{"warn above target", func(c *Config) { c.Campaign.TargetPercent = 40 }, "campaign.warn_below_percent"},
		{"deadline not a date", func(c *Config) { c.Campaign.Deadline = "31/12/2026" }, "campaign.deadline"},
		{"global rate zero", func(c *Config) { c.Telegram.Rate.Global = 0 }, "telegram.rate.global"},
		{"private rate negative", func(c *Config) { c.Telegram.Rate.PrivateChat = -1 }, "telegram.rate.private_chat"},
		{"group rate zero", func(c *Config) { c.Telegram.Rate.GroupPerMinute = 0 }, "telegram.rate.group_per_minute"},
		{"mode", func(c *Config) { c.Telegram.Mode = "push" }, "telegram.mode"},
		{"webhook without url", func(c *Config) { c.Telegram.Mode = "webhook" }, "telegram.webhook.url"},
		{"webhook short secret", func(c *Config) {
			c.Telegram.Mode = "webhook"
			c.Telegram.Webhook.URL = "https://bot.example.vn/telegram"
			c.Telegram.Webhook.SecretToken = "short"
		}, "telegram.webhook.secret_token"},
		{"endpoint", func(c *Config) { c.Telegram.APIEndpoint = "http://localhost" }, "telegram.api_endpoint"},
		{"quiet hours", func(c *Config) { c.QuietHours.Start = "9pm" }, "quiet_hours.start"},
		{"admin id", func(c *Config) { c.Admins = []int64{-5} }, "admins"},
		{"premium", func(c *Config) { c.Campaign.Premium = 0 }, "campaign.premium"},
		{"payment months", func(c *Config) { c.Campaign.PaymentMonths = []int{3, 18} }, "campaign.payment_months"},
		{"empty db path", func(c *Config) { c.Database.Path = "" }, "database.path"},
		{"invite ttl", func(c *Config) { c.Invites.TTL = 0 }, "invites.ttl"},
		{"message rate", func(c *Config) { c.Limits.MessagesPerMinute = 0 }, "limits.messages_per_minute"},
		{"burst", func(c *Config) { c.Limits.Burst = 0 }, "limits.burst"},
		{"pending replies", func(c *Config) { c.Limits.PendingRepliesPerChat = -1 }, "limits.pending_replies_per_chat"},
		{"zalo without web", func(c *Config) { c.Zalo.Token = "12345:abc" }, "web.listen"},
		{"zalo without public url", func(c *Config) { c.Zalo.Token = "12345:abc"; c.Web.Listen = ":8080" }, "web.public_url"},
		{"zalo mode", func(c *Config) { zaloOn(c); c.Zalo.Mode = "push" }, "zalo.mode"},
		{"zalo webhook url", func(c *Config) { zaloOn(c); c.Zalo.Mode = "webhook" }, "zalo.webhook.url"},
		{"zalo webhook secret", func(c *Config) {
			zaloOn(c)
			c.Zalo.Mode = "webhook"
			c.Zalo.Webhook.URL = "https://bot.example.vn/zalo"
			c.Zalo.Webhook.SecretToken = "short"
		}, "zalo.webhook.secret_token"},
		{"zalo rate", func(c *Config) { zaloOn(c); c.Zalo.Rate.Global = 0 }, "zalo.rate.global"},
		{"zalo chat rate", func(c *Config) { zaloOn(c); c.Zalo.Rate.PrivateChat = 0 }, "zalo.rate.private_chat"},
		{"zalo endpoint", func(c *Config) { zaloOn(c); c.Zalo.APIEndpoint = "https://bot-api.zaloplatforms.com" }, "zalo.api_endpoint"},
		{"zalo admin", func(c *Config) { zaloOn(c); c.Zalo.Admins = []string{" "} }, "zalo.admins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want mention of %q", err, tt.want)
			}
		})
	}
}

func zaloOn(c *Config) {
	c.Zalo.Token = "12345:abc"
	c.Web.Listen, c.Web.PublicURL = ":8080", "https://bhyt.example.vn"
}

// serve needs one channel: Telegram's token, or Zalo's alone.
func TestValidateServeNeedsAChannel(t *testing.T) {
	c := Default()
	if err := c.ValidateServe(); err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("no channel: %v", err)
	}
	zaloOn(&c)
	if err := c.ValidateServe(); err != nil {
		t.Fatalf("Zalo alone: %v", err)
	}
	c, err := Load("", []string{"BHYTBOT_ZALO_TOKEN=777:xyz", "BHYTBOT_ZALO_ADMINS=a1b2,c3d4"})
	if err != nil || c.Zalo.Token != "777:xyz" || len(c.Zalo.Admins) != 2 || c.Zalo.Admins[1] != "c3d4" {
		t.Fatalf("env: %+v %v", c.Zalo, err)
	}
}

func TestExampleFileIsCompleteAndValid(t *testing.T) {
	c, err := Load("../config.example.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range Keys() {
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(string(data), leaf+":") {
			t.Errorf("config.example.yaml does not document %s", key)
		}
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("schedules.teacher-reminder"); got != "BHYTBOT_SCHEDULES_TEACHER_REMINDER" {
		t.Fatal(got)
	}
}
