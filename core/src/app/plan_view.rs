//! The plan of `tuilu plan <scenario>`, the command line's main job: a scenario's plan for
//! the answers given, every line worded here. The questionnaire answers used, the
//! blockers, the numbered steps with their routes, timing (with a start time, the dates
//! counted in Chinese working days), evidence, tips and warnings, the amounts, the
//! assumptions and open questions, and each rule's source and the user's flag on it.
//!
//! The words come from the core's owners: durations from [`super::timing`], amounts,
//! sources, flags and open questions from the views' helpers ([`super::present`]), kinds
//! of answer from the questionnaire. The shell lays the lines out (indentation, marks,
//! colour) and prints `json`, the documented record (README "tuilu plan --json"),
//! unchanged.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::present::{amount_view, flag_view, open_questions_text, source_view, timing_text};
use super::questionnaire::{kind_label, Answer};
use super::timing::{deadline_view, TimeSense};
use super::views::{FactLine, SourceView};
use super::{fact_error, App, AppError, Missing, ViewContext};
use crate::calendar::ChinaCalendar;
use crate::rules::pack::{DurationDef, FactDef, Severity, Source, StepKind};
use crate::rules::plan::{blocker_plan_note, Applicability, Plan, PlanStep};
use crate::rules::schedule::{plan_deadlines, PlannedDeadline};
use crate::rules::{evaluate_plan, Facts, RuleBook, Scenario};
use crate::text::{Lang, Text};
use crate::vault::RuleFlag;

/// What the user asked a plan for.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    /// The scenario id (`douyin.guild-exit`).
    pub scenario: String,
    /// Answers by question id or by the question's number in the plan (`3`, as Chinese
    /// plans name them); they override `facts_json`.
    pub answers: Vec<Answer>,
    /// A JSON object of fact ids to values (a facts file).
    pub facts_json: Option<serde_json::Value>,
    /// When the clock starts: each timed step then shows its dates.
    pub from: Option<DateTime<Utc>>,
    /// A pack to use instead of the rule book's for its scenario (a pack file on trial).
    pub pack: Option<Scenario>,
}

/// A plan in words and its documented JSON record.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOutcome {
    pub view: PlanView,
    /// The plan record: the evaluated plan, with `--from` each step's and route's
    /// `deadline` and a `deadlines` list, and the user's `flags`.
    pub json: serde_json::Value,
}

/// The plan, every line worded in the context's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanView {
    pub scenario: String,
    /// "抖音：退出公会（规则版本 v1.2.1）".
    pub heading: String,
    pub blockers_heading: String,
    pub blockers: Vec<PlanBlockerView>,
    pub steps_heading: String,
    pub steps: Vec<PlanStepView>,
    /// Warnings, then consequences; a group only when it has notices.
    pub notices: Vec<PlanNoticeGroup>,
    pub amounts_heading: String,
    pub amounts: Vec<PlanAmountView>,
    pub answers_heading: String,
    /// The answers the plan was made for (the user's, not the assumed ones).
    pub answers: Vec<FactLine>,
    pub assumptions_heading: String,
    pub assumptions: Vec<PlanQuestionLine>,
    pub questions_heading: String,
    pub questions: Vec<PlanQuestionLine>,
    /// Where the rules come from and how to see the sources.
    pub footer: String,
    /// What could not be shown, the plan being whole ("无法读取规则标记…").
    pub problems: Vec<String>,
}

