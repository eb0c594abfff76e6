//! Plans across the FFI: plain records mirroring `tuilu_core::rules::plan::Plan`.

use tuilu_core::rules::pack as core_pack;
use tuilu_core::rules::plan as core_plan;
use tuilu_core::rules::schedule::PlannedDeadline;

use crate::calendar::DeadlineRecord;
use crate::facts::{facts_to_records, Fact};
use crate::rules::{
    mirror_enum, Channel, Confidence, DurationUnit, FactChoice, FactKind, LocalizedText, Severity,
    StepKind,
};
use crate::uniffi_support::Timestamp;

/// Whether a rule applies given the facts known so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Applicability {
    Applies,
    /// Depends on facts not yet given (see `open_facts`).
    Undetermined,
}
mirror_enum!(
    Applicability,
    core_plan::Applicability,
    [Applies, Undetermined]
);

/// Where a rule comes from, and how far it can be trusted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceRecord {
    /// Seed file name.
    pub seed: String,
    /// The passage quoted verbatim from the seed.
    pub quote: String,
    pub confidence: Option<Confidence>,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    /// Reviewer's remark.
    pub note: LocalizedText,
}

impl From<&core_pack::Source> for SourceRecord {
    fn from(s: &core_pack::Source) -> SourceRecord {
        SourceRecord {
            seed: s.seed.clone(),
            quote: s.quote.clone(),
            confidence: s.confidence.map(Into::into),
            last_reviewed: s.last_reviewed.clone(),
            note: (&s.note).into(),
        }
    }
}

fn source(s: &Option<core_pack::Source>) -> Option<SourceRecord> {
    s.as_ref().map(Into::into)
}

/// What a duration means: the other side answers by its end (`Deadline`), you may act
/// only after it (`Earliest`: cooldown, non-compete), it lasts at least this long
/// (`MinimumPeriod`: notice period), or you must act before it ends (`Window`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TimeSense {
    Deadline,
    Earliest,
    MinimumPeriod,
    Window,
}
crate::rules::mirror_enum!(
    TimeSense,
    core_pack::TimeSense,
    [Deadline, Earliest, MinimumPeriod, Window]
);

#[uniffi::export]
impl TimeSense {
    /// The period's label before its length: 处理时限 / 等待期 / 至少持续 / 须在期限内办理.
    pub fn label(&self) -> LocalizedText {
        core_pack::TimeSense::from(*self).label().into()
    }

    /// The label before the period's end: 截止 / 须等到 / 最早结束于 / 须在此前办理.
    pub fn end_label(&self) -> LocalizedText {
        core_pack::TimeSense::from(*self).end_label().into()
    }
}

/// How long something takes once its clock starts: `min..=max` units.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DurationRecord {
    pub unit: DurationUnit,
    /// Not negative (an input with a negative bound is `InvalidInput`).
    pub min: i32,
    pub max: i32,
    /// The event that starts the clock.
    pub starts_on: LocalizedText,
    /// What the period means; null (the default) reads as `Deadline`.
    #[uniffi(default = None)]
    pub sense: Option<TimeSense>,
}

impl From<&core_pack::DurationDef> for DurationRecord {
    fn from(d: &core_pack::DurationDef) -> DurationRecord {
        DurationRecord {
            unit: d.unit.into(),
            min: crate::uniffi_support::int32(d.min),
            max: crate::uniffi_support::int32(d.max),
            starts_on: (&d.starts_on).into(),
            sense: d.sense.map(Into::into),
        }
    }
}

impl TryFrom<&DurationRecord> for core_pack::DurationDef {
    type Error = crate::error::ApiError;

    fn try_from(d: &DurationRecord) -> Result<core_pack::DurationDef, Self::Error> {
        let bound = |n: i32| {
            u32::try_from(n).map_err(|_| {
                crate::error::ApiError::invalid_input("duration min and max must not be negative")
            })
        };
        Ok(core_pack::DurationDef {
            unit: d.unit.into(),
            min: bound(d.min)?,
            max: bound(d.max)?,
            starts_on: tuilu_core::Text::new(d.starts_on.zh.clone(), d.starts_on.en.clone()),
            sense: d.sense.map(Into::into),
            after: Vec::new(),
            from_fact: None,
        })
    }
}

