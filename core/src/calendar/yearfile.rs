//! Year files: the holiday-cn JSON format, parsed and validated.
//!
//! ```json
//! { "year": 2026, "papers": ["https://..."],
//!   "days": [ { "name": "国庆节", "date": "2026-10-01", "isOffDay": true } ] }
//! ```
//!
//! `isOffDay: true` is a day off (holiday); `false` is a make-up working day (调休上班).
//! A year's file may list dates of the neighbouring years (late-December dates appear in the
//! next year's file), so dates within `year - 1 ..= year + 1` are accepted.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{CalendarError, JsonType};

/// Smallest year a year file may name.
pub const MIN_YEAR: i32 = 2000;
/// Largest year a year file may name.
pub const MAX_YEAR: i32 = 2199;

/// One day listed in a year file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedDay {
    /// The date.
    pub date: NaiveDate,
    /// The holiday it belongs to, as the notice names it (e.g. `国庆节`).
    pub name: String,
    /// `true`: a day off (holiday). `false`: a make-up working day (调休上班).
    pub off_day: bool,
}

/// A validated year file (bundled or imported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearImport {
    /// The year named in the State Council notice's title.
    pub year: i32,
    /// URLs of the notices the data comes from.
    pub papers: Vec<String>,
    /// The listed days, in file order. Empty when the schedule is not published yet.
    pub days: Vec<ListedDay>,
}

impl YearImport {
    /// True when the file lists no days: the year's schedule is unknown.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The file in the holiday-cn JSON format (what is stored in the vault).
    pub fn to_json(&self) -> String {
        let days: Vec<Value> = self
            .days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "name": d.name,
                    "date": d.date.format("%Y-%m-%d").to_string(),
                    "isOffDay": d.off_day,
                })
            })
            .collect();
        let v = serde_json::json!({ "year": self.year, "papers": self.papers, "days": days });
        // Serializing a `Value` built from strings, numbers and booleans cannot fail.
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }
}

/// Validates a year file for import.
///
/// Checks: valid JSON; an object with an integer `year` in 2000–2199; `days` an array of
/// objects each with a `date` (`YYYY-MM-DD`, within `year ± 1`), an `isOffDay` boolean and
/// a string `name` (may be absent); no date listed twice; `papers`, when present, an array
/// of strings. A file that lists no days is rejected ([`CalendarError::NoDaysListed`]):
/// it carries no information and would turn a known year into an estimate.
pub fn import_year(json: &[u8]) -> Result<YearImport, CalendarError> {
    let parsed = parse_year_file(json)?;
    if parsed.is_empty() {
        return Err(CalendarError::NoDaysListed { year: parsed.year });
    }
    Ok(parsed)
}

/// Parses and validates a year file like [`import_year`], but accepts a file with no days
/// (the placeholder published before the State Council notice).
pub fn parse_year_file(json: &[u8]) -> Result<YearImport, CalendarError> {
    let root: Value = serde_json::from_slice(json).map_err(|e| CalendarError::Json {
        message: e.to_string(),
    })?;
    let obj = as_object(&root, "(top level)")?;

    let year_v = obj.get("year").ok_or_else(|| missing("year"))?;
    let year = year_v
        .as_i64()
        .filter(|_| year_v.is_i64() || year_v.is_u64())
        .ok_or_else(|| wrong("year", JsonType::Integer, year_v))?;
    if year < i64::from(MIN_YEAR) || year > i64::from(MAX_YEAR) {
        return Err(CalendarError::YearOutOfRange {
            year,
            min: MIN_YEAR,
            max: MAX_YEAR,
        });
    }
    let year = year as i32;

    let papers = match obj.get("papers") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => {
            let arr = as_array(v, "papers")?;
            let mut out = Vec::with_capacity(arr.len());
            for (i, p) in arr.iter().enumerate() {
                let s = p
                    .as_str()
                    .ok_or_else(|| wrong(&format!("papers[{i}]"), JsonType::String, p))?;
                out.push(s.to_owned());
            }
            out
        }
    };

    let days_v = obj.get("days").ok_or_else(|| missing("days"))?;
    let days_arr = as_array(days_v, "days")?;
    let mut days = Vec::with_capacity(days_arr.len());
    let mut seen = HashSet::with_capacity(days_arr.len());
    for (i, d) in days_arr.iter().enumerate() {
        let here = format!("days[{i}]");
        let day = as_object(d, &here)?;

        let date_field = format!("{here}.date");
        let date_v = day.get("date").ok_or_else(|| missing(&date_field))?;
        let date_s = date_v
            .as_str()
            .ok_or_else(|| wrong(&date_field, JsonType::String, date_v))?;
        let date = parse_iso_date(date_s).ok_or_else(|| CalendarError::BadDate {
            field: date_field.clone(),
            value: excerpt(date_s),
        })?;
        if (date.year() - year).abs() > 1 {
            return Err(CalendarError::DateOutsideYear {
                date: date_s.to_owned(),
                year,
            });
        }
        if !seen.insert(date) {
            return Err(CalendarError::DuplicateDate {
                date: date_s.to_owned(),
            });
        }

        let off_field = format!("{here}.isOffDay");
        let off_v = day.get("isOffDay").ok_or_else(|| missing(&off_field))?;
        let off_day = off_v
            .as_bool()
            .ok_or_else(|| wrong(&off_field, JsonType::Boolean, off_v))?;

        let name = match day.get("name") {
            None | Some(Value::Null) => String::new(),
            Some(v) => v
                .as_str()
                .ok_or_else(|| wrong(&format!("{here}.name"), JsonType::String, v))?
                .to_owned(),
        };
        days.push(ListedDay {
            date,
            name,
            off_day,
        });
    }
    Ok(YearImport { year, papers, days })
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
pub(crate) fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut v = 0u32;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    };
    let y = digits(0..4)?;
    let m = digits(5..7)?;
    let d = digits(8..10)?;
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

fn as_object<'a>(
    v: &'a Value,
    field: &str,
) -> Result<&'a serde_json::Map<String, Value>, CalendarError> {
    v.as_object()
        .ok_or_else(|| wrong(field, JsonType::Object, v))
}

fn as_array<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>, CalendarError> {
    v.as_array().ok_or_else(|| wrong(field, JsonType::Array, v))
}

fn missing(field: &str) -> CalendarError {
    CalendarError::MissingField {
        field: field.to_owned(),
    }
}

fn wrong(field: &str, expected: JsonType, found: &Value) -> CalendarError {
    let kind = match found {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let shown = match found {
        Value::Array(_) | Value::Object(_) => kind.to_owned(),
        other => format!("{kind} {}", excerpt(&other.to_string())),
    };
    CalendarError::WrongType {
        field: field.to_owned(),
        expected,
        found: shown,
    }
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