/// Where a rule comes from, and the user's flag on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleNotes {
    pub source: Option<SourceView>,
    /// "来源：「…」 出处可信度：中 · 最近审核：2026-11-21 — note"; "来源：未注明".
    pub source_line: String,
    /// "⚑ 你标记了此规则可能已过时：…".
    pub flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanBlockerView {
    pub title: String,
    /// "〔待回答：…〕" while it depends on an open question.
    pub pending: Option<String>,
    /// "解决办法：…".
    pub remedy: String,
    /// What the plan does about it ("解决之前不能提交第 5 步「…」。").
    pub plan_note: Option<String>,
    pub notes: RuleNotes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanStepView {
    pub id: String,
    pub number: i64,
    pub title: String,
    /// Where it is done ("手机App").
    pub channel: String,
    pub pending: Option<String>,
    pub instructions: String,
    pub routes: Vec<PlanRouteView>,
    /// "先完成：第 1 步「…」".
    pub after: Option<String>,
    /// What the timed rule means once its clock starts ("自申请提交起，对方应在 1–3 个工作日内答复").
    pub timing: Option<String>,
    /// With a start time: the dates ("对方最早 2026-10-08 答复，最迟应在 … 前答复").
    pub deadline: Option<String>,
    /// "留证：…", "提示：…", "注意：…".
    pub evidence: Vec<String>,
    pub tips: Vec<String>,
    pub warnings: Vec<String>,
    /// "逾期未果：…", worded by what the period's end means.
    pub escalation: Option<String>,
    pub notes: RuleNotes,
}

/// Another way to do a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRouteView {
    /// "或者：网页客服 [网页]：…".
    pub text: String,
    pub timing: Option<String>,
    pub deadline: Option<String>,
    pub notes: RuleNotes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanNoticeGroup {
    /// "【注意】", "【后果】".
    pub heading: String,
    pub notices: Vec<PlanNoticeView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanNoticeView {
    pub severity: Severity,
    pub text: String,
    pub pending: Option<String>,
    pub notes: RuleNotes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanAmountView {
    /// "客户应支付给你的赔付：¥1,500.00"; "…：需要回答「…」才能估算".
    pub line: String,
    pub explanation: Option<String>,
    pub notes: RuleNotes,
}

/// An assumed answer or an open question, with how to answer it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanQuestionLine {
    /// "这是哪种任务？ → 星图品牌任务 〔--fact 1=…〕".
    pub line: String,
    /// "影响：第 1 步「…」、「…」 等共13条规则".
    pub affects: Option<String>,
}

impl App {
    /// The plan for `req` from this app's rule book (bundled, updated and added packs,
    /// as `create_case` uses) and calendar, with the user's flags. Reading flags never
    /// opens the vault for writing (a vault not open yet is read from its file); when
    /// they cannot be read the plan shows none and says so in `problems`.
    pub fn plan(&self, ctx: &ViewContext, req: PlanRequest) -> Result<PlanOutcome, AppError> {
        let book = self.rule_book()?;
        let calendar = self.calendar()?;
        // The vault this app holds open when there is one (its latest writes may not be in
        // the database file yet); else the file, read-only.
        let open = self.vault.lock().map_err(|_| super::poisoned())?.clone();
        let flags = match open.filter(|v| !v.is_replaced()) {
            Some(vault) => vault.rule_flags(Some(&req.scenario)),
            None => crate::vault::read_rule_flags(self.dir(), Some(&req.scenario)),
        }
        .map_err(|e| super::error::vault_words(&e, ctx.lang));
        plan_with(ctx, &book, &calendar, flags, req)
    }
}

/// The plan for `req` without a vault: the bundled packs and calendar, no flags.
pub fn plan_bundled(ctx: &ViewContext, req: PlanRequest) -> Result<PlanOutcome, AppError> {
    let book = crate::rules::load_bundled().map_err(|_| AppError::Internal {
        detail: "a bundled rule pack is invalid".into(),
    })?;
    plan_with(ctx, &book, &ChinaCalendar::bundled(), Ok(Vec::new()), req)
}

fn plan_with(
    ctx: &ViewContext,
    book: &RuleBook,
    calendar: &ChinaCalendar,
    flags: Result<Vec<RuleFlag>, String>,
    req: PlanRequest,
) -> Result<PlanOutcome, AppError> {
    let lang = ctx.lang;
    let sc = match &req.pack {
        Some(p) if p.id() == req.scenario => p,
        _ => book.get(&req.scenario).ok_or_else(|| AppError::NotFound {
            what: Missing::Scenario,
            id: req.scenario.clone(),
        })?,
    };
    let facts = plan_facts(lang, sc, req.facts_json.as_ref(), &req.answers)?;
    let plan = evaluate_plan(sc, &facts).map_err(|e| fact_error(e, Some(sc), lang))?;
    let deadlines = match req.from {
        Some(from) => {
            Some(
                plan_deadlines(&plan, calendar, from).map_err(|e| AppError::Internal {
                    detail: e.to_string(),
                })?,
            )
        }
        None => None,
    };
    let mut problems = Vec::new();
    let flags = flags.unwrap_or_else(|e| {
        problems.push(match lang {
            Lang::Zh => format!("无法读取规则标记，计划中不显示标记：{e}"),
            Lang::En => format!("cannot read the rule flags, the plan shows none: {e}"),
        });
        Vec::new()
    });
    if req.from.is_some() {
        // The dates count on the calendar: a year file it had to skip is said.
        for p in calendar.status().problems {
            problems.push(match lang {
                Lang::Zh => format!("已忽略无效的节假日数据文件 {}：{}", p.path, p.message),
                Lang::En => format!(
                    "ignored an invalid holiday data file {}: {}",
                    p.path, p.message
                ),
            });
        }
    }
    let json = plan_record(&plan, deadlines.as_deref(), &flags)?;
    let mut view = build(
        ctx,
        sc,
        &facts,
        &plan,
        deadlines.as_deref(),
        &flags,
        calendar,
    );
    view.problems = problems;
    Ok(PlanOutcome { view, json })
}

/// Facts from a JSON object, then answers (later wins), each answer naming its question
/// by id or by number; a wrong one is refused naming the question by its words.
pub fn plan_facts(
    lang: Lang,
    sc: &Scenario,
    json: Option<&serde_json::Value>,
    answers: &[Answer],
) -> Result<Facts, AppError> {
    let said = |e| fact_error(e, Some(sc), lang);
    let mut facts = Facts::new();
    if let Some(json) = json {
        facts.extend(sc.facts_from_json(json).map_err(said)?);
    }
    for a in answers {
        let id = question_id(sc, a.fact.trim());
        facts.insert(id.clone(), sc.parse_fact(&id, &a.value).map_err(said)?);
    }
    Ok(facts)
}

/// The fact id of a question given by its number in the pack (`3`) or by its id.
fn question_id(sc: &Scenario, given: &str) -> String {
    given
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| sc.pack.facts.get(i))
        .map_or_else(|| given.to_string(), |f| f.id.clone())
}

/// The documented JSON: the plan, each deadline on its step (`steps[].deadline`) or route
/// (`steps[].alternatives[].deadline`) and listed under `deadlines`, and `flags`.
fn plan_record(
    plan: &Plan,
    deadlines: Option<&[PlannedDeadline]>,
    flags: &[RuleFlag],
) -> Result<serde_json::Value, AppError> {
    let json = |e: serde_json::Error| AppError::Internal {
        detail: e.to_string(),
    };
    let mut v = serde_json::to_value(plan).map_err(json)?;
    if let Some(ds) = deadlines {
        if let Some(steps) = v["steps"].as_array_mut() {
            for d in ds {
                let Some(step) = steps.iter_mut().find(|s| s["id"] == d.step_id.as_str()) else {
                    continue;
                };
                let target = match &d.route_id {
                    None => Some(step),
                    Some(r) => step["alternatives"]
                        .as_array_mut()
                        .and_then(|a| a.iter_mut().find(|x| x["id"] == r.as_str())),
                };
                if let Some(t) = target {
                    t["deadline"] = serde_json::to_value(&d.deadline).map_err(json)?;
                }
            }
        }
        v["deadlines"] = serde_json::to_value(ds).map_err(json)?;
    }
    v["flags"] = serde_json::to_value(flags).map_err(json)?;
    Ok(v)
}

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    Text::new(zh, en).get(lang).to_string()
}