/// Evidence a step should leave behind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceHintRecord {
    /// `screenshot`, `screen_recording`, `chat_export`, `contract`, `receipt`, `document`,
    /// `sms`, `other`.
    pub kind: String,
    pub description: LocalizedText,
}

/// Another way to carry out a step; any route completes it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RouteRecord {
    pub id: String,
    pub title: LocalizedText,
    pub channel: Channel,
    pub instructions: LocalizedText,
    /// Overrides the step's duration when this route is taken.
    pub duration: Option<DurationRecord>,
    pub source: Option<SourceRecord>,
}

/// One checklist step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanStepRecord {
    pub id: String,
    /// 1-based position in the checklist.
    pub number: i32,
    pub kind: StepKind,
    pub applicability: Applicability,
    /// Unanswered facts this step's condition waits on.
    pub open_facts: Vec<String>,
    pub title: LocalizedText,
    pub instructions: LocalizedText,
    pub channel: Channel,
    pub alternatives: Vec<RouteRecord>,
    /// Ids of steps of this plan that come first.
    pub depends_on: Vec<String>,
    pub duration: Option<DurationRecord>,
    pub evidence: Vec<EvidenceHintRecord>,
    pub tips: Vec<LocalizedText>,
    pub warnings: Vec<LocalizedText>,
    /// What to do when the deadline passes without an answer.
    pub escalation: Option<LocalizedText>,
    pub source: Option<SourceRecord>,
}

/// A precondition that blocks the exit (or might, pending answers).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BlockerRecord {
    pub id: String,
    pub applicability: Applicability,
    pub open_facts: Vec<String>,
    pub title: LocalizedText,
    pub remedy: LocalizedText,
    pub source: Option<SourceRecord>,
}

/// A warning or a consequence.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NoticeRecord {
    pub id: String,
    pub applicability: Applicability,
    pub open_facts: Vec<String>,
    pub severity: Severity,
    pub text: LocalizedText,
    pub source: Option<SourceRecord>,
}

/// A computed amount; `value` is null while facts it needs are unanswered.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AmountRecord {
    pub id: String,
    pub label: LocalizedText,
    /// Rounded to the fen for CNY.
    pub value: Option<f64>,
    /// `CNY`, or a unit name for other quantities.
    pub currency: String,
    pub open_facts: Vec<String>,
    pub explanation: LocalizedText,
    pub source: Option<SourceRecord>,
}

/// An unanswered question and what waits on it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuestionRecord {
    pub id: String,
    pub kind: FactKind,
    pub prompt: LocalizedText,
    pub choices: Vec<FactChoice>,
    /// Ids of the steps, blockers, notices and amounts that depend on the answer.
    pub needed_by: Vec<String>,
}

/// The plan for one scenario and one set of facts.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanRecord {
    pub scenario_id: String,
    pub pack_version: String,
    pub title: LocalizedText,
    /// Facts in effect: the answers given plus the pack's defaults, typed.
    pub facts: Vec<Fact>,
    pub steps: Vec<PlanStepRecord>,
    pub blockers: Vec<BlockerRecord>,
    pub warnings: Vec<NoticeRecord>,
    pub consequences: Vec<NoticeRecord>,
    pub amounts: Vec<AmountRecord>,
    /// Ids of unanswered facts (without defaults) that matter.
    pub missing_facts: Vec<String>,
    pub questions: Vec<QuestionRecord>,
}

/// The deadline of one step, or of one of its alternative routes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlannedDeadlineRecord {
    pub step_id: String,
    /// Null for the step's main route.
    pub route_id: Option<String>,
    /// What the period means, so the end is labelled right (a cooldown is no deadline).
    pub sense: TimeSense,
    pub deadline: DeadlineRecord,
}

