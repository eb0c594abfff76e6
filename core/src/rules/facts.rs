//! Fact values: what the user told us about their situation, typed per the pack.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use super::expr::ExprValue;
use super::pack::{FactDef, FactType};
use crate::limits::{MAX_FACT_CHARS, MAX_MONEY_FEN};
use crate::text::Text;

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
    /// A value past one of the named limits (`crate::limits`): too long, too large.
    #[error("事实 `{fact}` 的值{} value for fact `{fact}` is {}", .limit.zh, .limit.en)]
    PastLimit { fact: String, limit: Text },
}

/// The length limit, checked before any parsing.
fn check_length(def: &FactDef, raw: &str) -> Result<(), FactError> {
    let chars = raw.chars().count();
    if chars > MAX_FACT_CHARS {
        return Err(FactError::PastLimit {
            fact: def.id.clone(),
            limit: Text::new(
                format!("过长：{chars} 个字符，上限 {MAX_FACT_CHARS}"),
                format!("too long: {chars} characters, the limit is {MAX_FACT_CHARS}"),
            ),
        });
    }
    Ok(())
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

    /// Parses a value typed by a person (`--fact name=value`, an app's text field) for
    /// `def`. Forgiving the way people write: `是`/`否`; a choice's value or its label in
    /// either language (`季度`); amounts and counts as `60万`, `1.5万`, `¥8,000`, `8000元`;
    /// dates as `2026-09-30`, `2026/9/30` or `2026年9月30日`; a date-time without an
    /// offset is Beijing time. A refused value says what would be accepted.
    pub fn parse_str(def: &FactDef, raw: &str) -> Result<FactValue, FactError> {
        check_length(def, raw)?;
        let s = raw.trim();
        let wrong = || FactError::WrongType {
            fact: def.id.clone(),
            expected: accepted_input(def).en,
            got: raw.to_string(),
        };
        let value = match def.kind {
            FactType::Bool => match s.to_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "是" | "有" | "对" | "是的" => {
                    FactValue::Bool(true)
                }
                "false" | "no" | "n" | "0" | "否" | "无" | "没有" | "不是" => {
                    FactValue::Bool(false)
                }
                _ => return Err(wrong()),
            },
            FactType::Integer => FactValue::Integer(parse_count(s).ok_or_else(wrong)?),
            FactType::Money => FactValue::Money(parse_yuan(s).ok_or_else(wrong)?),
            FactType::Date => FactValue::Date(parse_date(s).ok_or_else(wrong)?),
            FactType::Datetime => FactValue::Datetime(parse_datetime(s).ok_or_else(wrong)?),
            FactType::Enum => FactValue::Enum(
                choose_option(def, s).map_or_else(|| s.to_string(), |o| o.value.clone()),
            ),
            FactType::Text => FactValue::Text(raw.to_string()),
        };
        value.check(def)?;
        Ok(value)
    }

    /// Converts a JSON value (facts file, FFI) for `def`.
    pub fn from_json(def: &FactDef, json: &serde_json::Value) -> Result<FactValue, FactError> {
        use serde_json::Value as J;
        if let J::String(s) = json {
            check_length(def, s)?;
        }
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
            // Amounts travel as JSON numbers (yuan, f64): past this they would not come
            // back to the same fen.
            FactValue::Money(fen) if fen.unsigned_abs() > MAX_MONEY_FEN => {
                Err(FactError::PastLimit {
                    fact: def.id.clone(),
                    limit: Text::new(
                        format!("金额过大：上限 {} 元", format_yuan(MAX_MONEY_FEN as i64)),
                        format!(
                            "too large an amount: at most {} yuan",
                            format_yuan(MAX_MONEY_FEN as i64)
                        ),
                    ),
                })
            }
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

/// The option a person meant: its value or label in either language, exactly; else the
/// one option whose value or label starts with what was typed (`客户` for 「客户（品牌方）」,
/// `微信` for 「微信支付」, `误充值`). `None` when nothing or more than one option fits.
pub fn choose_option<'a>(def: &'a FactDef, typed: &str) -> Option<&'a super::pack::FactOption> {
    let s = typed.trim();
    if s.is_empty() {
        return None;
    }
    let lower = s.to_lowercase();
    let exact = def.options.iter().find(|o| {
        o.value == s || o.label.zh.trim() == s || o.label.en.trim().to_lowercase() == lower
    });
    if exact.is_some() {
        return exact;
    }
    let mut fits = def.options.iter().filter(|o| {
        o.value.starts_with(s)
            || o.label.zh.trim().starts_with(s)
            || o.label.en.trim().to_lowercase().starts_with(&lower)
    });
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

/// What a fact accepts, for error messages (English; see [`accepted_input`]).
pub fn expected_for(def: &FactDef) -> String {
    accepted_input(def).en
}

