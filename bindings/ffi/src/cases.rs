//! Cases and their steps across the FFI: records mirroring `tuilu_core::vault`.
//!
//! A case is a plan stored in the vault with the progress of each step. Deadlines are the
//! calendar's [`DeadlineRecord`] (recomputed with the vault's calendar so that the estimate
//! reason keeps its year and kind). Facts come back typed when the rule book knows them.

use std::collections::BTreeMap;

use tuilu_core::calendar::{step_deadline, ChinaCalendar};
use tuilu_core::vault as v;
use tuilu_core::{FactValue as CoreFactValue, RuleBook};

use crate::calendar::DeadlineRecord;
use crate::facts::{Fact, FactValue};
use crate::plan::DurationRecord;
use crate::rules::{mirror_enum, Channel, LocalizedText, StepKind};
use crate::uniffi_support::{int32, Timestamp};

/// Where a step of a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum StepStatus {
    Todo,
    InProgress,
    /// Handed in; the step's clock runs from `submitted_at`.
    Submitted,
    Done,
    Skipped,
    /// Stuck (refused, no answer...), as marked by the user.
    Blocked,
}
mirror_enum!(
    StepStatus,
    v::StepStatus,
    [Todo, InProgress, Submitted, Done, Skipped, Blocked]
);

#[uniffi::export]
impl StepStatus {
    /// E.g. 已提交 / submitted.
    pub fn label(&self) -> LocalizedText {
        v::StepStatus::from(*self).label().into()
    }

    /// Done or skipped: dependents may go ahead.
    pub fn is_settled(&self) -> bool {
        v::StepStatus::from(*self).is_settled()
    }
}

/// What the user does to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum StepAction {
    Start,
    Submit,
    Done,
    Skip,
    Block,
    /// Reverts the step's latest transition not yet undone.
    Undo,
}
mirror_enum!(
    StepAction,
    v::StepAction,
    [Start, Submit, Done, Skip, Block, Undo]
);

#[uniffi::export]
impl StepAction {
    /// Whether the state machine allows this action from `from` (dependencies, blockers
    /// and times are checked when it is applied). Always false for `Undo`: whether a step
    /// can be undone depends on its journal, not on its status; read `StepRecord.can_undo`.
    pub fn allowed_from(&self, from: StepStatus) -> bool {
        *self != StepAction::Undo && v::allowed(from.into(), (*self).into())
    }
}

/// Another way to carry out a step, as planned.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepRouteRecord {
    pub id: String,
    pub title: LocalizedText,
    pub channel: Channel,
    pub duration: Option<DurationRecord>,
}

/// One step of a case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepRecord {
    pub id: String,
    /// 1-based position in the current plan (last known position for dropped steps).
    pub number: i32,
    pub status: StepStatus,
    /// The step has a transition not yet undone, so `StepAction::Undo` applies (enable the
    /// undo button). Not a question of the status: see `StepAction::allowed_from`.
    pub can_undo: bool,
    /// False for steps that left the plan after a change of facts or pack.
    pub in_plan: bool,
    pub title: LocalizedText,
    pub kind: StepKind,
    pub channel: Channel,
    /// May apply, pending answers to `open_facts`.
    pub undetermined: bool,
    pub open_facts: Vec<String>,
    pub depends_on: Vec<String>,
    /// Dependencies not yet done or skipped.
    pub waiting_on: Vec<String>,
    /// Time of the latest transition.
    pub status_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub done_at: Option<Timestamp>,
    /// The route taken (an alternative's id), if any.
    pub route: Option<String>,
    /// Note of the latest transition.
    pub note: Option<String>,
    /// The duration that runs once submitted.
    pub duration: Option<DurationRecord>,
    /// Set while the step's clock runs (submitted, or blocked after submission).
    pub deadline: Option<DeadlineRecord>,
    pub overdue: bool,
    pub alternatives: Vec<StepRouteRecord>,
    /// What to do when the deadline passes without an answer.
    pub escalation: Option<LocalizedText>,
}

/// A plan blocker stored with a case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseBlockerRecord {
    pub id: String,
    /// False when it applies for sure; true when it depends on unanswered facts.
    pub undetermined: bool,
    pub open_facts: Vec<String>,
    pub title: LocalizedText,
    pub remedy: LocalizedText,
}

