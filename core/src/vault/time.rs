//! Instants as stored: RFC 3339 in UTC with milliseconds, which sort as text.

use chrono::{DateTime, SecondsFormat, Utc};

use super::error::{Result, VaultError};

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
