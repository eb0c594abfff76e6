//! The China working-day calendar: statutory holidays, make-up working days (调休) and
//! step deadlines.
//!
//! - Data: per-year files in the holiday-cn JSON format, bundled for 2020–2027
//!   ([`bundled`]) and importable into the user's vault ([`import_year_into`]).
//!   Days not listed follow the weekend rule: Monday–Friday work, Saturday–Sunday off.
//! - Unknown years (no file, or a file listing no days) are computed with the weekend rule
//!   and every result touching them is marked `estimated`, with an [`EstimateReason`].
//!   The last week of December (25–31) also counts as an estimate while the *next* year is
//!   unknown, because the next year's notice may move those days (New Year make-up days are
//!   listed in the next year's file).
//! - Counting rule: working days are counted *after* the start date, up to and including
//!   the end date. `add_working_days(d, n) == e` (n ≥ 0) implies
//!   `working_days_between(d, e) == n`, and `e` is the earliest such date.
//! - Every query is O(1): a precomputed per-day table with prefix sums (`table.rs`).
//! - No clock reads: every function takes its dates and instants as arguments.
//!
//! See `docs/calendar.md` for the counting rule, data updates and benchmark figures.

pub mod bundled;
mod deadline;
mod error;
mod store;
mod table;
mod yearfile;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

pub use deadline::{end_of_day_beijing, step_deadline, Deadline, BEIJING};
pub use error::{CalendarError, JsonType};
pub use store::{calendar_dir, import_year_into, save_import, year_file_path, LoadProblem};
pub use yearfile::{import_year, parse_year_file, ListedDay, YearImport, MAX_YEAR, MIN_YEAR};

use crate::text::Text;
use table::{is_weekday, Table, ESTIMATED, LISTED, WORKING};

/// Where a year's data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataSource {
    /// Compiled into the app.
    Bundled,
    /// Imported by the user into the vault; replaces bundled data for that year.
    Imported,
}

impl DataSource {
    /// User-facing name.
    pub fn label(self) -> Text {
        match self {
            DataSource::Bundled => Text::new("内置", "bundled"),
            DataSource::Imported => Text::new("已导入", "imported"),
        }
    }
}

/// Why a year's schedule is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateKind {
    /// There is no file for the year.
    NoData,
    /// The year's file lists no days (the notice is not published yet).
    NoDaysListed,
}

/// Why a result is an estimate: the named year's holiday schedule is unknown, so its days
/// were classified by the weekend rule only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct EstimateReason {
    /// The year whose schedule is unknown. For a date in the last week of December of a
    /// known year, this is the following year.
    pub year: i32,
    /// Why it is unknown.
    pub kind: EstimateKind,
}

impl EstimateReason {
    /// Bilingual explanation.
    pub fn text(&self) -> Text {
        let y = self.year;
        match self.kind {
            EstimateKind::NoData => Text::new(
                format!("{y} 年放假安排没有数据，按周一至周五上班、周末休息估算"),
                format!(
                    "no holiday data for {y}; estimated with Monday–Friday working days only"
                ),
            ),
            EstimateKind::NoDaysListed => Text::new(
                format!("{y} 年放假安排尚未发布（数据文件未列出任何日期），按周一至周五上班、周末休息估算"),
                format!(
                    "the {y} holiday schedule is not published yet (its file lists no days); estimated with Monday–Friday working days only"
                ),
            ),
        }
    }
}

impl fmt::Display for EstimateReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.text();
        write!(f, "{} / {}", t.zh, t.en)
    }
}

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Monday–Friday, not listed: working.
    Weekday,
    /// Saturday–Sunday, not listed: off.
    Weekend,
    /// Listed as a day off (statutory holiday).
    Holiday,
    /// Listed as a working day (调休上班, a make-up working day, usually a weekend).
    MakeUpWorkday,
}

impl DayKind {
    /// User-facing name.
    pub fn label(self) -> Text {
        match self {
            DayKind::Weekday => Text::new("工作日（周一至周五）", "weekday (Monday–Friday)"),
            DayKind::Weekend => Text::new("周末", "weekend"),
            DayKind::Holiday => Text::new("法定节假日", "public holiday"),
            DayKind::MakeUpWorkday => Text::new("调休上班日", "make-up working day"),
        }
    }
}

/// One day's classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    /// The date asked about.
    pub date: NaiveDate,
    /// True on a working day.
    pub working: bool,
    /// Why it is (not) a working day.
    pub kind: DayKind,
    /// For listed days: the holiday's name in the notice (e.g. `国庆节`).
    pub reason: Option<String>,
    /// True when the date's year (or, in the last week of December, the next year) has no
    /// known schedule and the weekend rule was used.
    pub estimated: bool,
    /// Why it is an estimate.
    pub estimate_reason: Option<EstimateReason>,
}

