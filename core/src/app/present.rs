//! Builds the view models from the vault's data and the rule book. Pure functions of their
//! inputs (and `ctx.now`), so every screen is tested in Rust.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::timing::{deadline_view, pending_text, sense_of, TimeSense};
use super::views::*;
use super::{AppSettings, ViewContext, REMINDER_BUDGET};
use crate::calendar::{ChinaCalendar, DataSource, BEIJING};
use crate::evidence::EvidenceItem;
use crate::reminders::{Reminder, ReminderKind};
use crate::rules::pack::{DurationDef, FactDef, Source, StepKind};
use crate::rules::plan::{Amount, Applicability, Plan};
use crate::rules::{evaluate_plan, FactValue, Facts, RuleBook, Scenario};
use crate::text::{Lang, Text};
use crate::vault::{
    allowed, BlockerSnapshot, CaseSummary, CaseView, Event, RuleFlag, StepAction, StepBrief,
    StepStatus, StepView,
};

pub(super) use crate::text::count_en;

pub(super) fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A platform key in words.
pub fn platform_label(lang: Lang, platform: &str) -> String {
    match platform {
        "douyin" => tr(lang, "抖音", "Douyin"),
        "kuaishou" => tr(lang, "快手", "Kuaishou"),
        "wechat-channels" => tr(lang, "微信视频号", "WeChat Channels"),
        "wechat" => tr(lang, "微信", "WeChat"),
        other => other.to_string(),
    }
}

/// A local time for people, to the minute, in the device's zone.
pub fn local_text(ctx: &ViewContext, t: DateTime<Utc>) -> String {
    t.with_timezone(&ctx.zone.offset_at(t))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Money for people: `¥8,000.00`.
pub fn money_text(fen: i64) -> String {
    let neg = fen < 0;
    let a = fen.unsigned_abs();
    let whole = (a / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}¥{grouped}.{:02}", if neg { "-" } else { "" }, a % 100)
}

/// A fact's value in words ("是", "季度", "¥8,000.00").
pub fn fact_value_text(lang: Lang, def: &FactDef, v: &FactValue) -> String {
    match v {
        FactValue::Bool(true) => tr(lang, "是", "yes"),
        FactValue::Bool(false) => tr(lang, "否", "no"),
        FactValue::Enum(s) => def
            .options
            .iter()
            .find(|o| &o.value == s)
            .map_or_else(|| s.clone(), |o| o.label.get(lang).to_string()),
        FactValue::Money(fen) => money_text(*fen),
        FactValue::Datetime(t) => format!(
            "{}{}",
            t.with_timezone(&BEIJING).format("%Y-%m-%d %H:%M"),
            tr(lang, "（北京时间）", " Beijing time")
        ),
        other => other.to_string(),
    }
}

/// What a timed rule will mean once its clock starts.
pub fn timing_text(lang: Lang, kind: StepKind, d: &DurationDef) -> String {
    pending_text(lang, sense_of(kind, Some(d)), d)
}

/// A plan amount in words.
pub fn amount_view(lang: Lang, a: &Amount, plan: &Plan) -> AmountView {
    let value_text = a.value.map(|v| {
        if a.currency == "CNY" {
            money_text((v * 100.0).round() as i64)
        } else {
            crate::rules::plan::quantity_text(lang, v, &a.unit_label)
        }
    });
    AmountView {
        id: a.id.clone(),
        label: a.label.get(lang).to_string(),
        value: a.value,
        value_text,
        explanation: a.explanation.get(lang).to_string(),
        pending_text: (!a.open_facts.is_empty())
            .then(|| plan.estimate_needs_text(lang, &a.open_facts)),
    }
}

/// "待回答：「是否已上传视频？」" — open questions by their text, each quoted so that
/// several read apart.
pub(super) fn open_questions_text(lang: Lang, plan: &Plan, open: &[String]) -> String {
    let prompts: Vec<String> = open
        .iter()
        .map(|id| {
            let prompt = plan
                .questions
                .iter()
                .find(|q| &q.id == id)
                .map_or_else(|| id.clone(), |q| q.prompt.get(lang).to_string());
            match lang {
                Lang::Zh => format!("「{prompt}」"),
                Lang::En => format!("“{prompt}”"),
            }
        })
        .collect();
    match lang {
        Lang::Zh => format!("待回答：{}", prompts.join("、")),
        Lang::En => format!("waiting for your answer to {}", prompts.join(", ")),
    }
}

pub(crate) fn source_view(lang: Lang, s: &Source) -> SourceView {
    let confidence = s
        .confidence
        .map(|c| c.label().get(lang).to_string())
        .unwrap_or_else(|| tr(lang, "未评估", "not rated"));
    let note = Some(s.note.get(lang).to_string()).filter(|n| !n.trim().is_empty());
    SourceView {
        quote: s.quote.clone(),
        seed: s.seed.clone(),
        summary: match lang {
            Lang::Zh => format!("出处可信度：{confidence} · 最近审核：{}", s.last_reviewed),
            Lang::En => format!(
                "confidence: {confidence} · last reviewed {}",
                s.last_reviewed
            ),
        },
        confidence,
        last_reviewed: s.last_reviewed.clone(),
        note,
    }
}

pub(super) fn flag_view(lang: Lang, f: &RuleFlag) -> FlagView {
    FlagView {
        note: f.note.clone(),
        flagged_at: f.flagged_at,
        text: match (lang, f.note.is_empty()) {
            (Lang::Zh, true) => "⚑ 你标记了此规则可能已过时".to_string(),
            (Lang::Zh, false) => format!("⚑ 你标记了此规则可能已过时：{}", f.note),
            (Lang::En, true) => "⚑ You flagged this rule as possibly outdated".to_string(),
            (Lang::En, false) => {
                format!("⚑ You flagged this rule as possibly outdated: {}", f.note)
            }
        },
    }
}

/// The label of an action on a step of `kind`.
pub fn action_label(lang: Lang, kind: StepKind, action: StepAction) -> String {
    action_label_from(lang, kind, None, action)
}

/// The label of an action on a step of `kind` in status `from` (a submitted step that
/// is started again was sent back).
pub(super) fn action_label_from(
    lang: Lang,
    kind: StepKind,
    from: Option<StepStatus>,
    action: StepAction,
) -> String {
    let (zh, en) = match (kind, action) {
        (StepKind::Action, StepAction::Start) if from == Some(StepStatus::Submitted) => {
            ("被退回，重新办理", "Sent back: redo")
        }
        (_, StepAction::Start) if from == Some(StepStatus::Submitted) => {
            ("重新计时", "Restart the clock")
        }
        (_, StepAction::Start) if from == Some(StepStatus::Skipped) => {
            ("改为办理", "Do it after all")
        }
        (_, StepAction::Start) => ("开始办理", "Start"),
        (StepKind::Action, StepAction::Submit) => ("已提交", "Submitted"),
        (_, StepAction::Submit) => ("开始计时", "Start the clock"),
        (StepKind::Wait, StepAction::Done) => ("等待期已结束", "Period over"),
        (_, StepAction::Done) => ("已完成", "Done"),
        (_, StepAction::Skip) => ("跳过", "Skip"),
        (_, StepAction::Block) => ("遇到阻碍", "Stuck"),
        (_, StepAction::Undo) => ("撤销", "Undo"),
    };
    tr(lang, zh, en)
}

/// The case's facts as stored, typed by the pack (values the pack no longer accepts are
/// left out).
fn case_facts(sc: &Scenario, case: &CaseView) -> Facts {
    case.facts
        .iter()
        .filter_map(|(k, v)| {
            let def = sc.fact(k)?;
            FactValue::from_json(def, v).ok().map(|v| (k.clone(), v))
        })
        .collect()
}

/// Per step, the latest transition that undo would revert (journal seq, action).
pub(super) fn undoable(case: &CaseView, journal: &[Event]) -> BTreeMap<String, (i64, StepAction)> {
    let undone: BTreeSet<i64> = journal.iter().filter_map(|e| e.undoes).collect();
    let mut out: BTreeMap<String, (i64, StepAction)> = BTreeMap::new();
    for e in journal
        .iter()
        .filter(|e| e.kind == "transition" && !undone.contains(&e.seq))
    {
        let (Some(step), Some(action)) = (&e.step, e.action) else {
            continue;
        };
        out.insert(step.clone(), (e.seq, action));
    }
    // Only while the step is still in the state that transition left.
    out.retain(|step, (seq, _)| {
        let to = journal
            .iter()
            .find(|e| e.seq == *seq)
            .and_then(|e| e.to_status);
        case.step(step).is_some_and(|s| Some(s.status) == to)
    });
    out
}

struct StepContext<'a> {
    ctx: &'a ViewContext,
    case: &'a CaseView,
    plan: Option<&'a Plan>,
    flags: &'a [RuleFlag],
    evidence: &'a BTreeMap<String, i64>,
    undo: &'a BTreeMap<String, (i64, StepAction)>,
    calendar: &'a ChinaCalendar,
}

