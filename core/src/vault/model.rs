//! Plain data types of the vault: step states and actions, the snapshot of a plan stored
//! with a case, and what reads return.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Deadline;
use crate::rules::pack::{Channel, DurationDef, StepKind};
use crate::rules::plan::{Applicability, Blocker, Plan, PlanStep};
use crate::text::Text;

/// The state of one step of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Todo,
    InProgress,
    /// Handed in; the step's clock runs from `submitted_at`.
    Submitted,
    Done,
    Skipped,
    /// Stuck (refused, no answer...): marked by the user.
    Blocked,
}

impl StepStatus {
    pub const ALL: [StepStatus; 6] = [
        StepStatus::Todo,
        StepStatus::InProgress,
        StepStatus::Submitted,
        StepStatus::Done,
        StepStatus::Skipped,
        StepStatus::Blocked,
    ];

    /// The stored name (`in_progress`...).
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Todo => "todo",
            StepStatus::InProgress => "in_progress",
            StepStatus::Submitted => "submitted",
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<StepStatus> {
        StepStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> Text {
        let (zh, en) = self.labels();
        Text::new(zh, en)
    }

    /// The status in the words of the step's kind: a wait or window whose clock runs was
    /// not handed in to anyone, so it is 计时中 (clock running), not 已提交.
    pub fn label_for(self, kind: StepKind) -> Text {
        match (kind, self) {
            (StepKind::Wait | StepKind::Window, StepStatus::Submitted) => {
                Text::new("计时中", "clock running")
            }
            _ => self.label(),
        }
    }

    pub(crate) fn labels(self) -> (&'static str, &'static str) {
        match self {
            StepStatus::Todo => ("待办", "to do"),
            StepStatus::InProgress => ("进行中", "in progress"),
            StepStatus::Submitted => ("已提交", "submitted"),
            StepStatus::Done => ("已完成", "done"),
            StepStatus::Skipped => ("已跳过", "skipped"),
            StepStatus::Blocked => ("受阻", "blocked"),
        }
    }

    /// Done or skipped: dependents may go ahead.
    pub fn is_settled(self) -> bool {
        matches!(self, StepStatus::Done | StepStatus::Skipped)
    }
}

/// What the user does to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    Start,
    Submit,
    Done,
    Skip,
    Block,
    Undo,
}

impl StepAction {
    pub const ALL: [StepAction; 6] = [
        StepAction::Start,
        StepAction::Submit,
        StepAction::Done,
        StepAction::Skip,
        StepAction::Block,
        StepAction::Undo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepAction::Start => "start",
            StepAction::Submit => "submit",
            StepAction::Done => "done",
            StepAction::Skip => "skip",
            StepAction::Block => "block",
            StepAction::Undo => "undo",
        }
    }

    pub fn parse(s: &str) -> Option<StepAction> {
        StepAction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub(crate) fn labels(self) -> (&'static str, &'static str) {
        match self {
            StepAction::Start => ("开始", "start"),
            StepAction::Submit => ("提交", "submit"),
            StepAction::Done => ("完成", "complete"),
            StepAction::Skip => ("跳过", "skip"),
            StepAction::Block => ("标记受阻", "mark as blocked"),
            StepAction::Undo => ("撤销", "undo"),
        }
    }

    /// The status a forward action leads to (`None` for undo).
    pub fn target(self) -> Option<StepStatus> {
        match self {
            StepAction::Start => Some(StepStatus::InProgress),
            StepAction::Submit => Some(StepStatus::Submitted),
            StepAction::Done => Some(StepStatus::Done),
            StepAction::Skip => Some(StepStatus::Skipped),
            StepAction::Block => Some(StepStatus::Blocked),
            StepAction::Undo => None,
        }
    }
}

