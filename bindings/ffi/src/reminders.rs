//! Reminders across the FFI: records mirroring `tuilu_core::reminders`.
//!
//! The core plans every notification; a shell schedules what `plan_reminders` returns and
//! re-plans at each launch (`reminder_diff` says what to add and cancel). Settings cross as
//! plain values (`HH:MM` local times) plus the user's zone as a [`TimeZoneRules`] object:
//! the app implements it with the phone's own tz database (java.time `ZoneId`, Foundation
//! `TimeZone`), so this library embeds none.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime, Utc};
use tuilu_core::reminders as rm;
use tuilu_core::Lang;

use crate::error::ApiError;
use crate::rules::{mirror_enum, LocalizedText};
use crate::uniffi_support::Timestamp;

/// The rules of the user's time zone, implemented by the app over the platform's tz
/// database (Kotlin: `java.time.ZoneId`; Swift: `TimeZone`; Python: `zoneinfo`). Called
/// from the core's worker threads while it plans: implementations must be thread-safe,
/// quick and must not throw.
#[uniffi::export(with_foreign)]
pub trait TimeZoneRules: Send + Sync {
    /// The zone's id, normally its IANA name (`Europe/Berlin`); shown next to local times.
    fn id(&self) -> String;
    /// The offset from UTC in seconds (east positive) in force at `utc`.
    fn offset_seconds_at(&self, utc: Timestamp) -> i32;
    /// The offsets (seconds) the wall-clock time `local` (`YYYY-MM-DDTHH:MM:SS`) can have:
    /// none in a gap (clocks going forward), one normally, two in a fold (clocks going
    /// back), the earlier instant's offset first.
    fn offsets_seconds_for_local(&self, local: String) -> Vec<i32>;
}

/// A zone with one offset all year, implemented here.
#[derive(Debug)]
struct FixedZone {
    id: String,
    seconds: i32,
}

impl TimeZoneRules for FixedZone {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn offset_seconds_at(&self, _utc: Timestamp) -> i32 {
        self.seconds
    }

    fn offsets_seconds_for_local(&self, _local: String) -> Vec<i32> {
        vec![self.seconds]
    }
}

/// Beijing time: UTC+08:00 all year, id `Asia/Shanghai` (China has no daylight saving).
#[uniffi::export]
pub fn beijing_time_zone() -> Arc<dyn TimeZoneRules> {
    Arc::new(FixedZone {
        id: rm::BEIJING_ZONE_ID.to_string(),
        seconds: rm::BEIJING.local_minus_utc(),
    })
}

/// A zone that is always `offset_seconds` east of UTC, under `id`. Errors: `InvalidInput`
/// when the offset is a day or more.
#[uniffi::export]
pub fn fixed_time_zone(
    id: String,
    offset_seconds: i32,
) -> Result<Arc<dyn TimeZoneRules>, ApiError> {
    FixedOffset::east_opt(offset_seconds)
        .ok_or_else(|| ApiError::invalid_input("offset_seconds must be less than a day"))?;
    Ok(Arc::new(FixedZone {
        id,
        seconds: offset_seconds,
    }))
}

/// The app's rules seen as the core's [`rm::ZoneRules`]. The id is read once, and every
/// answer is remembered: a reminder plan asks the same few questions many times (about 18
/// foreign calls per case, for a handful of distinct instants), and each is a call into
/// the app. One `ForeignZone` lives for one call into the core (it is made when the
/// settings record is converted), so answers never outlive an update of the platform's
/// tz data.
struct ForeignZone {
    id: String,
    rules: Arc<dyn TimeZoneRules>,
    offsets_at: Mutex<HashMap<DateTime<Utc>, FixedOffset>>,
    offsets_for_local: Mutex<HashMap<NaiveDateTime, Vec<FixedOffset>>>,
}

impl ForeignZone {
    fn new(rules: Arc<dyn TimeZoneRules>) -> ForeignZone {
        ForeignZone {
            id: rules.id(),
            rules,
            offsets_at: Mutex::default(),
            offsets_for_local: Mutex::default(),
        }
    }
}

