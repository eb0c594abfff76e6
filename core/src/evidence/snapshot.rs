//! What an export bundle says about its case.
//!
//! [`CaseSnapshot`] is the one type the shells (CLI, FFI) hand to
//! [`EvidenceStore::export`](super::EvidenceStore::export): the case and its journal
//! verbatim (copied into `manifest.json`) and the same story in words ([`CaseStory`]) that
//! `index.html` shows to a reader who has never seen the app: the scenario, the facts that
//! shaped the plan, each step's start, submission and completion, each deadline with its
//! sense and the rule it comes from.
//!
//! A bundle goes to someone else (a platform, a guild, a lawyer), so by default
//! ([`Disclosure::PublicOnly`]) the snapshot carries only the facts the scenario's pack marks
//! public, and no notes: private answers are left out of the case, of every journal entry
//! (their payloads too) and of the story, which names the facts left out by their questions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::rules::pack::{Confidence, DurationDef, FactDef, FactType, Pack, Source, StepKind};
use crate::text::Text;
use crate::vault::{CaseView, DeadlineCalc, Event, StepAction, StepView};

/// How much of the case a bundle tells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// The facts the scenario marks public, and no notes (neither the journal's nor the
    /// evidence's): the default, as a bundle goes to someone else.
    #[default]
    PublicOnly,
    /// Every fact and every note: only when the user asks for it.
    IncludePrivate,
}

impl Disclosure {
    /// [`Disclosure::IncludePrivate`] when `include_private`, else the default.
    pub fn from_include_private(include_private: bool) -> Disclosure {
        if include_private {
            Disclosure::IncludePrivate
        } else {
            Disclosure::PublicOnly
        }
    }

    pub fn includes_private(self) -> bool {
        self == Disclosure::IncludePrivate
    }
}

/// The case part of an export: raw data for machines, words for people.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseSnapshot {
    /// What the snapshot (and the bundle made from it) tells; evidence notes follow it too.
    #[serde(default)]
    pub disclosure: Disclosure,
    /// The case as the vault reads it (facts, plan, steps with status and deadlines),
    /// without what `disclosure` leaves out.
    #[serde(default)]
    pub case: Value,
    /// The case journal, without what `disclosure` leaves out.
    #[serde(default)]
    pub events: Value,
    /// The same, in words.
    #[serde(default)]
    pub story: CaseStory,
}

/// The case in words, as the first page of `index.html` tells it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseStory {
    /// The scenario in words, e.g. 抖音：退出公会.
    pub scenario_title: Text,
    /// The scenario id and the rule-pack version the case was planned with.
    pub scenario: String,
    pub pack_version: String,
    /// The answers the user gave, in the pack's order, in words.
    pub facts: Vec<FactLine>,
    /// Case-level journal entries (created, facts changed, pack upgraded, archived).
    pub case_events: Vec<TimelineEvent>,
    /// Every step of the plan (then dropped steps that have a history), in plan order.
    pub steps: Vec<StepStory>,
    /// Answered facts left out as private: their questions, never their answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld_facts: Vec<WithheldFact>,
    /// Notes of the journal left out, each named by what it is about ("步骤「提交退会申请」",
    /// "案件记录"), never by its text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld_notes: Vec<Text>,
}

/// What a journal note is about: its step (by title), or the case.
pub(crate) fn note_about(step_title: Option<&Text>) -> Text {
    match step_title {
        Some(t) => Text::new(format!("步骤「{}」", t.zh), format!("step “{}”", t.en)),
        None => Text::new("案件记录", "the case's journal"),
    }
}

/// An answered fact a bundle leaves out: the question, not the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithheldFact {
    pub id: String,
    pub question: Text,
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactLine {
    pub id: String,
    pub question: Text,
    pub answer: Text,
}

/// One dated line of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub what: Text,
    /// The user's note on the change, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A step: what happened, its deadline and where the deadline comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepStory {
    pub id: String,
    pub number: i64,
    pub title: Text,
    /// The current status in words.
    pub status: Text,
    /// False for a step that left the plan.
    pub in_plan: bool,
    /// The step's journal entries, oldest first.
    pub events: Vec<TimelineEvent>,
    pub deadline: Option<DeadlineStory>,
    /// The rule the deadline (or the step) comes from.
    pub rule: Option<RuleSource>,
}