/// Whether a forward action is allowed from a status (the state machine; dependencies,
/// blockers and times are checked separately).
///
/// | from \ action | start | submit | done | skip | block |
/// |---------------|-------|--------|------|------|-------|
/// | todo          | ✓     | ✓      | ✓    | ✓    | ✓     |
/// | in_progress   |       | ✓      | ✓    | ✓    | ✓     |
/// | submitted     | ✓ (rejected, redo) |  | ✓ |  | ✓     |
/// | blocked       | ✓     | ✓      | ✓    | ✓    |       |
/// | skipped       | ✓     |        |      |      |       |
/// | done          |       |        |      |      |       |
///
/// `done` is final: only `undo` leaves it, so a done step never goes back to submitted.
pub fn allowed(from: StepStatus, action: StepAction) -> bool {
    use StepAction as A;
    use StepStatus as S;
    matches!(
        (from, action),
        (_, A::Undo)
            | (S::Todo, A::Start | A::Submit | A::Done | A::Skip | A::Block)
            | (S::InProgress, A::Submit | A::Done | A::Skip | A::Block)
            | (S::Submitted, A::Start | A::Done | A::Block)
            | (S::Blocked, A::Start | A::Submit | A::Done | A::Skip)
            | (S::Skipped, A::Start)
    )
}

/// What decides whether an action may be taken on a step now, apart from the time the
/// event gives and the route it names (those are checked with the event). The one rule
/// of which actions a step allows: the vault enforces it on every transition
/// ([`Vault::transition`](super::Vault::transition)) and the case view offers exactly the
/// actions it lets through, so a button never leads to a refusal and the command line
/// cannot do what the phones would not offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFacts<'a> {
    pub status: StepStatus,
    pub kind: StepKind,
    /// A duration runs once the step is handed in (its route's, else its own).
    pub has_clock: bool,
    /// The first step it depends on (in the plan) that is not settled, with its status.
    pub unsettled_dependency: Option<(&'a str, StepStatus)>,
    /// The first blocker that applies, holds it back and is not resolved.
    pub holding_blocker: Option<&'a str>,
    /// The first step depending on it (in the plan) that has moved, with its status.
    pub started_dependent: Option<(&'a str, StepStatus)>,
}

/// Why [`refusal`] refuses an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal<'a> {
    /// The state machine does not go there from the step's status ([`allowed`]).
    Status,
    /// A waiting period or a window has nothing to start apart from its clock.
    NothingToStart,
    /// An action with no duration has no answer to wait for: it is done, not handed in.
    NoAnswerToAwait,
    /// A step it depends on is not settled yet.
    Dependency(&'a str, StepStatus),
    /// A blocker holds it back: nothing can be handed in, nor marked done in its place
    /// (a step with a clock).
    Blocker(&'a str),
    /// It would become unsettled while a step depending on it has already moved.
    DependentStarted(&'a str, StepStatus),
}

/// Whether `action` may be taken on a step with these facts, and if not, why (the first
/// reason, in the order the vault has always checked them).
pub fn refusal<'a>(f: &StepFacts<'a>, action: StepAction) -> Option<Refusal<'a>> {
    use StepAction as A;
    if !allowed(f.status, action) {
        return Some(Refusal::Status);
    }
    if action == A::Start && f.kind != StepKind::Action && f.status == StepStatus::Todo {
        return Some(Refusal::NothingToStart);
    }
    if action == A::Submit && f.kind == StepKind::Action && !f.has_clock {
        return Some(Refusal::NoAnswerToAwait);
    }
    if matches!(action, A::Start | A::Submit | A::Done) {
        if let Some((dep, status)) = f.unsettled_dependency {
            return Some(Refusal::Dependency(dep, status));
        }
    }
    let held = match action {
        A::Submit => true,
        A::Done => f.has_clock,
        _ => false,
    };
    if let Some(b) = f.holding_blocker.filter(|_| held) {
        return Some(Refusal::Blocker(b));
    }
    if f.status.is_settled() && action.target().is_some_and(|t| !t.is_settled()) {
        if let Some((dependent, status)) = f.started_dependent {
            return Some(Refusal::DependentStarted(dependent, status));
        }
    }
    None
}

/// One route of a step, as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteSnapshot {
    pub id: String,
    pub title: Text,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationDef>,
}

