//! Local-time helpers: zone conversion, quiet hours, working-day stepping.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::{QuietHours, UserZone, WorkingDays, BEIJING};

/// How far working-day stepping looks before giving up (a calendar with no working day in a
/// whole year is a bug in the calendar, not a reason to loop forever).
const MAX_STEPS: u32 = 400;

/// The Beijing calendar date of an instant.
pub fn beijing(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&BEIJING).date_naive()
}

/// A local wall-clock time in `tz` as an instant. Ambiguous times (the repeated hour when
/// clocks go back) take the earlier instant; times that do not exist (the skipped hour when
/// clocks go forward) move to the first existing minute after them.
pub fn local_to_utc(tz: &UserZone, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..=24 * 60 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => return a.with_timezone(&Utc),
            LocalResult::None => probe += Duration::minutes(1),
        }
    }
    // No zone has a gap of a day; read the wall time as UTC rather than panic.
    Utc.from_utc_datetime(&local)
}

/// `time` on local date `date` in `tz`.
pub(crate) fn at_local(tz: &UserZone, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    local_to_utc(tz, date.and_time(time))
}

/// The last working day strictly before `d`.
pub fn previous_working_day(cal: &dyn WorkingDays, d: NaiveDate) -> NaiveDate {
    let mut day = d;
    for _ in 0..MAX_STEPS {
        day = day.pred_opt().unwrap_or(day);
        if cal.is_working_day(day) {
            return day;
        }
    }
    d.pred_opt().unwrap_or(d)
}

/// The first working day strictly after `d`.
pub fn next_working_day(cal: &dyn WorkingDays, d: NaiveDate) -> NaiveDate {
    let mut day = d;
    for _ in 0..MAX_STEPS {
        day = day.succ_opt().unwrap_or(day);
        if cal.is_working_day(day) {
            return day;
        }
    }
    d.succ_opt().unwrap_or(d)
}

/// `n` working days after `d` (`d` itself not counted).
pub(crate) fn add_working_days(cal: &dyn WorkingDays, d: NaiveDate, n: u32) -> NaiveDate {
    (0..n).fold(d, |day, _| next_working_day(cal, day))
}

impl QuietHours {
    fn crosses_midnight(&self) -> bool {
        self.start > self.end
    }

    /// Whether a local time of day is quiet. `start` is quiet, `end` is not; equal bounds
    /// mean no quiet hours.
    pub fn contains_time(&self, t: NaiveTime) -> bool {
        if self.start == self.end {
            false
        } else if self.crosses_midnight() {
            t >= self.start || t < self.end
        } else {
            t >= self.start && t < self.end
        }
    }

    /// Whether instant `t` falls in quiet hours in `tz`.
    pub fn contains(&self, tz: &UserZone, t: DateTime<Utc>) -> bool {
        self.contains_time(t.with_timezone(tz).time())
    }

    /// The end of the quiet period containing `t` (assumes `contains(tz, t)`).
    pub(crate) fn end_of(&self, tz: &UserZone, t: DateTime<Utc>) -> DateTime<Utc> {
        let local = t.with_timezone(tz);
        let date = local.date_naive();
        let end_date = if self.crosses_midnight() && local.time() >= self.start {
            date.succ_opt().unwrap_or(date)
        } else {
            date
        };
        at_local(tz, end_date, self.end)
    }

    /// The start of the quiet period containing `t` (assumes `contains(tz, t)`).
    pub(crate) fn start_of(&self, tz: &UserZone, t: DateTime<Utc>) -> DateTime<Utc> {
        let local = t.with_timezone(tz);
        let date = local.date_naive();
        let start_date = if self.crosses_midnight() && local.time() < self.end {
            date.pred_opt().unwrap_or(date)
        } else {
            date
        };
        at_local(tz, start_date, self.start)
    }

    /// The latest minute strictly before `close` that is not quiet: one minute before
    /// `close`, or, when that minute is quiet, one minute before that quiet period began.
    pub(crate) fn latest_open_before(&self, tz: &UserZone, close: DateTime<Utc>) -> DateTime<Utc> {
        let probe = close - Duration::minutes(1);
        if self.contains(tz, probe) {
            self.start_of(tz, probe) - Duration::minutes(1)
        } else {
            probe
        }
    }
}
