//! Reminders across the FFI: records mirroring `tuilu_core::reminders`.
//!
//! The core plans every notification; a shell schedules what `plan_reminders` returns and
//! re-plans at each launch (`reminder_diff` says what to add and cancel). Settings cross as
//! plain text: an IANA zone name and `HH:MM` local times.

use chrono::NaiveTime;
use tuilu_core::reminders as rm;
use tuilu_core::Lang;

use crate::error::ApiError;
use crate::rules::{mirror_enum, LocalizedText};
use crate::uniffi_support::Timestamp;

/// The user's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReminderSettingsRecord {
    /// The device's IANA time zone (`Asia/Shanghai`, `Europe/Berlin`); display times and
    /// quiet hours follow it.
    pub time_zone: String,
    /// Local quiet hours `[start, end)` as `HH:MM`, crossing midnight when start > end;
    /// none disables them.
    pub quiet_hours: Option<QuietHoursRecord>,
    /// Local time of day (`HH:MM`) for day-based reminders.
    pub preferred_time: String,
    /// Most reminders returned (iOS keeps 64 pending notifications).
    pub limit: u32,
}

/// Local quiet hours, `HH:MM` each.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuietHoursRecord {
    pub start: String,
    pub end: String,
}

/// The core's defaults in `time_zone`: quiet hours 22:00–08:00, reminders at 09:30, at most
/// 60. Errors: `InvalidInput` when the zone is not an IANA name.
#[uniffi::export]
pub fn default_reminder_settings(time_zone: String) -> Result<ReminderSettingsRecord, ApiError> {
    crate::error::guard(|| {
        let tz = parse_zone(&time_zone)?;
        Ok(settings_record(&rm::ReminderSettings::in_zone(tz)))
    })
}

fn parse_zone(name: &str) -> Result<rm::UserZone, ApiError> {
    rm::parse_tz(name)
        .ok_or_else(|| ApiError::invalid_input("time_zone is not an IANA time zone name"))
}

fn parse_time(field: &str, s: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| ApiError::invalid_input(format!("{field} must be a local time HH:MM")))
}

fn fmt_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub(crate) fn settings_record(s: &rm::ReminderSettings) -> ReminderSettingsRecord {
    ReminderSettingsRecord {
        time_zone: s.tz.id(),
        quiet_hours: s.quiet_hours.map(|q| QuietHoursRecord {
            start: fmt_time(q.start),
            end: fmt_time(q.end),
        }),
        preferred_time: fmt_time(s.preferred_time),
        limit: u32::try_from(s.limit).unwrap_or(u32::MAX),
    }
}

impl TryFrom<&ReminderSettingsRecord> for rm::ReminderSettings {
    type Error = ApiError;

    fn try_from(r: &ReminderSettingsRecord) -> Result<rm::ReminderSettings, ApiError> {
        Ok(rm::ReminderSettings {
            tz: parse_zone(&r.time_zone)?,
            quiet_hours: r
                .quiet_hours
                .as_ref()
                .map(|q| -> Result<rm::QuietHours, ApiError> {
                    Ok(rm::QuietHours {
                        start: parse_time("quiet_hours.start", &q.start)?,
                        end: parse_time("quiet_hours.end", &q.end)?,
                    })
                })
                .transpose()?,
            preferred_time: parse_time("preferred_time", &r.preferred_time)?,
            limit: r.limit as usize,
        })
    }
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ReminderKind {
    /// The working day before the deadline date, at the preferred time.
    BeforeDeadline,
    /// About 3 hours before a window closes.
    WindowClosing3h,
    /// About 1 hour before a window closes.
    WindowClosing1h,
    /// The deadline day (day units) or the deadline instant (hours).
    AtDeadline,
    /// A waiting period (cooldown, notice) has ended.
    WaitingPeriodEnd,
    /// The deadline passed without the step done: follow the escalation.
    FollowUp,
    /// Still nothing some working days later: take the complaint route.
    FollowUpEscalate,
    /// One reminder standing for all the missed ones.
    CatchUp,
}
mirror_enum!(
    ReminderKind,
    rm::ReminderKind,
    [
        BeforeDeadline,
        WindowClosing3h,
        WindowClosing1h,
        AtDeadline,
        WaitingPeriodEnd,
        FollowUp,
        FollowUpEscalate,
        CatchUp
    ]
);

#[uniffi::export]
impl ReminderKind {
    /// E.g. 截止前提醒 / before the deadline.
    pub fn label(&self) -> LocalizedText {
        rm::ReminderKind::from(*self).label().into()
    }
}

/// Snooze choices offered on a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SnoozeChoice {
    TenMinutes,
    OneHour,
    /// The next local day at the preferred time.
    TomorrowMorning,
    /// The next working day at the preferred time.
    NextWorkingDay,
}
mirror_enum!(
    SnoozeChoice,
    rm::SnoozeChoice,
    [TenMinutes, OneHour, TomorrowMorning, NextWorkingDay]
);