/// A step's definition as it was planned, stored with the case so the case keeps working
/// (and an upgrade can say what changed) whatever packs the build bundles later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepSnapshot {
    pub kind: StepKind,
    /// True when the step may apply, pending answers to `open_facts`.
    #[serde(default)]
    pub undetermined: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub title: Text,
    pub channel: Channel,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<RouteSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Text>,
}

impl StepSnapshot {
    pub fn from_plan(s: &PlanStep) -> StepSnapshot {
        StepSnapshot {
            kind: s.kind,
            undetermined: s.applicability == Applicability::Undetermined,
            open_facts: s.open_facts.clone(),
            title: s.title.clone(),
            channel: s.channel,
            depends_on: s.depends_on.clone(),
            duration: s.duration.clone(),
            alternatives: s
                .alternatives
                .iter()
                .map(|r| RouteSnapshot {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    channel: r.channel,
                    duration: r.duration.clone(),
                })
                .collect(),
            escalation: s.escalation.clone(),
        }
    }

    /// The duration that runs once the step is submitted by `route` (the route's own
    /// duration when it has one, else the step's).
    pub fn duration_for(&self, route: Option<&str>) -> Option<&DurationDef> {
        route
            .and_then(|r| self.alternatives.iter().find(|a| a.id == r))
            .and_then(|a| a.duration.as_ref())
            .or(self.duration.as_ref())
    }

    /// Which of the fields that matter to the user differ (`title`, `kind`, `depends_on`,
    /// `duration`, `routes`).
    pub fn changed_fields(&self, newer: &StepSnapshot) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.title != newer.title {
            out.push("title");
        }
        if self.kind != newer.kind {
            out.push("kind");
        }
        if self.depends_on != newer.depends_on {
            out.push("depends_on");
        }
        if self.duration != newer.duration {
            out.push("duration");
        }
        let routes = |s: &StepSnapshot| -> Vec<(String, Option<DurationDef>)> {
            s.alternatives
                .iter()
                .map(|a| (a.id.clone(), a.duration.clone()))
                .collect()
        };
        if routes(self) != routes(newer) {
            out.push("routes");
        }
        out
    }
}

/// A plan blocker as stored with the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockerSnapshot {
    pub id: String,
    /// False when it applies for sure; true when it depends on unanswered facts.
    #[serde(default)]
    pub undetermined: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub title: Text,
    pub remedy: Text,
    /// The steps it holds back; empty: every step handed in (cases from before packs
    /// said which).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<String>,
    /// Steps that remove it once done (every one in the plan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_by: Vec<String>,
}

impl BlockerSnapshot {
    pub fn from_plan(b: &Blocker) -> BlockerSnapshot {
        BlockerSnapshot {
            id: b.id.clone(),
            undetermined: b.applicability == Applicability::Undetermined,
            open_facts: b.open_facts.clone(),
            title: b.title.clone(),
            remedy: b.remedy.clone(),
            blocks: b.blocks.clone(),
            resolved_by: b.resolved_by.clone(),
        }
    }

    /// Whether it holds back `step` (while it applies).
    pub fn holds_back(&self, step: &str) -> bool {
        self.blocks.is_empty() || self.blocks.iter().any(|b| b == step)
    }

    /// Whether steps of the plan removed it: it names some, at least one of them is in
    /// the plan, and every one in the plan is done. `status` gives the in-plan steps'
    /// statuses.
    pub fn resolved(&self, status: &dyn Fn(&str) -> Option<StepStatus>) -> bool {
        let in_plan: Vec<StepStatus> = self.resolved_by.iter().filter_map(|s| status(s)).collect();
        !in_plan.is_empty() && in_plan.iter().all(|s| *s == StepStatus::Done)
    }
}