/// The blocker that holds back `step` now: it certainly applies, names the step (or
/// every step), and no steps done have resolved it.
fn holding_blocker<'a>(case: &'a CaseView, step: &str) -> Option<&'a BlockerSnapshot> {
    let status = |id: &str| case.step(id).filter(|s| s.in_plan).map(|s| s.status);
    case.blockers
        .iter()
        .find(|b| !b.undetermined && b.holds_back(step) && !b.resolved(&status))
}

/// A blocker's remedy with what the plan does about it.
fn blocker_remedy(lang: Lang, case: &CaseView, b: &BlockerSnapshot) -> String {
    let step = |id: &str| {
        case.step(id)
            .filter(|s| s.in_plan)
            .map(|s| (s.number as usize, s.title.clone()))
    };
    match crate::rules::plan::blocker_plan_note(&b.blocks, &b.resolved_by, &step) {
        Some(note) => format!("{}{}{}", b.remedy.get(lang), sep(lang), note.get(lang)),
        None => b.remedy.get(lang).to_string(),
    }
}

fn sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "",
        Lang::En => " ",
    }
}

fn step_row(sx: &StepContext<'_>, s: &StepView) -> StepRow {
    let lang = sx.ctx.lang;
    let plan_step = sx.plan.and_then(|p| p.step(&s.id));
    let kind = s.kind;
    let sense = sense_of(kind, s.duration.as_ref());
    let title = s.title.get(lang).to_string();
    // The step to finish first, by number and title.
    let waiting: Vec<&StepView> = s
        .waiting_on
        .iter()
        .filter_map(|d| sx.case.step(d))
        .collect();
    let dependents_started = sx
        .case
        .steps
        .iter()
        .any(|o| o.definition.depends_on.contains(&s.id) && o.status != StepStatus::Todo);
    let mut actions = Vec::new();
    let mut locked_reason = None;
    if s.in_plan && !sx.case.archived {
        for a in [
            StepAction::Start,
            StepAction::Submit,
            StepAction::Done,
            StepAction::Skip,
            StepAction::Block,
        ] {
            if !allowed(s.status, a) {
                continue;
            }
            // A wait or window has nothing to "start" apart from its clock.
            if a == StepAction::Start && kind != StepKind::Action && s.status == StepStatus::Todo {
                continue;
            }
            if a == StepAction::Submit && s.duration.is_none() && kind == StepKind::Action {
                // Nothing answers a step without a clock: done is what the user means.
                continue;
            }
            let needs_deps = matches!(a, StepAction::Start | StepAction::Submit | StepAction::Done);
            if needs_deps && !waiting.is_empty() {
                continue;
            }
            // While a blocker applies nothing can be handed in, nor marked done in its
            // place.
            if s.duration.is_some()
                && matches!(a, StepAction::Submit | StepAction::Done)
                && holding_blocker(sx.case, &s.id).is_some()
            {
                continue;
            }
            if s.status.is_settled()
                && a.target().is_some_and(|t| !t.is_settled())
                && dependents_started
            {
                continue;
            }
            let question = time_question(lang, kind, a);
            actions.push(ActionView {
                action: a,
                label: action_label_from(lang, kind, Some(s.status), a),
                asks_time: question.is_some(),
                when: question
                    .as_ref()
                    .map(|_| super::when::when_view(sx.ctx, sx.case, s)),
                time_question: question,
                choose_route: s.definition.alternatives.len() > 1
                    && s.route.is_none()
                    && matches!(a, StepAction::Start | StepAction::Submit | StepAction::Done),
            });
        }
        if !waiting.is_empty() && !s.status.is_settled() {
            let names: Vec<String> = waiting
                .iter()
                .map(|w| match lang {
                    Lang::Zh => format!("第 {} 步「{}」", w.number, w.title.get(lang)),
                    Lang::En => format!("step {} “{}”", w.number, w.title.get(lang)),
                })
                .collect();
            locked_reason = Some(match lang {
                Lang::Zh => format!("需先完成{}", names.join("、")),
                Lang::En => format!("Finish {} first", names.join(", ")),
            });
        } else if allowed(s.status, StepAction::Submit) && s.duration.is_some() {
            let b = holding_blocker(sx.case, &s.id);
            locked_reason = b.map(|b| match lang {
                Lang::Zh => format!("「{}」解决前不能提交", b.title.get(lang)),
                Lang::En => format!(
                    "Cannot be submitted until “{}” is resolved",
                    b.title.get(lang)
                ),
            });
        }
    }
    let routes = s
        .definition
        .alternatives
        .iter()
        .map(|r| {
            let pr = plan_step.and_then(|p| p.alternatives.iter().find(|a| a.id == r.id));
            RouteView {
                id: r.id.clone(),
                title: r.title.get(lang).to_string(),
                channel: r.channel.label().get(lang).to_string(),
                instructions: pr
                    .map(|p| p.instructions.get(lang).to_string())
                    .unwrap_or_default(),
                selected: s.route.as_deref() == Some(r.id.as_str()),
                timing: r.duration.as_ref().map(|d| timing_text(lang, kind, d)),
            }
        })
        .collect();
    let deadline = s
        .deadline
        .as_ref()
        .map(|d| deadline_view(lang, sense, d, sx.ctx.now, &sx.ctx.zone, sx.calendar));
    let overdue = deadline.as_ref().is_some_and(|d| d.overdue);
    let timing = match (&deadline, &s.duration) {
        (None, Some(d)) if !s.status.is_settled() => Some(timing_text(lang, kind, d)),
        _ => None,
    };
    let texts = |v: Option<&Vec<Text>>| -> Vec<String> {
        v.map(|v| v.iter().map(|t| t.get(lang).to_string()).collect())
            .unwrap_or_default()
    };
    let pending = (s.undetermined && !s.definition.open_facts.is_empty()).then(|| match sx.plan {
        Some(p) => open_questions_text(lang, p, &s.definition.open_facts),
        None => tr(
            lang,
            "取决于尚未回答的问题",
            "depends on an unanswered question",
        ),
    });
    let evidence_count = sx.evidence.get(&s.id).copied().unwrap_or(0);
    StepRow {
        id: s.id.clone(),
        number: s.number,
        title,
        instructions: plan_step
            .map(|p| p.instructions.get(lang).to_string())
            .unwrap_or_default(),
        channel: s.definition.channel,
        channel_label: s.definition.channel.label().get(lang).to_string(),
        status: s.status,
        status_label: s.status.label_for(s.kind).get(lang).to_string(),
        status_at: s.status_at.map(|t| local_text(sx.ctx, t)),
        actions,
        locked_reason,
        routes,
        timing,
        overdue,
        deadline,
        escalation: s
            .definition
            .escalation
            .as_ref()
            .map(|e| e.get(lang).to_string()),
        warnings: texts(plan_step.map(|p| &p.warnings)),
        tips: texts(plan_step.map(|p| &p.tips)),
        evidence_hints: plan_step
            .map(|p| {
                p.evidence
                    .iter()
                    .map(|h| h.description.get(lang).to_string())
                    .collect()
            })
            .unwrap_or_default(),
        evidence_count,
        shows_evidence: evidence_count > 0 || plan_step.is_some_and(|p| !p.evidence.is_empty()),
        collapsed: s.in_plan && s.status.is_settled(),
        collapsed_text: (s.in_plan && s.status.is_settled())
            .then(|| collapsed_text(sx.ctx, s.status, s.status_at)),
        source: plan_step
            .and_then(|p| p.source.as_ref())
            .map(|src| source_view(lang, src)),
        flag: sx
            .flags
            .iter()
            .find(|f| f.rule_id == s.id)
            .map(|f| flag_view(lang, f)),
        pending,
        note: s.note.clone(),
    }
}

