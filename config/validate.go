package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// CronParser parses the schedule specs: standard five fields plus descriptors such as @weekly.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// DateLayout is the layout of campaign.deadline.
const DateLayout = "2006-01-02"

// Validate reports the first bad setting, naming its key and why it is bad.
func (c Config) Validate() error {
	bad := func(key, why string, args ...any) error {
		return fmt.Errorf("config: %s: %s", key, fmt.Sprintf(why, args...))
	}
	t := c.Telegram
	if !strings.Contains(t.APIEndpoint, "%s") {
		return bad("telegram.api_endpoint", "must be a printf form with two %%s, like http://host:port/bot%%s/%%s")
	}
	if t.Mode != "polling" && t.Mode != "webhook" {
		return bad("telegram.mode", "must be polling or webhook, not %q", t.Mode)
	}
	if t.PollTimeout < 0 || t.PollTimeout > 10*time.Minute {
		return bad("telegram.poll_timeout", "must be between 0 and 10m, not %s", t.PollTimeout)
	}
	if t.Mode == "webhook" {
		if u, err := url.Parse(t.Webhook.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			return bad("telegram.webhook.url", "webhook mode needs an https URL, not %q", t.Webhook.URL)
		}
		if len(t.Webhook.SecretToken) < 16 {
			return bad("telegram.webhook.secret_token", "webhook mode needs a secret of at least 16 characters")
		}
	}
	if t.Rate.Global <= 0 {
		return bad("telegram.rate.global", "must be > 0, not %v", t.Rate.Global)
	}
	if t.Rate.PrivateChat <= 0 {
		return bad("telegram.rate.private_chat", "must be > 0, not %v", t.Rate.PrivateChat)
	}
	if t.Rate.GroupPerMinute <= 0 {
		return bad("telegram.rate.group_per_minute", "must be > 0, not %v", t.Rate.GroupPerMinute)
	}
	if c.Database.Path == "" {
		return bad("database.path", "must not be empty")
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		return bad("timezone", "unknown time zone %q", c.Timezone)
	}
	cp := c.Campaign
	if cp.TargetPercent <= 0 || cp.TargetPercent > 100 {
		return bad("campaign.target_percent", "must be within 0–100, not %v", cp.TargetPercent)
	}
	if cp.WarnBelowPercent < 0 || cp.WarnBelowPercent > cp.TargetPercent {
		return bad("campaign.warn_below_percent", "must be within 0 and target_percent, not %v", cp.WarnBelowPercent)
	}
	if _, err := time.Parse(DateLayout, cp.Deadline); err != nil {
		return bad("campaign.deadline", "must be a date like 2026-12-31, not %q", cp.Deadline)
	}
	if cp.Premium <= 0 {
		return bad("campaign.premium", "must be > 0 VND, not %d", cp.Premium)
	}
	for _, m := range cp.PaymentMonths {
		if m <= 0 || m > 12 {
			return bad("campaign.payment_months", "months must be within 1–12, not %d", m)
		}
	}
	if cp.SchoolYear == "" {
		return bad("campaign.school_year", "must not be empty")
	}
	for _, job := range Jobs {
		if _, err := CronParser.Parse(c.Schedules.Spec(job)); err != nil {
			return bad("schedules."+job, "bad cron spec %q: %v", c.Schedules.Spec(job), err)
		}
	}
	if c.Schedules.CatchUpWindow < 0 {
		return bad("schedules.catch_up_window", "must not be negative")
	}
	if _, err := ParseClock(c.QuietHours.Start); err != nil {
		return bad("quiet_hours.start", "%v", err)
	}
	if _, err := ParseClock(c.QuietHours.End); err != nil {
		return bad("quiet_hours.end", "%v", err)
	}
	for _, id := range c.Admins {
		if id <= 0 {
			return bad("admins", "Telegram user ids are positive, not %d", id)
		}
	}
	if c.Invites.TTL <= 0 {
		return bad("invites.ttl", "must be > 0")
	}
	if c.Invites.ClassLinkUses < 1 {
		return bad("invites.class_link_uses", "must be ≥ 1")
	}
	if c.Limits.MessagesPerMinute <= 0 {
		return bad("limits.messages_per_minute", "must be > 0, not %v", c.Limits.MessagesPerMinute)
	}
	if c.Limits.Burst < 1 {
		return bad("limits.burst", "must be ≥ 1, not %d", c.Limits.Burst)
	}
	if c.Limits.PendingRepliesPerChat < 1 {
		return bad("limits.pending_replies_per_chat", "must be ≥ 1, not %d", c.Limits.PendingRepliesPerChat)
	}
	if w := c.Web; w.Listen != "" {
		if u, err := url.Parse(w.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("web.public_url", "the dashboard needs the URL people open, like https://bhyt.example.vn, not %q", w.PublicURL)
		}
		if w.LoginTTL < time.Minute || w.LoginTTL > 24*time.Hour {
			return bad("web.login_ttl", "must be between 1m and 24h, not %s", w.LoginTTL)
		}
		if w.SessionTTL < 10*time.Minute || w.SessionTTL > 90*24*time.Hour {
			return bad("web.session_ttl", "must be between 10m and 2160h, not %s", w.SessionTTL)
		}
	}
	return c.validateZalo()
}