/// A deadline that ran (the step was submitted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineStory {
    /// What the time limit means, e.g. "来源所述的处理时间 1–3 个工作日（自“退出申请提交”起计）".
    pub sense: Text,
    pub clock_start: DateTime<Utc>,
    /// Beijing date of the earliest end and of the deadline.
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    /// The deadline instant (23:59:59 Beijing time of `latest` for day units).
    pub deadline: DateTime<Utc>,
    /// True when the dates are an estimate (holiday schedule unknown).
    pub estimated: bool,
    /// When the step was completed, if it was.
    pub done_at: Option<DateTime<Utc>>,
    /// The end is not firm (the source says it can be longer, not by how much): the
    /// deadline is the usual end and passing it is not a missed deadline.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open_end: bool,
}

/// Whether a deadline was met, as of a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineOutcome {
    /// Completed on time.
    Met,
    /// Completed after the deadline.
    MetLate,
    /// Passed without the step being completed.
    Passed,
    /// Still running.
    Running,
    /// Past the usual end of a period whose end is not firm, still running.
    PastUsual,
}

impl DeadlineStory {
    pub fn outcome(&self, now: DateTime<Utc>) -> DeadlineOutcome {
        match self.done_at {
            Some(_) if self.open_end => DeadlineOutcome::Met,
            None if self.open_end && now > self.deadline => DeadlineOutcome::PastUsual,
            Some(d) if d <= self.deadline => DeadlineOutcome::Met,
            Some(_) => DeadlineOutcome::MetLate,
            None if now > self.deadline => DeadlineOutcome::Passed,
            None => DeadlineOutcome::Running,
        }
    }
}

/// A rule's provenance, as the pack states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSource {
    /// The passage quoted verbatim from the source.
    pub quote: String,
    /// Source file (seed) name.
    pub seed: String,
    pub confidence: Option<Text>,
    /// `YYYY-MM-DD`.
    pub reviewed: String,
    /// The reviewer's remark (doubts, conflicts).
    pub note: Text,
    /// The pack version the rule was read from.
    pub pack_version: String,
}

impl CaseSnapshot {
    /// Builds the snapshot of `case` with its `journal`. `pack` is the scenario's rule pack
    /// (for the questions, answers, rule sources in words, and which facts are public);
    /// without it those parts stay empty and every fact counts as private. `calc`
    /// recomputes the deadline of steps already completed (the case view only keeps
    /// running deadlines). `disclosure` says whether private facts and notes come in.
    pub fn new(
        full_case: &CaseView,
        full_journal: &[Event],
        pack: Option<&Pack>,
        calc: &DeadlineCalc,
        disclosure: Disclosure,
    ) -> CaseSnapshot {
        let (case, journal, withheld_facts, withheld_notes) =
            disclose(full_case, full_journal, pack, disclosure);
        let (case, journal) = (&case, journal.as_slice());
        let mut case_events = Vec::new();
        for e in journal.iter().filter(|e| e.step.is_none()) {
            case_events.push(TimelineEvent {
                at: e.at,
                what: case_event_text(&e.kind),
                note: e.note.clone(),
            });
        }
        let mut steps = Vec::new();
        for (s, in_plan) in case
            .steps
            .iter()
            .map(|s| (s, true))
            .chain(case.dropped_steps.iter().map(|s| (s, false)))
        {
            let events: Vec<TimelineEvent> = journal
                .iter()
                .filter(|e| e.step.as_deref() == Some(s.id.as_str()))
                .map(|e| step_event(e, s))
                .collect();
            if !in_plan && events.is_empty() {
                continue;
            }
            steps.push(StepStory {
                id: s.id.clone(),
                number: s.number,
                title: s.title.clone(),
                status: s.status.label(),
                in_plan,
                events,
                deadline: deadline_story(s, calc),
                rule: pack.and_then(|p| rule_source(p, s)),
            });
        }
        CaseSnapshot {
            disclosure,
            case: serde_json::to_value(case).unwrap_or(Value::Null),
            events: serde_json::to_value(journal).unwrap_or(Value::Null),
            story: CaseStory {
                scenario_title: case.title.clone(),
                scenario: case.scenario.clone(),
                pack_version: case.pack_version.clone(),
                facts: fact_lines(case, pack),
                case_events,
                steps,
                withheld_facts,
                withheld_notes,
            },
        }
    }
}