/// A day for people, in the device's zone: "10月9日" / "Oct 9", with the year when it is
/// not this year's.
fn short_day_text(ctx: &ViewContext, t: DateTime<Utc>) -> String {
    use chrono::Datelike;
    let local = t.with_timezone(&ctx.zone.offset_at(t));
    let this_year = ctx.now.with_timezone(&ctx.zone.offset_at(ctx.now)).year();
    let year = (local.year() != this_year).then_some(local.year());
    match (ctx.lang, year) {
        (Lang::Zh, None) => format!("{}月{}日", local.month(), local.day()),
        (Lang::Zh, Some(y)) => format!("{y}年{}月{}日", local.month(), local.day()),
        (Lang::En, None) => local.format("%b %-d").to_string(),
        (Lang::En, Some(_)) => local.format("%b %-d, %Y").to_string(),
    }
}

/// The folded line of a settled step after its title: "✓ 10月9日 14:00" (done) or
/// "已跳过 10月9日 14:00". Held together (no-break spaces): a narrow row wraps before the
/// line, never inside it.
fn collapsed_text(ctx: &ViewContext, status: StepStatus, at: Option<DateTime<Utc>>) -> String {
    let lang = ctx.lang;
    let what = match status {
        StepStatus::Skipped => tr(lang, "已跳过", "Skipped"),
        _ => "✓".to_string(),
    };
    match at {
        Some(t) => {
            let time = t.with_timezone(&ctx.zone.offset_at(t)).format("%H:%M");
            let day = short_day_text(ctx, t).replace(' ', "\u{a0}");
            format!("{what}\u{a0}{day}\u{a0}{time}")
        }
        None => what,
    }
}

