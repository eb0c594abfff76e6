//! Fact values: what the user told us about their situation, typed per the pack.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use super::expr::ExprValue;
use super::pack::{FactDef, FactType};

/// A typed fact value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    Bool(bool),
    Integer(i64),
    /// Yuan amount held exactly in fen (1/100 yuan).
    Money(i64),
    Date(NaiveDate),
    Datetime(DateTime<Utc>),
    Enum(String),
    Text(String),
}

/// Facts by id. Ordered so output is stable.
pub type Facts = BTreeMap<String, FactValue>;

/// A fact that cannot be used: unknown name or wrong type. Names the fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("未知事实 unknown fact `{fact}` for scenario `{scenario}` (known: {known})")]
    Unknown {
        scenario: String,
        fact: String,
        known: String,
    },
    #[error(
        "事实 `{fact}` 的值无效 invalid value for fact `{fact}`: expected {expected}, got `{got}`"
    )]
    WrongType {
        fact: String,
        expected: String,
        got: String,
    },
}

impl FactValue {
    pub fn fact_type(&self) -> FactType {
        match self {
            FactValue::Bool(_) => FactType::Bool,
            FactValue::Integer(_) => FactType::Integer,
            FactValue::Money(_) => FactType::Money,
            FactValue::Date(_) => FactType::Date,
            FactValue::Datetime(_) => FactType::Datetime,
            FactValue::Enum(_) => FactType::Enum,
            FactValue::Text(_) => FactType::Text,
        }
    }

    /// The value as the expression language sees it: money as yuan (float), dates and
    /// datetimes as ISO strings (UTC for datetimes), which compare correctly as strings.
    pub fn to_expr(&self) -> ExprValue {
        match self {
            FactValue::Bool(b) => ExprValue::Boolean(*b),
            FactValue::Integer(i) => ExprValue::Int(*i),
            FactValue::Money(fen) => ExprValue::Float(*fen as f64 / 100.0),
            FactValue::Date(d) => ExprValue::String(d.format("%Y-%m-%d").to_string()),
            FactValue::Datetime(t) => {
                ExprValue::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
            }
            FactValue::Enum(s) | FactValue::Text(s) => ExprValue::String(s.clone()),
        }
    }

    /// The value as JSON (money as a yuan number with at most two decimals).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            FactValue::Bool(b) => serde_json::Value::Bool(*b),
            FactValue::Integer(i) => serde_json::Value::from(*i),
            FactValue::Money(fen) => serde_json::Value::from(*fen as f64 / 100.0),
            FactValue::Date(d) => serde_json::Value::String(d.format("%Y-%m-%d").to_string()),
            FactValue::Datetime(t) => {
                serde_json::Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
            }
            FactValue::Enum(s) | FactValue::Text(s) => serde_json::Value::String(s.clone()),
        }
    }

    /// Parses a command-line value (`--fact name=value`) for `def`.
    pub fn parse_str(def: &FactDef, raw: &str) -> Result<FactValue, FactError> {
        let s = raw.trim();
        let wrong = |expected: String| FactError::WrongType {
            fact: def.id.clone(),
            expected,
            got: raw.to_string(),
        };
        let value = match def.kind {
            FactType::Bool => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "是" | "有" => FactValue::Bool(true),
                "false" | "no" | "n" | "0" | "否" | "无" | "没有" => FactValue::Bool(false),
                _ => return Err(wrong("true or false (是/否)".into())),
            },
            FactType::Integer => FactValue::Integer(
                s.replace(['_', ','], "")
                    .parse::<i64>()
                    .map_err(|_| wrong("an integer".into()))?,
            ),
            FactType::Money => FactValue::Money(
                parse_yuan(s).ok_or_else(|| wrong("an amount in yuan, e.g. 1280.50".into()))?,
            ),
            FactType::Date => FactValue::Date(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| wrong("a date YYYY-MM-DD".into()))?,
            ),
            FactType::Datetime => FactValue::Datetime(
                DateTime::parse_from_rfc3339(s)
                    .map_err(|_| wrong("an RFC 3339 time, e.g. 2026-09-30T17:00:00+08:00".into()))?
                    .with_timezone(&Utc),
            ),
            FactType::Enum => FactValue::Enum(s.to_string()),
            FactType::Text => FactValue::Text(raw.to_string()),
        };
        value.check(def)?;
        Ok(value)
    }

    /// Converts a JSON value (facts file, FFI) for `def`.
    pub fn from_json(def: &FactDef, json: &serde_json::Value) -> Result<FactValue, FactError> {
        use serde_json::Value as J;
        let wrong = || FactError::WrongType {
            fact: def.id.clone(),
            expected: expected_for(def),
            got: json.to_string(),
        };
        let value = match (def.kind, json) {
            (FactType::Bool, J::Bool(b)) => FactValue::Bool(*b),
            (FactType::Integer, J::Number(n)) => FactValue::Integer(n.as_i64().ok_or_else(wrong)?),
            (FactType::Money, J::Number(n)) => {
                FactValue::Money(parse_yuan(&n.to_string()).ok_or_else(wrong)?)
            }
            (FactType::Money, J::String(s)) => FactValue::Money(parse_yuan(s).ok_or_else(wrong)?),
            (
                FactType::Date | FactType::Datetime | FactType::Enum | FactType::Text,
                J::String(s),
            ) => return FactValue::parse_str(def, s),
            _ => return Err(wrong()),
        };
        value.check(def)?;
        Ok(value)
    }

    /// Checks enum membership and lower bounds.
    fn check(&self, def: &FactDef) -> Result<(), FactError> {
        let err = |expected: String, got: String| FactError::WrongType {
            fact: def.id.clone(),
            expected,
            got,
        };
        match self {
            FactValue::Enum(s) if !def.options.iter().any(|o| &o.value == s) => {
                Err(err(expected_for(def), s.clone()))
            }
            FactValue::Integer(i) if def.min.is_some_and(|m| (*i as f64) < m) => Err(err(
                format!("an integer ≥ {}", def.min.unwrap_or_default()),
                i.to_string(),
            )),
            FactValue::Money(fen) if def.min.is_some_and(|m| (*fen as f64) / 100.0 < m) => {
                Err(err(
                    format!("an amount ≥ {}", def.min.unwrap_or_default()),
                    format_yuan(*fen),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// What a fact accepts, for error messages.
pub fn expected_for(def: &FactDef) -> String {
    match def.kind {
        FactType::Enum => format!(
            "one of {}",
            def.options
                .iter()
                .map(|o| o.value.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        FactType::Bool => "true or false".into(),
        FactType::Integer => "an integer".into(),
        FactType::Money => "an amount in yuan".into(),
        FactType::Date => "a date YYYY-MM-DD".into(),
        FactType::Datetime => "an RFC 3339 time".into(),
        FactType::Text => "text".into(),
    }
}

/// Parses `1280`, `1280.5`, `1,280.50`, `¥1280.50`, `1280.50元` into fen. At most two decimals.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .replace([',', '_'], "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let fen = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -fen } else { fen })
}

/// Formats fen as yuan with two decimals.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

impl Serialize for FactValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Money(fen) => write!(f, "{}", format_yuan(*fen)),
            FactValue::Enum(s) | FactValue::Text(s) => write!(f, "{s}"),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_parsing_is_exact() {
        assert_eq!(parse_yuan("1280.5"), Some(128050));
        assert_eq!(parse_yuan("¥1,280.50"), Some(128050));
        assert_eq!(parse_yuan("0.07"), Some(7));
        assert_eq!(parse_yuan("12元"), Some(1200));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(format_yuan(128050), "1280.50");
    }
}
