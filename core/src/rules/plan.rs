//! Plan evaluation: facts in, an ordered checklist with blockers, warnings, consequences
//! and amounts out.
//!
//! Facts not yet given do not stop planning. A rule whose condition depends on an
//! unanswered fact is evaluated for every value that fact can take (bool and enum facts):
//! when all agree the rule is decided; otherwise it is listed as *undetermined* with the
//! open questions it waits on.

use serde::Serialize;

use super::expr::{Expr, ExprValue, FactContext};
use super::facts::{expected_for, FactError, FactValue, Facts};
use super::pack::{
    Channel, DurationDef, EvidenceHint, FactOption, FactType, OpenEnd, Severity, Source, StepKind,
};
use super::validate::{for_each_combination, sample_values, Scenario};
use crate::text::{Lang, Text};

/// Whether a rule applies given the facts known so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicability {
    Applies,
    /// Depends on facts not yet given; see `open_facts`.
    Undetermined,
}

/// One way to carry out a step.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRoute {
    pub id: String,
    pub title: Text,
    pub channel: Channel,
    pub instructions: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationDef>,
    pub source: Option<Source>,
}

/// One checklist step in the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanStep {
    pub id: String,
    /// 1-based position in the checklist.
    pub number: usize,
    pub kind: StepKind,
    pub applicability: Applicability,
    /// Unanswered facts this step's condition waits on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub title: Text,
    pub instructions: Text,
    pub channel: Channel,
    /// Other routes to the same result; any one of them completes the step.
    pub alternatives: Vec<PlanRoute>,
    /// Dependencies that are part of this plan.
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationDef>,
    pub evidence: Vec<EvidenceHint>,
    pub tips: Vec<Text>,
    pub warnings: Vec<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Text>,
    pub source: Option<Source>,
    /// The step ends the account (deregistration); every step using the account comes first.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ends_account: bool,
}

/// A precondition that currently blocks the exit (or might, pending answers).
#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub id: String,
    pub applicability: Applicability,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub title: Text,
    pub remedy: Text,
    pub source: Option<Source>,
    /// The steps it holds back; empty: every step handed in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<String>,
    /// Steps of the plan that remove it once done.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolved_by: Vec<String>,
}

impl Blocker {
    /// Whether it holds back `step` (while it applies).
    pub fn holds_back(&self, step: &str) -> bool {
        self.blocks.is_empty() || self.blocks.iter().any(|b| b == step)
    }
}

/// What a blocker means for the plan, in words: the steps that remove it and the steps
/// it holds back ("第 20 步「解除所有第三方账号绑定」完成后即解决；在此之前不能提交第 21 步
/// 「提交账号注销申请」。"). `step` names a step of the plan by number and title (none
/// when not in the plan). None when the blocker names no steps (it holds back every
/// step handed in, until a fact changes).
pub fn blocker_plan_note(
    blocks: &[String],
    resolved_by: &[String],
    step: &dyn Fn(&str) -> Option<(usize, Text)>,
) -> Option<Text> {
    let names = |ids: &[String]| -> (Vec<String>, Vec<String>) {
        ids.iter()
            .filter_map(|id| step(id))
            .map(|(n, t)| {
                (
                    format!("第 {n} 步「{}」", t.zh),
                    format!("step {n} “{}”", t.en),
                )
            })
            .unzip()
    };
    let (fix_zh, fix_en) = names(resolved_by);
    let (held_zh, held_en) = names(blocks);
    let mut zh = String::new();
    let mut en = String::new();
    if !fix_zh.is_empty() {
        zh.push_str(&format!("计划中的{}完成后即解决", fix_zh.join("、")));
        en.push_str(&format!(
            "Resolved once {} of the plan {} done",
            fix_en.join(" and "),
            if fix_en.len() > 1 { "are" } else { "is" }
        ));
    }
    if !held_zh.is_empty() {
        if zh.is_empty() {
            zh.push_str(&format!("解决之前不能提交{}", held_zh.join("、")));
            en.push_str(&format!(
                "Until it is resolved, {} cannot be handed in",
                held_en.join(" and ")
            ));
        } else {
            zh.push_str(&format!("；在此之前不能提交{}", held_zh.join("、")));
            en.push_str(&format!(
                "; until then {} cannot be handed in",
                held_en.join(" and ")
            ));
        }
    }
    if zh.is_empty() {
        return None;
    }
    zh.push('。');
    en.push('.');
    Some(Text::new(zh, en))
}

