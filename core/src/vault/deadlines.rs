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
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use crate::calendar::BEIJING;
use crate::calendar::{calendar_dir, step_deadline, ChinaCalendar, Deadline};
use crate::rules::pack::DurationDef;

/// What deadlines are computed with, loaded once per open vault: the China calendar with
/// the vault's imported holiday years.
#[derive(Debug, Clone)]
pub struct DeadlineCalc {
    /// Shared with the application service that opened the vault: one calendar per
    /// process, loaded once.
    calendar: Arc<ChinaCalendar>,
    /// What a deadline computed here depends on besides its step: the build and the
    /// calendar ([`DeadlineCalc::basis`]).
    basis: String,
}

impl Default for DeadlineCalc {
    fn default() -> Self {
        DeadlineCalc::with_calendar(Arc::new(ChinaCalendar::bundled()))
    }
}

impl DeadlineCalc {
    /// The calculator for the vault in `dir` (which may hold imported holiday years). An
    /// unreadable import directory falls back to the bundled data.
    pub fn for_vault(dir: &Path) -> DeadlineCalc {
        let calendar = ChinaCalendar::with_overrides(&calendar_dir(dir))
            .unwrap_or_else(|_| ChinaCalendar::bundled());
        DeadlineCalc::with_calendar(Arc::new(calendar))
    }

    /// The calculator over a calendar already loaded (the application service's, which
    /// holds the vault's imported holiday years too).
    pub fn with_calendar(calendar: Arc<ChinaCalendar>) -> DeadlineCalc {
        let basis = format!(
            "{}/{}/{}",
            super::digest::FORMAT,
            env!("CARGO_PKG_VERSION"),
            calendar.fingerprint()
        );
        DeadlineCalc { calendar, basis }
    }

    /// What a deadline stored by this build with this calendar was computed from: the
    /// stored digests' format, the build's version and the calendar's fingerprint. A
    /// digest stored with another basis is not trusted ([`super::digest`]).
    pub fn basis(&self) -> &str {
        &self.basis
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
    ) -> Option<Deadline> {
        step_deadline(&self.calendar, duration, submitted_at).ok()
    }
}