/// Steps done or skipped out of the steps in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CaseProgressRecord {
    pub settled: i32,
    pub total: i32,
}

/// The running deadline of a case that comes first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NextDeadlineRecord {
    pub step_id: String,
    pub deadline: DeadlineRecord,
    pub overdue: bool,
}

/// A case with its steps in plan order, deadlines and overdue flags at the `now` asked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseRecord {
    pub id: String,
    pub scenario_id: String,
    pub pack_version: String,
    pub title: LocalizedText,
    /// The facts the user gave (pack defaults are not stored), typed, in id order.
    pub facts: Vec<Fact>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived: bool,
    pub blockers: Vec<CaseBlockerRecord>,
    pub missing_facts: Vec<String>,
    pub steps: Vec<StepRecord>,
    /// Steps that left the plan, kept with their progress.
    pub dropped_steps: Vec<StepRecord>,
    pub progress: CaseProgressRecord,
    pub next_deadline: Option<NextDeadlineRecord>,
    pub overdue_steps: Vec<String>,
}

/// One line of the case list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseSummaryRecord {
    pub id: String,
    pub scenario_id: String,
    pub pack_version: String,
    pub title: LocalizedText,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived: bool,
    pub progress: CaseProgressRecord,
    pub next_deadline: Option<NextDeadlineRecord>,
    pub overdue_steps: i32,
}

/// Options of a transition; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct TransitionOptionsRecord {
    /// When it happened; none means `now`. Not after `now` (a minute of clock skew is
    /// tolerated), not before the step's previous transition.
    #[uniffi(default = None)]
    pub at: Option<Timestamp>,
    /// Kept in the journal (and shown as the step's note).
    #[uniffi(default = None)]
    pub note: Option<String>,
    /// The alternative taken, for a submit: its duration replaces the step's.
    #[uniffi(default = None)]
    pub route: Option<String>,
}

/// What a transition did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransitionRecord {
    pub case_id: String,
    pub step_id: String,
    pub action: StepAction,
    pub from_status: StepStatus,
    pub to_status: StepStatus,
    pub at: Timestamp,
    /// The journal entry recording it.
    pub seq: i64,
    /// For an undo: the journal entry it reverted.
    pub undoes: Option<i64>,
    /// The step's deadline after the transition (submitted steps with a duration).
    pub deadline: Option<DeadlineRecord>,
}

/// A step named in a re-plan report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepRefRecord {
    pub id: String,
    pub status: StepStatus,
    pub title: LocalizedText,
}

/// A step whose definition changed in a pack upgrade.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepChangeRecord {
    pub id: String,
    /// `title`, `kind`, `depends_on`, `duration`, `routes`.
    pub fields: Vec<String>,
    pub status: StepStatus,
    pub title: LocalizedText,
}

/// What a change of facts or a pack upgrade did to a case's plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReplanReportRecord {
    pub case_id: String,
    pub from_version: String,
    pub to_version: String,
    /// False when nothing was written (an upgrade to the version the case already has).
    pub changed_anything: bool,
    pub added: Vec<StepRefRecord>,
    /// Steps that left the plan; kept (as dropped) with their progress.
    pub dropped: Vec<StepRefRecord>,
    /// Dropped steps that came back, with their progress.
    pub restored: Vec<StepRefRecord>,
    pub changed: Vec<StepChangeRecord>,
    /// Given facts the new pack no longer accepts (removed from the case).
    pub facts_dropped: Vec<String>,
    /// Blockers of the new plan that certainly apply.
    pub blockers: Vec<String>,
    pub seq: Option<i64>,
}

/// One journal entry of a case (append-only; an undo is a new entry).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseEventRecord {
    pub seq: i64,
    /// `case_created`, `transition`, `undo`, `facts_changed`, `upgraded`, `archived`,
    /// `unarchived`.
    pub kind: String,
    /// When it happened (given by the user, or when it was recorded).
    pub at: Timestamp,
    pub recorded_at: Timestamp,
    pub step_id: Option<String>,
    pub from_status: Option<StepStatus>,
    pub to_status: Option<StepStatus>,
    pub action: Option<StepAction>,
    pub note: Option<String>,
    pub undoes: Option<i64>,
}

// -- conversions -----------------------------------------------------------------------