/// A warning or consequence in the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanNotice {
    pub id: String,
    pub applicability: Applicability,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub severity: Severity,
    pub text: Text,
    pub source: Option<Source>,
}

/// A computed amount. `value` is `None` while facts it needs are unanswered.
#[derive(Debug, Clone, Serialize)]
pub struct Amount {
    pub id: String,
    pub label: Text,
    /// Rounded to the fen for CNY, to two decimals otherwise.
    pub value: Option<f64>,
    pub currency: String,
    /// The unit in words for a quantity that is not yuan (empty for CNY).
    #[serde(skip_serializing_if = "super::pack::text_is_empty")]
    pub unit_label: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_facts: Vec<String>,
    pub explanation: Text,
    pub source: Option<Source>,
}

/// An unanswered question and what waits on it.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FactType,
    pub prompt: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FactOption>,
    /// Ids of the steps, blockers, notices and amounts that depend on the answer.
    pub needed_by: Vec<String>,
}

/// A fact the user has not answered whose pack default decides rules of this plan: shown
/// so the user can confirm or change it (`--fact id=…`).
#[derive(Debug, Clone, Serialize)]
pub struct Assumption {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FactType,
    pub prompt: Text,
    /// The default in effect.
    pub value: FactValue,
    /// The value in words: 是/否, the option's label, ¥ amount, the number.
    pub value_text: Text,
    /// The blockers, steps, notices and amounts whose conditions or values read it,
    /// including rules the default keeps out of the plan.
    pub affects: Vec<RuleRef>,
}

/// A rule by id, with its name in words (a step's title, a notice's text...).
#[derive(Debug, Clone, Serialize)]
pub struct RuleRef {
    pub id: String,
    pub name: Text,
}

/// A fact value in words a user reads.
pub fn value_text(def: &super::pack::FactDef, v: &FactValue) -> Text {
    match v {
        FactValue::Bool(true) => Text::new("是", "yes"),
        FactValue::Bool(false) => Text::new("否", "no"),
        FactValue::Enum(e) => def
            .options
            .iter()
            .find(|o| &o.value == e)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| Text::new(e.clone(), e.clone())),
        FactValue::Money(_) => {
            let y = format!("¥{v}");
            Text::new(y.clone(), y)
        }
        other => {
            let s = other.to_string();
            Text::new(s.clone(), s)
        }
    }
}

/// The plan for one scenario and one set of facts.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub scenario: String,
    pub pack_version: String,
    pub title: Text,
    /// Facts in effect: given ones plus pack defaults.
    pub facts: Facts,
    pub steps: Vec<PlanStep>,
    pub blockers: Vec<Blocker>,
    pub warnings: Vec<PlanNotice>,
    pub consequences: Vec<PlanNotice>,
    pub amounts: Vec<Amount>,
    /// Ids of unanswered facts (without defaults).
    pub missing_facts: Vec<String>,
    pub questions: Vec<Question>,
    /// Unanswered facts whose defaults decide rules of this plan, to confirm or change.
    pub assumptions: Vec<Assumption>,
}

impl Plan {
    pub fn step(&self, id: &str) -> Option<&PlanStep> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn amount(&self, id: &str) -> Option<&Amount> {
        self.amounts.iter().find(|a| a.id == id)
    }

    /// "需要回答「还剩几个月」才能估算": an amount waiting for answers, by their prompts.
    pub fn estimate_needs_text(&self, lang: Lang, open: &[String]) -> String {
        let prompts: Vec<String> = open
            .iter()
            .map(|id| {
                self.questions
                    .iter()
                    .find(|q| &q.id == id)
                    .map_or_else(|| id.clone(), |q| q.prompt.get(lang).to_string())
            })
            .collect();
        match lang {
            Lang::Zh => format!("需要回答「{}」才能估算", prompts.join("」「")),
            Lang::En => format!("answer “{}” to get an estimate", prompts.join("” and “")),
        }
    }
}

/// A quantity that is not money, in whole units as people count them, with its unit in
/// the user's language: "约 494 钻石" / "about 494 diamonds" (never "493.60 diamonds").
pub fn quantity_text(lang: Lang, v: f64, unit: &Text) -> String {
    let whole = v.round();
    let n = format!("{whole:.0}");
    let exact = (v - whole).abs() < 1e-9;
    match (lang, exact) {
        (Lang::Zh, true) => format!("{n} {}", unit.zh),
        (Lang::Zh, false) => format!("约 {n} {}", unit.zh),
        (Lang::En, true) => format!("{n} {}", unit.en),
        (Lang::En, false) => format!("about {n} {}", unit.en),
    }
}