// ValidateServe is Validate plus what only `serve` needs: a token of at least one channel.
func (c Config) ValidateServe() error {
	if err := c.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(c.Telegram.Token) == "" && !c.Zalo.On() {
		return fmt.Errorf("config: telegram.token: required by serve unless zalo.token is set (or set BHYTBOT_TELEGRAM_TOKEN or BHYTBOT_ZALO_TOKEN)")
	}
	return nil
}

// validateZalo checks the Zalo channel's settings when it is on.
func (c Config) validateZalo() error {
	z := c.Zalo
	if !z.On() {
		return nil
	}
	bad := func(key, why string, args ...any) error {
		return fmt.Errorf("config: %s: %s", key, fmt.Sprintf(why, args...))
	}
	if strings.Count(z.APIEndpoint, "%s") != 2 {
		return bad("zalo.api_endpoint", "must be a printf form with two %%s, like https://bot-api.zaloplatforms.com/bot%%s/%%s")
	}
	if z.Mode != "polling" && z.Mode != "webhook" {
		return bad("zalo.mode", "must be polling or webhook, not %q", z.Mode)
	}
	if z.Mode == "webhook" {
		if u, err := url.Parse(z.Webhook.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			return bad("zalo.webhook.url", "webhook mode needs the public https address Zalo posts to, like https://bot.example.vn/zalo")
		}
		if n := len(z.Webhook.SecretToken); n < 8 || n > 256 {
			return bad("zalo.webhook.secret_token", "webhook mode needs a secret of 8 to 256 characters")
		}
		if z.Webhook.Listen == "" {
			return bad("zalo.webhook.listen", "webhook mode needs an address to listen on, like :8444")
		}
	}
	if z.Rate.Global <= 0 || z.Rate.Global > 10000 {
		return bad("zalo.rate.global", "must be > 0 and at most 10000 messages per second, not %v", z.Rate.Global)
	}
	if z.Rate.PrivateChat <= 0 || z.Rate.PrivateChat > z.Rate.Global {
		return bad("zalo.rate.private_chat", "must be > 0 and at most zalo.rate.global, not %v", z.Rate.PrivateChat)
	}
	if strings.TrimSpace(c.Web.PublicURL) == "" || c.Web.Listen == "" {
		key := "web.public_url"
		if c.Web.Listen == "" {
			key = "web.listen"
		}
		return bad(key, "required when zalo.token is set: Zalo takes no uploads, so charts and Excel files go as links served by the web dashboard")
	}
	for _, id := range z.Admins {
		if strings.TrimSpace(id) == "" {
			return bad("zalo.admins", "an empty Zalo user id")
		}
	}
	return nil
}

// Spec returns the cron spec of a job by its name, "" for an unknown job.
func (s Schedules) Spec(job string) string {
	switch job {
	case JobTeacherReminder:
		return s.TeacherReminder
	case JobPrincipalLeaderboard:
		return s.PrincipalLeaderboard
	case JobOfficerLeaderboard:
		return s.OfficerLeaderboard
	case JobParentReminder:
		return s.ParentReminder
	}
	return ""
}

// Location returns the configured time zone (Validate has checked it).
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DeadlineTime returns the end of the deadline day in the configured zone.
func (c Config) DeadlineTime() time.Time {
	d, err := time.ParseInLocation(DateLayout, c.Campaign.Deadline, c.Location())
	if err != nil {
		return time.Time{}
	}
	return d.Add(24*time.Hour - time.Second)
}

// ParseClock parses "HH:MM" into minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("must be a time like 21:00, not %q", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