/// The case and journal as `disclosure` lets them out, the facts left out (questions
/// only, in the pack's order) and what each journal note left out was about.
fn disclose(
    case: &CaseView,
    journal: &[Event],
    pack: Option<&Pack>,
    disclosure: Disclosure,
) -> (CaseView, Vec<Event>, Vec<WithheldFact>, Vec<Text>) {
    if disclosure.includes_private() {
        return (case.clone(), journal.to_vec(), Vec::new(), Vec::new());
    }
    let defs: &[FactDef] = pack.map(|p| p.facts.as_slice()).unwrap_or(&[]);
    let public = |id: &str| defs.iter().any(|d| d.id == id && d.is_public());
    let mut withheld_facts = Vec::new();
    for def in defs {
        if case.facts.contains_key(&def.id) && !def.is_public() {
            withheld_facts.push(WithheldFact {
                id: def.id.clone(),
                question: def.prompt.clone(),
            });
        }
    }
    // Facts the pack no longer knows count as private.
    for id in case.facts.keys() {
        if !defs.iter().any(|d| &d.id == id) {
            withheld_facts.push(WithheldFact {
                id: id.clone(),
                question: Text::new(id.clone(), id.clone()),
            });
        }
    }
    let mut out = case.clone();
    out.facts.retain(|id, _| public(id));
    for s in out.steps.iter_mut().chain(out.dropped_steps.iter_mut()) {
        s.note = None;
    }
    let mut notes = Vec::new();
    let events = journal
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if e.note.take().is_some_and(|n| !n.trim().is_empty()) {
                notes.push(note_about(
                    e.step
                        .as_deref()
                        .and_then(|s| case.step(s))
                        .map(|s| &s.title),
                ));
            }
            e.payload = public_payload(&e.kind, &e.payload, &public);
            e
        })
        .collect();
    (out, events, withheld_facts, notes)
}

/// A journal payload without private facts and notes. Payloads of kinds this function
/// does not know are left out whole: they could carry anything.
fn public_payload(kind: &str, payload: &Value, public: &dyn Fn(&str) -> bool) -> Value {
    let facts = |v: &Value| -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(crate::sort::collect_sorted::<Map<String, Value>, _>(
                    m.iter()
                        .filter(|(k, _)| public(k))
                        .map(|(k, v)| (k.clone(), v.clone())),
                ))
            }
            _ => Value::Null,
        }
    };
    let mut p = payload.clone();
    let keys: &[&str] = match kind {
        "case_created" => &["facts"],
        "facts_changed" | "upgraded" => &["facts_before", "facts_after"],
        "transition" | "undo" | "archived" | "unarchived" => &[],
        _ => return Value::Null,
    };
    if let Value::Object(m) = &mut p {
        for k in keys {
            if let Some(v) = m.get_mut(*k) {
                *v = facts(v);
            }
        }
    }
    drop_notes(&mut p);
    p
}

/// Removes every `note` field (a step state's note, at any depth).
fn drop_notes(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("note");
            m.values_mut().for_each(drop_notes);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_notes),
        _ => {}
    }
}

fn case_event_text(kind: &str) -> Text {
    match kind {
        "case_created" => Text::new("创建案件，生成计划", "case created, plan made"),
        "facts_changed" => Text::new(
            "修改了案件事实，计划随之更新",
            "facts changed, plan updated",
        ),
        "upgraded" => Text::new(
            "规则包升级，计划随之更新",
            "rule pack upgraded, plan updated",
        ),
        "archived" => Text::new("案件归档", "case archived"),
        "unarchived" => Text::new("案件取消归档", "case taken out of the archive"),
        other => Text::new(other, other),
    }
}

fn step_event(e: &Event, s: &StepView) -> TimelineEvent {
    let what = match (e.kind.as_str(), e.action) {
        ("undo", _) => match e.to_status {
            Some(st) => {
                let l = st.label();
                Text::new(
                    format!("撤销上一次操作（恢复为“{}”）", l.zh),
                    format!("undid the previous change (back to \"{}\")", l.en),
                )
            }
            None => Text::new("撤销上一次操作", "undid the previous change"),
        },
        (_, Some(StepAction::Start)) => Text::new("开始办理", "started"),
        (_, Some(StepAction::Submit)) => {
            let route = e
                .payload
                .get("route")
                .and_then(Value::as_str)
                .and_then(|r| s.definition.alternatives.iter().find(|a| a.id == r));
            match route {
                Some(r) => Text::new(
                    format!("提交（途径：{}）", r.title.zh),
                    format!("submitted (route: {})", r.title.en),
                ),
                None => Text::new("提交", "submitted"),
            }
        }
        (_, Some(StepAction::Done)) => Text::new("完成", "completed"),
        (_, Some(StepAction::Skip)) => Text::new("跳过", "skipped"),
        (_, Some(StepAction::Block)) => Text::new("标记为受阻", "marked as blocked"),
        _ => Text::new(e.kind.clone(), e.kind.clone()),
    };
    TimelineEvent {
        at: e.at,
        what,
        note: e.note.clone(),
    }
}