/// A plan with the deadlines of its steps when their clocks start at `clock_start`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScheduledPlanRecord {
    pub plan: PlanRecord,
    pub clock_start: Timestamp,
    /// One per step and alternative route with a duration, in step order.
    pub deadlines: Vec<PlannedDeadlineRecord>,
}

fn texts(t: &[tuilu_core::Text]) -> Vec<LocalizedText> {
    t.iter().map(Into::into).collect()
}

impl From<&core_plan::PlanStep> for PlanStepRecord {
    fn from(s: &core_plan::PlanStep) -> PlanStepRecord {
        PlanStepRecord {
            id: s.id.clone(),
            number: crate::uniffi_support::int32(s.number),
            kind: s.kind.into(),
            applicability: s.applicability.into(),
            open_facts: s.open_facts.clone(),
            title: (&s.title).into(),
            instructions: (&s.instructions).into(),
            channel: s.channel.into(),
            alternatives: s
                .alternatives
                .iter()
                .map(|r| RouteRecord {
                    id: r.id.clone(),
                    title: (&r.title).into(),
                    channel: r.channel.into(),
                    instructions: (&r.instructions).into(),
                    duration: r.duration.as_ref().map(Into::into),
                    source: source(&r.source),
                })
                .collect(),
            depends_on: s.depends_on.clone(),
            duration: s.duration.as_ref().map(Into::into),
            evidence: s
                .evidence
                .iter()
                .map(|e| EvidenceHintRecord {
                    kind: e.kind.clone(),
                    description: (&e.description).into(),
                })
                .collect(),
            tips: texts(&s.tips),
            warnings: texts(&s.warnings),
            escalation: s.escalation.as_ref().map(Into::into),
            source: source(&s.source),
        }
    }
}

fn notice(n: &core_plan::PlanNotice) -> NoticeRecord {
    NoticeRecord {
        id: n.id.clone(),
        applicability: n.applicability.into(),
        open_facts: n.open_facts.clone(),
        severity: n.severity.into(),
        text: (&n.text).into(),
        source: source(&n.source),
    }
}

impl From<&core_plan::Plan> for PlanRecord {
    fn from(p: &core_plan::Plan) -> PlanRecord {
        PlanRecord {
            scenario_id: p.scenario.clone(),
            pack_version: p.pack_version.clone(),
            title: (&p.title).into(),
            facts: facts_to_records(&p.facts),
            steps: p.steps.iter().map(Into::into).collect(),
            blockers: p
                .blockers
                .iter()
                .map(|b| BlockerRecord {
                    id: b.id.clone(),
                    applicability: b.applicability.into(),
                    open_facts: b.open_facts.clone(),
                    title: (&b.title).into(),
                    remedy: (&b.remedy).into(),
                    source: source(&b.source),
                })
                .collect(),
            warnings: p.warnings.iter().map(notice).collect(),
            consequences: p.consequences.iter().map(notice).collect(),
            amounts: p
                .amounts
                .iter()
                .map(|a| AmountRecord {
                    id: a.id.clone(),
                    label: (&a.label).into(),
                    value: a.value,
                    currency: a.currency.clone(),
                    open_facts: a.open_facts.clone(),
                    explanation: (&a.explanation).into(),
                    source: source(&a.source),
                })
                .collect(),
            missing_facts: p.missing_facts.clone(),
            questions: p
                .questions
                .iter()
                .map(|q| QuestionRecord {
                    id: q.id.clone(),
                    kind: q.kind.into(),
                    prompt: (&q.prompt).into(),
                    choices: q.options.iter().map(Into::into).collect(),
                    needed_by: q.needed_by.clone(),
                })
                .collect(),
        }
    }
}

impl From<&PlannedDeadline> for PlannedDeadlineRecord {
    fn from(d: &PlannedDeadline) -> PlannedDeadlineRecord {
        PlannedDeadlineRecord {
            step_id: d.step_id.clone(),
            route_id: d.route_id.clone(),
            sense: d.sense.into(),
            deadline: (&d.deadline).into(),
        }
    }
}
