//! When a submitted step's clock runs out.
//!
//! Everything the vault knows about deadlines goes through [`DeadlineCalc::deadline_for`],
//! so the China working-day calendar can replace the temporary estimate here without
//! touching the rest of the vault.
//!
//! Counting rule (the calendar's, Beijing time UTC+08:00, a fixed offset):
//! - N working days after an event at Beijing time T end at 23:59:59 Beijing time of the
//!   N-th working day after T's date (T's own date never counts);
//! - N natural days end at 23:59:59 of T's date plus N days;
//! - N hours end exactly N hours after T;
//! - `min`–`max` gives the earliest end and the deadline (from `max`).

use std::path::Path;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Serialize;

use crate::rules::pack::{DurationDef, DurationUnit};
use crate::text::Text;

/// Beijing time, UTC+08:00 (China has had no daylight saving time since 1991).
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+08:00 is a valid offset"),
};

/// When a step's duration ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepDeadline {
    pub unit: DurationUnit,
    /// When the clock started (the step's `submitted_at`).
    pub clock_start: DateTime<Utc>,
    /// Beijing date the earliest end (`min`) falls on.
    pub earliest: NaiveDate,
    /// Beijing date of the deadline (`max`).
    pub latest: NaiveDate,
    /// The earliest end as an instant.
    pub earliest_utc: DateTime<Utc>,
    /// The deadline: 23:59:59 Beijing time of `latest` for day units, exactly `max` hours
    /// after the start for hours.
    pub deadline_utc: DateTime<Utc>,
    /// `deadline_utc` in Beijing time.
    pub deadline_beijing: DateTime<FixedOffset>,
    /// True when the dates are an estimate (unknown holiday schedule).
    pub estimated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_reason: Option<Text>,
}

impl StepDeadline {
    /// Past the deadline at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        now > self.deadline_utc
    }
}

/// What deadlines are computed with, loaded once per open vault.
///
/// TODO(calendar-merge): hold a `crate::calendar::ChinaCalendar` built by
/// `ChinaCalendar::with_overrides(&calendar::calendar_dir(vault_dir))` (falling back to
/// `ChinaCalendar::bundled()` when the directory cannot be read).
#[derive(Debug, Clone, Default)]
pub struct DeadlineCalc {
    _calendar: (),
}

impl DeadlineCalc {
    /// The calculator for the vault in `dir` (which may hold imported holiday years).
    pub fn for_vault(_dir: &Path) -> DeadlineCalc {
        // TODO(calendar-merge): load the calendar with the vault's imported years.
        DeadlineCalc::default()
    }

    /// The deadline of a step with `duration` whose clock started at `submitted_at`.
    /// `None` when the result is not representable.
    ///
    /// TODO(calendar-merge): replace the body with
    /// `calendar::step_deadline(&self.calendar, duration, submitted_at).ok().map(|d| StepDeadline {
    ///     unit: d.unit, clock_start: d.clock_start, earliest: d.earliest_date, latest: d.latest_date,
    ///     earliest_utc: d.earliest_utc, deadline_utc: d.deadline_utc, deadline_beijing: d.deadline_beijing,
    ///     estimated: d.estimated, estimate_reason: d.estimate_reason.map(|r| r.text()) })`.
    pub fn deadline_for(
        &self,
        duration: &DurationDef,
        submitted_at: DateTime<Utc>,
    ) -> Option<StepDeadline> {
        let (min, max) = (duration.min.min(duration.max), duration.max);
        let start_date = submitted_at.with_timezone(&BEIJING).date_naive();
        let (earliest_utc, deadline_utc, estimated) = match duration.unit {
            DurationUnit::Hours => (
                submitted_at.checked_add_signed(Duration::hours(i64::from(min)))?,
                submitted_at.checked_add_signed(Duration::hours(i64::from(max)))?,
                false,
            ),
            DurationUnit::NaturalDays => (
                end_of_day_beijing(start_date.checked_add_signed(Duration::days(i64::from(min)))?)?,
                end_of_day_beijing(start_date.checked_add_signed(Duration::days(i64::from(max)))?)?,
                false,
            ),
            // TODO(calendar-merge): temporary estimate, Monday to Friday only; public
            // holidays and make-up working days are ignored, so it is flagged `estimated`.
            DurationUnit::WorkingDays => (
                end_of_day_beijing(add_weekdays(start_date, min)?)?,
                end_of_day_beijing(add_weekdays(start_date, max)?)?,
                true,
            ),
        };
        let deadline_beijing = deadline_utc.with_timezone(&BEIJING);
        Some(StepDeadline {
            unit: duration.unit,
            clock_start: submitted_at,
            earliest: earliest_utc.with_timezone(&BEIJING).date_naive(),
            latest: deadline_beijing.date_naive(),
            earliest_utc,
            deadline_utc,
            deadline_beijing,
            estimated,
            estimate_reason: estimated.then(|| {
                Text::new(
                    "临时估算：只按周一至周五计算，未计入法定节假日和调休",
                    "temporary estimate: Monday to Friday only, public holidays and make-up working days not counted",
                )
            }),
        })
    }
}

