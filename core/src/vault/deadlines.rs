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

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

pub use crate::calendar::BEIJING;
use crate::calendar::{calendar_dir, step_deadline, ChinaCalendar};
use crate::rules::pack::{DurationDef, DurationUnit};
use crate::text::Text;

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

/// What deadlines are computed with, loaded once per open vault: the China calendar with
/// the vault's imported holiday years.
#[derive(Debug, Clone, Default)]
pub struct DeadlineCalc {
    calendar: ChinaCalendar,
}

impl DeadlineCalc {
    /// The calculator for the vault in `dir` (which may hold imported holiday years). An
    /// unreadable import directory falls back to the bundled data.
    pub fn for_vault(dir: &Path) -> DeadlineCalc {
        let calendar = ChinaCalendar::with_overrides(&calendar_dir(dir))
            .unwrap_or_else(|_| ChinaCalendar::bundled());
        DeadlineCalc { calendar }
    }

    /// The calendar deadlines are counted with.
    pub fn calendar(&self) -> &ChinaCalendar {
        &self.calendar
    }

    /// The deadline of a step with `duration` whose clock started at `submitted_at`.
    /// `None` when the result is not representable.
    pub fn deadline_for(
        &self,
        duration: &DurationDef,
        submitted_at: DateTime<Utc>,
    ) -> Option<StepDeadline> {
        let d = step_deadline(&self.calendar, duration, submitted_at).ok()?;
        Some(StepDeadline {
            unit: d.unit,
            clock_start: d.clock_start,
            earliest: d.earliest_date,
            latest: d.latest_date,
            earliest_utc: d.earliest_utc,
            deadline_utc: d.deadline_utc,
            deadline_beijing: d.deadline_beijing,
            estimated: d.estimated,
            estimate_reason: d.estimate_reason.map(|r| r.text()),
        })
    }
}
