//! The China working-day calendar across the FFI: records mirroring
//! `tuilu_core::calendar`. Dates are China calendar dates (`IsoDate`, `YYYY-MM-DD`);
//! instants are `Timestamp`s (UTC).

use tuilu_core::calendar as cal;

use crate::rules::{mirror_enum, DurationUnit, LocalizedText};
use crate::uniffi_support::{IsoDate, Timestamp};

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DayKind {
    /// Monday–Friday, not listed: working.
    Weekday,
    /// Saturday–Sunday, not listed: off.
    Weekend,
    /// A statutory holiday.
    Holiday,
    /// A make-up working day (调休上班), usually a weekend day.
    MakeUpWorkday,
}
mirror_enum!(
    DayKind,
    cal::DayKind,
    [Weekday, Weekend, Holiday, MakeUpWorkday]
);

#[uniffi::export]
impl DayKind {
    /// E.g. 法定节假日 / public holiday.
    pub fn label(&self) -> LocalizedText {
        cal::DayKind::from(*self).label().into()
    }
}

/// Where a year's data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DataSource {
    /// Compiled into the app.
    Bundled,
    /// Imported into the vault; replaces bundled data for that year.
    Imported,
}
mirror_enum!(DataSource, cal::DataSource, [Bundled, Imported]);

/// Why a year's schedule is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EstimateKind {
    /// No file for the year.
    NoData,
    /// The year's file lists no days (the notice is not published yet).
    NoDaysListed,
}
mirror_enum!(EstimateKind, cal::EstimateKind, [NoData, NoDaysListed]);

/// Why a result is an estimate: `year`'s holiday schedule is unknown, so the weekend rule
/// was used.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EstimateReasonRecord {
    pub year: i32,
    pub kind: EstimateKind,
    /// Explanation to show.
    pub text: LocalizedText,
}

impl From<&cal::EstimateReason> for EstimateReasonRecord {
    fn from(r: &cal::EstimateReason) -> EstimateReasonRecord {
        EstimateReasonRecord {
            year: r.year,
            kind: r.kind.into(),
            text: r.text().into(),
        }
    }
}

fn reason(r: &Option<cal::EstimateReason>) -> Option<EstimateReasonRecord> {
    r.as_ref().map(Into::into)
}

/// One day's classification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DayInfoRecord {
    pub date: IsoDate,
    pub working: bool,
    pub kind: DayKind,
    /// For listed days: the holiday's name in the notice (e.g. 国庆节).
    pub holiday_name: Option<String>,
    /// True when the schedule for the date is unknown and the weekend rule was used.
    pub estimated: bool,
    pub estimate_reason: Option<EstimateReasonRecord>,
}

impl From<&cal::DayInfo> for DayInfoRecord {
    fn from(d: &cal::DayInfo) -> DayInfoRecord {
        DayInfoRecord {
            date: d.date,
            working: d.working,
            kind: d.kind.into(),
            holiday_name: d.reason.clone(),
            estimated: d.estimated,
            estimate_reason: reason(&d.estimate_reason),
        }
    }
}

/// A computed date.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DateResultRecord {
    pub date: IsoDate,
    /// True when a counted day lies in a year with an unknown schedule.
    pub estimated: bool,
    pub estimate_reason: Option<EstimateReasonRecord>,
}

impl From<&cal::CalResult> for DateResultRecord {
    fn from(r: &cal::CalResult) -> DateResultRecord {
        DateResultRecord {
            date: r.date,
            estimated: r.estimated,
            estimate_reason: reason(&r.estimate_reason),
        }
    }
}

/// A count of working days.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkingDayCountRecord {
    /// Working days after `from` up to and including `to`; negative when `to < from`.
    pub count: i32,
    pub estimated: bool,
    pub estimate_reason: Option<EstimateReasonRecord>,
}

impl From<&cal::CountResult> for WorkingDayCountRecord {
    fn from(r: &cal::CountResult) -> WorkingDayCountRecord {
        WorkingDayCountRecord {
            count: r.count,
            estimated: r.estimated,
            estimate_reason: reason(&r.estimate_reason),
        }
    }
}

/// When a step's duration ends. Day units end at 23:59:59 Beijing time (UTC+08:00);
/// hours end exactly `min`/`max` hours after the start.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeadlineRecord {
    pub unit: DurationUnit,
    pub clock_start: Timestamp,
    /// Beijing date of the earliest end.
    pub earliest_date: IsoDate,
    /// Beijing date of the latest end: the deadline's date.
    pub latest_date: IsoDate,
    pub earliest_utc: Timestamp,
    /// The deadline.
    pub deadline_utc: Timestamp,
    /// `deadline_utc` in Beijing time, RFC 3339 with `+08:00`.
    pub deadline_beijing: String,
    pub estimated: bool,
    pub estimate_reason: Option<EstimateReasonRecord>,
}

impl From<&cal::Deadline> for DeadlineRecord {
    fn from(d: &cal::Deadline) -> DeadlineRecord {
        DeadlineRecord {
            unit: d.unit.into(),
            clock_start: d.clock_start,
            earliest_date: d.earliest_date,
            latest_date: d.latest_date,
            earliest_utc: d.earliest_utc,
            deadline_utc: d.deadline_utc,
            deadline_beijing: d
                .deadline_beijing
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            estimated: d.estimated,
            estimate_reason: reason(&d.estimate_reason),
        }
    }
}

/// One year the calendar has a file for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct YearStatusRecord {
    pub year: i32,
    pub source: DataSource,
    /// True when an imported file replaces bundled data for this year.
    pub replaces_bundled: bool,
    pub days_listed: i32,
    /// True when the file lists no days: the year is computed by the weekend rule.
    pub estimated: bool,
    /// URLs of the notices.
    pub papers: Vec<String>,
}

/// A stored holiday file that was skipped because it is invalid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CalendarProblemRecord {
    pub path: String,
    /// Bilingual.
    pub message: String,
}

/// What data the calendar holds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CalendarStatusRecord {
    /// Every year with a file, ascending. Other years are estimates.
    pub years: Vec<YearStatusRecord>,
    pub problems: Vec<CalendarProblemRecord>,
}

impl From<&cal::YearStatus> for YearStatusRecord {
    fn from(y: &cal::YearStatus) -> YearStatusRecord {
        YearStatusRecord {
            year: y.year,
            source: y.source.into(),
            replaces_bundled: y.replaces_bundled,
            days_listed: crate::uniffi_support::int32(y.days_listed),
            estimated: y.estimated,
            papers: y.papers.clone(),
        }
    }
}

impl From<&cal::CalendarStatus> for CalendarStatusRecord {
    fn from(s: &cal::CalendarStatus) -> CalendarStatusRecord {
        CalendarStatusRecord {
            years: s.years.iter().map(Into::into).collect(),
            problems: s
                .problems
                .iter()
                .map(|p| CalendarProblemRecord {
                    path: p.path.clone(),
                    message: p.message.clone(),
                })
                .collect(),
        }
    }
}
