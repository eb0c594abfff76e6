//! The case screen (the checklist): its view and the events on its steps, from creating
//! the case to undoing an action.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::error::{evidence_error, vault_error};
use super::present::{
    action_label, action_label_from, amount_view, fact_value_text, flag_view, local_text,
    open_questions_text, platform_label, progress_text, source_view, timing_text, tr,
};
use super::timing::{deadline_view, sense_of, TimeSense};
use super::views::*;
use super::{questionnaire, Answer, App, AppError, CaseScreen, ChangeKind, ViewContext};
use crate::calendar::ChinaCalendar;
use crate::evidence::{EvidenceItem, EvidenceStore};
use crate::rules::pack::StepKind;
use crate::rules::plan::{Applicability, Plan, PlanStep};
use crate::rules::{evaluate_plan, FactValue, Facts, RuleBook, Scenario};
use crate::text::{Lang, Text};
use crate::vault::{
    allowed, refusal, BlockerSnapshot, CaseView, Event, RuleFlag, StepAction, StepFacts,
    StepStatus, StepView, TransitionOptions, Vault,
};

impl App {
    /// The checklist of a case (`case_ref`: its id or an unambiguous prefix).
    pub fn case_screen(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        self.render_case(ctx, &vault, &view)
    }

    fn render_case(
        &self,
        ctx: &ViewContext,
        vault: &Vault,
        view: &CaseView,
    ) -> Result<CaseScreen, AppError> {
        let err = |e| vault_error(e, Some(view), ctx.lang);
        // Only what undo could revert, not the whole journal.
        let journal = vault.undo_candidates(&view.id).map_err(err)?;
        let flags = vault.rule_flags(Some(&view.scenario)).map_err(err)?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let book = self.rule_book()?;
        Ok(build_case_screen(
            ctx,
            &book,
            view,
            &journal,
            &flags,
            &items,
            vault.deadline_calc().calendar(),
        ))
    }

    // -- events ---------------------------------------------------------------------------

    /// Starts a case from the questionnaire's answers; returns its checklist.
    pub fn create_case(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<CaseScreen, AppError> {
        let (book, i) = self.scenario(scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, answers)?;
        let vault = self.vault(ctx.now)?;
        let view = vault
            .create_case(sc, &facts, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseCreated, Some(&view.id));
        Ok(screen)
    }

    /// Applies a step action (`at`: when it happened, default now; `note`; `route`: the
    /// alternative taken). Returns the updated checklist, or an error naming steps by
    /// their titles.
    #[allow(clippy::too_many_arguments)]
    pub fn step_action(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: &str,
        action: StepAction,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        route: Option<String>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let before = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let opts = TransitionOptions { at, note, route };
        vault
            .transition(&before.id, step, action, &opts, ctx.now)
            .map_err(|e| vault_error(e, Some(&before), ctx.lang))?;
        self.changed_case(ctx, &vault, &before.id)
    }

    /// Undoes the latest action of the case that can be undone (the undo snackbar).
    pub fn undo_last(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let screen = self.case_screen(ctx, case_ref)?;
        let Some(undo) = screen.undo else {
            return Err(AppError::NothingToUndo {
                step: String::new(),
                step_title: screen.title,
            });
        };
        self.step_action(
            ctx,
            &screen.id,
            &undo.step,
            StepAction::Undo,
            None,
            None,
            None,
        )
    }

    /// Changes the case's answers (`set` added or replaced, `unset` forgotten) and
    /// re-plans, keeping progress.
    pub fn set_case_facts(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        set: &[Answer],
        unset: &[String],
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, set)?;
        vault
            .set_facts(&view.id, sc, &facts, unset, ctx.now)
            .map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        self.changed_case(ctx, &vault, &view.id)
    }

    /// The checklist of `case_id` read again after a change to it, with the change
    /// announced to the observers.
    fn changed_case(
        &self,
        ctx: &ViewContext,
        vault: &Vault,
        case_id: &str,
    ) -> Result<CaseScreen, AppError> {
        let after = vault
            .case(case_id, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, vault, &after)?;
        self.notify(ChangeKind::CaseChanged, Some(&after.id));
        Ok(screen)
    }

    /// Flags a rule of the case's scenario as possibly outdated (or clears the flag with
    /// `note == None`); returns the updated checklist.
    pub fn flag_rule(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        rule_id: &str,
        note: Option<&str>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let result = match note {
            Some(n) => vault.flag_rule(sc, rule_id, n, ctx.now).map(|_| ()),
            None => vault.unflag_rule(sc.id(), rule_id).map(|_| ()),
        };
        result.map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseChanged, Some(&view.id));
        Ok(screen)
    }
}

