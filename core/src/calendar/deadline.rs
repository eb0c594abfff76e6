//! Step deadlines: when a step's clock starts at an instant, when does its duration end?
//!
//! Counting rule (Beijing time, UTC+08:00, a fixed offset — China has had no daylight
//! saving time since 1991):
//! - "within N working days" of an event at Beijing time T ends at 23:59:59 Beijing time of
//!   the N-th working day after T's date (T's own date never counts);
//! - "within N natural days" ends at 23:59:59 of T's date plus N days;
//! - "within N hours" ends exactly N hours after T;
//! - a range `min–max` gives the earliest end (from `min`) and the latest (from `max`); the
//!   latest is the deadline.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CalendarError, ChinaCalendar, EstimateReason};
use crate::rules::pack::{DurationDef, DurationUnit};

/// Beijing time, UTC+08:00.
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+08:00 is a valid offset"),
};

/// 23:59:59 Beijing time on `date`, as a UTC instant.
pub fn end_of_day_beijing(date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
    let t = NaiveTime::from_hms_opt(23, 59, 59).ok_or(CalendarError::DateOutOfRange)?;
    date.and_time(t)
        .and_local_timezone(BEIJING)
        .single()
        .map(|d| d.to_utc())
        .ok_or(CalendarError::DateOutOfRange)
}

/// When a step's duration ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The unit counted in.
    pub unit: DurationUnit,
    /// When the clock started.
    pub clock_start: DateTime<Utc>,
    /// Beijing date the earliest end (`min`) falls on.
    pub earliest_date: NaiveDate,
    /// Beijing date the latest end (`max`) falls on: the deadline's date.
    pub latest_date: NaiveDate,
    /// The earliest end as an instant: 23:59:59 Beijing time of `earliest_date` for day
    /// units, exactly `min` hours after the start for hours.
    pub earliest_utc: DateTime<Utc>,
    /// `earliest_utc` in Beijing time.
    pub earliest_beijing: DateTime<FixedOffset>,
    /// The deadline: 23:59:59 Beijing time of `latest_date` for day units, exactly `max`
    /// hours after the start for hours.
    pub deadline_utc: DateTime<Utc>,
    /// `deadline_utc` in Beijing time (+08:00).
    pub deadline_beijing: DateTime<FixedOffset>,
    /// True when a counted day lies in a year with an unknown holiday schedule.
    pub estimated: bool,
    /// Why it is an estimate.
    pub estimate_reason: Option<EstimateReason>,
    /// The end is not firm (the source says it can be longer, not by how much): the
    /// deadline is the usual end, never overdue. The words say why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_end: Option<crate::Text>,
}

impl Deadline {
    /// Past the deadline at `now` (never for an end that is not firm).
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.open_end.is_none() && now > self.deadline_utc
    }
}

/// Computes a step's deadline from its duration and the instant its clock starts.
///
/// Errors: [`CalendarError::InvalidDuration`] when `min > max`,
/// [`CalendarError::DateOutOfRange`] when the result cannot be represented.
pub fn step_deadline(
    cal: &ChinaCalendar,
    duration: &DurationDef,
    clock_start: DateTime<Utc>,
) -> Result<Deadline, CalendarError> {
    let (min, max) = (duration.min, duration.max);
    if min > max {
        return Err(CalendarError::InvalidDuration { min, max });
    }
    let start_date = clock_start.with_timezone(&BEIJING).date_naive();
    let days = |n: u32| i32::try_from(n).map_err(|_| CalendarError::DateOutOfRange);
    let (earliest_utc, deadline_utc, estimated, estimate_reason) = match duration.unit {
        DurationUnit::WorkingDays => {
            let early = cal.add_working_days(start_date, days(min)?)?;
            // The latest span contains the earliest one, so it carries the estimate.
            let late = cal.add_working_days(start_date, days(max)?)?;
            (
                end_of_day_beijing(early.date)?,
                end_of_day_beijing(late.date)?,
                late.estimated,
                late.estimate_reason,
            )
        }
        DurationUnit::NaturalDays => {
            let early = cal.add_natural_days(start_date, days(min)?)?;
            let late = cal.add_natural_days(start_date, days(max)?)?;
            (
                end_of_day_beijing(early.date)?,
                end_of_day_beijing(late.date)?,
                false,
                None,
            )
        }
        DurationUnit::Hours => (
            cal.add_hours(clock_start, i64::from(min))?,
            cal.add_hours(clock_start, i64::from(max))?,
            false,
            None,
        ),
    };
    let earliest_beijing = earliest_utc.with_timezone(&BEIJING);
    let deadline_beijing = deadline_utc.with_timezone(&BEIJING);
    Ok(Deadline {
        unit: duration.unit,
        clock_start,
        earliest_date: earliest_beijing.date_naive(),
        latest_date: deadline_beijing.date_naive(),
        earliest_utc,
        earliest_beijing,
        deadline_utc,
        deadline_beijing,
        estimated,
        estimate_reason,
        open_end: duration.open_end_text().cloned(),
    })
}