/// The step to act on now: the first step of the plan not settled whose steps before are
/// settled (a step handed in counts: its answer is what comes next); else the first step
/// not settled.
fn focus_step(case: &CaseView) -> Option<usize> {
    let open = |s: &&StepView| s.in_plan && !s.status.is_settled();
    case.steps
        .iter()
        .position(|s| open(&s) && s.waiting_on.is_empty())
        .or_else(|| case.steps.iter().position(|s| open(&s)))
}

/// The progress header: what is next and when it is due, what the case waits for, or that
/// every step is done.
fn next_text(ctx: &ViewContext, steps: &[StepRow], focus: Option<usize>) -> String {
    let lang = ctx.lang;
    let Some(step) = focus.and_then(|i| steps.get(i)) else {
        return if steps.is_empty() {
            tr(lang, "这个计划没有步骤", "This plan has no steps")
        } else {
            tr(lang, "全部步骤已完成", "Every step is done")
        };
    };
    let name = match lang {
        Lang::Zh => format!("第 {} 步「{}」", step.number, step.title),
        Lang::En => format!("step {} “{}”", step.number, step.title),
    };
    let waiting = step.status == StepStatus::Submitted;
    let main = match &step.deadline {
        None if waiting => match lang {
            Lang::Zh => format!("等待对方答复：{name}"),
            Lang::En => format!("Waiting for their answer: {name}"),
        },
        None => match lang {
            Lang::Zh => format!("下一步：{name}"),
            Lang::En => format!("Next: {name}"),
        },
        Some(d) => {
            let day = short_day_text(ctx, d.deadline_utc);
            let (head, due) = match (d.sense, lang) {
                (TimeSense::Deadline, Lang::Zh) if waiting => {
                    ("等待对方答复", format!("{day}前答复"))
                }
                (TimeSense::Deadline, Lang::En) if waiting => {
                    ("Waiting for their answer", format!("answer due by {day}"))
                }
                (TimeSense::Deadline | TimeSense::Window, Lang::Zh) => {
                    ("下一步", format!("{day}前"))
                }
                (TimeSense::Deadline | TimeSense::Window, Lang::En) => {
                    ("Next", format!("due by {day}"))
                }
                (_, Lang::Zh) => ("等待中", format!("{day}后可继续")),
                (_, Lang::En) => ("Waiting", format!("until {day}")),
            };
            let overdue = if d.overdue {
                format!(" · {}", d.relative)
            } else {
                String::new()
            };
            match lang {
                Lang::Zh => format!("{head}：{name} · {due}{overdue}"),
                Lang::En => format!("{head}: {name} · {due}{overdue}"),
            }
        }
    };
    // The most pressing other clock: one overdue (the oldest first), else the nearest
    // answer the other side owes.
    let others = || {
        steps
            .iter()
            .filter(|s| s.id != step.id)
            .filter_map(|s| s.deadline.as_ref().map(|d| (s, d)))
    };
    let overdue = others()
        .filter(|(_, d)| d.overdue)
        .min_by_key(|(_, d)| d.deadline_utc);
    let awaited = || {
        others()
            .filter(|(s, d)| s.status == StepStatus::Submitted && d.sense == TimeSense::Deadline)
            .min_by_key(|(_, d)| d.deadline_utc)
    };
    let also = match overdue {
        Some((s, d)) => match lang {
            Lang::Zh => format!("；第 {} 步{}", s.number, d.relative),
            Lang::En => format!("; step {} is {}", s.number, d.relative),
        },
        None => match awaited() {
            Some((s, d)) => {
                let day = short_day_text(ctx, d.deadline_utc);
                match lang {
                    Lang::Zh => format!("；第 {} 步等待对方答复（{day}前）", s.number),
                    Lang::En => format!("; step {} awaits their answer (due by {day})", s.number),
                }
            }
            None => String::new(),
        },
    };
    format!("{main}{also}")
}