/// The case's facts as stored, typed by the pack (values the pack no longer accepts are
/// left out).
fn case_facts(sc: &Scenario, case: &CaseView) -> Facts {
    crate::sort::collect_sorted(case.facts.iter().filter_map(|(k, v)| {
        let def = sc.fact(k)?;
        FactValue::from_json(def, v).ok().map(|v| (k.clone(), v))
    }))
}

/// Per step, the latest transition that undo would revert (journal seq, action).
pub(super) fn undoable(case: &CaseView, journal: &[Event]) -> BTreeMap<String, (i64, StepAction)> {
    let undone: BTreeSet<i64> =
        crate::sort::collect_sorted(journal.iter().filter_map(|e| e.undoes));
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
    // The steps to finish first.
    let waiting: Vec<&StepView> = s
        .waiting_on
        .iter()
        .filter_map(|d| sx.case.step(d))
        .collect();
    let (actions, locked_reason) = if s.in_plan && !sx.case.archived {
        (
            step_actions(sx, s, &waiting),
            locked_reason(sx, s, &waiting),
        )
    } else {
        (Vec::new(), None)
    };
    let routes = route_views(lang, s, plan_step);
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

/// The actions a step's row offers now, each with its label and whether it asks when it
/// happened.
fn step_actions(sx: &StepContext<'_>, s: &StepView, waiting: &[&StepView]) -> Vec<ActionView> {
    let lang = sx.ctx.lang;
    let facts = step_facts(sx.case, s, waiting);
    [
        StepAction::Start,
        StepAction::Submit,
        StepAction::Done,
        StepAction::Skip,
        StepAction::Block,
    ]
    .into_iter()
    .filter(|&a| refusal(&facts, a).is_none())
    .map(|a| {
        let question = time_question(lang, s.kind, a);
        ActionView {
            action: a,
            label: action_label_from(lang, s.kind, Some(s.status), a),
            asks_time: question.is_some(),
            when: question
                .as_ref()
                .map(|_| super::when::when_view(sx.ctx, sx.case, s)),
            time_question: question,
            choose_route: s.definition.alternatives.len() > 1
                && s.route.is_none()
                && matches!(a, StepAction::Start | StepAction::Submit | StepAction::Done),
        }
    })
    .collect()
}

/// The facts the vault decides a step's actions from ([`crate::vault::refusal`]), read
/// from the case view: the row offers exactly what a transition would accept.
fn step_facts<'a>(case: &'a CaseView, s: &'a StepView, waiting: &[&'a StepView]) -> StepFacts<'a> {
    StepFacts {
        status: s.status,
        kind: s.kind,
        has_clock: s.duration.is_some(),
        unsettled_dependency: waiting.first().map(|w| (w.id.as_str(), w.status)),
        holding_blocker: holding_blocker(case, &s.id).map(|b| b.id.as_str()),
        started_dependent: case
            .steps
            .iter()
            .filter(|o| o.in_plan)
            .find(|o| o.definition.depends_on.contains(&s.id) && o.status != StepStatus::Todo)
            .map(|o| (o.id.as_str(), o.status)),
    }
}

/// Why a step of the plan cannot move now: the steps to finish first, by number and
/// title, or the blocker that keeps it from being handed in.
fn locked_reason(sx: &StepContext<'_>, s: &StepView, waiting: &[&StepView]) -> Option<String> {
    let lang = sx.ctx.lang;
    if !waiting.is_empty() && !s.status.is_settled() {
        let names: Vec<String> = waiting
            .iter()
            .map(|w| match lang {
                Lang::Zh => format!("第 {} 步「{}」", w.number, w.title.get(lang)),
                Lang::En => format!("step {} “{}”", w.number, w.title.get(lang)),
            })
            .collect();
        Some(match lang {
            Lang::Zh => format!("需先完成{}", names.join("、")),
            Lang::En => format!("Finish {} first", names.join(", ")),
        })
    } else if allowed(s.status, StepAction::Submit) && s.duration.is_some() {
        holding_blocker(sx.case, &s.id).map(|b| match lang {
            Lang::Zh => format!("「{}」解决前不能提交", b.title.get(lang)),
            Lang::En => format!(
                "Cannot be submitted until “{}” is resolved",
                b.title.get(lang)
            ),
        })
    } else {
        None
    }
}