/// A computed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalResult {
    /// The resulting date.
    pub date: NaiveDate,
    /// True when any day counted lies in a year with an unknown schedule.
    pub estimated: bool,
    /// The first such year.
    pub estimate_reason: Option<EstimateReason>,
}

/// A count of working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CountResult {
    /// Working days after `from` up to and including `to`; negative when `to < from`.
    pub count: i32,
    /// True when any day counted lies in a year with an unknown schedule.
    pub estimated: bool,
    /// The first such year.
    pub estimate_reason: Option<EstimateReason>,
}

/// One year in [`CalendarStatus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearStatus {
    /// The year.
    pub year: i32,
    /// Where its data comes from.
    pub source: DataSource,
    /// True when an imported file replaces bundled data for this year.
    pub replaces_bundled: bool,
    /// Number of days the file lists.
    pub days_listed: u32,
    /// True when the file lists no days: the year is computed by the weekend rule.
    pub estimated: bool,
    /// URLs of the notices.
    pub papers: Vec<String>,
}

/// What data the calendar holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarStatus {
    /// Every year with a file, ascending. Years not listed have no data (estimates).
    pub years: Vec<YearStatus>,
    /// The directory imported files are read from, if any.
    pub overrides_dir: Option<String>,
    /// Stored files that were skipped because they are invalid.
    pub problems: Vec<LoadProblem>,
}

#[derive(Debug, Clone)]
struct YearEntry {
    source: DataSource,
    replaces_bundled: bool,
    data: YearImport,
}

/// The China working-day calendar. Cheap to query, immutable once built (rebuild with
/// [`ChinaCalendar::apply_import`]).
#[derive(Debug, Clone)]
pub struct ChinaCalendar {
    years: BTreeMap<i32, YearEntry>,
    table: Table,
    /// Holiday names of listed days, by day number.
    names: HashMap<i64, String>,
    overrides_dir: Option<PathBuf>,
    problems: Vec<LoadProblem>,
}

impl Default for ChinaCalendar {
    fn default() -> Self {
        ChinaCalendar::bundled()
    }
}

#[inline]
fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

#[inline]
fn from_day_number(x: i64) -> Result<NaiveDate, CalendarError> {
    i32::try_from(x)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(CalendarError::DateOutOfRange)
}

fn jan1(year: i32) -> i64 {
    // Years here are bounded by MIN_YEAR..=MAX_YEAR (+/- 1), always valid.
    NaiveDate::from_ymd_opt(year, 1, 1).map_or(0, day_number)
}

