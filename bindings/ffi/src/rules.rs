//! Rule packs and scenarios across the FFI: records and enums mirroring
//! `tuilu_core::rules`, with `From` conversions (the core keeps no FFI types), and
//! [`check_pack`], the validation of a compiled pack (JSON) with every problem listed.

use tuilu_core::rules::pack as core_pack;
use tuilu_core::{PackIssue, Scenario, Text};

use crate::error::guard;
use crate::facts::FactValue;
use crate::ApiError;

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

impl From<Text> for LocalizedText {
    fn from(t: Text) -> LocalizedText {
        LocalizedText { zh: t.zh, en: t.en }
    }
}

/// Maps a C-like core enum to its FFI twin, both ways where needed.
macro_rules! mirror_enum {
    ($ffi:ident, $core:path, [$($v:ident),+ $(,)?]) => {
        impl From<$core> for $ffi {
            fn from(v: $core) -> $ffi {
                use $core as C;
                match v { $(C::$v => $ffi::$v),+ }
            }
        }
        impl From<$ffi> for $core {
            fn from(v: $ffi) -> $core {
                use $core as C;
                match v { $($ffi::$v => C::$v),+ }
            }
        }
    };
}
pub(crate) use mirror_enum;

/// The type of a fact the plan asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FactKind {
    Bool,
    Integer,
    /// Yuan (CNY), at most two decimals.
    Money,
    /// `YYYY-MM-DD`.
    Date,
    /// An instant.
    Datetime,
    /// One of the fact's choices.
    Enum,
    Text,
}
mirror_enum!(
    FactKind,
    core_pack::FactType,
    [Bool, Integer, Money, Date, Datetime, Enum, Text]
);

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
mirror_enum!(
    Channel,
    core_pack::Channel,
    [App, Pc, Web, CustomerService, Hotline, Email, Offline]
);

#[uniffi::export]
impl Channel {
    /// The channel's name, e.g. 手机App / app.
    pub fn label(&self) -> LocalizedText {
        core_pack::Channel::from(*self).label().into()
    }
}

/// What kind of step this is, which decides how reminders treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StepKind {
    /// Something the user does; a duration is the other side's response time.
    Action,
    /// A waiting period; its end matters.
    Wait,
    /// A short window that closes.
    Window,
}
mirror_enum!(StepKind, core_pack::StepKind, [Action, Wait, Window]);

/// How trustworthy a rule's source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Confidence {
    High,
    Medium,
    Low,
}
mirror_enum!(Confidence, core_pack::Confidence, [High, Medium, Low]);

#[uniffi::export]
impl Confidence {
    /// 高/high, 中/medium, 低/low.
    pub fn label(&self) -> LocalizedText {
        core_pack::Confidence::from(*self).label().into()
    }
}

/// How serious a warning or consequence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Severity {
    Info,
    Warning,
    Danger,
}
mirror_enum!(Severity, core_pack::Severity, [Info, Warning, Danger]);

/// The unit a duration counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DurationUnit {
    /// Working days under the China calendar (holidays and make-up days).
    WorkingDays,
    /// Calendar days.
    NaturalDays,
    /// Exact hours.
    Hours,
}
mirror_enum!(
    DurationUnit,
    core_pack::DurationUnit,
    [WorkingDays, NaturalDays, Hours]
);

#[uniffi::export]
impl DurationUnit {
    /// The unit's name to follow a number: 个工作日 / " working days".
    pub fn label(&self) -> LocalizedText {
        core_pack::DurationUnit::from(*self).label().into()
    }
}

/// One allowed answer of an enum fact.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FactChoice {
    pub value: String,
    pub label: LocalizedText,
}

impl From<&core_pack::FactOption> for FactChoice {
    fn from(o: &core_pack::FactOption) -> FactChoice {
        FactChoice {
            value: o.value.clone(),
            label: (&o.label).into(),
        }
    }
}

/// A question a scenario asks.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FactInfo {
    pub id: String,
    pub kind: FactKind,
    pub prompt: LocalizedText,
    /// Longer explanation; may be empty.
    pub help: LocalizedText,
    /// For enum facts: the allowed answers.
    pub choices: Vec<FactChoice>,
    /// The value assumed while unanswered.
    pub default_value: Option<FactValue>,
    /// Lower bound for integer and money facts.
    pub min: Option<f64>,
}

/// A scenario (a validated rule pack): identity, outline and the questions it asks.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScenarioInfo {
    pub id: String,
    pub platform: String,
    pub version: String,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub facts: Vec<FactInfo>,
    /// Every step the pack defines, whatever the facts: the most a plan can have (e.g. 11
    /// for the guild exit). A plan for the user's facts lists only the steps that apply
    /// (`PlanRecord.steps`, e.g. 9); count those for "N steps" in a case or a plan.
    pub step_count: i32,
}