/// What the conversions need: the calendar deadlines were counted with (for the estimate
/// reason) and the rule book (to type the facts).
pub(crate) struct Ctx<'a> {
    pub(crate) calendar: &'a ChinaCalendar,
    pub(crate) book: &'a RuleBook,
}

/// The steps with a transition not yet undone, from a case's journal: those `Undo` applies
/// to (the vault undoes a step's latest transition that no later entry undid).
pub(crate) fn undoable_steps(journal: &[v::Event]) -> std::collections::BTreeSet<String> {
    let undone: std::collections::BTreeSet<i64> = journal.iter().filter_map(|e| e.undoes).collect();
    journal
        .iter()
        .filter(|e| e.kind == "transition" && !undone.contains(&e.seq))
        .filter_map(|e| e.step.clone())
        .collect()
}

impl Ctx<'_> {
    /// The calendar's full deadline record for a vault deadline: recomputed from the step's
    /// duration (the same function the vault used), else converted field by field.
    fn deadline(
        &self,
        d: &v::StepDeadline,
        duration: Option<&tuilu_core::rules::pack::DurationDef>,
    ) -> DeadlineRecord {
        if let Some(full) = duration
            .and_then(|dur| step_deadline(self.calendar, dur, d.clock_start).ok())
            .filter(|full| full.deadline_utc == d.deadline_utc)
        {
            return (&full).into();
        }
        DeadlineRecord {
            unit: d.unit.into(),
            clock_start: d.clock_start,
            earliest_date: d.earliest,
            latest_date: d.latest,
            earliest_utc: d.earliest_utc,
            deadline_utc: d.deadline_utc,
            deadline_beijing: d
                .deadline_beijing
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            estimated: d.estimated,
            estimate_reason: None,
        }
    }

    pub(crate) fn step(&self, s: &v::StepView, can_undo: bool) -> StepRecord {
        let def = &s.definition;
        StepRecord {
            id: s.id.clone(),
            number: int32(s.number),
            status: s.status.into(),
            can_undo,
            in_plan: s.in_plan,
            title: (&s.title).into(),
            kind: s.kind.into(),
            channel: def.channel.into(),
            undetermined: s.undetermined,
            open_facts: def.open_facts.clone(),
            depends_on: s.depends_on.clone(),
            waiting_on: s.waiting_on.clone(),
            status_at: s.status_at,
            started_at: s.started_at,
            submitted_at: s.submitted_at,
            done_at: s.done_at,
            route: s.route.clone(),
            note: s.note.clone(),
            duration: s.duration.as_ref().map(Into::into),
            deadline: s
                .deadline
                .as_ref()
                .map(|d| self.deadline(d, s.duration.as_ref())),
            overdue: s.overdue,
            alternatives: def
                .alternatives
                .iter()
                .map(|r| StepRouteRecord {
                    id: r.id.clone(),
                    title: (&r.title).into(),
                    channel: r.channel.into(),
                    duration: r.duration.as_ref().map(Into::into),
                })
                .collect(),
            escalation: def.escalation.as_ref().map(Into::into),
        }
    }

    fn next_deadline(&self, n: &v::NextDeadline, steps: &[v::StepView]) -> NextDeadlineRecord {
        let duration = steps
            .iter()
            .find(|s| s.id == n.step)
            .and_then(|s| s.duration.as_ref());
        NextDeadlineRecord {
            step_id: n.step.clone(),
            deadline: self.deadline(&n.deadline, duration),
            overdue: n.overdue,
        }
    }

    /// `journal`: the case's journal (which steps can be undone).
    pub(crate) fn case(&self, c: &v::CaseView, journal: &[v::Event]) -> CaseRecord {
        let undoable = undoable_steps(journal);
        let step = |s: &v::StepView| self.step(s, undoable.contains(&s.id));
        CaseRecord {
            id: c.id.clone(),
            scenario_id: c.scenario.clone(),
            pack_version: c.pack_version.clone(),
            title: (&c.title).into(),
            facts: self.facts(&c.scenario, &c.facts),
            created_at: c.created_at,
            updated_at: c.updated_at,
            archived: c.archived,
            blockers: c
                .blockers
                .iter()
                .map(|b| CaseBlockerRecord {
                    id: b.id.clone(),
                    undetermined: b.undetermined,
                    open_facts: b.open_facts.clone(),
                    title: (&b.title).into(),
                    remedy: (&b.remedy).into(),
                })
                .collect(),
            missing_facts: c.missing_facts.clone(),
            steps: c.steps.iter().map(step).collect(),
            dropped_steps: c.dropped_steps.iter().map(step).collect(),
            progress: progress(c.progress),
            next_deadline: c
                .next_deadline
                .as_ref()
                .map(|n| self.next_deadline(n, &c.steps)),
            overdue_steps: c.overdue_steps.clone(),
        }
    }

    /// A summary has no steps: its next deadline is converted field by field, unless the
    /// caller passes the case.
    pub(crate) fn summary(&self, s: &v::CaseSummary) -> CaseSummaryRecord {
        CaseSummaryRecord {
            id: s.id.clone(),
            scenario_id: s.scenario.clone(),
            pack_version: s.pack_version.clone(),
            title: (&s.title).into(),
            created_at: s.created_at,
            updated_at: s.updated_at,
            archived: s.archived,
            progress: progress(s.progress),
            next_deadline: s.next_deadline.as_ref().map(|n| self.next_deadline(n, &[])),
            overdue_steps: int32(s.overdue_steps),
        }
    }

    pub(crate) fn transition(
        &self,
        t: &v::TransitionOutcome,
        duration: Option<&tuilu_core::rules::pack::DurationDef>,
    ) -> TransitionRecord {
        TransitionRecord {
            case_id: t.case_id.clone(),
            step_id: t.step.clone(),
            action: t.action.into(),
            from_status: t.from.into(),
            to_status: t.to.into(),
            at: t.at,
            seq: t.seq,
            undoes: t.undoes,
            deadline: t.deadline.as_ref().map(|d| self.deadline(d, duration)),
        }
    }

    /// The stored facts (JSON) typed with the scenario's definitions; a fact the rule book
    /// does not know (an older pack) comes back as text.
    fn facts(&self, scenario: &str, facts: &BTreeMap<String, serde_json::Value>) -> Vec<Fact> {
        let sc = self.book.get(scenario);
        facts
            .iter()
            .map(|(id, json)| {
                let typed = sc
                    .and_then(|s| s.fact(id))
                    .and_then(|def| CoreFactValue::from_json(def, json).ok());
                let value = match typed {
                    Some(v) => FactValue::from(&v),
                    None => FactValue::Text {
                        value: match json {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        },
                    },
                };
                Fact {
                    id: id.clone(),
                    value,
                }
            })
            .collect()
    }
}