/// "标签：内容" / "Label: content".
fn labelled(lang: Lang, label: &str, text: &str) -> String {
    match lang {
        Lang::Zh => format!("{label}：{text}"),
        Lang::En => format!("{label}: {text}"),
    }
}

/// "「…」" / "“…”".
fn quoted(lang: Lang, t: &str) -> String {
    match lang {
        Lang::Zh => format!("「{t}」"),
        Lang::En => format!("“{t}”"),
    }
}

struct Words<'a> {
    ctx: &'a ViewContext,
    sc: &'a Scenario,
    plan: &'a Plan,
    deadlines: Option<&'a [PlannedDeadline]>,
    flags: &'a [RuleFlag],
    calendar: &'a ChinaCalendar,
}

impl Words<'_> {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }

    fn notes(&self, source: &Option<Source>, id: &str) -> RuleNotes {
        let lang = self.lang();
        let view = source.as_ref().map(|s| source_view(lang, s));
        let source_line = match &view {
            None => tr(lang, "来源：未注明", "source: not given"),
            Some(v) => {
                let mut line = match lang {
                    Lang::Zh => format!("来源：{} {}", quoted(lang, &v.quote), v.summary),
                    Lang::En => format!("source: {}; {}", quoted(lang, &v.quote), v.summary),
                };
                if let Some(n) = &v.note {
                    line.push_str(" — ");
                    line.push_str(n);
                }
                line
            }
        };
        RuleNotes {
            source: view,
            source_line,
            flag: self
                .flags
                .iter()
                .find(|f| f.rule_id == id)
                .map(|f| flag_view(lang, f).text),
        }
    }

    /// "〔待回答：…〕" for a rule that depends on open questions.
    fn pending(&self, applicability: Applicability, open: &[String]) -> Option<String> {
        (applicability == Applicability::Undetermined).then(|| {
            let text = open_questions_text(self.lang(), self.plan, open);
            match self.lang() {
                Lang::Zh => format!("〔{text}〕"),
                Lang::En => format!("[{text}]"),
            }
        })
    }

    /// What a timed rule will mean, as a line of its own.
    fn timing(&self, kind: StepKind, d: &DurationDef) -> String {
        line_start(&timing_text(self.lang(), kind, d))
    }

    fn deadline(&self, step: &str, route: Option<&str>) -> Option<String> {
        let d = self
            .deadlines?
            .iter()
            .find(|d| d.step_id == step && d.route_id.as_deref() == route)?;
        let lang = self.lang();
        let v = deadline_view(
            lang,
            d.sense,
            &d.deadline,
            self.ctx.now,
            &self.ctx.zone,
            self.calendar,
        );
        let mut line = line_start(&v.text);
        if let Some(r) = v.estimate_reason {
            line.push_str(&match lang {
                Lang::Zh => format!(" 〔估算：{r}〕"),
                Lang::En => format!(" [estimate: {r}]"),
            });
        }
        Some(line)
    }

    fn step(&self, s: &PlanStep) -> PlanStepView {
        let lang = self.lang();
        let routes = s
            .alternatives
            .iter()
            .map(|r| PlanRouteView {
                text: match lang {
                    Lang::Zh => format!(
                        "或者：{} [{}]：{}",
                        r.title.zh,
                        r.channel.label().zh,
                        r.instructions.zh
                    ),
                    Lang::En => format!(
                        "Or: {} [{}]: {}",
                        r.title.en,
                        r.channel.label().en,
                        r.instructions.en
                    ),
                },
                timing: r.duration.as_ref().map(|d| self.timing(s.kind, d)),
                deadline: self.deadline(&s.id, Some(&r.id)),
                notes: self.notes(&r.source, &r.id),
            })
            .collect();
        let after = (!s.depends_on.is_empty()).then(|| {
            let names: Vec<String> = s.depends_on.iter().map(|d| self.rule_name(d)).collect();
            labelled(
                lang,
                &tr(lang, "先完成", "After"),
                &names.join(&tr(lang, "、", ", ")),
            )
        });
        let lines = |label: (&str, &str), texts: Vec<&Text>| -> Vec<String> {
            texts
                .into_iter()
                .map(|t| labelled(lang, &tr(lang, label.0, label.1), t.get(lang)))
                .collect()
        };
        // What "the period is over" means depends on the period's sense.
        let escalation = s.escalation.as_ref().map(|e| {
            let (zh, en) = match s
                .duration
                .as_ref()
                .map(|d| (d.sense(), d.open_end.is_some()))
            {
                Some((_, true)) => ("超过通常时间仍无结果", "Past the usual time"),
                Some((TimeSense::Deadline, false)) | None => ("逾期未果", "If no answer"),
                Some((TimeSense::Window, false)) => ("错过期限", "If you miss it"),
                Some((
                    TimeSense::Earliest | TimeSense::MinimumPeriod | TimeSense::Lapse,
                    false,
                )) => ("期满之后", "When it is over"),
            };
            labelled(lang, &tr(lang, zh, en), e.get(lang))
        });
        PlanStepView {
            id: s.id.clone(),
            number: s.number as i64,
            title: s.title.get(lang).to_string(),
            channel: s.channel.label().get(lang).to_string(),
            pending: self.pending(s.applicability, &s.open_facts),
            instructions: s.instructions.get(lang).to_string(),
            routes,
            after,
            timing: s.duration.as_ref().map(|d| self.timing(s.kind, d)),
            deadline: self.deadline(&s.id, None),
            evidence: lines(
                ("留证", "Keep"),
                s.evidence.iter().map(|e| &e.description).collect(),
            ),
            tips: lines(("提示", "Tip"), s.tips.iter().collect()),
            warnings: lines(("注意", "Warning"), s.warnings.iter().collect()),
            escalation,
            notes: self.notes(&s.source, &s.id),
        }
    }

    /// A rule named in words: 第 3 步「…」, a blocker's title, an amount's label, or the
    /// start of a notice's text; `fallback` names a rule outside this plan.
    fn rule_name_or(&self, id: &str, fallback: Option<&Text>) -> String {
        let (lang, plan) = (self.lang(), self.plan);
        if let Some(s) = plan.step(id) {
            return match lang {
                Lang::Zh => format!("第 {} 步「{}」", s.number, s.title.zh),
                Lang::En => format!("step {} “{}”", s.number, s.title.en),
            };
        }
        if let Some(b) = plan.blockers.iter().find(|b| b.id == id) {
            return quoted(lang, b.title.get(lang));
        }
        if let Some(a) = plan.amount(id) {
            return quoted(lang, a.label.get(lang));
        }
        let short_len = match lang {
            Lang::Zh => 24,
            Lang::En => 48,
        };
        if let Some(n) = plan
            .warnings
            .iter()
            .chain(&plan.consequences)
            .find(|n| n.id == id)
        {
            return quoted(lang, &short(n.text.get(lang), short_len));
        }
        match fallback {
            Some(name) => match lang {
                Lang::Zh => format!("「{}」（目前不在计划中）", short(&name.zh, 24)),
                Lang::En => format!("“{}” (not in the plan now)", short(&name.en, 40)),
            },
            None => tr(lang, "另一条规则", "another rule"),
        }
    }

    fn rule_name(&self, id: &str) -> String {
        self.rule_name_or(id, None)
    }

    /// "影响：…": at most four rules, then how many in all.
    fn affects(&self, names: Vec<String>) -> Option<String> {
        const SHOWN: usize = 4;
        let lang = self.lang();
        let mut unique: Vec<String> = Vec::new();
        for n in names {
            if !unique.contains(&n) {
                unique.push(n);
            }
        }
        if unique.is_empty() {
            return None;
        }
        let total = unique.len();
        let mut line = unique
            .into_iter()
            .take(SHOWN)
            .collect::<Vec<_>>()
            .join(&tr(lang, "、", ", "));
        if total > SHOWN {
            line.push_str(&match lang {
                Lang::Zh => format!(" 等共{total}条规则"),
                Lang::En => format!(" and {} more", total - SHOWN),
            });
        }
        Some(labelled(lang, &tr(lang, "影响", "affects"), &line))
    }

    /// How to answer a question on the command line: `--fact 3=…` in Chinese (no ids
    /// on a Chinese screen), `--fact <id>=…` in English.
    fn fact_flag(&self, id: &str) -> String {
        let name = match self.lang() {
            Lang::Zh => self
                .sc
                .pack
                .facts
                .iter()
                .position(|f| f.id == id)
                .map_or_else(|| id.to_string(), |i| (i + 1).to_string()),
            Lang::En => id.to_string(),
        };
        format!("--fact {name}=…")
    }

    fn blockers(&self) -> Vec<PlanBlockerView> {
        let (lang, plan) = (self.lang(), self.plan);
        let step = |id: &str| plan.step(id).map(|s| (s.number, s.title.clone()));
        plan.blockers
            .iter()
            .map(|b| PlanBlockerView {
                title: b.title.get(lang).to_string(),
                pending: self.pending(b.applicability, &b.open_facts),
                remedy: labelled(lang, &tr(lang, "解决办法", "Remedy"), b.remedy.get(lang)),
                plan_note: blocker_plan_note(&b.blocks, &b.resolved_by, &step)
                    .map(|n| n.get(lang).to_string()),
                notes: self.notes(&b.source, &b.id),
            })
            .collect()
    }

    /// Warnings, then consequences, each group only when it has notices.
    fn notices(&self) -> Vec<PlanNoticeGroup> {
        let (lang, plan) = (self.lang(), self.plan);
        [
            (Text::new("【注意】", "WARNINGS"), &plan.warnings),
            (Text::new("【后果】", "CONSEQUENCES"), &plan.consequences),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(heading, list)| PlanNoticeGroup {
            heading: heading.get(lang).to_string(),
            notices: list
                .iter()
                .map(|n| PlanNoticeView {
                    severity: n.severity,
                    text: n.text.get(lang).to_string(),
                    pending: self.pending(n.applicability, &n.open_facts),
                    notes: self.notes(&n.source, &n.id),
                })
                .collect(),
        })
        .collect()
    }

    /// Each amount by the views' own words: money, a quantity, or what it waits for.
    fn amounts(&self) -> Vec<PlanAmountView> {
        let (lang, plan) = (self.lang(), self.plan);
        plan.amounts
            .iter()
            .map(|a| {
                let v = amount_view(lang, a, plan);
                let value = v
                    .value_text
                    .or(v.pending_text)
                    .unwrap_or_else(|| plan.estimate_needs_text(lang, &a.open_facts));
                PlanAmountView {
                    line: labelled(lang, &v.label, &value),
                    explanation: Some(v.explanation).filter(|e| !e.trim().is_empty()),
                    notes: self.notes(&a.source, &a.id),
                }
            })
            .collect()
    }

    fn assumptions(&self) -> Vec<PlanQuestionLine> {
        let lang = self.lang();
        self.plan
            .assumptions
            .iter()
            .map(|a| {
                let flag = self.fact_flag(&a.id);
                PlanQuestionLine {
                    line: match lang {
                        Lang::Zh => {
                            format!("{} → {} 〔{flag}〕", a.prompt.zh, a.value_text.zh)
                        }
                        Lang::En => format!("{} → {} [{flag}]", a.prompt.en, a.value_text.en),
                    },
                    affects: self.affects(
                        a.affects
                            .iter()
                            .map(|r| self.rule_name_or(&r.id, Some(&r.name)))
                            .collect(),
                    ),
                }
            })
            .collect()
    }

    fn questions(&self) -> Vec<PlanQuestionLine> {
        let lang = self.lang();
        self.plan
            .questions
            .iter()
            .map(|q| {
                let kind = kind_label(lang, q.kind);
                let flag = self.fact_flag(&q.id);
                let mut line = match lang {
                    Lang::Zh => format!("{} 〔{kind}：{flag}〕", q.prompt.zh),
                    Lang::En => format!("{} [{kind}: {flag}]", q.prompt.en),
                };
                if !q.options.is_empty() {
                    let opts: Vec<String> = q
                        .options
                        .iter()
                        .map(|o| match lang {
                            Lang::Zh => o.label.zh.clone(),
                            Lang::En => format!("{}={}", o.value, o.label.en),
                        })
                        .collect();
                    line.push(' ');
                    line.push_str(&labelled(
                        lang,
                        &tr(lang, "可选", "options"),
                        &opts.join(" | "),
                    ));
                }
                PlanQuestionLine {
                    line,
                    affects: self.affects(q.needed_by.iter().map(|r| self.rule_name(r)).collect()),
                }
            })
            .collect()
    }
}