/// The case-level part of a plan stored with the case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    #[serde(default)]
    pub blockers: Vec<BlockerSnapshot>,
    #[serde(default)]
    pub missing_facts: Vec<String>,
}

impl PlanMeta {
    pub fn from_plan(p: &Plan) -> PlanMeta {
        PlanMeta {
            blockers: p.blockers.iter().map(BlockerSnapshot::from_plan).collect(),
            missing_facts: p.missing_facts.clone(),
        }
    }

    /// Ids of blockers that certainly apply.
    pub fn applying_blockers(&self) -> Vec<&str> {
        self.blockers
            .iter()
            .filter(|b| !b.undetermined)
            .map(|b| b.id.as_str())
            .collect()
    }

    /// Ids of blockers that certainly apply, hold back `step`, and are not resolved by
    /// steps done (`status`: the in-plan steps' statuses).
    pub fn blockers_holding_back(
        &self,
        step: &str,
        status: &dyn Fn(&str) -> Option<StepStatus>,
    ) -> Vec<&str> {
        self.blockers
            .iter()
            .filter(|b| !b.undetermined && b.holds_back(step) && !b.resolved(status))
            .map(|b| b.id.as_str())
            .collect()
    }
}

/// Options of a transition.
#[derive(Debug, Clone, Default)]
pub struct TransitionOptions {
    /// When it happened; `None` means `now`. Must not be after `now` (a minute of clock
    /// skew is tolerated) nor before the step's previous transition.
    pub at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// The route taken (an alternative's id), for `submit`: its duration, when it has one,
    /// replaces the step's.
    pub route: Option<String>,
}

/// A step of a case as read back.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub id: String,
    /// 1-based position in the current plan (last known position for dropped steps).
    pub number: i64,
    pub status: StepStatus,
    /// False for steps that left the plan after a change of facts or pack (kept, with
    /// their progress, in case they come back).
    pub in_plan: bool,
    pub title: Text,
    pub kind: StepKind,
    pub undetermined: bool,
    pub depends_on: Vec<String>,
    /// Dependencies not yet done or skipped.
    pub waiting_on: Vec<String>,
    /// Time of the latest transition.
    pub status_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub route: Option<String>,
    /// Note of the latest transition, if any.
    pub note: Option<String>,
    /// The duration that runs once submitted.
    pub duration: Option<DurationDef>,
    /// Set for steps whose clock runs (submitted, or blocked after submission).
    pub deadline: Option<Deadline>,
    pub overdue: bool,
    /// The step's definition as planned (routes, escalation...).
    pub definition: StepSnapshot,
}

/// A case as read back, steps in plan order.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: String,
    pub scenario: String,
    pub pack_version: String,
    pub title: Text,
    /// Facts the user gave (pack defaults are not stored).
    pub facts: BTreeMap<String, serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived: bool,
    pub blockers: Vec<BlockerSnapshot>,
    pub missing_facts: Vec<String>,
    pub steps: Vec<StepView>,
    /// Steps that left the plan; never deleted.
    pub dropped_steps: Vec<StepView>,
    pub progress: Progress,
    /// The submitted step whose deadline comes first.
    pub next_deadline: Option<NextDeadline>,
    pub overdue_steps: Vec<String>,
}

impl CaseView {
    pub fn step(&self, id: &str) -> Option<&StepView> {
        self.steps
            .iter()
            .chain(&self.dropped_steps)
            .find(|s| s.id == id)
    }
}

/// Done or skipped steps out of the steps in the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub settled: usize,
    pub total: usize,
}

/// The earliest running deadline of a case.
#[derive(Debug, Clone, Serialize)]
pub struct NextDeadline {
    pub step: String,
    pub deadline: Deadline,
    pub overdue: bool,
    /// The step, for lists that show it without loading the case.
    pub brief: StepBrief,
    /// What the running period means (the duration's sense).
    pub sense: crate::rules::pack::TimeSense,
}

