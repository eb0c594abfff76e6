//! Rule packs across the FFI: records mirroring `tuilu_core::rules::pack`, with `From`
//! conversions. The core keeps no FFI types; each new core type gets a record here.

use tuilu_core::rules::pack as core_pack;
use tuilu_core::Text;

use crate::error::{guard, ApiError};

/// User-facing text in both languages (zh-Hans first). Either may be empty.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LocalizedText {
    pub zh: String,
    pub en: String,
}

impl From<&Text> for LocalizedText {
    fn from(t: &Text) -> LocalizedText {
        LocalizedText {
            zh: t.zh.clone(),
            en: t.en.clone(),
        }
    }
}

/// The type of a fact the plan asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FactKind {
    Bool,
    Integer,
    /// Yuan (CNY), at most two decimals.
    Money,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339.
    Datetime,
    /// One of the fact's choices.
    Enum,
    Text,
}

impl From<core_pack::FactType> for FactKind {
    fn from(t: core_pack::FactType) -> FactKind {
        use core_pack::FactType as T;
        match t {
            T::Bool => FactKind::Bool,
            T::Integer => FactKind::Integer,
            T::Money => FactKind::Money,
            T::Date => FactKind::Date,
            T::Datetime => FactKind::Datetime,
            T::Enum => FactKind::Enum,
            T::Text => FactKind::Text,
        }
    }
}

/// How a step is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Channel {
    App,
    Pc,
    Web,
    CustomerService,
    Hotline,
    Email,
    Offline,
}

impl From<core_pack::Channel> for Channel {
    fn from(c: core_pack::Channel) -> Channel {
        use core_pack::Channel as C;
        match c {
            C::App => Channel::App,
            C::Pc => Channel::Pc,
            C::Web => Channel::Web,
            C::CustomerService => Channel::CustomerService,
            C::Hotline => Channel::Hotline,
            C::Email => Channel::Email,
            C::Offline => Channel::Offline,
        }
    }
}

/// What kind of step this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StepKind {
    Action,
    Wait,
    Window,
}

impl From<core_pack::StepKind> for StepKind {
    fn from(k: core_pack::StepKind) -> StepKind {
        use core_pack::StepKind as K;
        match k {
            K::Action => StepKind::Action,
            K::Wait => StepKind::Wait,
            K::Window => StepKind::Window,
        }
    }
}

/// One allowed answer of an enum fact.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FactChoice {
    pub value: String,
    pub label: LocalizedText,
}

/// A question a pack asks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FactSummary {
    pub id: String,
    pub kind: FactKind,
    pub prompt: LocalizedText,
    pub choices: Vec<FactChoice>,
}

/// One checklist step of a pack, as written (before evaluation against facts).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepSummary {
    pub id: String,
    pub kind: StepKind,
    pub title: LocalizedText,
    pub channel: Channel,
    pub depends_on: Vec<String>,
}

/// A rule pack's identity and outline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PackSummary {
    pub id: String,
    pub platform: String,
    pub version: String,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub facts: Vec<FactSummary>,
    pub steps: Vec<StepSummary>,
}

impl From<&core_pack::Pack> for PackSummary {
    fn from(p: &core_pack::Pack) -> PackSummary {
        PackSummary {
            id: p.id.clone(),
            platform: p.platform.clone(),
            version: p.version.clone(),
            last_reviewed: p.last_reviewed.clone(),
            title: (&p.title).into(),
            summary: (&p.summary).into(),
            facts: p
                .facts
                .iter()
                .map(|f| FactSummary {
                    id: f.id.clone(),
                    kind: f.kind.into(),
                    prompt: (&f.prompt).into(),
                    choices: f
                        .options
                        .iter()
                        .map(|o| FactChoice {
                            value: o.value.clone(),
                            label: (&o.label).into(),
                        })
                        .collect(),
                })
                .collect(),
            steps: p
                .steps
                .iter()
                .map(|s| StepSummary {
                    id: s.id.clone(),
                    kind: s.kind.into(),
                    title: (&s.title).into(),
                    channel: s.channel.into(),
                    depends_on: s.depends_on.clone(),
                })
                .collect(),
        }
    }
}

/// Reads a rule pack from its TOML text and returns its outline. Checks the pack's shape
/// only (the rule engine's validation comes with its API). Errors: `InvalidInput`, with the
/// parser's message and the line, never the input itself.
#[uniffi::export]
pub fn parse_pack(toml_text: String) -> Result<PackSummary, ApiError> {
    guard(|| {
        let pack: core_pack::Pack = toml::from_str(&toml_text).map_err(|e| {
            let line = e.span().map(|span| {
                let start = span.start.min(toml_text.len());
                1 + toml_text.as_bytes()[..start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
            });
            let what = e.message().trim().to_string();
            ApiError::invalid_input(match line {
                Some(line) => format!("rule pack, line {line}: {what}"),
                None => format!("rule pack: {what}"),
            })
        })?;
        Ok(PackSummary::from(&pack))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XINGTU: &str = include_str!("../../../core/rules/douyin.xingtu-task-cancel.toml");

    #[test]
    fn parses_the_bundled_xingtu_pack() {
        let s = parse_pack(XINGTU.to_string()).unwrap();
        assert_eq!(s.id, "douyin.xingtu-task-cancel");
        assert_eq!(s.platform, "douyin");
        assert!(!s.title.zh.is_empty() && !s.title.en.is_empty());
        let task_type = s.facts.iter().find(|f| f.id == "task_type").unwrap();
        assert_eq!(task_type.kind, FactKind::Enum);
        assert_eq!(task_type.choices.len(), 2);
        assert!(!s.steps.is_empty());
    }

    #[test]
    fn malformed_pack_is_invalid_input_without_the_input() {
        let e = parse_pack("id = \"x\"\nplatform = 张三的秘密".to_string()).unwrap_err();
        let ApiError::InvalidInput { detail: message } = e else {
            panic!("{e:?}")
        };
        assert!(message.contains("line 2"), "{message}");
        assert!(!message.contains("张三"), "{message}");

        // An error at the very start of a line is on that line.
        let e = parse_pack("id = \"x\"\n[[nope]]\n".to_string()).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