/// The remembered answer for `key`, or `ask()` remembered. A poisoned lock (a panic in an
/// earlier call) only costs the memo.
fn memo<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    ask: impl FnOnce() -> V,
) -> V {
    if let Some(v) = map.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return v;
    }
    let v = ask();
    if let Ok(mut m) = map.lock() {
        m.insert(key, v.clone());
    }
    v
}

impl fmt::Debug for ForeignZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ForeignZone").field(&self.id).finish()
    }
}

/// Offsets of a day or more are not offsets: read as UTC (an app bug, never a crash).
fn offset(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
}

/// `YYYY-MM-DDTHH:MM:SS`, the wall-clock form `offsets_seconds_for_local` receives.
pub(crate) fn format_local(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl rm::ZoneRules for ForeignZone {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
        memo(&self.offsets_at, utc, || {
            offset(self.rules.offset_seconds_at(utc))
        })
    }

    fn offsets_for_local(&self, local: NaiveDateTime) -> Vec<FixedOffset> {
        memo(&self.offsets_for_local, local, || {
            self.rules
                .offsets_seconds_for_local(format_local(local))
                .into_iter()
                .filter_map(FixedOffset::east_opt)
                .collect()
        })
    }
}

/// The user's reminder settings.
#[derive(Clone, uniffi::Record)]
pub struct ReminderSettingsRecord {
    /// The device's time zone (the platform's rules); display times and quiet hours follow
    /// it.
    pub zone: Arc<dyn TimeZoneRules>,
    /// Local quiet hours `[start, end)` as `HH:MM`, crossing midnight when start > end;
    /// none disables them.
    pub quiet_hours: Option<QuietHoursRecord>,
    /// Local time of day (`HH:MM`) for day-based reminders.
    pub preferred_time: String,
    /// Most reminders returned (iOS keeps 64 pending notifications); not negative.
    pub limit: i32,
}

impl fmt::Debug for ReminderSettingsRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReminderSettingsRecord")
            .field("zone", &self.zone.id())
            .field("quiet_hours", &self.quiet_hours)
            .field("preferred_time", &self.preferred_time)
            .field("limit", &self.limit)
            .finish()
    }
}

/// Local quiet hours, `HH:MM` each.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuietHoursRecord {
    pub start: String,
    pub end: String,
}

/// The core's defaults in `zone` (Beijing time when none): quiet hours 22:00–08:00,
/// reminders at 09:30, at most 60.
#[uniffi::export(default(zone = None))]
pub fn default_reminder_settings(zone: Option<Arc<dyn TimeZoneRules>>) -> ReminderSettingsRecord {
    let core = rm::ReminderSettings::default();
    ReminderSettingsRecord {
        zone: zone.unwrap_or_else(beijing_time_zone),
        quiet_hours: core.quiet_hours.map(|q| QuietHoursRecord {
            start: fmt_time(q.start),
            end: fmt_time(q.end),
        }),
        preferred_time: fmt_time(core.preferred_time),
        limit: crate::uniffi_support::int32(core.limit),
    }
}

fn parse_time(field: &str, s: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| ApiError::invalid_input(format!("{field} must be a local time HH:MM")))
}