/// Three-valued result of a condition.
enum Tri {
    True,
    False,
    Unknown(Vec<String>),
}

/// Cap on combinations of unanswered facts explored for one condition.
const MAX_OPEN_COMBINATIONS: usize = 256;

struct Evaluator<'a> {
    scenario: &'a Scenario,
    ctx: FactContext,
}

impl Evaluator<'_> {
    /// A duration as planned: its open end kept (condition cleared) when the condition
    /// holds or may hold, dropped when it does not.
    fn planned_duration(&self, d: Option<&DurationDef>) -> Option<DurationDef> {
        let mut d = d?.clone();
        if let Some(open) = d.open_end.take() {
            let holds = match &open.when {
                None => true,
                // Validated when the pack loaded; an expression that fails to parse here
                // keeps the end open (the cautious reading).
                Some(w) => {
                    Expr::parse(w).map_or(true, |e| !matches!(self.condition(Some(&e)), Tri::False))
                }
            };
            if holds {
                d.open_end = Some(OpenEnd { when: None, ..open });
            }
        }
        Some(d)
    }

    fn missing<'e>(&self, expr: &'e Expr) -> Vec<&'e String> {
        expr.identifiers()
            .iter()
            .filter(|id| !self.ctx.contains(id))
            .collect()
    }

    /// Whether a rule with this condition is in the plan: `None` when it does not apply,
    /// else its applicability and the unanswered facts it waits on.
    fn applicability(&self, expr: Option<&Expr>) -> Option<(Applicability, Vec<String>)> {
        match self.condition(expr) {
            Tri::False => None,
            Tri::True => Some((Applicability::Applies, Vec::new())),
            Tri::Unknown(open) => Some((Applicability::Undetermined, open)),
        }
    }

    fn condition(&self, expr: Option<&Expr>) -> Tri {
        let Some(expr) = expr else {
            return Tri::True;
        };
        let missing = self.missing(expr);
        if missing.is_empty() {
            // Validated at load time; an evaluation error here means "does not apply".
            return if expr.eval_bool(&self.ctx).unwrap_or(false) {
                Tri::True
            } else {
                Tri::False
            };
        }
        let open: Vec<String> = missing.iter().map(|s| s.to_string()).collect();
        let defs: Vec<_> = missing
            .iter()
            .filter_map(|id| self.scenario.fact(id))
            .collect();
        if defs
            .iter()
            .any(|d| !matches!(d.kind, FactType::Bool | FactType::Enum))
        {
            return Tri::Unknown(open);
        }
        let samples: Vec<Vec<ExprValue>> = defs.iter().map(|d| sample_values(d, &[])).collect();
        let (mut seen_true, mut seen_false) = (false, false);
        let mut results: Vec<(Vec<ExprValue>, bool)> = Vec::new();
        for_each_combination(&samples, MAX_OPEN_COMBINATIONS, |combo| {
            let mut ctx = self.ctx.clone();
            for (d, v) in defs.iter().zip(combo) {
                ctx.set(&d.id, v.clone());
            }
            let holds = expr.eval_bool(&ctx).unwrap_or(false);
            if holds {
                seen_true = true;
            } else {
                seen_false = true;
            }
            results.push((combo.to_vec(), holds));
        });
        match (seen_true, seen_false) {
            (true, false) => Tri::True,
            (false, _) => Tri::False,
            (true, true) => {
                // Only the facts whose answer can change the outcome are waited on: two
                // combinations that differ in that fact alone give different results
                // (with no contract, how the contract would end is not asked).
                let matters = |k: usize| {
                    results.iter().any(|(a, ra)| {
                        results.iter().any(|(b, rb)| {
                            ra != rb
                                && a.iter()
                                    .zip(b)
                                    .enumerate()
                                    .all(|(i, (x, y))| i == k || x == y)
                        })
                    })
                };
                let relevant: Vec<String> = open
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| matters(*k))
                    .map(|(_, id)| id.clone())
                    .collect();
                Tri::Unknown(if relevant.is_empty() { open } else { relevant })
            }
        }
    }
}

