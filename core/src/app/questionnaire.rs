//! The questionnaire: every question the plan depends on, answered or assumed, with a
//! preview of what the answers change.

use super::App;
use crate::app::present::count_en;
use serde::{Deserialize, Serialize};

use super::present::{amount_view, fact_value_text, timing_text};
use super::views::{
    ChoiceOption, PlanPreview, PreviewStep, QuestionKind, QuestionView, QuestionnaireView,
};
use super::{fact_error, AppError, ViewContext};
use crate::rules::pack::{FactDef, FactType};
use crate::rules::plan::Applicability;
use crate::rules::{evaluate_plan, FactValue, Facts, Scenario};
use crate::text::{Lang, Text};

/// One answer as a person gave it (typed text, a choice's value or label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub fact: String,
    pub value: String,
}

impl Answer {
    pub fn new(fact: impl Into<String>, value: impl Into<String>) -> Answer {
        Answer {
            fact: fact.into(),
            value: value.into(),
        }
    }
}

/// The answers that count: given (an empty answer means "not answered") and to a question
/// the scenario still asks. An answer to a question a newer pack dropped (a saved draft, a
/// case's old facts) is left out the same way everywhere, so the questionnaire's
/// `complete` and `create_case` always agree.
fn answers_that_count<'a>(
    sc: &'a Scenario,
    answers: &'a [Answer],
) -> impl Iterator<Item = &'a Answer> {
    answers
        .iter()
        .filter(|a| !a.value.trim().is_empty())
        .filter(|a| sc.pack.facts.iter().any(|d| d.id == a.fact))
}

/// Parses answers strictly: the first bad one is an error naming the question by its
/// text. An empty answer means "not answered"; an answer to a question the scenario no
/// longer asks is left out ([`answers_that_count`]).
pub fn parse_answers(lang: Lang, sc: &Scenario, answers: &[Answer]) -> Result<Facts, AppError> {
    let mut facts = Facts::new();
    for a in answers_that_count(sc, answers) {
        let v = sc
            .parse_fact(&a.fact, &a.value)
            .map_err(|e| fact_error(e, Some(sc), lang))?;
        facts.insert(a.fact.clone(), v);
    }
    Ok(facts)
}

fn kind(t: FactType) -> QuestionKind {
    match t {
        FactType::Bool => QuestionKind::YesNo,
        FactType::Enum => QuestionKind::Choice,
        FactType::Money => QuestionKind::Money,
        FactType::Integer => QuestionKind::Integer,
        FactType::Date => QuestionKind::Date,
        FactType::Datetime => QuestionKind::DateTime,
        FactType::Text => QuestionKind::Text,
    }
}

/// What kind of answer, in words ("是/否", "选项", "金额（元）").
pub fn kind_label(lang: Lang, t: FactType) -> String {
    let (zh, en) = match t {
        FactType::Bool => ("是/否", "yes/no"),
        FactType::Enum => ("选项", "choice"),
        FactType::Money => ("金额（元）", "amount (yuan)"),
        FactType::Integer => ("数量", "number"),
        FactType::Date => ("日期", "date"),
        FactType::Datetime => ("日期和时间（北京时间）", "date and time (Beijing)"),
        FactType::Text => ("文字", "text"),
    };
    Text::new(zh, en).get(lang).to_string()
}

/// The value as an app sends it back.
fn raw_value(v: &FactValue) -> String {
    match v {
        FactValue::Bool(b) => b.to_string(),
        FactValue::Money(fen) => crate::rules::facts::format_yuan(*fen),
        FactValue::Enum(s) | FactValue::Text(s) => s.clone(),
        other => other
            .to_json()
            .as_str()
            .map_or_else(|| other.to_string(), str::to_string),
    }
}