fn fmt_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl TryFrom<&ReminderSettingsRecord> for rm::ReminderSettings {
    type Error = ApiError;

    fn try_from(r: &ReminderSettingsRecord) -> Result<rm::ReminderSettings, ApiError> {
        Ok(rm::ReminderSettings {
            tz: rm::UserZone::from_rules(Arc::new(ForeignZone::new(r.zone.clone()))),
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
            limit: usize::try_from(r.limit)
                .map_err(|_| ApiError::invalid_input("limit must not be negative"))?,
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
    use chrono::TimeZone;

    /// Central European rules for 2026, as an app would supply them.
    struct Cet2026;

    fn summer(utc: DateTime<Utc>) -> bool {
        utc >= Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
            && utc < Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap()
    }

    impl TimeZoneRules for Cet2026 {
        fn id(&self) -> String {
            "Europe/Berlin".into()
        }
        fn offset_seconds_at(&self, utc: Timestamp) -> i32 {
            if summer(utc) {
                7200
            } else {
                3600
            }
        }
        fn offsets_seconds_for_local(&self, local: String) -> Vec<i32> {
            let local = NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M:%S").unwrap();
            [7200, 3600]
                .into_iter()
                .filter(|s| {
                    let utc = (local - chrono::Duration::seconds((*s).into())).and_utc();
                    self.offset_seconds_at(utc) == *s
                })
                .collect()
        }
    }

    /// Cet2026 that counts the questions it is asked.
    #[derive(Default)]
    struct Counting(std::sync::atomic::AtomicUsize);

    impl TimeZoneRules for Counting {
        fn id(&self) -> String {
            "Europe/Berlin".into()
        }
        fn offset_seconds_at(&self, utc: Timestamp) -> i32 {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Cet2026.offset_seconds_at(utc)
        }
        fn offsets_seconds_for_local(&self, local: String) -> Vec<i32> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Cet2026.offsets_seconds_for_local(local)
        }
    }

    #[test]
    fn the_app_is_asked_each_question_once_per_call() {
        let rules = Arc::new(Counting::default());
        let s = default_reminder_settings(Some(rules.clone()));
        let z = rm::ReminderSettings::try_from(&s).unwrap().tz;
        let asked = || rules.0.load(std::sync::atomic::Ordering::SeqCst);
        let noon = Utc.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap();
        let local = NaiveDateTime::parse_from_str("2026-10-25 02:30", "%Y-%m-%d %H:%M").unwrap();
        for _ in 0..3 {
            assert_eq!(z.offset_at(noon).local_minus_utc(), 7200);
            assert_eq!(
                rm::local_to_utc(&z, local),
                Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
            );
        }
        let after_repeats = asked();
        assert!(after_repeats <= 3, "{after_repeats} questions");
        assert_eq!(
            z.offset_at(noon + chrono::Duration::days(2))
                .local_minus_utc(),
            3600
        );
        assert_eq!(asked(), after_repeats + 1);
        // The next call into the core starts with no answers.
        let z2 = rm::ReminderSettings::try_from(&s).unwrap().tz;
        z2.offset_at(noon);
        assert_eq!(asked(), after_repeats + 2);
    }

    #[test]
    fn settings_defaults_and_bad_fields() {
        let d = default_reminder_settings(None);
        assert_eq!(d.zone.id(), "Asia/Shanghai");
        assert_eq!(d.preferred_time, "09:30");
        assert_eq!(
            d.quiet_hours,
            Some(QuietHoursRecord {
                start: "22:00".into(),
                end: "08:00".into()
            })
        );
        let core = rm::ReminderSettings::try_from(&d).unwrap();
        assert_eq!(core, rm::ReminderSettings::default());
        let bad = ReminderSettingsRecord {
            preferred_time: "9h30".into(),
            ..d.clone()
        };
        let e = rm::ReminderSettings::try_from(&bad).unwrap_err();
        assert!(e.to_string().contains("preferred_time"), "{e}");
        assert!(!e.to_string().contains("9h30"));
        assert!(fixed_time_zone("X".into(), 86_400).is_err());
        assert_eq!(
            fixed_time_zone("X".into(), -3600)
                .unwrap()
                .offset_seconds_at(Utc::now()),
            -3600
        );
    }

    #[test]
    fn app_rules_drive_the_core_zone() {
        let s = default_reminder_settings(Some(Arc::new(Cet2026)));
        let core = rm::ReminderSettings::try_from(&s).unwrap();
        let z = core.tz;
        assert_eq!(z.id(), "Europe/Berlin");
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // Gap: 02:30 does not exist on 2026-03-29, the first minute after is 03:00 CEST.
        assert_eq!(
            rm::local_to_utc(&z, local("2026-03-29 02:30")),
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
        );
        // Fold: 02:30 on 2026-10-25 happens twice; the earlier (CEST) instant is taken.
        assert_eq!(
            rm::local_to_utc(&z, local("2026-10-25 02:30")),
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
        );
        // 09:30 local on either side of the change.
        assert_eq!(
            rm::local_to_utc(&z, local("2026-10-24 09:30")),
            Utc.with_ymd_and_hms(2026, 10, 24, 7, 30, 0).unwrap()
        );
        assert_eq!(
            rm::local_to_utc(&z, local("2026-10-26 09:30")),
            Utc.with_ymd_and_hms(2026, 10, 26, 8, 30, 0).unwrap()
        );
        assert_eq!(
            format_local(local("2026-10-25 02:30")),
            "2026-10-25T02:30:00"
        );
    }
}