impl Evaluator<'_> {
    /// The value of a formula whose unanswered facts cannot change it (a creator's own
    /// cancellation is ¥0 whether or not a video was uploaded): evaluated over sample
    /// values of every open fact; `None` when any answer could change it.
    fn value_whatever_the_answers(&self, expr: &Expr, open: &[String]) -> Option<f64> {
        let defs: Vec<_> = open
            .iter()
            .filter_map(|id| self.scenario.fact(id))
            .collect();
        if defs.len() != open.len() {
            return None;
        }
        let literals = expr.numeric_literals();
        let samples: Vec<Vec<ExprValue>> =
            defs.iter().map(|d| sample_values(d, &literals)).collect();
        let combinations = samples
            .iter()
            .try_fold(1usize, |n, s| n.checked_mul(s.len()))?;
        if combinations == 0 || combinations > MAX_OPEN_COMBINATIONS {
            return None;
        }
        let mut seen: Option<f64> = None;
        let mut decided = true;
        for_each_combination(&samples, MAX_OPEN_COMBINATIONS, |combo| {
            let mut ctx = self.ctx.clone();
            for (d, v) in defs.iter().zip(combo) {
                ctx.set(&d.id, v.clone());
            }
            match expr.eval_number(&ctx) {
                Ok(v) if seen.is_none() => seen = Some(v),
                Ok(v) if seen == Some(v) => {}
                _ => decided = false,
            }
        });
        if decided {
            seen
        } else {
            None
        }
    }
}

/// Checks given facts against the scenario: every name known, every value of its type.
pub fn check_facts(scenario: &Scenario, facts: &Facts) -> Result<(), FactError> {
    for (id, value) in facts {
        let Some(def) = scenario.fact(id) else {
            return Err(scenario.unknown_fact(id));
        };
        let ok = value.fact_type() == def.kind
            && match value {
                FactValue::Enum(v) => def.options.iter().any(|o| &o.value == v),
                _ => true,
            };
        if !ok {
            return Err(FactError::WrongType {
                fact: id.clone(),
                expected: expected_for(def),
                got: value.to_string(),
            });
        }
    }
    Ok(())
}

/// Evaluates the plan for `facts`. Unknown fact names and values of the wrong type are
/// errors naming the fact; unanswered facts are listed in the plan.
pub fn evaluate_plan(scenario: &Scenario, facts: &Facts) -> Result<Plan, FactError> {
    check_facts(scenario, facts)?;
    let pack = &scenario.pack;
    let mut effective = scenario.defaults.clone();
    for (k, v) in facts {
        effective.insert(k.clone(), v.clone());
    }
    let mut ctx = FactContext::new();
    for (k, v) in &effective {
        ctx.set(k, v.to_expr());
    }
    let ev = Evaluator { scenario, ctx };
    let mut needed_by = NeededBy::default();
    let blockers = ev.blockers(&mut needed_by);
    let steps = ev.steps(&mut needed_by);
    let warnings = ev.notices(&pack.warnings, &scenario.warning_exprs, &mut needed_by);
    let consequences = ev.notices(
        &pack.consequences,
        &scenario.consequence_exprs,
        &mut needed_by,
    );
    let (amounts, estimate_needs) = ev.amounts(facts, &mut needed_by);
    let (missing_facts, questions) =
        open_questions(scenario, &effective, &estimate_needs, &needed_by);
    Ok(Plan {
        scenario: pack.id.clone(),
        pack_version: pack.version.clone(),
        title: ev.title(),
        facts: effective,
        steps,
        blockers,
        warnings,
        consequences,
        amounts,
        missing_facts,
        questions,
        assumptions: assumptions(scenario, facts),
    })
}

/// Which rules wait on which unanswered facts: (fact, rule id), in the order the rules
/// were evaluated.
#[derive(Default)]
struct NeededBy(Vec<(String, String)>);

impl NeededBy {
    fn note(&mut self, open: &[String], rule: &str) {
        for f in open {
            self.0.push((f.clone(), rule.to_string()));
        }
    }

    /// The rules that wait on `fact`.
    fn rules(&self, fact: &str) -> Vec<String> {
        let mut by: Vec<String> = self
            .0
            .iter()
            .filter(|(f, _)| f == fact)
            .map(|(_, r)| r.clone())
            .collect();
        by.dedup();
        by
    }
}