/// `text` as the start of a line: its first letter in upper case (English words made to
/// sit inside a sentence begin in lower case).
fn line_start(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The first `n` characters of `text`, with an ellipsis when cut; cut at the first
/// sentence end when that comes sooner.
fn short(text: &str, n: usize) -> String {
    let head = match text.char_indices().find(|(_, c)| "。；;".contains(*c)) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    if head.chars().count() <= n {
        head.to_string()
    } else {
        format!("{}…", head.chars().take(n).collect::<String>())
    }
}

/// The answers given, in words, in the order the pack asks them.
fn answer_lines(lang: Lang, sc: &Scenario, facts: &Facts) -> Vec<FactLine> {
    let line = |def: &FactDef| {
        facts.get(&def.id).map(|v| FactLine {
            id: def.id.clone(),
            label: def.prompt.get(lang).to_string(),
            value: super::present::fact_value_text(lang, def, v),
            assumed: false,
        })
    };
    sc.pack.facts.iter().filter_map(line).collect()
}

/// The plan view of `plan` (evaluated for `facts` on `sc`).
pub fn build(
    ctx: &ViewContext,
    sc: &Scenario,
    facts: &Facts,
    plan: &Plan,
    deadlines: Option<&[PlannedDeadline]>,
    flags: &[RuleFlag],
    calendar: &ChinaCalendar,
) -> PlanView {
    let lang = ctx.lang;
    let w = Words {
        ctx,
        sc,
        plan,
        deadlines,
        flags,
        calendar,
    };
    PlanView {
        scenario: sc.id().to_string(),
        heading: match lang {
            Lang::Zh => format!("{}（规则版本 v{}）", plan.title.zh, plan.pack_version),
            Lang::En => format!(
                "{}  ({} v{})",
                plan.title.en, plan.scenario, plan.pack_version
            ),
        },
        blockers_heading: tr(
            lang,
            "【阻碍】以下问题会挡住退出：",
            "BLOCKERS — these hold the exit back:",
        ),
        blockers: w.blockers(),
        steps_heading: tr(lang, "【步骤】", "STEPS"),
        steps: plan.steps.iter().map(|s| w.step(s)).collect(),
        notices: w.notices(),
        amounts_heading: tr(lang, "【金额】", "AMOUNTS"),
        amounts: w.amounts(),
        answers_heading: tr(
            lang,
            "【你的回答】计划按这些回答制定：",
            "YOUR ANSWERS — the plan is made for these:",
        ),
        answers: answer_lines(lang, sc, facts),
        assumptions_heading: tr(
            lang,
            "【假设】你没有回答，计划按以下默认值制定；不对时用 --fact 编号=值 更正：",
            "ASSUMED — you did not answer these; the plan uses these defaults (correct them with --fact name=value):",
        ),
        assumptions: w.assumptions(),
        questions_heading: tr(
            lang,
            "【待回答的问题】用 --fact 编号=值 回答（值可以写选项的中文）：",
            "OPEN QUESTIONS — answer with --fact name=value:",
        ),
        questions: w.questions(),
        footer: tr(
            lang,
            "规则来自网络文章整理，可能过时；用 --sources 查看每条规则的出处与可信度。",
            "Rules come from second-hand web articles and may be out of date; use --sources to see each rule's source and confidence.",
        ),
        problems: Vec::new(),
    }
}