impl ChinaCalendar {
    /// A short digest of everything a deadline is counted from: each day's classification
    /// (working, estimated) over the table and which years have an empty file. Two
    /// calendars with the same fingerprint give every deadline alike; what a stored
    /// deadline was computed with (`vault::digest`).
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.table.start.to_le_bytes());
        h.update((self.table.flags.len() as u64).to_le_bytes());
        h.update(&self.table.flags);
        for (year, entry) in &self.years {
            h.update(year.to_le_bytes());
            h.update([u8::from(entry.data.is_empty())]);
        }
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The calendar from the bundled data only.
    ///
    /// # Panics
    /// Never with the shipped data (a test parses every bundled file).
    pub fn bundled() -> ChinaCalendar {
        let mut years = BTreeMap::new();
        for &(year, deflated) in bundled::BUNDLED_FILES {
            let data = crate::embedded::inflate_text(deflated)
                .map_err(|e| e.to_string())
                .and_then(|json| parse_year_file(json.as_bytes()).map_err(|e| e.to_string()))
                .unwrap_or_else(|e| panic!("bundled holiday file {year} is invalid: {e}"));
            years.insert(
                data.year,
                YearEntry {
                    source: DataSource::Bundled,
                    replaces_bundled: false,
                    data,
                },
            );
        }
        ChinaCalendar::build(years, None, Vec::new())
    }

    /// The bundled data with the imported files of the calendar directory `dir`
    /// (`<vault>/calendar`, see [`calendar_dir`]) replacing bundled data for their years.
    /// A missing directory means no imports. Invalid stored files are skipped and listed in
    /// [`CalendarStatus::problems`].
    pub fn with_overrides(dir: &Path) -> Result<ChinaCalendar, CalendarError> {
        let mut cal = ChinaCalendar::bundled();
        let (imports, problems) = store::read_overrides(dir)?;
        for data in imports {
            cal.insert_import(data);
        }
        cal.overrides_dir = Some(dir.to_path_buf());
        cal.problems = problems;
        Ok(cal.rebuilt())
    }

    /// Replaces (in memory) the data for the import's year and rebuilds the tables.
    /// Use [`import_year_into`] to store it as well.
    pub fn apply_import(&mut self, import: YearImport) {
        self.insert_import(import);
        let years = std::mem::take(&mut self.years);
        let problems = std::mem::take(&mut self.problems);
        *self = ChinaCalendar::build(years, self.overrides_dir.take(), problems);
    }

    fn insert_import(&mut self, data: YearImport) {
        let replaces_bundled = self
            .years
            .get(&data.year)
            .is_some_and(|e| e.source == DataSource::Bundled || e.replaces_bundled);
        self.years.insert(
            data.year,
            YearEntry {
                source: DataSource::Imported,
                replaces_bundled,
                data,
            },
        );
    }

    fn rebuilt(self) -> ChinaCalendar {
        ChinaCalendar::build(self.years, self.overrides_dir, self.problems)
    }

    fn build(
        years: BTreeMap<i32, YearEntry>,
        overrides_dir: Option<PathBuf>,
        problems: Vec<LoadProblem>,
    ) -> ChinaCalendar {
        let first_year = years
            .keys()
            .next()
            .copied()
            .unwrap_or(bundled::FIRST_BUNDLED_YEAR)
            .min(bundled::FIRST_BUNDLED_YEAR);
        let last_year = years
            .keys()
            .next_back()
            .map_or(bundled::MIN_TABLE_LAST_YEAR, |&y| y + 1)
            .max(bundled::MIN_TABLE_LAST_YEAR);
        // One year of margin before: files may list dates of the previous year.
        let start = jan1(first_year - 1);
        let end = jan1(last_year + 1);
        let mut flags: Vec<u8> = (start..end)
            .map(|x| if is_weekday(x) { WORKING } else { 0 })
            .collect();

        let known = |y: i32| years.get(&y).is_some_and(|e| !e.data.days.is_empty());
        let mut names = HashMap::new();
        // Ascending order: a later year's notice wins for a date listed twice.
        for entry in years.values() {
            for day in &entry.data.days {
                let x = day_number(day.date);
                if let Some(f) = usize::try_from(x - start)
                    .ok()
                    .and_then(|i| flags.get_mut(i))
                {
                    *f = LISTED | if day.off_day { 0 } else { WORKING };
                    names.insert(x, day.name.clone());
                }
            }
        }
        for year in first_year - 1..=last_year {
            let (from, to) = if !known(year) {
                (jan1(year), jan1(year + 1))
            } else if !known(year + 1) {
                (jan1(year + 1) - 7, jan1(year + 1))
            } else {
                continue;
            };
            for x in from.max(start)..to.min(end) {
                flags[(x - start) as usize] |= ESTIMATED;
            }
        }
        ChinaCalendar {
            years,
            table: Table::new(start, flags),
            names,
            overrides_dir,
            problems,
        }
    }

    fn year_known(&self, year: i32) -> bool {
        self.years
            .get(&year)
            .is_some_and(|e| !e.data.days.is_empty())
    }

    fn reason_for_year(&self, year: i32) -> EstimateReason {
        let kind = if self.years.contains_key(&year) {
            EstimateKind::NoDaysListed
        } else {
            EstimateKind::NoData
        };
        EstimateReason { year, kind }
    }

    /// The reason day number `x` (known to be estimated) is an estimate.
    fn reason_for_day(&self, x: i64) -> Option<EstimateReason> {
        let date = from_day_number(x).ok()?;
        let y = date.year();
        if self.year_known(y) {
            Some(self.reason_for_year(y + 1))
        } else {
            Some(self.reason_for_year(y))
        }
    }

    fn estimate_in(&self, lo: i64, hi: i64) -> (bool, Option<EstimateReason>) {
        match self.table.first_estimated(lo, hi) {
            Some(x) => (true, self.reason_for_day(x)),
            None => (false, None),
        }
    }

    /// True on a working day. The fast path of [`ChinaCalendar::is_working_day`].
    #[inline]
    pub fn is_working(&self, date: NaiveDate) -> bool {
        let x = day_number(date);
        match self.table.flags_of(x) {
            Some(f) => f & WORKING != 0,
            None => is_weekday(x),
        }
    }

    /// Classifies a date: working or not, why, and whether it is an estimate.
    pub fn is_working_day(&self, date: NaiveDate) -> DayInfo {
        let x = day_number(date);
        let (flags, outside) = match self.table.flags_of(x) {
            Some(f) => (f, false),
            None => (if is_weekday(x) { WORKING } else { 0 } | ESTIMATED, true),
        };
        let working = flags & WORKING != 0;
        let listed = flags & LISTED != 0;
        let kind = match (listed, working) {
            (true, true) => DayKind::MakeUpWorkday,
            (true, false) => DayKind::Holiday,
            (false, _) if is_weekday(x) => DayKind::Weekday,
            (false, _) => DayKind::Weekend,
        };
        let estimated = flags & ESTIMATED != 0;
        let estimate_reason = if outside {
            Some(self.reason_for_year(date.year()))
        } else if estimated {
            self.reason_for_day(x)
        } else {
            None
        };
        DayInfo {
            date,
            working,
            kind,
            reason: if listed {
                self.names.get(&x).cloned()
            } else {
                None
            },
            estimated,
            estimate_reason,
        }
    }

    /// Adds `n` working days to `date`.
    ///
    /// For `n > 0` the result is the `n`-th working day *after* `date` (`date` itself is never
    /// counted, whether working or not), so `working_days_between(date, result) == n`.
    /// For `n == 0` the result is `date`. For `n < 0` it is the `|n|`-th working day strictly
    /// before `date`. The result is `estimated` when a counted day's schedule is unknown.
    #[inline]
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> Result<CalResult, CalendarError> {
        let d = day_number(date);
        let n = i64::from(n);
        let t = &self.table;
        let (e, lo, hi) = match n.cmp(&0) {
            std::cmp::Ordering::Greater => {
                let e = t.nth(t.rank(d + 1) + n - 1);
                (e, d + 1, e)
            }
            std::cmp::Ordering::Less => {
                let e = t.nth(t.rank(d) + n);
                (e, e, d - 1)
            }
            std::cmp::Ordering::Equal => (d, d, d - 1),
        };
        let date = from_day_number(e)?;
        let (estimated, estimate_reason) = self.estimate_in(lo, hi);
        Ok(CalResult {
            date,
            estimated,
            estimate_reason,
        })
    }

    /// Counts the working days after `from`, up to and including `to` (`from` itself never
    /// counts, `to` counts when it is a working day). When `to < from` the count is negative:
    /// minus the working days after `to` up to and including `from`.
    #[inline]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> CountResult {
        let (a, b) = (day_number(from), day_number(to));
        let t = &self.table;
        let count = t.rank(b + 1) - t.rank(a + 1);
        let (estimated, estimate_reason) = if a <= b {
            self.estimate_in(a + 1, b)
        } else {
            self.estimate_in(b + 1, a)
        };
        CountResult {
            // The whole representable date range holds fewer than 2^31 days.
            count: count as i32,
            estimated,
            estimate_reason,
        }
    }

    /// Adds `n` calendar days (negative: subtracts). Never an estimate.
    pub fn add_natural_days(&self, date: NaiveDate, n: i32) -> Result<CalResult, CalendarError> {
        let date = date
            .checked_add_signed(TimeDelta::days(i64::from(n)))
            .ok_or(CalendarError::DateOutOfRange)?;
        Ok(CalResult {
            date,
            estimated: false,
            estimate_reason: None,
        })
    }

    /// Adds exactly `hours` hours to an instant (negative: subtracts).
    pub fn add_hours(
        &self,
        instant: DateTime<Utc>,
        hours: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        TimeDelta::try_hours(hours)
            .and_then(|d| instant.checked_add_signed(d))
            .ok_or(CalendarError::DateOutOfRange)
    }

    /// The years covered, their source and which are estimates.
    pub fn status(&self) -> CalendarStatus {
        CalendarStatus {
            years: self
                .years
                .values()
                .map(|e| YearStatus {
                    year: e.data.year,
                    source: e.source,
                    replaces_bundled: e.replaces_bundled,
                    days_listed: e.data.days.len() as u32,
                    estimated: e.data.days.is_empty(),
                    papers: e.data.papers.clone(),
                })
                .collect(),
            overrides_dir: self.overrides_dir.as_ref().map(|p| p.display().to_string()),
            problems: self.problems.clone(),
        }
    }

    /// The validated data of one year, if there is a file for it.
    pub fn year_data(&self, year: i32) -> Option<&YearImport> {
        self.years.get(&year).map(|e| &e.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_parses() {
        assert_eq!(bundled::BUNDLED_FILES.len(), 8, "2020-2027");
        for &(year, deflated) in bundled::BUNDLED_FILES {
            let json = crate::embedded::inflate_text(deflated).expect("bundled file inflates");
            let y = parse_year_file(json.as_bytes()).expect("bundled file parses");
            assert_eq!(y.year, year);
        }
    }
}