impl Evaluator<'_> {
    /// The preconditions that apply or may apply.
    fn blockers(&self, needed_by: &mut NeededBy) -> Vec<Blocker> {
        let scenario = self.scenario;
        let mut blockers = Vec::new();
        for (p, expr) in scenario
            .pack
            .preconditions
            .iter()
            .zip(&scenario.precondition_exprs)
        {
            let Some((applicability, open)) = self.applicability(Some(expr)) else {
                continue;
            };
            needed_by.note(&open, &p.id);
            blockers.push(Blocker {
                id: p.id.clone(),
                applicability,
                open_facts: open,
                title: p.title.clone(),
                remedy: p.remedy.clone(),
                source: p.source.clone(),
                blocks: p.blocks.clone(),
                resolved_by: p.resolved_by.clone(),
            });
        }
        blockers
    }

    /// Steps in dependency order; only steps that apply or may apply, numbered, with
    /// dependencies only on steps in the plan.
    fn steps(&self, needed_by: &mut NeededBy) -> Vec<PlanStep> {
        let scenario = self.scenario;
        let mut steps = Vec::new();
        for &i in &scenario.step_order {
            let s = &scenario.pack.steps[i];
            let Some((applicability, open)) = self.applicability(scenario.step_exprs[i].as_ref())
            else {
                continue;
            };
            needed_by.note(&open, &s.id);
            steps.push(self.step(s, steps.len() + 1, applicability, open));
        }
        let in_plan: std::collections::HashSet<String> =
            steps.iter().map(|s| s.id.clone()).collect();
        for s in &mut steps {
            s.depends_on.retain(|d| in_plan.contains(d));
        }
        steps
    }

    fn step(
        &self,
        s: &super::pack::StepDef,
        number: usize,
        applicability: Applicability,
        open: Vec<String>,
    ) -> PlanStep {
        let duration = self.planned_duration(s.duration.as_ref());
        // While the end is open, the open end's escalation replaces the step's.
        let escalation = duration
            .as_ref()
            .and_then(|d| d.open_end.as_ref())
            .and_then(|o| o.escalation.clone())
            .or_else(|| s.escalation.clone());
        PlanStep {
            id: s.id.clone(),
            number,
            kind: s.kind,
            applicability,
            open_facts: open,
            title: s.title.clone(),
            instructions: s.instructions.clone(),
            channel: s.channel,
            alternatives: s
                .alternatives
                .iter()
                .map(|r| PlanRoute {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    channel: r.channel,
                    instructions: r.instructions.clone(),
                    duration: self.planned_duration(r.duration.as_ref()),
                    source: r.source.clone(),
                })
                .collect(),
            depends_on: s.depends_on.clone(),
            duration,
            evidence: s.evidence.clone(),
            tips: s.tips.clone(),
            warnings: s.warnings.clone(),
            escalation,
            source: s.source.clone(),
            ends_account: s.ends_account,
        }
    }

    /// The warnings or consequences that apply or may apply.
    fn notices(
        &self,
        list: &[super::pack::Notice],
        exprs: &[Option<Expr>],
        needed_by: &mut NeededBy,
    ) -> Vec<PlanNotice> {
        let mut out = Vec::new();
        for (n, expr) in list.iter().zip(exprs) {
            let Some((applicability, open)) = self.applicability(expr.as_ref()) else {
                continue;
            };
            needed_by.note(&open, &n.id);
            out.push(PlanNotice {
                id: n.id.clone(),
                applicability,
                open_facts: open,
                severity: n.severity,
                text: n.text.clone(),
                source: n.source.clone(),
            });
        }
        out
    }

    /// The amounts that apply or may apply, and the numbers they wait for that only have
    /// a default (asked rather than assumed).
    fn amounts(&self, facts: &Facts, needed_by: &mut NeededBy) -> (Vec<Amount>, Vec<String>) {
        let scenario = self.scenario;
        let mut amounts = Vec::new();
        let mut estimate_needs: Vec<String> = Vec::new();
        for (i, ((f, value), when)) in scenario
            .pack
            .formulas
            .iter()
            .zip(&scenario.formula_value_exprs)
            .zip(&scenario.formula_when_exprs)
            .enumerate()
        {
            let Some((_, mut open)) = self.applicability(when.as_ref()) else {
                continue;
            };
            let when_decided = open.is_empty();
            for m in self.missing(value) {
                if !open.contains(m) {
                    open.push(m.clone());
                }
            }
            // A number the user has not given does not make an estimate: a default (0
            // months left) would show a figure (¥0.00) the user never gave grounds for.
            // The amount waits for the answer instead, and the fact is asked.
            for id in value.identifiers() {
                if self.defaulted_number(facts, id) && !open.contains(id) {
                    open.push(id.clone());
                    estimate_needs.push(id.clone());
                }
            }
            let computed = if open.is_empty() {
                value.eval_number(&self.ctx).ok().map(round2)
            } else {
                // Open facts that cannot change the value are not asked for it.
                let decided = when_decided
                    .then(|| self.value_whatever_the_answers(value, &open))
                    .flatten();
                if decided.is_some() {
                    open.clear();
                }
                decided.map(round2)
            };
            needed_by.note(&open, &f.id);
            // The first explanation case that holds for the facts given (an undecided
            // case keeps the general explanation).
            let case = f
                .cases
                .iter()
                .zip(&scenario.formula_case_exprs[i])
                .find(|(_, e)| matches!(self.condition(Some(e)), Tri::True))
                .map(|(c, _)| c);
            amounts.push(Amount {
                id: f.id.clone(),
                label: f.label.clone(),
                value: computed,
                currency: f.currency.clone(),
                unit_label: f.unit_label.clone(),
                open_facts: open,
                explanation: case.map_or_else(|| f.explanation.clone(), |c| c.explanation.clone()),
                source: case
                    .and_then(|c| c.source.clone())
                    .or_else(|| f.source.clone()),
            });
        }
        (amounts, estimate_needs)
    }

    /// A number (integer or money) the user has not given that only has the pack's
    /// default.
    fn defaulted_number(&self, facts: &Facts, id: &str) -> bool {
        let scenario = self.scenario;
        !facts.contains_key(id)
            && scenario.defaults.contains_key(id)
            && scenario
                .fact(id)
                .is_some_and(|d| matches!(d.kind, FactType::Integer | FactType::Money))
    }

    /// A mode with its own title (keep the account): the first variant that holds.
    fn title(&self) -> Text {
        let pack = &self.scenario.pack;
        pack.title_variants
            .iter()
            .zip(&self.scenario.title_variant_exprs)
            .find(|(_, e)| matches!(self.condition(Some(e)), Tri::True))
            .map_or_else(|| pack.title.clone(), |(v, _)| v.title.clone())
    }
}