impl From<&Scenario> for ScenarioInfo {
    fn from(s: &Scenario) -> ScenarioInfo {
        let p = &s.pack;
        ScenarioInfo {
            id: p.id.clone(),
            platform: p.platform.clone(),
            version: p.version.clone(),
            last_reviewed: p.last_reviewed.clone(),
            title: (&p.title).into(),
            summary: (&p.summary).into(),
            facts: p
                .facts
                .iter()
                .map(|f| FactInfo {
                    id: f.id.clone(),
                    kind: f.kind.into(),
                    prompt: (&f.prompt).into(),
                    help: (&f.help).into(),
                    choices: f.options.iter().map(Into::into).collect(),
                    default_value: f
                        .default
                        .as_ref()
                        .and_then(|d| tuilu_core::FactValue::from_json(f, d).ok())
                        .map(|v| FactValue::from(&v)),
                    min: f.min,
                })
                .collect(),
            step_count: crate::uniffi_support::int32(p.steps.len()),
        }
    }
}

/// One problem found in a pack.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PackIssueRecord {
    /// Pack id, or the origin name when the id cannot be read.
    pub pack: String,
    /// Path inside the pack, e.g. `steps[3].depends_on[0]`; empty for the whole file.
    pub path: String,
    /// What is wrong and what was expected (English).
    pub message: String,
    /// 1-based line and column, for syntax errors.
    pub line: Option<i32>,
    pub column: Option<i32>,
}

impl From<&PackIssue> for PackIssueRecord {
    fn from(i: &PackIssue) -> PackIssueRecord {
        let small = |n: Option<usize>| n.map(crate::uniffi_support::int32);
        PackIssueRecord {
            pack: i.pack.clone(),
            path: i.path.clone(),
            message: i.message.clone(),
            line: small(i.line),
            column: small(i.column),
        }
    }
}

/// The result of [`check_pack`]: valid with its scenario, or every problem found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PackCheckRecord {
    pub valid: bool,
    /// The pack id (or origin name when the id cannot be read).
    pub pack: String,
    /// The scenario when valid.
    pub scenario: Option<ScenarioInfo>,
    /// Empty when valid.
    pub issues: Vec<PackIssueRecord>,
}

/// The origin name of packs given as text (shown in issues when the id cannot be read).
pub(crate) const TEXT_ORIGIN: &str = "pack.json";

pub(crate) fn check(origin: &str, pack_json: &str) -> PackCheckRecord {
    match Scenario::from_text(origin, pack_json) {
        Ok(s) => PackCheckRecord {
            valid: true,
            pack: s.id().to_string(),
            scenario: Some(ScenarioInfo::from(&s)),
            issues: Vec::new(),
        },
        Err(e) => PackCheckRecord {
            valid: false,
            pack: if e.pack.is_empty() {
                origin.to_string()
            } else {
                e.pack.clone()
            },
            scenario: None,
            issues: e.issues.iter().map(Into::into).collect(),
        },
    }
}

/// Validates a rule pack in its compiled form (JSON, as `tuilu rules compile` writes it and
/// as bundled packs ship) with the same checks as a bundled one, and returns every problem
/// (pack, path inside it, message, line and column). An invalid pack is a normal result
/// (`valid == false`), not an error; the only error is `Internal`. TOML text is reported as
/// one issue: the library does not embed a TOML parser (see the README, "Library size").
#[uniffi::export]
pub fn check_pack(pack_json: String) -> Result<PackCheckRecord, ApiError> {
    guard(|| Ok(check(TEXT_ORIGIN, &pack_json)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled form of the bundled Xingtu pack (a reviewed golden file, checked against
    /// `tuilu rules compile` by the CLI tests).
    const XINGTU: &str = include_str!("../../../tests/golden/packs/douyin.xingtu-task-cancel.json");

    #[test]
    fn checks_the_bundled_xingtu_pack() {
        let r = check_pack(XINGTU.to_string()).unwrap();
        assert!(r.valid, "{:?}", r.issues);
        assert_eq!(r.pack, "douyin.xingtu-task-cancel");
        let s = r.scenario.unwrap();
        assert_eq!(s.platform, "douyin");
        let task_type = s.facts.iter().find(|f| f.id == "task_type").unwrap();
        assert_eq!(task_type.kind, FactKind::Enum);
        assert_eq!(task_type.choices.len(), 2);
        let accepted = s.facts.iter().find(|f| f.id == "task_accepted").unwrap();
        assert_eq!(
            accepted.default_value,
            Some(FactValue::Bool { value: true })
        );
    }

    #[test]
    fn broken_pack_lists_every_issue() {
        let broken = XINGTU
            .replace(
                "\"depends_on\": [\n        \"record_task_state\"",
                "\"depends_on\": [\n        \"nope\"",
            )
            .replace("task_amount * 0.5", "task_amont * 0.5");
        let r = check_pack(broken).unwrap();
        assert!(!r.valid);
        assert!(r.scenario.is_none());
        assert!(r.issues.len() >= 2, "{:?}", r.issues);
        assert!(
            r.issues.iter().all(|i| !i.path.is_empty()),
            "{:?}",
            r.issues
        );
        assert!(
            r.issues.iter().any(|i| i.path.contains("depends_on")),
            "{:?}",
            r.issues
        );

        let r = check_pack("{\n  \"id\": \"x\",\n  \"platform\": 张三\n}".to_string()).unwrap();
        assert!(!r.valid);
        assert_eq!(r.issues[0].line, Some(3));
    }

    #[test]
    fn labels_are_bilingual() {
        assert_eq!(Channel::App.label().zh, "手机App");
        assert_eq!(Confidence::High.label().en, "high");
        assert_eq!(DurationUnit::WorkingDays.label().zh, "个工作日");
    }
}