/// The alternative ways to do a step, the chosen one marked.
fn route_views(lang: Lang, s: &StepView, plan_step: Option<&PlanStep>) -> Vec<RouteView> {
    s.definition
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
                timing: r.duration.as_ref().map(|d| timing_text(lang, s.kind, d)),
            }
        })
        .collect()
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
fn build_case_screen(
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
    let evidence = evidence_counts(items);
    let undo_map = undoable(case, journal);
    let blockers = open_blockers(lang, case);
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
    let undo = undo_view(lang, case, sx.undo);
    let fact_lines = sc
        .map(|sc| fact_lines(lang, sc, facts.as_ref()))
        .unwrap_or_default();
    let newer_pack = sc.and_then(|sc| newer_pack_text(lang, sc, case));
    let newer_pack_present = newer_pack.is_some();
    let (warnings, consequences, amounts, open_questions) = match &plan {
        Some(p) => plan_lists(lang, p),
        None => (vec![], vec![], vec![], vec![]),
    };
    let question_cards = match (sc, &plan) {
        (Some(sc), Some(p)) if !case.archived => question_cards(lang, sc, case, p),
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

/// How many live evidence items each step has.
fn evidence_counts(items: &[EvidenceItem]) -> BTreeMap<String, i64> {
    let mut evidence: BTreeMap<String, i64> = BTreeMap::new();
    for i in items.iter().filter(|i| i.deleted_at.is_none()) {
        for link in i.steps() {
            *evidence.entry(link.step_id).or_default() += 1;
        }
    }
    evidence
}

/// The blockers that certainly apply and are not resolved by the steps done, with what
/// to do about each.
fn open_blockers(lang: Lang, case: &CaseView) -> Vec<BlockerView> {
    let status = |id: &str| case.step(id).filter(|s| s.in_plan).map(|s| s.status);
    case.blockers
        .iter()
        .filter(|b| !b.undetermined && !b.resolved(&status))
        .map(|b| BlockerView {
            id: b.id.clone(),
            title: b.title.get(lang).to_string(),
            remedy: blocker_remedy(lang, case, b),
        })
        .collect()
}

/// The undo snackbar: the latest action that undo would revert, named.
fn undo_view(
    lang: Lang,
    case: &CaseView,
    undo: &BTreeMap<String, (i64, StepAction)>,
) -> Option<UndoView> {
    undo.iter()
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
        })
}

/// The case's answers, and the pack's defaults for questions not answered (marked
/// assumed).
fn fact_lines(lang: Lang, sc: &Scenario, facts: Option<&Facts>) -> Vec<FactLine> {
    sc.pack
        .facts
        .iter()
        .filter_map(|def| {
            let given = facts.and_then(|f| f.get(&def.id));
            let v = given.or_else(|| sc.defaults.get(&def.id))?;
            Some(FactLine {
                id: def.id.clone(),
                label: def.prompt.get(lang).to_string(),
                value: fact_value_text(lang, def, v),
                assumed: given.is_none(),
            })
        })
        .collect()
}

/// The offer to re-plan when the pack was updated since the case was planned.
fn newer_pack_text(lang: Lang, sc: &Scenario, case: &CaseView) -> Option<String> {
    (sc.pack.version != case.pack_version).then(|| match lang {
        Lang::Zh => format!(
            "规则已更新到 v{}（此案件按 v{} 规划）。更新后按新规则重新规划，进度保留。",
            sc.pack.version, case.pack_version
        ),
        Lang::En => format!(
            "The rules were updated to v{} (this case was planned with v{}). Updating re-plans the case and keeps your progress.",
            sc.pack.version, case.pack_version
        ),
    })
}

/// The plan's warnings and consequences that certainly apply, its amounts, and its open
/// questions.
fn plan_lists(lang: Lang, p: &Plan) -> (Vec<String>, Vec<String>, Vec<AmountView>, Vec<String>) {
    let applies = |a: Applicability| a == Applicability::Applies;
    (
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
    )
}

/// A card per open question of a live case, with why its answer matters.
fn question_cards(lang: Lang, sc: &Scenario, case: &CaseView, p: &Plan) -> Vec<OpenQuestionCard> {
    p.questions
        .iter()
        .filter_map(|q| {
            let def = sc.fact(&q.id)?;
            Some(OpenQuestionCard {
                question: super::questionnaire::question_view(lang, sc, def, None),
                reason: question_reason(lang, case, p, q),
            })
        })
        .collect()
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
