//! UniFFI custom types for chrono (after bitwarden's `uniffi_support.rs`).
//!
//! - [`Timestamp`] (`chrono::DateTime<Utc>`) crosses as UniFFI's builtin timestamp:
//!   `java.time.Instant` in Kotlin, `Date` in Swift, an aware `datetime.datetime` (UTC) in
//!   Python. Instants are UTC; display zones are the app's business.
//! - [`IsoDate`] (`chrono::NaiveDate`, a calendar date in China, no time or zone) crosses as
//!   an ISO 8601 `YYYY-MM-DD` string; Kotlin maps it to `java.time.LocalDate`
//!   (`bindings/ffi/uniffi.toml`), Swift and Python see a `String` / `str`.
//!
//! A value that cannot be converted (an instant outside chrono's range, a malformed date
//! string) fails the call with `AppError::Refused` (`invalid_input`): UniFFI hands argument-lift errors
//! that downcast to the function's error type back as that error. The message never quotes
//! the value.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::AppError;

/// An instant (UTC).
pub type Timestamp = DateTime<Utc>;

/// A calendar date, `YYYY-MM-DD`.
pub type IsoDate = NaiveDate;

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |t| timestamp_to_system_time(&t),
    try_lift: |s| Ok(system_time_to_timestamp(s)?),
});

uniffi::custom_type!(IsoDate, String, {
    remote,
    lower: |d| format_date(d),
    try_lift: |s| Ok(parse_date(&s)?),
});

pub(crate) fn timestamp_to_system_time(t: &Timestamp) -> SystemTime {
    let secs = t.timestamp();
    let nanos = t.timestamp_subsec_nanos();
    if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs.unsigned_abs(), nanos)
    } else {
        // Before 1970: go back whole seconds, then forward the fraction.
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + Duration::from_nanos(nanos.into())
    }
}

pub(crate) fn system_time_to_timestamp(s: SystemTime) -> Result<Timestamp, AppError> {
    let out_of_range = || AppError::invalid_input("timestamp outside the supported range");
    let t = match s.duration_since(UNIX_EPOCH) {
        Ok(d) => {
            DateTime::from_timestamp(i64::try_from(d.as_secs()).map_err(|_| out_of_range())?, 0)
                .and_then(|t| {
                    t.checked_add_signed(chrono::TimeDelta::nanoseconds(d.subsec_nanos().into()))
                })
        }
        Err(e) => {
            let d = e.duration();
            DateTime::from_timestamp(0, 0).and_then(|epoch| {
                chrono::TimeDelta::from_std(d)
                    .ok()
                    .and_then(|d| epoch.checked_sub_signed(d))
            })
        }
    };
    t.ok_or_else(out_of_range)
}

pub(crate) fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses exactly `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    let ok_shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok_shape {
        return Err(AppError::invalid_input("expected a date YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::invalid_input("not a valid calendar date (YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for t in [
            "2026-09-30T09:00:00Z",
            "1969-12-31T23:59:59.250Z",
            "1970-01-01T00:00:00Z",
            "2100-01-01T00:00:00.000000001Z",
        ] {
            let t: Timestamp = t.parse().unwrap();
            assert_eq!(
                system_time_to_timestamp(timestamp_to_system_time(&t)).unwrap(),
                t
            );
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-09-18").unwrap(),
            NaiveDate::from_ymd_opt(2026, 9, 18).unwrap()
        );
        for bad in [
            "2026-9-18",
            "2026-02-30",
            "18.09.2026",
            "",
            "2026-09-18T00:00",
        ] {
            assert!(
                matches!(parse_date(bad), Err(AppError::Refused { .. })),
                "{bad}"
            );
        }
        assert_eq!(format_date(parse_date("2027-01-05").unwrap()), "2027-01-05");
    }
}