/// Why an open question matters, from what waits on its answer: steps the plan may need,
/// blockers that may apply, amounts it computes.
fn question_reason(
    lang: Lang,
    case: &CaseView,
    plan: &Plan,
    q: &crate::rules::plan::Question,
) -> String {
    let steps: Vec<&StepView> = q
        .needed_by
        .iter()
        .filter_map(|id| case.step(id).filter(|s| s.in_plan))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    // One or two steps by number and title; more by number only (the rows say the rest).
    match steps.as_slice() {
        [] => {}
        few @ ([_] | [_, _]) => {
            let named: Vec<String> = few
                .iter()
                .map(|s| match lang {
                    Lang::Zh => format!("第 {} 步「{}」", s.number, s.title.get(lang)),
                    Lang::En => format!("step {} “{}”", s.number, s.title.get(lang)),
                })
                .collect();
            parts.push(match lang {
                Lang::Zh => format!("是否需要{}", named.join("、")),
                Lang::En if few.len() == 1 => format!("whether {} is needed", named[0]),
                Lang::En => format!("whether {} are needed", named.join(" and ")),
            });
        }
        many => {
            let numbers: Vec<String> = many.iter().map(|s| s.number.to_string()).collect();
            parts.push(match lang {
                Lang::Zh => format!("是否需要第 {} 步", numbers.join("、")),
                Lang::En => {
                    let (last, rest) = numbers.split_last().expect("more than two");
                    format!("whether steps {} and {last} are needed", rest.join(", "))
                }
            });
        }
    }
    for id in &q.needed_by {
        if case.step(id).is_some_and(|s| s.in_plan) {
            continue;
        } else if let Some(b) = plan.blockers.iter().find(|b| &b.id == id) {
            parts.push(match lang {
                Lang::Zh => format!("「{}」是否适用", b.title.get(lang)),
                Lang::En => format!("whether “{}” applies", b.title.get(lang)),
            });
        } else if let Some(a) = plan.amount(id) {
            parts.push(match lang {
                Lang::Zh => format!("「{}」是多少", a.label.get(lang)),
                Lang::En => format!("how much “{}” is", a.label.get(lang)),
            });
        }
    }
    if parts.is_empty() {
        return tr(
            lang,
            "回答后计划会更准确",
            "Your answer makes the plan more precise",
        );
    }
    match lang {
        Lang::Zh => format!("回答后才能确定{}", parts.join("，以及")),
        Lang::En => format!("Your answer decides {}", parts.join(", and ")),
    }
}

