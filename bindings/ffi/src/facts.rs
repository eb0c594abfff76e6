//! Facts across the FFI: what the person told the app about their situation.
//!
//! Two ways in, one record: a typed [`FactValue`] (checked against the fact's type, bounds
//! and choices) or [`FactValue::Raw`], text typed by a person and parsed like the CLI's
//! `--fact name=value` (accepts `是`/`否`, `¥1,280.50`, ...). Errors name the fact, never its
//! value.

use std::collections::BTreeMap;

use chrono::SecondsFormat;
use serde_json::Value as Json;
use tuilu_core::rules::facts::{expected_for, format_yuan};
use tuilu_core::rules::pack::FactType;
use tuilu_core::{FactError, Facts, Scenario};

use crate::uniffi_support::{format_date, IsoDate, Timestamp};
use crate::ApiError;

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FactValue {
    Bool {
        value: bool,
    },
    Integer {
        value: i64,
    },
    /// Yuan as decimal text, at most two decimals: `"3000"`, `"8888.88"`.
    Money {
        yuan: String,
    },
    Date {
        date: IsoDate,
    },
    Datetime {
        at: Timestamp,
    },
    /// One of an enum fact's choices (its `value`).
    Choice {
        value: String,
    },
    Text {
        value: String,
    },
    /// Text typed by a person, parsed for the fact's type (input only; plans report typed
    /// values).
    Raw {
        text: String,
    },
}

/// One answer: a fact id and its value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Fact {
    pub id: String,
    pub value: FactValue,
}

impl From<&tuilu_core::FactValue> for FactValue {
    fn from(v: &tuilu_core::FactValue) -> FactValue {
        use tuilu_core::FactValue as V;
        match v {
            V::Bool(b) => FactValue::Bool { value: *b },
            V::Integer(i) => FactValue::Integer { value: *i },
            V::Money(fen) => FactValue::Money {
                yuan: format_yuan(*fen),
            },
            V::Date(d) => FactValue::Date { date: *d },
            V::Datetime(t) => FactValue::Datetime { at: *t },
            V::Enum(s) => FactValue::Choice { value: s.clone() },
            V::Text(s) => FactValue::Text { value: s.clone() },
        }
    }
}

/// Core facts as FFI records, in id order.
pub(crate) fn facts_to_records(facts: &Facts) -> Vec<Fact> {
    facts
        .iter()
        .map(|(id, v)| Fact {
            id: id.clone(),
            value: v.into(),
        })
        .collect()
}

/// Converts and checks the answers for `scenario`: unknown ids, values of the wrong type,
/// out of bounds or not among the choices are `InvalidInput` naming the fact. A fact given
/// twice is `InvalidInput` too.
pub(crate) fn facts_from_records(scenario: &Scenario, input: Vec<Fact>) -> Result<Facts, ApiError> {
    let mut facts: Facts = BTreeMap::new();
    for Fact { id, value } in input {
        if facts.contains_key(&id) {
            return Err(ApiError::invalid_input(format!("fact `{id}` given twice")));
        }
        let v = convert(scenario, &id, value)?;
        facts.insert(id, v);
    }
    Ok(facts)
}