/// "自“退出申请提交”起 1–3 个工作日" / "1–3 working days from \"application submitted\"".
fn duration_sense(d: &DurationDef, kind: StepKind) -> Text {
    let count = if d.min == d.max {
        d.max.to_string()
    } else {
        format!("{}–{}", d.min, d.max)
    };
    let unit = d.unit.label();
    // As the source says it ("6个月至1年"), the count of units as a detail.
    let (zh_span, en_span) = if d.as_said.zh.is_empty() {
        (
            format!("{count} {}", unit.zh.trim()),
            format!("{count} {}", unit.en.trim()),
        )
    } else {
        (
            format!("{}（{count} {}）", d.as_said.zh, unit.zh.trim()),
            format!("{} ({count} {})", d.as_said.en, unit.en.trim()),
        )
    };
    let (zh_lead, en_lead) = match kind {
        StepKind::Wait => ("来源所述的等待时间", "the expected wait of"),
        _ => ("来源所述的处理时间", "the stated handling time of"),
    };
    let mut t = Text::new(
        format!("{zh_lead} {zh_span}（自“{}”起计）", d.starts_on.zh),
        format!("{en_lead} {en_span} (from \"{}\")", d.starts_on.en),
    );
    // An end that is not firm: the time is the usual one, and the words say why.
    if let Some(open) = d.open_end_text() {
        t.zh = format!("{t_zh}；这是通常的时间，{}", open.zh, t_zh = t.zh);
        t.en = format!("{t_en}; that is the usual time: {}", open.en, t_en = t.en);
    }
    t
}

fn deadline_story(s: &StepView, calc: &DeadlineCalc) -> Option<DeadlineStory> {
    let duration = s.duration.as_ref()?;
    let submitted = s.submitted_at?;
    let d = match &s.deadline {
        Some(d) => d.clone(),
        None => calc.deadline_for(duration, submitted)?,
    };
    Some(DeadlineStory {
        sense: duration_sense(duration, s.kind),
        clock_start: d.clock_start,
        earliest: d.earliest_date,
        latest: d.latest_date,
        deadline: d.deadline_utc,
        estimated: d.estimated,
        done_at: s
            .done_at
            .filter(|_| s.status == crate::vault::StepStatus::Done),
        open_end: d.open_end.is_some(),
    })
}

fn source_of(src: &Source, pack: &Pack) -> Option<RuleSource> {
    if src.quote.trim().is_empty() {
        return None;
    }
    Some(RuleSource {
        quote: src.quote.clone(),
        seed: src.seed.clone(),
        confidence: src.confidence.map(Confidence::label),
        reviewed: src.last_reviewed.clone(),
        note: src.note.clone(),
        pack_version: pack.version.clone(),
    })
}

/// The source of the route taken (when it has its own), else of the step.
fn rule_source(pack: &Pack, s: &StepView) -> Option<RuleSource> {
    let def = pack.steps.iter().find(|d| d.id == s.id)?;
    let route = s
        .route
        .as_deref()
        .and_then(|r| def.alternatives.iter().find(|a| a.id == r))
        .and_then(|a| a.source.as_ref());
    route
        .or(def.source.as_ref())
        .and_then(|src| source_of(src, pack))
}

fn fact_lines(case: &CaseView, pack: Option<&Pack>) -> Vec<FactLine> {
    let defs: &[FactDef] = pack.map(|p| p.facts.as_slice()).unwrap_or(&[]);
    let mut out = Vec::new();
    for def in defs {
        if let Some(v) = case.facts.get(&def.id) {
            out.push(FactLine {
                id: def.id.clone(),
                question: def.prompt.clone(),
                answer: answer_text(def, v),
            });
        }
    }
    // Facts the pack no longer knows: shown as given.
    for (id, v) in &case.facts {
        if !defs.iter().any(|d| &d.id == id) {
            let v = value_text(v);
            out.push(FactLine {
                id: id.clone(),
                question: Text::new(id.clone(), id.clone()),
                answer: Text::new(v.clone(), v),
            });
        }
    }
    out
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn answer_text(def: &FactDef, v: &Value) -> Text {
    match (def.kind, v) {
        (FactType::Bool, Value::Bool(true)) => Text::new("是", "yes"),
        (FactType::Bool, Value::Bool(false)) => Text::new("否", "no"),
        (FactType::Enum, Value::String(s)) => def
            .options
            .iter()
            .find(|o| &o.value == s)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| Text::new(s.clone(), s.clone())),
        (FactType::Money, v) => {
            let n = v
                .as_f64()
                .map(|f| format!("{f:.2}"))
                .unwrap_or_else(|| value_text(v));
            Text::new(format!("{n} 元"), format!("CNY {n}"))
        }
        (_, v) => {
            let s = value_text(v);
            Text::new(s.clone(), s)
        }
    }
}