/// 23:59:59 Beijing time on `date`, as a UTC instant.
pub fn end_of_day_beijing(date: NaiveDate) -> Option<DateTime<Utc>> {
    let t = NaiveTime::from_hms_opt(23, 59, 59)?;
    date.and_time(t)
        .and_local_timezone(BEIJING)
        .single()
        .map(|d| d.to_utc())
}

/// The `n`-th Monday-to-Friday day after `date` (`date` itself never counts); `date` for 0.
fn add_weekdays(date: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return Some(date);
    }
    // Counting from a Saturday or Sunday gives the same days as counting from the Friday
    // before; from a weekday, every 5 working days are exactly one week.
    let back = match date.weekday() {
        Weekday::Sat => 1,
        Weekday::Sun => 2,
        _ => 0,
    };
    let mut d = date.checked_sub_signed(Duration::days(back))?;
    d = d.checked_add_signed(Duration::weeks(i64::from(n / 5)))?;
    let mut left = n % 5;
    while left > 0 {
        d = d.succ_opt()?;
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn dur(unit: DurationUnit, min: u32, max: u32) -> DurationDef {
        DurationDef {
            unit,
            min,
            max,
            starts_on: Text::default(),
        }
    }

    #[test]
    fn weekdays_skip_weekends_and_never_count_the_start() {
        // 2026-11-20 is a Friday.
        let fri = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(add_weekdays(fri, 0), Some(fri));
        assert_eq!(add_weekdays(fri, 1), NaiveDate::from_ymd_opt(2026, 11, 23));
        assert_eq!(add_weekdays(fri, 5), NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(add_weekdays(fri, 7), NaiveDate::from_ymd_opt(2026, 12, 1));
        let sat = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(add_weekdays(sat, 1), NaiveDate::from_ymd_opt(2026, 11, 23));
        assert_eq!(add_weekdays(sat, 5), NaiveDate::from_ymd_opt(2026, 11, 27));
    }

    #[test]
    fn natural_days_end_at_midnight_beijing() {
        let calc = DeadlineCalc::default();
        // 2026-11-20 17:00 UTC is already 2026-11-21 01:00 in Beijing.
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 17, 0, 0).unwrap();
        let d = calc
            .deadline_for(&dur(DurationUnit::NaturalDays, 3, 7), t)
            .unwrap();
        assert_eq!(d.earliest, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        assert_eq!(d.latest, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(
            d.deadline_utc,
            Utc.with_ymd_and_hms(2026, 11, 28, 15, 59, 59).unwrap()
        );
        assert_eq!(
            d.deadline_beijing.to_rfc3339(),
            "2026-11-28T23:59:59+08:00".to_string()
        );
        assert!(!d.estimated);
    }

    #[test]
    fn hours_are_exact_and_working_days_are_estimates() {
        let calc = DeadlineCalc::default();
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap();
        let d = calc
            .deadline_for(&dur(DurationUnit::Hours, 24, 24), t)
            .unwrap();
        assert_eq!(d.deadline_utc, t + Duration::hours(24));
        assert!(!d.estimated);
        let w = calc
            .deadline_for(&dur(DurationUnit::WorkingDays, 1, 3), t)
            .unwrap();
        assert_eq!(w.latest, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert!(w.estimated && w.estimate_reason.is_some());
        assert!(w.is_overdue(w.deadline_utc + Duration::seconds(1)));
        assert!(!w.is_overdue(w.deadline_utc));
    }
}
