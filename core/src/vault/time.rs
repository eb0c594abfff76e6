//! Instants as stored: RFC 3339 in UTC with milliseconds, which sort as text.

use chrono::{DateTime, SecondsFormat, Utc};

use super::error::{Result, TimeBound, VaultError};

pub fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| VaultError::corrupt(format!("timestamp `{s}`"), e))
}

pub fn parse_opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

/// The earliest time the vault accepts ([`crate::limits::EARLIEST_TIME_SECS`]).
pub fn earliest_accepted_time() -> DateTime<Utc> {
    DateTime::from_timestamp(crate::limits::EARLIEST_TIME_SECS, 0).unwrap_or_default()
}

/// Refuses a time before [`crate::limits::EARLIEST_TIME_SECS`] (2000): a device clock or a
/// typed time that is obviously wrong would date a case, and every deadline counted from
/// it, decades back.
pub fn check_not_before_earliest(at: DateTime<Utc>) -> Result<()> {
    let earliest = earliest_accepted_time();
    if at < earliest {
        return Err(VaultError::TimeTooEarly {
            at: fmt_ts(at),
            limit: fmt_ts(earliest),
            bound: TimeBound::Earliest,
        });
    }
    Ok(())
}