/// The language of exported text (calendar files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    /// Simplified Chinese.
    Zh,
    En,
}
mirror_enum!(Language, Lang, [Zh, En]);

/// A reminder covered by a catch-up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MissedReminderRecord {
    pub id: String,
    pub kind: ReminderKind,
    pub case_id: String,
    pub step_id: String,
    pub fire_at: Timestamp,
    pub title: LocalizedText,
}

/// One planned notification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReminderRecord {
    /// Stable across plans (a hash of case, step and kind).
    pub id: String,
    pub kind: ReminderKind,
    /// None only for a catch-up.
    pub case_id: Option<String>,
    pub step_id: Option<String>,
    /// When to fire.
    pub fire_at: Timestamp,
    /// The same instant in the settings' zone, RFC 3339 with its offset.
    pub local_time: String,
    pub title: LocalizedText,
    pub body: LocalizedText,
    /// The step's deadline, if any.
    pub deadline: Option<Timestamp>,
    /// Snoozes and dismissals apply to one revision of the step's clock.
    pub revision: String,
    /// Changes whenever what a shell shows or schedules changes.
    pub fingerprint: String,
    /// `id#fingerprint`: schedule the notification under this, so `reminder_diff` also
    /// notices a changed reminder.
    pub schedule_token: String,
    /// Fires at a snoozed time.
    pub snoozed: bool,
    /// For a catch-up: the missed reminders it stands for.
    pub covers: Vec<MissedReminderRecord>,
}

impl From<&rm::Reminder> for ReminderRecord {
    fn from(r: &rm::Reminder) -> ReminderRecord {
        ReminderRecord {
            id: r.id.clone(),
            kind: r.kind.into(),
            case_id: r.case_id.clone(),
            step_id: r.step_id.clone(),
            fire_at: r.fire_at,
            local_time: r.local_time.clone(),
            title: (&r.title).into(),
            body: (&r.body).into(),
            deadline: r.deadline,
            revision: r.revision.clone(),
            fingerprint: r.fingerprint.clone(),
            schedule_token: r.schedule_token(),
            snoozed: r.snoozed,
            covers: r
                .covers
                .iter()
                .map(|m| MissedReminderRecord {
                    id: m.id.clone(),
                    kind: m.kind.into(),
                    case_id: m.case_id.clone(),
                    step_id: m.step_id.clone(),
                    fire_at: m.fire_at,
                    title: (&m.title).into(),
                })
                .collect(),
        }
    }
}

/// What a shell must change so that its scheduled notifications match the plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReminderDiffRecord {
    /// Planned reminders to schedule (new, or changed), in plan order.
    pub add: Vec<ReminderRecord>,
    /// Scheduled tokens to cancel, as given.
    pub cancel: Vec<String>,
    /// Scheduled tokens to leave alone, as given.
    pub keep: Vec<String>,
}

impl From<&rm::Diff> for ReminderDiffRecord {
    fn from(d: &rm::Diff) -> ReminderDiffRecord {
        ReminderDiffRecord {
            add: d.add.iter().map(Into::into).collect(),
            cancel: d.cancel.clone(),
            keep: d.keep.clone(),
        }
    }
}

/// The result of a snooze.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SnoozedRecord {
    pub id: String,
    pub until: Timestamp,
    /// `until` in the settings' zone, RFC 3339.
    pub local_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_reject_bad_fields() {
        let d = default_reminder_settings("Europe/Berlin".into()).unwrap();
        assert_eq!(d.preferred_time, "09:30");
        assert_eq!(
            d.quiet_hours,
            Some(QuietHoursRecord {
                start: "22:00".into(),
                end: "08:00".into()
            })
        );
        let core = rm::ReminderSettings::try_from(&d).unwrap();
        assert_eq!(settings_record(&core), d);
        let bad = ReminderSettingsRecord {
            preferred_time: "9h30".into(),
            ..d.clone()
        };
        let e = rm::ReminderSettings::try_from(&bad).unwrap_err();
        assert!(e.to_string().contains("preferred_time"), "{e}");
        assert!(!e.to_string().contains("9h30"));
        assert!(default_reminder_settings("Mars/Olympus".into()).is_err());
    }
}