fn progress(p: v::Progress) -> CaseProgressRecord {
    CaseProgressRecord {
        settled: int32(p.settled),
        total: int32(p.total),
    }
}

fn step_ref(s: &v::StepRef) -> StepRefRecord {
    StepRefRecord {
        id: s.id.clone(),
        status: s.status.into(),
        title: (&s.title).into(),
    }
}

impl From<&v::ReplanReport> for ReplanReportRecord {
    fn from(r: &v::ReplanReport) -> ReplanReportRecord {
        ReplanReportRecord {
            case_id: r.case_id.clone(),
            from_version: r.from_version.clone(),
            to_version: r.to_version.clone(),
            changed_anything: r.changed_anything,
            added: r.added.iter().map(step_ref).collect(),
            dropped: r.dropped.iter().map(step_ref).collect(),
            restored: r.restored.iter().map(step_ref).collect(),
            changed: r
                .changed
                .iter()
                .map(|c| StepChangeRecord {
                    id: c.id.clone(),
                    fields: c.fields.iter().map(|f| f.to_string()).collect(),
                    status: c.status.into(),
                    title: (&c.title).into(),
                })
                .collect(),
            facts_dropped: r.facts_dropped.clone(),
            blockers: r.blockers.clone(),
            seq: r.seq,
        }
    }
}

impl From<&v::Event> for CaseEventRecord {
    fn from(e: &v::Event) -> CaseEventRecord {
        CaseEventRecord {
            seq: e.seq,
            kind: e.kind.clone(),
            at: e.at,
            recorded_at: e.recorded_at,
            step_id: e.step.clone(),
            from_status: e.from_status.map(Into::into),
            to_status: e.to_status.map(Into::into),
            action: e.action.map(Into::into),
            note: e.note.clone(),
            undoes: e.undoes,
        }
    }
}
