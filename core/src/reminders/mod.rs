//! Reminder planner and calendar export.
//!
//! The phone shells cannot be trusted to keep timers (iOS keeps 64 pending local
//! notifications, Android alarms vanish on reboot, many ROMs kill background apps), so the
//! core computes the whole reminder plan, deterministically, and a shell only schedules what
//! it returns, re-planning on every launch:
//!
//! - [`plan_reminders`]: open steps + stored state + `now` + settings → ordered reminders
//!   with stable ids, at most `limit`, nearest first, with one catch-up for missed ones.
//! - [`diff`]: planned reminders vs. what a shell has scheduled → add / cancel / keep.
//! - [`store`]: snooze, dismiss and delivery records in the vault (`reminder_state`).
//! - [`ical`]: RFC 5545 export of deadlines with their reminders as alarms.
//!
//! The input is plain data ([`ReminderSubject`]), so this module does not depend on how
//! cases are stored; working days come through the small [`WorkingDays`] trait. No function
//! here reads the clock. See `docs/reminders.md` for the rules in prose.

mod from_cases;
pub mod ical;
mod planner;
pub mod store;
mod time;
pub mod zone;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::rules::pack::{DurationUnit, StepKind};
use crate::text::Text;

pub use from_cases::{subjects_for_case, subjects_for_vault};
pub use ical::{build_calendar, calendar_events, export_calendar, CalendarEvent};
pub use planner::{
    candidate_reminders, diff, find_catch_up, find_reminder, plan_reminders, snooze_target,
    snooze_until, Diff, DELIVERY_GRACE_MINUTES, FOLLOW_UP_ESCALATE_AFTER_WORKING_DAYS,
    MAX_CATCH_UP_LISTED,
};
pub use store::{ReminderState, StateEntry, SCHEMA_SQL};
pub use time::{beijing, local_to_utc, next_working_day, previous_working_day};
pub use zone::{UserZone, ZoneOffset, ZoneRules, BEIJING_ZONE_ID};

/// Parses a zone id: an IANA name (`Europe/Berlin`) with the `tzdb` feature; without it only
/// `Asia/Shanghai`, `UTC` and fixed offsets (`+05:30`). See [`UserZone::parse`].
pub fn parse_tz(name: &str) -> Option<UserZone> {
    UserZone::parse(name)
}

/// The time China deadlines are counted in: UTC+08:00 (no daylight saving since 1991).
pub const BEIJING: chrono::FixedOffset = crate::calendar::BEIJING;

/// Whether a calendar date is a working day. The China calendar (public holidays and
/// make-up working days) implements this at merge; [`SimpleWorkingDays`] is a stand-in.
pub trait WorkingDays {
    fn is_working_day(&self, d: NaiveDate) -> bool;
}

/// Weekends off, plus listed holidays and listed make-up working days (调休).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleWorkingDays {
    /// Weekdays that are days off.
    pub holidays: Vec<NaiveDate>,
    /// Saturdays or Sundays that are working days.
    pub extra_working_days: Vec<NaiveDate>,
}

impl SimpleWorkingDays {
    /// Monday to Friday, no holidays.
    pub fn weekends_only() -> SimpleWorkingDays {
        SimpleWorkingDays::default()
    }

    /// Weekends plus the 2026 National Day holiday as used in tests: 2026-10-01..=10-08 off,
    /// Sunday 2026-09-20 and Saturday 2026-10-10 worked.
    pub fn china_2026_sample() -> SimpleWorkingDays {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("valid date");
        SimpleWorkingDays {
            holidays: (1..=8).map(|day| d(10, day)).collect(),
            extra_working_days: vec![d(9, 20), d(10, 10)],
        }
    }
}

impl WorkingDays for SimpleWorkingDays {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        if self.extra_working_days.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
    }
}

/// Where a step stands: the cases module owns the type.
pub use crate::vault::StepStatus;

/// Steps that get reminders and calendar events: submitted (their clock runs) or in progress.
pub fn gets_reminders(status: StepStatus) -> bool {
    matches!(status, StepStatus::Submitted | StepStatus::InProgress)
}