/// What a fact accepts, in words for people, in both languages.
pub fn accepted_input(def: &FactDef) -> Text {
    let min = def.min.map(format_number);
    match def.kind {
        FactType::Enum => {
            let zh: Vec<String> = def
                .options
                .iter()
                .map(|o| format!("「{}」", o.label.zh))
                .collect();
            let en: Vec<String> = def
                .options
                .iter()
                .map(|o| format!("“{}” ({})", o.label.en, o.value))
                .collect();
            // An example of a short answer: a label's words before its bracket.
            let short = def
                .options
                .iter()
                .find_map(|o| {
                    o.label
                        .zh
                        .split_once('（')
                        .map(|(head, _)| head.to_string())
                })
                .map(|head| format!("，比如「{head}」"))
                .unwrap_or_default();
            Text::new(
                format!(
                    "请从这几项中选一项：{}。也可以只写选项开头的几个字{short}。",
                    zh.join("、")
                ),
                format!(
                    "please choose one of {}. The first few letters of one are enough.",
                    en.join(", ")
                ),
            )
        }
        FactType::Bool => Text::new("是 或 否", "yes or no"),
        FactType::Integer => match min {
            Some(m) => Text::new(
                format!("不小于 {m} 的整数，如 600000 或 60万"),
                format!("a whole number of at least {m}, e.g. 600000 or 60万"),
            ),
            None => Text::new(
                "整数，如 600000 或 60万",
                "a whole number, e.g. 600000 or 60万",
            ),
        },
        FactType::Money => match min {
            Some(m) => Text::new(
                format!("不小于 {m} 元的金额，如 8000、¥8,000 或 1.5万"),
                format!("an amount of at least {m} yuan, e.g. 8000, ¥8,000 or 1.5万"),
            ),
            None => Text::new(
                "金额（元），如 8000、¥8,000 或 1.5万",
                "an amount in yuan, e.g. 8000, ¥8,000 or 1.5万",
            ),
        },
        FactType::Date => Text::new(
            "日期，如 2026-09-30 或 2026年9月30日",
            "a date, e.g. 2026-09-30",
        ),
        FactType::Datetime => Text::new(
            "时间，如 2026-09-30 17:00（北京时间）",
            "a time, e.g. 2026-09-30 17:00 (Beijing time) or 2026-09-30T17:00:00+08:00",
        ),
        FactType::Text => Text::new("文字", "text"),
    }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Splits a Chinese magnitude suffix: `60万` → (`60`, 10 000), `1亿` → (`1`, 10⁸),
/// `60w` → (`60`, 10 000).
fn magnitude(s: &str) -> (&str, i64) {
    for (suffix, factor) in [
        ("万", 10_000),
        ("w", 10_000),
        ("W", 10_000),
        ("亿", 100_000_000),
    ] {
        if let Some(head) = s.strip_suffix(suffix) {
            return (head.trim(), factor);
        }
    }
    (s, 1)
}

/// Parses a count: `600000`, `600,000`, `60万`, `1.5万`, `60w`, `600000人`.
pub fn parse_count(s: &str) -> Option<i64> {
    let t = s
        .trim()
        .trim_end_matches(['人', '个', '名', '位'])
        .replace([',', '_', ' ', '，'], "");
    let (head, factor) = magnitude(&t);
    if factor == 1 {
        return head.parse().ok();
    }
    // `1.5万`: decimals allowed while the result is whole.
    let fen = parse_yuan(head)?;
    let scaled = (fen as i128) * factor as i128;
    (scaled % 100 == 0)
        .then(|| i64::try_from(scaled / 100).ok())
        .flatten()
}

/// Parses `2026-09-30`, `2026/9/30`, `2026.9.30` or `2026年9月30日`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s
        .trim()
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "");
    let mut parts = t.split('-').map(str::trim);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Parses an RFC 3339 time, or a date and time without an offset, which is Beijing time:
/// `2026-09-30 17:00`, `2026-09-30T17:00:00`, `2026年9月30日 17:00`.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let (date, time) = s
        .split_once(['T', ' '])
        .map(|(d, t)| (d.trim(), t.trim()))?;
    let date = parse_date(date)?;
    let time = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveTime::parse_from_str(time, f).ok())?;
    let local = date.and_time(time);
    local
        .and_local_timezone(crate::calendar::BEIJING)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses `1280`, `1280.5`, `1,280.50`, `¥1280.50`, `1280.50元` into fen. At most two decimals.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .trim()
        .replace([',', '_', ' ', '，'], "");
    let (head, factor) = magnitude(&t);
    if factor != 1 {
        // `1.5万`: up to six decimals before scaling, whole fen after.
        let (int, frac) = head.split_once('.').unwrap_or((head, ""));
        if int.is_empty()
            || frac.len() > 6
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits: i128 = format!("{int}{frac}").parse().ok()?;
        // Checked: dozens of digits before `万` overflow even i128.
        let scaled = digits.checked_mul(i128::from(factor) * 100)? / 10i128.pow(frac.len() as u32);
        return i64::try_from(scaled).ok();
    }
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
        assert_eq!(parse_yuan("1.5万"), Some(1_500_000));
        assert_eq!(parse_yuan("60万"), Some(60_000_000));
        assert_eq!(parse_yuan("¥8,000"), Some(800_000));
        assert_eq!(parse_yuan("1.5亿"), Some(15_000_000_000));
    }

    #[test]
    fn counts_dates_and_times_as_people_write_them() {
        assert_eq!(parse_count("60万"), Some(600_000));
        assert_eq!(parse_count("1.5万"), Some(15_000));
        assert_eq!(parse_count("600,000人"), Some(600_000));
        assert_eq!(parse_count("60w"), Some(600_000));
        assert_eq!(parse_count("1.23456万"), None);
        assert_eq!(parse_count("很多"), None);
        let d = NaiveDate::from_ymd_opt(2026, 9, 30);
        assert_eq!(parse_date("2026-09-30"), d);
        assert_eq!(parse_date("2026/9/30"), d);
        assert_eq!(parse_date("2026年9月30日"), d);
        assert_eq!(parse_date("2026-02-30"), None);
        let t = parse_datetime("2026-09-30 17:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-09-30T09:00:00+00:00");
        assert_eq!(parse_datetime("2026-09-30T17:00:00+08:00"), Some(t));
        assert_eq!(parse_datetime("2026年9月30日 17:00"), Some(t));
        assert_eq!(parse_datetime("tomorrow"), None);
    }
}