fn options(lang: Lang, def: &FactDef, current: Option<&FactValue>) -> Vec<ChoiceOption> {
    match def.kind {
        FactType::Bool => [(true, "是", "yes"), (false, "否", "no")]
            .into_iter()
            .map(|(b, zh, en)| ChoiceOption {
                value: b.to_string(),
                label: Text::new(zh, en).get(lang).to_string(),
                selected: current == Some(&FactValue::Bool(b)),
            })
            .collect(),
        FactType::Enum => def
            .options
            .iter()
            .map(|o| ChoiceOption {
                value: o.value.clone(),
                label: o.label.get(lang).to_string(),
                selected: current == Some(&FactValue::Enum(o.value.clone())),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One question: `answered` is the user's answer when given; the pack's default is shown
/// as an assumption otherwise. An optional question (only letters use it) never needs an
/// answer here.
pub fn question_view(
    lang: Lang,
    sc: &Scenario,
    def: &FactDef,
    answered: Option<&FactValue>,
) -> QuestionView {
    let default = sc.defaults.get(&def.id);
    let current = answered.or(default);
    let assumed = answered.is_none() && default.is_some();
    let mut help = Some(def.help.get(lang).to_string()).filter(|h| !h.trim().is_empty());
    if def.optional {
        let note = Text::new(
            "选填：起草文书时会用到，可以以后再填。",
            "Optional: used when drafting letters; you can answer later.",
        );
        help = Some(match help {
            Some(h) => format!("{h} {}", note.get(lang)),
            None => note.get(lang).to_string(),
        });
    }
    QuestionView {
        id: def.id.clone(),
        text: def.prompt.get(lang).to_string(),
        help,
        kind: kind(def.kind),
        kind_label: kind_label(lang, def.kind),
        options: options(lang, def, current),
        min: def.min,
        answer_text: current.map(|v| fact_value_text(lang, def, v)),
        answer_value: current.map(raw_value),
        assumed,
        assumed_text: assumed.then(|| {
            let v = current
                .map(|v| fact_value_text(lang, def, v))
                .unwrap_or_default();
            match lang {
                Lang::Zh => format!("未回答时按「{v}」计算，可修改"),
                Lang::En => format!("assumed “{v}” until you answer"),
            }
        }),
        error: None,
        needs_answer: current.is_none() && !def.optional,
    }
}

/// Builds the questionnaire. Answers that do not parse are kept out of the plan and shown
/// as the question's error; no other question shows one, except `going_on_from` when the
/// user tried to go on from it without the answer it needs.
pub fn build(
    ctx: &ViewContext,
    sc: &Scenario,
    answers: &[Answer],
    going_on_from: Option<&str>,
) -> QuestionnaireView {
    let lang = ctx.lang;
    let mut given = Facts::new();
    let mut errors = std::collections::BTreeMap::new();
    for a in answers_that_count(sc, answers) {
        match sc.parse_fact(&a.fact, &a.value) {
            Ok(v) => {
                given.insert(a.fact.clone(), v);
            }
            Err(e) => {
                errors.insert(a.fact.clone(), fact_error(e, Some(sc), lang).message(lang));
            }
        }
    }
    let plan = evaluate_plan(sc, &given).ok();
    let baseline = evaluate_plan(sc, &Facts::new()).ok();
    let questions: Vec<QuestionView> = sc
        .pack
        .facts
        .iter()
        .map(|def| {
            let mut q = question_view(lang, sc, def, given.get(&def.id));
            q.error = errors.get(&def.id).cloned();
            if q.error.is_none() && q.needs_answer && going_on_from == Some(def.id.as_str()) {
                q.error = Some(still_open_text(lang, q.kind));
            }
            q
        })
        .collect();
    let answered = questions
        .iter()
        .filter(|q| !q.assumed && q.answer_value.is_some())
        .count();
    let complete = questions.iter().all(|q| !q.needs_answer) && errors.is_empty();
    let preview = preview(ctx, plan.as_ref(), baseline.as_ref());
    QuestionnaireView {
        scenario: sc.id().to_string(),
        title: sc.title().get(lang).to_string(),
        total: questions.len() as i64,
        answered: answered as i64,
        questions,
        complete,
        preview,
    }
}

/// What a question left open says when the user tries to go on from it.
fn still_open_text(lang: Lang, kind: QuestionKind) -> String {
    let t = match kind {
        QuestionKind::YesNo | QuestionKind::Choice => Text::new(
            "这一题还没有回答：请先选择一项，再继续下一题。",
            "This question has no answer yet: choose one before going on.",
        ),
        _ => Text::new(
            "这一题还没有回答：请先填写并确认，再继续下一题。",
            "This question has no answer yet: fill it in and confirm before going on.",
        ),
    };
    t.get(lang).to_string()
}

fn preview(
    ctx: &ViewContext,
    plan: Option<&crate::rules::Plan>,
    baseline: Option<&crate::rules::Plan>,
) -> PlanPreview {
    let lang = ctx.lang;
    let Some(plan) = plan else {
        return PlanPreview {
            steps: vec![],
            blockers: vec![],
            added_steps: vec![],
            removed_steps: vec![],
            amounts: vec![],
            warnings: vec![],
            summary: String::new(),
        };
    };
    let titles = |p: &crate::rules::Plan| -> Vec<(String, String)> {
        p.steps
            .iter()
            .map(|s| (s.id.clone(), s.title.get(lang).to_string()))
            .collect()
    };
    let now_steps = titles(plan);
    let base_steps = baseline.map(titles).unwrap_or_default();
    let added_steps = now_steps
        .iter()
        .filter(|(id, _)| !base_steps.iter().any(|(b, _)| b == id))
        .map(|(_, t)| t.clone())
        .collect();
    let removed_steps = base_steps
        .iter()
        .filter(|(id, _)| !now_steps.iter().any(|(n, _)| n == id))
        .map(|(_, t)| t.clone())
        .collect();
    let blockers: Vec<String> = plan
        .blockers
        .iter()
        .filter(|b| b.applicability == Applicability::Applies)
        .map(|b| {
            let step = |id: &str| plan.step(id).map(|s| (s.number, s.title.clone()));
            let note = crate::rules::plan::blocker_plan_note(&b.blocks, &b.resolved_by, &step)
                .map(|n| match lang {
                    Lang::Zh => n.zh,
                    Lang::En => format!(" {}", n.en),
                })
                .unwrap_or_default();
            format!("{} — {}{note}", b.title.get(lang), b.remedy.get(lang))
        })
        .collect();
    let steps: Vec<PreviewStep> = plan
        .steps
        .iter()
        .map(|s| PreviewStep {
            number: s.number as i64,
            title: s.title.get(lang).to_string(),
            undetermined: s.applicability == Applicability::Undetermined,
            timing: s.duration.as_ref().map(|d| timing_text(lang, s.kind, d)),
        })
        .collect();
    let summary = match lang {
        Lang::Zh if blockers.is_empty() => format!("共 {} 个步骤", steps.len()),
        Lang::Zh => format!(
            "共 {} 个步骤；{} 项阻碍需先解决",
            steps.len(),
            blockers.len()
        ),
        Lang::En if blockers.is_empty() => count_en(steps.len() as u64, "step", "steps"),
        Lang::En => format!(
            "{}; {} to clear first",
            count_en(steps.len() as u64, "step", "steps"),
            count_en(blockers.len() as u64, "blocker", "blockers")
        ),
    };
    PlanPreview {
        steps,
        blockers,
        added_steps,
        removed_steps,
        amounts: plan
            .amounts
            .iter()
            .map(|a| amount_view(lang, a, plan))
            .collect(),
        warnings: plan
            .warnings
            .iter()
            .filter(|w| w.applicability == Applicability::Applies)
            .map(|w| w.text.get(lang).to_string())
            .collect(),
        summary,
    }
}

impl App {
    /// The questionnaire of `scenario` with `answers` so far (typed text as a person
    /// gives it: `是`, `60万`, a choice's label or value).
    pub fn questionnaire(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<QuestionnaireView, AppError> {
        self.questionnaire_going_on(ctx, scenario, answers, None)
    }

    /// The questionnaire after the user tapped 下一题 on `going_on_from`: a question that
    /// still needs an answer says so on it.
    pub fn questionnaire_going_on(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
        going_on_from: Option<&str>,
    ) -> Result<QuestionnaireView, AppError> {
        let (book, i) = self.scenario(scenario)?;
        Ok(build(ctx, &book.scenarios()[i], answers, going_on_from))
    }
}