/// The checklist.
pub fn case_screen(
    ctx: &ViewContext,
    book: &RuleBook,
    case: &CaseView,
    journal: &[Event],
    flags: &[RuleFlag],
    items: &[EvidenceItem],
    calendar: &ChinaCalendar,
) -> CaseScreen {
    let lang = ctx.lang;
    let sc = book.get(&case.scenario);
    let facts = sc.map(|sc| case_facts(sc, case));
    let plan = sc
        .zip(facts.as_ref())
        .and_then(|(sc, f)| evaluate_plan(sc, f).ok());
    let mut evidence: BTreeMap<String, i64> = BTreeMap::new();
    for i in items.iter().filter(|i| i.deleted_at.is_none()) {
        for link in i.steps() {
            *evidence.entry(link.step_id).or_default() += 1;
        }
    }
    let undo_map = undoable(case, journal);
    let status = |id: &str| case.step(id).filter(|s| s.in_plan).map(|s| s.status);
    let blockers: Vec<BlockerView> = case
        .blockers
        .iter()
        .filter(|b| !b.undetermined && !b.resolved(&status))
        .map(|b| BlockerView {
            id: b.id.clone(),
            title: b.title.get(lang).to_string(),
            remedy: blocker_remedy(lang, case, b),
        })
        .collect();
    let sx = StepContext {
        ctx,
        case,
        plan: plan.as_ref(),
        flags,
        evidence: &evidence,
        undo: &undo_map,
        calendar,
    };
    let steps: Vec<StepRow> = case.steps.iter().map(|s| step_row(&sx, s)).collect();
    let dropped_steps = case
        .dropped_steps
        .iter()
        .map(|s| step_row(&sx, s))
        .collect();
    let undo = sx
        .undo
        .iter()
        .max_by_key(|(_, (seq, _))| *seq)
        .and_then(|(step, (_, action))| {
            let s = case.step(step)?;
            let what = action_label(lang, s.kind, *action);
            Some(UndoView {
                step: step.clone(),
                label: match lang {
                    Lang::Zh => format!("撤销「{what}：{}」", s.title.get(lang)),
                    Lang::En => format!("Undo “{what}: {}”", s.title.get(lang)),
                },
            })
        });
    let fact_lines = sc
        .map(|sc| {
            sc.pack
                .facts
                .iter()
                .filter_map(|def| {
                    let given = facts.as_ref().and_then(|f| f.get(&def.id));
                    let v = given.or_else(|| sc.defaults.get(&def.id))?;
                    Some(FactLine {
                        id: def.id.clone(),
                        label: def.prompt.get(lang).to_string(),
                        value: fact_value_text(lang, def, v),
                        assumed: given.is_none(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let newer_pack = sc
        .filter(|sc| sc.pack.version != case.pack_version)
        .map(|sc| match lang {
            Lang::Zh => format!(
                "规则已更新到 v{}（此案件按 v{} 规划）。更新后按新规则重新规划，进度保留。",
                sc.pack.version, case.pack_version
            ),
            Lang::En => format!(
                "The rules were updated to v{} (this case was planned with v{}). Updating re-plans the case and keeps your progress.",
                sc.pack.version, case.pack_version
            ),
        });
    let newer_pack_present = newer_pack.is_some();
    let applies = |a: Applicability| a == Applicability::Applies;
    let (warnings, consequences, amounts, open_questions) = match &plan {
        Some(p) => (
            p.warnings
                .iter()
                .filter(|w| applies(w.applicability))
                .map(|w| w.text.get(lang).to_string())
                .collect(),
            p.consequences
                .iter()
                .filter(|w| applies(w.applicability))
                .map(|w| w.text.get(lang).to_string())
                .collect(),
            p.amounts.iter().map(|a| amount_view(lang, a, p)).collect(),
            p.questions
                .iter()
                .map(|q| q.prompt.get(lang).to_string())
                .collect(),
        ),
        None => (vec![], vec![], vec![], vec![]),
    };
    let question_cards = match (sc, &plan) {
        (Some(sc), Some(p)) if !case.archived => p
            .questions
            .iter()
            .filter_map(|q| {
                let def = sc.fact(&q.id)?;
                Some(OpenQuestionCard {
                    question: super::questionnaire::question_view(lang, sc, def, None),
                    reason: question_reason(lang, case, p, q),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let focus = focus_step(case);
    let next_text = next_text(ctx, &steps, focus);
    CaseScreen {
        id: case.id.clone(),
        scenario: case.scenario.clone(),
        title: case.title.get(lang).to_string(),
        platform: sc
            .map(|sc| platform_label(lang, &sc.pack.platform))
            .unwrap_or_default(),
        pack_version: case.pack_version.clone(),
        newer_pack,
        archived: case.archived,
        facts: fact_lines,
        settled: case.progress.settled as i64,
        total: case.progress.total as i64,
        progress_text: progress_text(lang, case.progress.settled, case.progress.total),
        blockers,
        next_text,
        focus_step: focus.map(|i| i as i64),
        overdue_count: steps.iter().filter(|s| s.overdue).count() as i64,
        steps,
        dropped_steps,
        warnings,
        consequences,
        amounts,
        undo,
        open_questions,
        question_cards,
        menu: super::case_admin::case_menu(lang, case, newer_pack_present),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

fn progress_text(lang: Lang, settled: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("已完成 {settled}/{total} 步"),
        Lang::En => format!("{settled} of {total} steps done"),
    }
}

/// One case on the home screen, from its list line (no case is loaded).
pub fn case_card(
    ctx: &ViewContext,
    book: &RuleBook,
    case: CaseSummary,
    calendar: &ChinaCalendar,
) -> CaseCard {
    let lang = ctx.lang;
    let running = case.next_deadline.as_ref().map(|n| {
        let v = deadline_view(lang, n.sense, &n.deadline, ctx.now, &ctx.zone, calendar);
        (n.brief.title.get(lang).to_string(), v)
    });
    let step_name = |s: &StepBrief| match lang {
        Lang::Zh => format!("第 {} 步「{}」", s.number, s.title.get(lang)),
        Lang::En => format!("step {} “{}”", s.number, s.title.get(lang)),
    };
    // The next step, unless it waits for the answer to a step handed in.
    let waiting_for = case
        .next_step
        .as_ref()
        .and_then(|n| case.submitted.iter().find(|s| n.depends_on.contains(&s.id)));
    let next_action = match (&case.next_step, waiting_for, case.submitted.first()) {
        (_, Some(w), _) | (None, None, Some(w)) => Some(match lang {
            Lang::Zh => format!("等待结果：{}", step_name(w)),
            Lang::En => format!("Waiting for the answer to {}", step_name(w)),
        }),
        (Some(n), None, _) => Some(match lang {
            Lang::Zh => format!("下一步：{}", step_name(n)),
            Lang::En => format!("Next: {}", step_name(n)),
        }),
        (None, None, None) => None,
    };
    let platform = book
        .get(&case.scenario)
        .map(|sc| platform_label(lang, &sc.pack.platform))
        .unwrap_or_default();
    CaseCard {
        id: case.id,
        scenario: case.scenario,
        title: case.title.into_lang(lang),
        platform,
        settled: case.progress.settled as i64,
        total: case.progress.total as i64,
        progress_text: progress_text(lang, case.progress.settled, case.progress.total),
        next_action,
        overdue: running.as_ref().is_some_and(|(_, v)| v.overdue),
        estimated: running.as_ref().is_some_and(|(_, v)| v.estimated),
        next_deadline_step: running.as_ref().map(|(t, _)| t.clone()),
        next_deadline: running.map(|(_, v)| v),
        updated_at: case.updated_at,
    }
}

/// Overdue first (oldest first), then by the nearest running deadline, then the most
/// recently updated.
pub fn sort_by_urgency(cards: &mut [CaseCard]) {
    crate::sort::sort_by(cards, |a, b| {
        let key = |c: &CaseCard| {
            (
                !c.overdue,
                c.next_deadline.is_none(),
                c.next_deadline.as_ref().map(|d| d.deadline_utc),
            )
        };
        key(a).cmp(&key(b)).then(b.updated_at.cmp(&a.updated_at))
    });
}

/// Calendar warnings: years whose holidays are estimated, among this year and next.
fn calendar_warnings(lang: Lang, calendar: &ChinaCalendar, now: DateTime<Utc>) -> Vec<String> {
    let status = calendar.status();
    let today = now.with_timezone(&BEIJING).date_naive();
    let this_year = chrono::Datelike::year(&today);
    // Next year matters once its dates come within reach (from November).
    let last = if chrono::Datelike::month(&today) >= 11 {
        this_year + 1
    } else {
        this_year
    };
    (this_year..=last)
        .filter(|y| {
            status
                .years
                .iter()
                .find(|s| s.year == *y)
                .is_none_or(|s| s.estimated)
        })
        .map(|y| match lang {
            Lang::Zh => format!("{y} 年节假日安排尚未公布，相关日期按周末估算"),
            Lang::En => format!("The {y} public holidays are not published yet; dates in {y} are estimated from weekends"),
        })
        .collect()
}

pub fn home(
    ctx: &ViewContext,
    cases: Vec<CaseCard>,
    archived: usize,
    calendar: &ChinaCalendar,
) -> HomeView {
    let lang = ctx.lang;
    HomeView {
        empty_text: cases.is_empty().then(|| {
            tr(
                lang,
                "还没有进行中的退出流程。选择你要退出的平台关系，按步骤完成，截止日期和证据都会帮你记好。",
                "No exit in progress. Pick the relationship you want to leave; the steps, deadlines and evidence are kept for you.",
            )
        }),
        cases,
        archived_count: archived as i64,
        archived_cases: Vec::new(),
        calendar_warnings: calendar_warnings(lang, calendar, ctx.now),
        start_label: tr(lang, "开始一个退出流程", "Start an exit"),
        clock_warning: super::clock::clock_warning(lang, ctx.now),
    }
}

pub fn picker(ctx: &ViewContext, book: &RuleBook, flags: &[RuleFlag]) -> ScenarioPickerView {
    let lang = ctx.lang;
    let mut groups: Vec<PlatformGroup> = Vec::new();
    for sc in book.scenarios() {
        let card = ScenarioCard {
            id: sc.id().to_string(),
            title: sc.title().get(lang).to_string(),
            summary: sc.pack.summary.get(lang).to_string(),
            pack_version: sc.pack.version.clone(),
            last_reviewed: sc.pack.last_reviewed.clone(),
            last_reviewed_text: match lang {
                Lang::Zh => format!("规则最近审核：{}", sc.pack.last_reviewed),
                Lang::En => format!("Rules last reviewed {}", sc.pack.last_reviewed),
            },
            flagged_rules: flags.iter().filter(|f| f.scenario == sc.id()).count() as i64,
            steps_in_pack: sc.pack.steps.len() as i64,
        };
        match groups.iter_mut().find(|g| g.platform == sc.pack.platform) {
            Some(g) => g.scenarios.push(card),
            None => groups.push(PlatformGroup {
                platform: sc.pack.platform.clone(),
                label: picker_platform_label(lang, sc),
                scenarios: vec![card],
            }),
        }
    }
    ScenarioPickerView { groups }
}

/// The platform's name; for a platform this build does not know (one a rule update
/// added), the part of the scenario's title before its colon ("哔哩哔哩：退出公会"), so
/// that no internal id shows.
fn picker_platform_label(lang: Lang, sc: &crate::rules::Scenario) -> String {
    let known = platform_label(lang, &sc.pack.platform);
    if known != sc.pack.platform {
        return known;
    }
    let title = sc.title().get(lang);
    match title.split_once(['：', ':']) {
        Some((name, _)) if !name.trim().is_empty() => name.trim().to_string(),
        _ => known,
    }
}

pub use crate::text::size_text_in;

fn media_kind_label(lang: Lang, media_type: &str) -> String {
    let (zh, en) = match media_type {
        t if t.starts_with("image/") => ("图片", "image"),
        t if t.starts_with("video/") => ("视频", "video"),
        t if t.starts_with("audio/") => ("录音", "audio"),
        "application/pdf" => ("PDF 文件", "PDF"),
        t if t.starts_with("text/") => ("文本", "text"),
        _ => ("文件", "file"),
    };
    tr(lang, zh, en)
}

pub fn evidence_list(
    ctx: &ViewContext,
    case: &CaseView,
    step: Option<&str>,
    items: &[EvidenceItem],
) -> EvidenceListView {
    let lang = ctx.lang;
    let rows: Vec<EvidenceRow> = items
        .iter()
        .filter(|i| i.deleted_at.is_none())
        .filter(|i| step.is_none_or(|s| i.steps().iter().any(|l| l.step_id == s)))
        .map(|i| {
            // Listed for a step, an item linked to several is named by that step, not the
            // first one it was added to.
            let shown_step = step.map(str::to_string).or_else(|| i.step_id.clone());
            let kind_label = media_kind_label(lang, &i.media_type);
            EvidenceRow {
                id: i.id.clone(),
                detail: format!("{kind_label} · {}", size_text_in(lang, i.size)),
                kind_label,
                media_type: i.media_type.clone(),
                file_name: i.original_name.clone(),
                size: i.size as i64,
                size_text: size_text_in(lang, i.size),
                captured_text: match i.captured_at {
                    Some(t) => super::evidence_ops::captured_text(ctx, t, i),
                    None => tr(lang, "拍摄时间未知", "capture time unknown"),
                },
                captured_at: i.captured_at,
                short_hash: i.sha256.chars().take(12).collect(),
                sha256: i.sha256.clone(),
                step_title: shown_step
                    .as_deref()
                    .and_then(|s| case.step(s))
                    .map(|s| s.title.get(lang).to_string()),
                step: shown_step,
                note: i.note.clone(),
                verify_state: VerifyState::Unchecked,
                verify_text: None,
            }
        })
        .collect();
    let total: u64 = rows.iter().map(|r| r.size as u64).sum();
    let listed = step.and_then(|s| case.step(s));
    let title = match listed {
        Some(s) => s.title.get(lang).to_string(),
        None => case.title.get(lang).to_string(),
    };
    let move_targets = case
        .steps
        .iter()
        .filter(|s| s.in_plan && Some(s.id.as_str()) != step)
        .map(|s| MoveTarget {
            step_id: s.id.clone(),
            label: match lang {
                Lang::Zh => format!("第 {} 步：{}", s.number, s.title.get(lang)),
                Lang::En => format!("Step {}: {}", s.number, s.title.get(lang)),
            },
        })
        .collect();
    EvidenceListView {
        case_id: case.id.clone(),
        title,
        move_targets,
        move_label: tr(lang, "移到其他步骤", "Move to another step"),
        delete_label: tr(lang, "删除", "Delete"),
        step: step.map(str::to_string),
        empty_text: rows.is_empty().then(|| {
            tr(
                lang,
                "还没有证据。截图、录屏、聊天记录和合同都可以添加，文件原样保存并记录哈希。",
                "No evidence yet. Add screenshots, recordings, chats and contracts; files are kept as they are, with their hash.",
            )
        }),
        items: rows,
        total_size_text: size_text_in(lang, total),
        verify_summary: None,
        verify_intact: None,
    }
}

fn category(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::BeforeDeadline | ReminderKind::AtDeadline => "deadline",
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h => "short_window",
        ReminderKind::WaitingPeriodEnd => "waiting_over",
        ReminderKind::FollowUp
        | ReminderKind::FollowUpEscalate
        | ReminderKind::CatchUp
        | ReminderKind::RefillWindow => "follow_up",
    }
}

/// The action a notification offers on its step, by the step's status: a step in progress
/// can be marked handed in; a step handed in (waiting for an answer) or a window can be
/// marked done. A waiting period that ends needs no answer.
fn step_action_of(
    lang: Lang,
    kind: ReminderKind,
    status: Option<StepStatus>,
) -> Option<NotificationAction> {
    let window = matches!(
        kind,
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h
    );
    match (kind, status?) {
        (ReminderKind::WaitingPeriodEnd, _) => None,
        (_, StepStatus::InProgress) if !window => Some(NotificationAction {
            id: NOTIFY_SUBMITTED.into(),
            label: tr(lang, "已提交", "Submitted"),
        }),
        _ => Some(NotificationAction {
            id: NOTIFY_DONE.into(),
            label: tr(lang, "已有结果", "Answered"),
        }),
    }
}

/// Notification action ids ([`NotificationAction::id`]), carried out by
/// `App::notification_action`.
pub const NOTIFY_SUBMITTED: &str = "submitted";
pub const NOTIFY_DONE: &str = "done";
pub const NOTIFY_SNOOZE: &str = "snooze";

pub fn reminder_sync(
    ctx: &ViewContext,
    plan: &[Reminder],
    scheduled: &[String],
    status_of: &dyn Fn(&str, &str) -> Option<StepStatus>,
) -> ReminderSyncView {
    let lang = ctx.lang;
    let d = crate::reminders::diff(plan, scheduled);
    let schedule = d
        .add
        .iter()
        .map(|r| {
            let status = match (&r.case_id, &r.step_id) {
                (Some(c), Some(s)) => status_of(c, s),
                _ => None,
            };
            let mut actions: Vec<NotificationAction> =
                step_action_of(lang, r.kind, status).into_iter().collect();
            actions.push(NotificationAction {
                id: NOTIFY_SNOOZE.into(),
                label: tr(lang, "稍后提醒", "Remind me later"),
            });
            NotificationView {
                id: r.id.clone(),
                token: r.schedule_token(),
                fire_at: r.fire_at,
                fire_local: local_text(ctx, r.fire_at),
                title: r.title.get(lang).to_string(),
                body: r.body.get(lang).to_string(),
                category: category(r.kind).to_string(),
                actions,
                case_id: r.case_id.clone(),
                step_id: r.step_id.clone(),
            }
        })
        .collect();
    ReminderSyncView {
        schedule,
        cancel: d.cancel,
        keep: d.keep,
        budget: REMINDER_BUDGET as i64,
    }
}

pub fn settings(
    ctx: &ViewContext,
    s: &AppSettings,
    calendar: &ChinaCalendar,
    vault_size: u64,
    evidence_count: usize,
    case_count: usize,
    pack_problems: Vec<String>,
) -> SettingsView {
    let lang = ctx.lang;
    let status = calendar.status();
    let calendar_years = status
        .years
        .iter()
        .map(|y| {
            let source = match y.source {
                DataSource::Bundled => tr(lang, "内置", "bundled"),
                DataSource::Imported => tr(lang, "已导入", "imported"),
            };
            CalendarYearLine {
                year: y.year,
                estimated: y.estimated,
                text: match (lang, y.estimated) {
                    (Lang::Zh, true) => format!("{}：尚未公布，按周末估算（{source}）", y.year),
                    (Lang::Zh, false) => format!("{}：已含法定节假日和调休（{source}）", y.year),
                    (Lang::En, true) => format!(
                        "{}: not published, estimated from weekends ({source})",
                        y.year
                    ),
                    (Lang::En, false) => {
                        format!("{}: public holidays and make-up days ({source})", y.year)
                    }
                },
            }
        })
        .collect();
    SettingsView {
        language: lang,
        language_label: tr(lang, "简体中文", "English"),
        time_zone: ctx.zone.id(),
        quiet_hours_enabled: s.quiet_hours_enabled,
        quiet_hours_text: if s.quiet_hours_enabled {
            format!(
                "{}–{}",
                s.quiet_start.format("%H:%M"),
                s.quiet_end.format("%H:%M")
            )
        } else {
            tr(lang, "关闭", "off")
        },
        preferred_time: s.preferred_time.format("%H:%M").to_string(),
        calendar_years,
        calendar_warnings: calendar_warnings(lang, calendar, ctx.now),
        vault_size: vault_size as i64,
        vault_size_text: size_text_in(lang, vault_size),
        evidence_count: evidence_count as i64,
        case_count: case_count as i64,
        pack_problems,
    }
}

/// The question over the time picker of an action that records when it happened, in the
/// words of the step's kind (a wait's clock is started, not submitted).
fn time_question(lang: Lang, kind: StepKind, action: StepAction) -> Option<String> {
    let (zh, en) = match (kind, action) {
        (StepKind::Action, StepAction::Submit) => ("什么时候提交的？", "When did you submit it?"),
        (_, StepAction::Submit) => ("从什么时候开始计时？", "When did the clock start?"),
        (StepKind::Wait, StepAction::Done) => {
            ("等待期什么时候结束的？", "When did the period end?")
        }
        (_, StepAction::Done) => ("什么时候完成的？", "When did you finish it?"),
        _ => return None,
    };
    Some(tr(lang, zh, en))
}