/// One step with a running deadline: the planner's input. The cases module maps its steps
/// to this; nothing here knows how cases are stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReminderSubject {
    pub case_id: String,
    pub case_title: Text,
    pub step_id: String,
    pub step_title: Text,
    pub step_kind: StepKind,
    pub status: StepStatus,
    /// When the step's clock started (e.g. the request was submitted).
    pub clock_started_at: DateTime<Utc>,
    /// Earliest expected answer, when the duration is a range.
    #[serde(default)]
    pub earliest: Option<DateTime<Utc>>,
    /// The deadline instant: 23:59:59 Beijing time of the last date for day units, exact for
    /// hours.
    pub deadline: DateTime<Utc>,
    /// The holiday schedule of the deadline's year is not published yet.
    #[serde(default)]
    pub deadline_estimated: bool,
    /// What to do when the deadline passes without result (from the rule pack).
    #[serde(default)]
    pub escalation: Option<Text>,
    pub unit: DurationUnit,
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The working day before the deadline date, at the preferred time.
    BeforeDeadline,
    /// About 3 hours before a window closes.
    #[serde(rename = "window_closing_3h")]
    WindowClosing3h,
    /// About 1 hour before a window closes.
    #[serde(rename = "window_closing_1h")]
    WindowClosing1h,
    /// The deadline day (day units, at the preferred time) or the deadline instant (hours).
    AtDeadline,
    /// A waiting period (cooldown, notice, transition) has ended.
    WaitingPeriodEnd,
    /// The deadline passed without the step done: follow the escalation.
    FollowUp,
    /// Still nothing some working days later: take the complaint route.
    FollowUpEscalate,
    /// One reminder standing for all the missed ones.
    CatchUp,
    /// The phone holds no more pending notifications than its budget: after the last one
    /// held, this asks the user to open the app so the next ones can be set.
    RefillWindow,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::BeforeDeadline => "before_deadline",
            ReminderKind::WindowClosing3h => "window_closing_3h",
            ReminderKind::WindowClosing1h => "window_closing_1h",
            ReminderKind::AtDeadline => "at_deadline",
            ReminderKind::WaitingPeriodEnd => "waiting_period_end",
            ReminderKind::FollowUp => "follow_up",
            ReminderKind::FollowUpEscalate => "follow_up_escalate",
            ReminderKind::CatchUp => "catch_up",
            ReminderKind::RefillWindow => "refill_window",
        }
    }

    pub fn label(self) -> Text {
        match self {
            ReminderKind::BeforeDeadline => Text::new("截止前提醒", "before the deadline"),
            // No figure: quiet hours can move the reminder, and its text gives the real
            // time left ("还剩约2小时截止").
            ReminderKind::WindowClosing3h => Text::new("临近截止", "closing soon"),
            ReminderKind::WindowClosing1h => {
                Text::new("截止前最后提醒", "last call before it closes")
            }
            ReminderKind::AtDeadline => Text::new("截止", "deadline"),
            ReminderKind::WaitingPeriodEnd => Text::new("等待期结束", "waiting period over"),
            ReminderKind::FollowUp => Text::new("跟进", "follow up"),
            ReminderKind::FollowUpEscalate => Text::new("升级投诉", "escalate"),
            ReminderKind::CatchUp => Text::new("错过的提醒", "missed reminders"),
            ReminderKind::RefillWindow => {
                Text::new("打开退路以继续提醒", "open Tuilu for more reminders")
            }
        }
    }
}

/// A reminder covered by a catch-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedReminder {
    pub id: String,
    pub revision: String,
    pub kind: ReminderKind,
    pub case_id: String,
    pub step_id: String,
    pub fire_at: DateTime<Utc>,
    pub title: Text,
}

/// One planned notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Stable: a hash of case id, step id and kind (for a catch-up: of what it covers).
    pub id: String,
    pub kind: ReminderKind,
    /// `None` only for a catch-up.
    pub case_id: Option<String>,
    pub step_id: Option<String>,
    /// When to fire (UTC, RFC 3339 in JSON).
    pub fire_at: DateTime<Utc>,
    /// The same instant in the user's zone, RFC 3339 with its offset.
    pub local_time: String,
    pub title: Text,
    pub body: Text,
    /// The step's deadline, if any.
    pub deadline: Option<DateTime<Utc>>,
    /// Hash of the step's clock and deadline: snoozes and dismissals apply to one revision.
    pub revision: String,
    /// Hash of everything a shell shows or schedules (fire time, texts): changes when the
    /// scheduled notification must be replaced.
    pub fingerprint: String,
    /// Fires at a snoozed time rather than the planned one.
    #[serde(default)]
    pub snoozed: bool,
    /// For a catch-up: the missed reminders it stands for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<MissedReminder>,
}

impl Reminder {
    /// `id#fingerprint`: a token a shell may schedule under so that [`diff`] also notices a
    /// changed reminder (a bare id is accepted too).
    pub fn schedule_token(&self) -> String {
        format!("{}#{}", self.id, self.fingerprint)
    }
}

/// Local quiet hours `[start, end)`; crossing midnight when `start > end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> QuietHours {
        QuietHours {
            start: NaiveTime::from_hms_opt(22, 0, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"),
        }
    }
}

/// The user's reminder settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderSettings {
    /// The device's zone (IANA rules from the phone, or chrono-tz with `tzdb`); display
    /// and quiet hours follow it. Default: Beijing time.
    pub tz: UserZone,
    /// `None` disables quiet hours.
    pub quiet_hours: Option<QuietHours>,
    /// Local time of day for day-based reminders.
    pub preferred_time: NaiveTime,
    /// Most reminders returned (iOS keeps 64 pending notifications).
    pub limit: usize,
}

impl Default for ReminderSettings {
    fn default() -> ReminderSettings {
        ReminderSettings {
            tz: UserZone::beijing(),
            quiet_hours: Some(QuietHours::default()),
            preferred_time: NaiveTime::from_hms_opt(9, 30, 0).expect("valid time"),
            limit: 60,
        }
    }
}

impl ReminderSettings {
    /// Default settings in another zone.
    pub fn in_zone(tz: impl Into<UserZone>) -> ReminderSettings {
        ReminderSettings {
            tz: tz.into(),
            ..ReminderSettings::default()
        }
    }
}

/// Snooze choices offered on a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnoozeChoice {
    TenMinutes,
    OneHour,
    /// The next local day at the preferred time.
    TomorrowMorning,
    /// The next working day at the preferred time.
    NextWorkingDay,
}

impl SnoozeChoice {
    /// Parses `10m`, `1h`, `morning`, `next-working-day` (and the snake_case names).
    pub fn parse(s: &str) -> Option<SnoozeChoice> {
        match s {
            "10m" | "ten_minutes" => Some(SnoozeChoice::TenMinutes),
            "1h" | "one_hour" => Some(SnoozeChoice::OneHour),
            "morning" | "tomorrow" | "tomorrow_morning" => Some(SnoozeChoice::TomorrowMorning),
            "next-working-day" | "next_working_day" => Some(SnoozeChoice::NextWorkingDay),
            _ => None,
        }
    }
}

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("no reminder with id `{0}`")]
    UnknownReminder(String),
    #[error("vault: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("bad timestamp `{value}` in reminder_state")]
    BadTimestamp { value: String },
    #[error("calendar output: {0}")]
    Format(#[from] std::fmt::Error),
}