/// A step named in a list: its number, title and kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepBrief {
    pub id: String,
    pub number: i64,
    pub title: Text,
    pub kind: StepKind,
    /// Its dependencies in the plan.
    pub depends_on: Vec<String>,
}

/// A handed-in step whose clock runs, with its deadline at the time asked: what the
/// reminders of the cases not archived are planned from ([`super::Vault::running_clocks`]),
/// read without building each case's whole view.
#[derive(Debug, Clone)]
pub struct RunningClock {
    pub case_id: String,
    pub case_title: Text,
    pub step_id: String,
    pub step_title: Text,
    pub kind: StepKind,
    pub status: StepStatus,
    /// The duration that runs (the route's when the step has one).
    pub duration: DurationDef,
    pub deadline: Deadline,
    pub escalation: Option<Text>,
}

/// One line of `case list`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub scenario: String,
    pub pack_version: String,
    pub title: Text,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived: bool,
    pub progress: Progress,
    pub next_deadline: Option<NextDeadline>,
    pub overdue_steps: usize,
    /// The first step in plan order still to do (to do, in progress or blocked).
    /// Shared with the case's digest (`vault::digest`): a list of a thousand cases copies
    /// no step text.
    pub next_step: Option<std::sync::Arc<StepBrief>>,
    /// Steps handed in and waiting for an answer, in plan order: those the list line
    /// names (the first, and the one the next step waits for), not every one.
    pub submitted: Vec<std::sync::Arc<StepBrief>>,
}

/// What a transition did.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionOutcome {
    pub case_id: String,
    pub step: String,
    pub action: StepAction,
    pub from: StepStatus,
    pub to: StepStatus,
    pub at: DateTime<Utc>,
    /// Sequence number of the journal entry recording it.
    pub seq: i64,
    /// For `undo`: the journal entry it reverted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undoes: Option<i64>,
    pub deadline: Option<Deadline>,
}

/// A step named in a re-plan report, with its status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRef {
    pub id: String,
    pub status: StepStatus,
    pub title: Text,
}

/// A step whose definition changed in a pack upgrade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepChange {
    pub id: String,
    pub fields: Vec<&'static str>,
    pub status: StepStatus,
    pub title: Text,
}

/// What a change of facts or an upgrade did to the plan.
#[derive(Debug, Clone, Serialize)]
pub struct ReplanReport {
    pub case_id: String,
    pub from_version: String,
    pub to_version: String,
    /// False when nothing was done (an upgrade to the version the case already has).
    pub changed_anything: bool,
    /// Steps new to the case.
    pub added: Vec<StepRef>,
    /// Steps that left the plan; kept in the vault (as dropped) with their progress.
    pub dropped: Vec<StepRef>,
    /// Dropped steps that came back, with their progress.
    pub restored: Vec<StepRef>,
    /// Steps still in the plan whose definition changed (pack upgrades).
    pub changed: Vec<StepChange>,
    /// Given facts the new pack no longer accepts (removed from the case).
    pub facts_dropped: Vec<String>,
    /// Blockers of the new plan that certainly apply.
    pub blockers: Vec<String>,
    /// Journal entry recording the change.
    pub seq: Option<i64>,
}

/// One journal entry. The journal is append-only: an undo is a new entry pointing at the
/// one it reverts.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub seq: i64,
    pub case_id: String,
    /// When it happened (given by the user, or the time it was recorded).
    pub at: DateTime<Utc>,
    /// When it was written.
    pub recorded_at: DateTime<Utc>,
    /// `case_created`, `transition`, `undo`, `facts_changed`, `upgraded`, `archived`,
    /// `unarchived`.
    pub kind: String,
    pub step: Option<String>,
    pub from_status: Option<StepStatus>,
    pub to_status: Option<StepStatus>,
    pub action: Option<StepAction>,
    pub note: Option<String>,
    pub undoes: Option<i64>,
    pub payload: serde_json::Value,
}