fn convert(
    scenario: &Scenario,
    id: &str,
    value: FactValue,
) -> Result<tuilu_core::FactValue, ApiError> {
    let json = match value {
        FactValue::Raw { text } => return Ok(scenario.parse_fact(id, &text)?),
        other => other,
    };
    let Some(def) = scenario.fact(id) else {
        // parse_fact builds the Unknown error with the scenario's name.
        return Err(scenario
            .parse_fact(id, "")
            .err()
            .map(ApiError::from)
            .unwrap_or_else(|| ApiError::invalid_input(format!("unknown fact `{id}`"))));
    };
    let (kind, json) = match json {
        FactValue::Bool { value } => (FactType::Bool, Json::Bool(value)),
        FactValue::Integer { value } => (FactType::Integer, Json::from(value)),
        FactValue::Money { yuan } => (FactType::Money, Json::String(yuan)),
        FactValue::Date { date } => (FactType::Date, Json::String(format_date(date))),
        FactValue::Datetime { at } => (
            FactType::Datetime,
            Json::String(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        ),
        FactValue::Choice { value } => (FactType::Enum, Json::String(value)),
        FactValue::Text { value } => (FactType::Text, Json::String(value)),
        FactValue::Raw { .. } => unreachable!("handled above"),
    };
    if kind != def.kind {
        return Err(FactError::WrongType {
            fact: id.to_string(),
            expected: expected_for(def),
            got: String::new(),
        }
        .into());
    }
    Ok(tuilu_core::FactValue::from_json(def, &json)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xingtu() -> Scenario {
        tuilu_core::load_bundled()
            .unwrap()
            .get("douyin.xingtu-task-cancel")
            .unwrap()
            .clone()
    }

    fn fact(id: &str, value: FactValue) -> Fact {
        Fact {
            id: id.into(),
            value,
        }
    }

    #[test]
    fn typed_and_raw_values_agree() {
        let s = xingtu();
        let typed = facts_from_records(
            &s,
            vec![
                fact(
                    "task_amount",
                    FactValue::Money {
                        yuan: "3000".into(),
                    },
                ),
                fact("video_uploaded", FactValue::Bool { value: true }),
                fact(
                    "cancelled_by",
                    FactValue::Choice {
                        value: "client".into(),
                    },
                ),
            ],
        )
        .unwrap();
        let raw = facts_from_records(
            &s,
            vec![
                fact(
                    "task_amount",
                    FactValue::Raw {
                        text: "¥3,000.00".into(),
                    },
                ),
                fact("video_uploaded", FactValue::Raw { text: "是".into() }),
                fact(
                    "cancelled_by",
                    FactValue::Raw {
                        text: "client".into(),
                    },
                ),
            ],
        )
        .unwrap();
        assert_eq!(typed, raw);
        assert_eq!(
            facts_to_records(&typed)[0],
            fact(
                "cancelled_by",
                FactValue::Choice {
                    value: "client".into()
                }
            )
        );
    }

    #[test]
    fn errors_name_the_fact_not_the_value() {
        let s = xingtu();
        let e = facts_from_records(
            &s,
            vec![fact("no_such_fact", FactValue::Bool { value: true })],
        )
        .unwrap_err();
        assert!(
            matches!(&e, ApiError::InvalidInput { detail } if detail.contains("no_such_fact")),
            "{e}"
        );

        let e = facts_from_records(
            &s,
            vec![fact(
                "video_uploaded",
                FactValue::Text {
                    value: "张三".into(),
                },
            )],
        )
        .unwrap_err();
        assert!(
            matches!(&e, ApiError::InvalidInput { detail } if detail.contains("video_uploaded") && !detail.contains("张三")),
            "{e}"
        );

        let e = facts_from_records(
            &s,
            vec![fact(
                "video_uploaded",
                FactValue::Raw {
                    text: "张三".into(),
                },
            )],
        )
        .unwrap_err();
        assert!(!e.to_string().contains("张三"), "{e}");

        let e = facts_from_records(
            &s,
            vec![fact("task_amount", FactValue::Money { yuan: "-5".into() })],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("task_amount") && !e.to_string().contains("-5"),
            "{e}"
        );

        let e = facts_from_records(
            &s,
            vec![fact(
                "cancelled_by",
                FactValue::Choice {
                    value: "张三".into(),
                },
            )],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("cancelled_by") && !e.to_string().contains("张三"),
            "{e}"
        );

        let twice = vec![
            fact("video_uploaded", FactValue::Bool { value: true }),
            fact("video_uploaded", FactValue::Bool { value: false }),
        ];
        assert!(facts_from_records(&s, twice).is_err());
    }
}