/// Open questions: unanswered facts that an undecided rule waits on, plus purely
/// informational facts no rule reads. A fact only read by rules already decided by other
/// answers is not asked. Returns the facts missing and their questions.
fn open_questions(
    scenario: &Scenario,
    effective: &Facts,
    estimate_needs: &[String],
    needed_by: &NeededBy,
) -> (Vec<String>, Vec<Question>) {
    let mut missing_facts = Vec::new();
    let mut questions = Vec::new();
    for (i, def) in scenario.pack.facts.iter().enumerate() {
        // Optional facts (only letters use them) are asked by the letter that needs them.
        let answered_or_defaulted =
            effective.contains_key(&def.id) && !estimate_needs.contains(&def.id);
        if answered_or_defaulted || def.optional {
            continue;
        }
        let by = needed_by.rules(&def.id);
        if by.is_empty() && scenario.fact_is_read[i] {
            continue;
        }
        missing_facts.push(def.id.clone());
        questions.push(Question {
            id: def.id.clone(),
            kind: def.kind,
            prompt: def.prompt.clone(),
            options: def.options.clone(),
            needed_by: by,
        });
    }
    (missing_facts, questions)
}

/// Defaults that decide rules: shown as assumptions the user can change.
fn assumptions(scenario: &Scenario, facts: &Facts) -> Vec<Assumption> {
    let mut assumptions = Vec::new();
    for def in &scenario.pack.facts {
        if facts.contains_key(&def.id) {
            continue;
        }
        let Some(value) = scenario.defaults.get(&def.id) else {
            continue;
        };
        let affects: Vec<RuleRef> = scenario
            .rules_reading(&def.id)
            .into_iter()
            .map(|(id, name)| RuleRef { id, name })
            .collect();
        if affects.is_empty() {
            continue;
        }
        assumptions.push(Assumption {
            id: def.id.clone(),
            kind: def.kind,
            prompt: def.prompt.clone(),
            value: value.clone(),
            value_text: value_text(def, value),
            affects,
        });
    }
    assumptions
}

/// Rounds half away from zero to two decimals (the fen, for yuan).
fn round2(v: f64) -> f64 {
    // Nudge by a tiny epsilon so 617.285 (stored as 617.28499...) rounds up as written.
    let scaled = v * 100.0;
    let nudged = scaled + scaled.signum() * 1e-7;
    nudged.round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::round2;

    #[test]
    fn rounds_to_the_fen() {
        assert_eq!(round2(617.285), 617.29);
        assert_eq!(round2(0.0), 0.0);
        assert_eq!(round2(-1.005), -1.01);
        assert_eq!(round2(100.0 * 0.2), 20.0);
    }
}
