//! Letters drafted from a case: the list of a case's letters and one letter, structured,
//! with its text and printable HTML. Templates are data in the rule packs
//! (`[[letters]]`, see `crate::rules::letter` and `docs/letters.md`).
//!
//! A letter is filled from the case: facts (given or assumed), step times, dates counted
//! with the calendar, and the case's evidence as attachments. When a fact is missing the
//! letter lists it as a question and shows no body: it never prints a blank.

use super::error::{evidence_error, vault_error};
use super::present::tr;
use super::{App, AppError, ChangeKind, Missing};
use crate::app::present::count_en;
use crate::evidence::EvidenceStore;
use chrono::{DateTime, NaiveDate, Utc};

use super::present::{action_label, local_text, money_text, source_view};
use super::questionnaire::question_view;
use super::views::*;
use super::ViewContext;
use crate::calendar::BEIJING;
use crate::evidence::{html_escape, EvidenceItem};
use crate::rules::expr::{Expr, FactContext};
use crate::rules::letter::{parse, Piece, Slot, StepEvent};
use crate::rules::pack::{DurationDef, DurationUnit, FactDef, LetterDef, LetterKind, LetterLine};
use crate::rules::{FactValue, Facts, Scenario};
use crate::text::Lang;
use crate::vault::{CaseView, DeadlineCalc, StepAction, StepView};

/// The tag every letter kept as evidence carries; `letter:<id>` names which one.
pub const LETTER_TAG: &str = "letter";

/// A date as a letter writes it: "2026年10月8日", "8 October 2026".
pub fn date_text(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

/// A period as a letter writes it, saying which days count: "7个自然日", "1–3个工作日".
fn letter_span(lang: Lang, d: &DurationDef) -> String {
    let n = if d.min == d.max {
        d.max.to_string()
    } else {
        format!("{}–{}", d.min, d.max)
    };
    match (lang, d.unit) {
        (Lang::Zh, DurationUnit::WorkingDays) => format!("{n}个工作日"),
        (Lang::Zh, DurationUnit::NaturalDays) => format!("{n}个自然日"),
        (Lang::Zh, DurationUnit::Hours) => format!("{n}小时"),
        (Lang::En, unit) => {
            let one = d.min == d.max && d.max == 1;
            let noun = match (unit, one) {
                (DurationUnit::WorkingDays, true) => "working day",
                (DurationUnit::WorkingDays, false) => "working days",
                (DurationUnit::NaturalDays, true) => "calendar day",
                (DurationUnit::NaturalDays, false) => "calendar days",
                (DurationUnit::Hours, true) => "hour",
                (DurationUnit::Hours, false) => "hours",
            };
            format!("{n} {noun}")
        }
    }
}

/// An instant as a letter writes it, in Beijing time.
pub fn datetime_text(lang: Lang, t: DateTime<Utc>) -> String {
    let b = t.with_timezone(&BEIJING);
    match lang {
        Lang::Zh => format!(
            "{} {}（北京时间）",
            date_text(lang, b.date_naive()),
            b.format("%H:%M")
        ),
        Lang::En => format!(
            "{}, {} Beijing time",
            date_text(lang, b.date_naive()),
            b.format("%H:%M")
        ),
    }
}

fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&BEIJING).date_naive()
}

/// A fact's value as a letter writes it.
fn fact_text(lang: Lang, def: &FactDef, v: &FactValue) -> String {
    match v {
        FactValue::Date(d) => date_text(lang, *d),
        FactValue::Datetime(t) => datetime_text(lang, *t),
        FactValue::Money(fen) => match lang {
            Lang::Zh => format!("{}元", money_text(*fen).trim_start_matches('¥')),
            Lang::En => format!("CNY {}", money_text(*fen).trim_start_matches('¥')),
        },
        // Typed text goes into a sentence: its own closing punctuation is dropped.
        FactValue::Text(t) => t
            .trim()
            .trim_end_matches(['。', '.', '！', '!', '；', ';', '，', ','])
            .trim_end()
            .to_string(),
        other => super::present::fact_value_text(lang, def, other),
    }
}

/// What one case gives a letter.
pub(crate) struct LetterInputs<'a> {
    pub ctx: &'a ViewContext,
    pub sc: &'a Scenario,
    pub case: &'a CaseView,
    /// The case's evidence (deleted items are skipped here).
    pub items: &'a [EvidenceItem],
    pub calc: &'a DeadlineCalc,
}

/// What a letter lacks.
#[derive(Default)]
struct Gaps {
    facts: Vec<String>,
    steps: Vec<(String, StepEvent)>,
}

impl Gaps {
    fn fact(&mut self, id: &str) {
        if !self.facts.iter().any(|f| f == id) {
            self.facts.push(id.to_string());
        }
    }
}

impl LetterInputs<'_> {
    fn given(&self) -> Facts {
        crate::sort::collect_sorted(self.case.facts.iter().filter_map(|(k, v)| {
            let def = self.sc.fact(k)?;
            FactValue::from_json(def, v).ok().map(|v| (k.clone(), v))
        }))
    }

    fn effective(&self) -> Facts {
        let mut f: Facts = self.sc.defaults.clone();
        f.extend(self.given());
        f
    }

    fn today(&self) -> NaiveDate {
        beijing_date(self.ctx.now)
    }

    fn step(&self, id: &str) -> Option<&StepView> {
        self.case.step(id)
    }

    /// "第 6 步「…」", or the pack's title when the step is not in the case.
    fn step_text(&self, lang: Lang, id: &str) -> String {
        match self.case.steps.iter().find(|s| s.id == id) {
            Some(s) => match lang {
                Lang::Zh => format!("第 {} 步「{}」", s.number, s.title.get(lang)),
                Lang::En => format!("step {} “{}”", s.number, s.title.get(lang)),
            },
            None => {
                let title = self
                    .sc
                    .pack
                    .steps
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.title.get(lang).to_string())
                    .unwrap_or_else(|| id.to_string());
                match lang {
                    Lang::Zh => format!("「{title}」"),
                    Lang::En => format!("“{title}”"),
                }
            }
        }
    }

    /// The start and last day of a step's period: the running clock's, else counted from
    /// the letter's date.
    fn period(&self, id: &str) -> Option<(NaiveDate, NaiveDate)> {
        let s = self.step(id)?;
        if let Some(d) = &s.deadline {
            return Some((beijing_date(d.clock_start), d.latest_date));
        }
        let dur = s.duration.as_ref()?;
        let d = self.calc.deadline_for(dur, self.ctx.now)?;
        Some((self.today(), d.latest_date))
    }

    fn slot(&self, lang: Lang, slot: &Slot, facts: &Facts, attachments: usize) -> Option<String> {
        match slot {
            Slot::Fact(id) => {
                let def = self.sc.fact(id)?;
                facts.get(id).map(|v| fact_text(lang, def, v))
            }
            Slot::StepTime(id, ev) => {
                let s = self.step(id)?;
                let t = match ev {
                    StepEvent::Started => s.started_at,
                    StepEvent::Submitted => s.submitted_at,
                    StepEvent::Done => s.done_at,
                }?;
                Some(datetime_text(lang, t))
            }
            Slot::Today => Some(date_text(lang, self.today())),
            Slot::Start(id) => self.period(id).map(|(s, _)| date_text(lang, s)),
            Slot::End(id) => self.period(id).map(|(_, e)| date_text(lang, e)),
            Slot::Span(id) => self
                .step(id)?
                .duration
                .as_ref()
                .map(|d| letter_span(lang, d)),
            Slot::Overdue(id) => {
                let d = self.step(id)?.deadline.as_ref()?;
                if !d.is_overdue(self.ctx.now) {
                    return None;
                }
                let days = (self.today() - d.latest_date).num_days().max(1);
                Some(match lang {
                    Lang::Zh => format!("{days}天"),
                    Lang::En if days == 1 => "1 day".to_string(),
                    Lang::En => format!("{days} days"),
                })
            }
            // No attachments: the line that mentions them is left out.
            Slot::Attachments => (attachments > 0).then(|| attachments.to_string()),
        }
    }

    /// Whether a condition holds; `None` (with the facts it needs noted) when it reads
    /// facts not known yet.
    fn holds(&self, when: Option<&str>, facts: &Facts, gaps: &mut Gaps) -> Option<bool> {
        let Some(src) = when else {
            return Some(true);
        };
        let expr = Expr::parse(src).ok()?;
        let mut ctx = FactContext::new();
        let mut open = false;
        for id in expr.identifiers() {
            match facts.get(id) {
                Some(v) => ctx.set(id, v.to_expr()),
                None => {
                    gaps.fact(id);
                    open = true;
                }
            }
        }
        if open {
            return None;
        }
        Some(expr.eval_bool(&ctx).unwrap_or(false))
    }

    /// Fills one template text. `None`: the line is left out (an optional value is not
    /// known); required values that are missing go to `gaps`.
    fn fill(
        &self,
        lang: Lang,
        template: &str,
        facts: &Facts,
        attachments: usize,
        gaps: &mut Gaps,
    ) -> Option<String> {
        let pieces = parse(template).ok()?;
        let mut out = String::new();
        let mut drop = false;
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(&t),
                Piece::Slot(ph) => match self.slot(lang, &ph.slot, facts, attachments) {
                    Some(v) => out.push_str(&v),
                    None if ph.optional => drop = true,
                    None => match &ph.slot {
                        Slot::Fact(id) => gaps.fact(id),
                        Slot::StepTime(id, ev) => gaps.steps.push((id.clone(), *ev)),
                        _ => drop = true,
                    },
                },
            }
        }
        (!drop).then_some(out)
    }

    fn line(
        &self,
        lang: Lang,
        line: &LetterLine,
        facts: &Facts,
        attachments: usize,
        gaps: &mut Gaps,
    ) -> Option<String> {
        if !self.holds(line.when.as_deref(), facts, gaps)? {
            return None;
        }
        let text = line.text();
        self.fill(lang, text.get(lang), facts, attachments, gaps)
    }

    fn attachments(&self, lang: Lang, l: &LetterDef) -> Vec<LetterAttachment> {
        let own = format!("{LETTER_TAG}:{}", l.id);
        let mut items: Vec<&EvidenceItem> = self
            .items
            .iter()
            .filter(|i| i.deleted_at.is_none())
            .filter(|i| !i.tags.contains(&own))
            .filter(|i| l.attach.iter().any(|a| a == "all" || i.proves(a)))
            .collect();
        crate::sort::sort_by_key(&mut items, |i| {
            (i.captured_at.unwrap_or(i.imported_at), i.id.clone())
        });
        items
            .into_iter()
            .enumerate()
            .map(|(n, i)| {
                // Beijing time, as the dispute bundle's file names and index show it.
                let captured_text = match i.captured_at {
                    Some(t) => {
                        let b = t.with_timezone(&BEIJING);
                        match lang {
                            Lang::Zh => format!(
                                "记录于北京时间 {} {}",
                                date_text(lang, b.date_naive()),
                                b.format("%H:%M")
                            ),
                            Lang::En => format!("recorded {}", datetime_text(lang, t)),
                        }
                    }
                    None => tr(lang, "记录时间不详", "time of recording unknown"),
                };
                let short_hash: String = i.sha256.chars().take(12).collect();
                let text = match lang {
                    Lang::Zh => format!(
                        "{}（{captured_text}；SHA-256 前 12 位 {short_hash}）",
                        i.original_name
                    ),
                    Lang::En => format!(
                        "{} ({captured_text}; SHA-256 begins {short_hash})",
                        i.original_name
                    ),
                };
                LetterAttachment {
                    number: n as i64 + 1,
                    evidence_id: i.id.clone(),
                    file_name: i.original_name.clone(),
                    captured_text,
                    short_hash,
                    sha256: i.sha256.clone(),
                    text,
                }
            })
            .collect()
    }

    fn sent(&self, lang: Lang, l: &LetterDef) -> Vec<SentCopy> {
        let own = format!("{LETTER_TAG}:{}", l.id);
        let mut out: Vec<SentCopy> = self
            .items
            .iter()
            .filter(|i| i.deleted_at.is_none() && i.tags.contains(&own))
            .map(|i| {
                let at = i.captured_at.unwrap_or(i.imported_at);
                let hash: String = i.sha256.chars().take(12).collect();
                SentCopy {
                    evidence_id: i.id.clone(),
                    sent_at: at,
                    text: match lang {
                        Lang::Zh => format!(
                            "已于 {} 发送，已存为证据（SHA-256 前 12 位 {hash}）",
                            local_text(self.ctx, at)
                        ),
                        Lang::En => format!(
                            "Sent {}, kept as evidence (SHA-256 begins {hash})",
                            local_text(self.ctx, at)
                        ),
                    },
                }
            })
            .collect();
        crate::sort::sort_by_key(&mut out, |c| c.sent_at);
        out
    }

    /// Why the letter cannot be drafted now, or `None` when it can.
    fn unavailable(
        &self,
        lang: Lang,
        l: &LetterDef,
        facts: &Facts,
        gaps: &mut Gaps,
    ) -> Option<String> {
        let in_plan = self.case.steps.iter().any(|s| s.id == l.step && s.in_plan);
        if !in_plan {
            return Some(match lang {
                Lang::Zh => format!(
                    "按你的回答，清单里没有{}这一步，用不到这封信",
                    self.step_text(lang, &l.step)
                ),
                Lang::En => format!(
                    "Your checklist has no {}, so this letter is not needed",
                    self.step_text(lang, &l.step)
                ),
            });
        }
        if self.holds(l.when.as_deref(), facts, gaps) == Some(false) {
            return Some(tr(
                lang,
                "按你目前的回答，用不到这封信",
                "Going by your answers, this letter is not needed",
            ));
        }
        if let Some(o) = &l.after_overdue {
            let st = self.step_text(lang, o);
            let Some(s) = self.step(o).filter(|s| s.in_plan) else {
                return Some(match lang {
                    Lang::Zh => format!("按你的回答，清单里没有{st}这一步，用不到这封信"),
                    Lang::En => format!("Your checklist has no {st}, so this letter is not needed"),
                });
            };
            if s.done_at.is_some() {
                return Some(match lang {
                    Lang::Zh => format!("{st}已经有结果，不需要这封信"),
                    Lang::En => format!("{st} already has its result; this letter is not needed"),
                });
            }
            match &s.deadline {
                None => {
                    let label = action_label(lang, s.kind, StepAction::Submit);
                    return Some(match lang {
                        Lang::Zh => format!(
                            "先在{st}点「{label}」：期限过了仍无结果时，才用得上这封信"
                        ),
                        Lang::En => format!(
                            "First mark {st} as “{label}”: this letter is for when its deadline passes without an answer"
                        ),
                    });
                }
                Some(d) if !d.is_overdue(self.ctx.now) => {
                    let end = date_text(lang, d.latest_date);
                    return Some(match lang {
                        Lang::Zh => format!(
                            "{st}的期限（{end}）还没到：到期仍无结果时，才用得上这封信"
                        ),
                        Lang::En => format!(
                            "The deadline of {st} ({end}) has not passed yet: this letter is for when it passes without an answer"
                        ),
                    });
                }
                Some(_) => {}
            }
        }
        None
    }

    fn step_gap_reason(&self, lang: Lang, steps: &[(String, StepEvent)]) -> Option<String> {
        let (id, ev) = steps.first()?;
        let s = self.step(id)?;
        let action = match ev {
            StepEvent::Started => StepAction::Start,
            StepEvent::Submitted => StepAction::Submit,
            StepEvent::Done => StepAction::Done,
        };
        let label = action_label(lang, s.kind, action);
        let st = self.step_text(lang, id);
        Some(match lang {
            Lang::Zh => format!("先在{st}点「{label}」（并填写实际时间）：信里要写明这个时间"),
            Lang::En => format!(
                "First mark {st} as “{label}” (with the real time): the letter quotes that time"
            ),
        })
    }

    /// One letter, in `lang`.
    pub fn letter(&self, lang: Lang, number: usize, l: &LetterDef) -> LetterView {
        // Defaults may decide whether the letter is needed at all (as they drive the
        // plan), but a letter never states a fact the user did not answer: its sentences
        // are filled from answers only, and a sentence that rests on an unanswered fact
        // becomes a question.
        let assumed = self.effective();
        let facts = self.given();
        let mut gaps = Gaps::default();
        let mut reason = self.unavailable(lang, l, &assumed, &mut gaps);
        let attachments = self.attachments(lang, l);
        let n = attachments.len();
        let recipient = self.fill(lang, l.recipient.get(lang), &facts, n, &mut gaps);
        let lines = |ls: &[LetterLine], gaps: &mut Gaps| -> Vec<String> {
            ls.iter()
                .filter_map(|x| self.line(lang, x, &facts, n, gaps))
                .collect()
        };
        let paragraphs = lines(&l.paragraphs, &mut gaps);
        let demands = lines(&l.demands, &mut gaps);
        let signature = lines(&l.signature, &mut gaps);
        let dates: Vec<LetterDateView> = l
            .dates
            .iter()
            .filter_map(|d| {
                Some(LetterDateView {
                    label: d.label.get(lang).to_string(),
                    value: self.fill(lang, &d.value, &facts, n, &mut gaps)?,
                })
            })
            .collect();
        if reason.is_none() {
            reason = self.step_gap_reason(lang, &gaps.steps);
        }
        let available = reason.is_none();
        let given = &facts;
        let missing: Vec<QuestionView> = if available {
            gaps.facts
                .iter()
                .filter_map(|id| self.sc.fact(id))
                .map(|def| {
                    // Here the letter needs it: no "optional" note.
                    let mut q = question_view(lang, self.sc, def, given.get(&def.id));
                    q.help = Some(def.help.get(lang).to_string()).filter(|h| !h.trim().is_empty());
                    q
                })
                .collect()
        } else {
            Vec::new()
        };
        let complete = available && missing.is_empty() && recipient.is_some();
        let missing_text = (!missing.is_empty()).then(|| match lang {
            Lang::Zh => format!("还需要回答以下 {} 个问题，才能生成这封信", missing.len()),
            Lang::En => format!(
                "Answer {} below to write this letter",
                match missing.len() {
                    1 => "the question".to_string(),
                    n => format!("the {n} questions"),
                }
            ),
        });
        let mut view = LetterView {
            case_id: self.case.id.clone(),
            id: l.id.clone(),
            number: number as i64,
            kind_label: l.kind.label().get(lang).to_string(),
            title: l.title.get(lang).to_string(),
            recipient: if complete { recipient.unwrap_or_default() } else { String::new() },
            date_text: date_text(lang, self.today()),
            dates: if complete { dates } else { Vec::new() },
            paragraphs: if complete { paragraphs } else { Vec::new() },
            demands: if complete { demands } else { Vec::new() },
            attachments: if complete { attachments } else { Vec::new() },
            signature: if complete { signature } else { Vec::new() },
            complete,
            available,
            reason,
            missing,
            missing_text,
            translation_note: (lang == Lang::En).then(|| {
                "English rendering for your understanding only (译文 仅供理解): send the Chinese original.".to_string()
            }),
            guidance: Some(l.guidance.get(lang).to_string()).filter(|g| !g.trim().is_empty()),
            step_id: l.step.clone(),
            step_text: self.step_text(lang, &l.step),
            source: l
                .source
                .as_ref()
                .map(|s| source_view(lang, s))
                .expect("validated: every letter has a source"),
            sent: self.sent(lang, l),
            plain_text: String::new(),
            labels: LetterLabels {
                demands: tr(lang, "诉求", "Demands"),
                attachments: tr(lang, "附件清单", "Attachments"),
                dates: tr(lang, "日期说明", "Dates"),
                source: tr(lang, "出处", "Source"),
            },
            page: Vec::new(),
            source_text: String::new(),
        };
        view.source_text = match lang {
            Lang::Zh => format!("出处：“{}”（{}）", view.source.quote, view.source.summary),
            Lang::En => format!("Source: “{}” ({})", view.source.quote, view.source.summary),
        };
        if view.complete {
            view.page = page(&view, l.kind);
            view.plain_text = plain_text(&view);
        }
        view
    }

    /// The list of the case's letters.
    pub fn list(&self) -> LettersView {
        let lang = self.ctx.lang;
        let letters = self
            .sc
            .pack
            .letters
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let v = self.letter(lang, i + 1, l);
                let missing_count = v.missing.len() as i64;
                let sent_text = v.sent.last().map(|c| local_text(self.ctx, c.sent_at));
                let status_text = match (&v.reason, &sent_text) {
                    (Some(_), _) => tr(lang, "暂不可用", "not available now"),
                    (None, Some(t)) => match lang {
                        Lang::Zh => format!("已于 {t} 发送"),
                        Lang::En => format!("sent {t}"),
                    },
                    (None, None) if missing_count > 0 => match lang {
                        Lang::Zh => format!("还需回答 {missing_count} 个问题"),
                        Lang::En => format!(
                            "{} to answer",
                            count_en(missing_count as u64, "question", "questions")
                        ),
                    },
                    (None, None) => tr(lang, "可以生成", "ready to write"),
                };
                LetterCard {
                    id: v.id,
                    number: v.number,
                    title: v.title,
                    detail: format!("{} · {}", v.kind_label, v.step_text),
                    kind_label: v.kind_label,
                    step_text: v.step_text,
                    available: v.available,
                    reason: v.reason,
                    missing_count,
                    status_text,
                    sent_text,
                }
            })
            .collect::<Vec<_>>();
        LettersView {
            case_id: self.case.id.clone(),
            title: tr(lang, "文书草稿", "Letters"),
            empty_text: letters.is_empty().then(|| {
                tr(
                    lang,
                    "这个退出流程没有需要写的文书。",
                    "This exit needs no letter.",
                )
            }),
            letters,
        }
    }
}

/// Whether a letter of this kind opens with its recipient ("某某公司：").
fn has_salutation(kind: LetterKind) -> bool {
    !matches!(kind, LetterKind::FormText)
}

/// The letter's page below its title, laid out in its language: the one layout the
/// plain text, the phone screens and the CLI share.
pub fn page(v: &LetterView, kind: LetterKind) -> Vec<LetterPageLine> {
    let zh = v.translation_note.is_none();
    let colon = if zh { "：" } else { ":" };
    let line = |role, text: String| LetterPageLine { role, text };
    let mut out = Vec::new();
    if has_salutation(kind) {
        out.push(line(
            LetterLineRole::Recipient,
            format!("{}{colon}", v.recipient),
        ));
    }
    for p in &v.paragraphs {
        let indent = if zh { "　　" } else { "" };
        out.push(line(LetterLineRole::Body, format!("{indent}{p}")));
    }
    let mut list = |head: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        out.push(line(LetterLineRole::Heading, format!("{head}{colon}")));
        for (i, x) in items.iter().enumerate() {
            out.push(line(LetterLineRole::Item, format!("{}. {x}", i + 1)));
        }
    };
    list(&v.labels.demands, v.demands.clone());
    let date_sep = if zh { "：" } else { ": " };
    list(
        &v.labels.dates,
        v.dates
            .iter()
            .map(|d| format!("{}{date_sep}{}", d.label, d.value))
            .collect(),
    );
    list(
        &v.labels.attachments,
        v.attachments.iter().map(|a| a.text.clone()).collect(),
    );
    for s in &v.signature {
        out.push(line(LetterLineRole::Signature, s.clone()));
    }
    out
}

/// The letter as plain text, to copy, share or keep as evidence: the translation note,
/// the title, then the laid-out page.
pub fn plain_text(v: &LetterView) -> String {
    let mut out = String::new();
    if let Some(n) = &v.translation_note {
        out.push_str(&format!("[{n}]\n\n"));
    }
    out.push_str(&v.title);
    out.push_str("\n\n");
    for (i, l) in v.page.iter().enumerate() {
        out.push_str(&l.text);
        let next = v.page.get(i + 1).map(|n| n.role);
        match l.role {
            LetterLineRole::Recipient | LetterLineRole::Body => out.push_str("\n\n"),
            LetterLineRole::Heading | LetterLineRole::Signature => out.push('\n'),
            LetterLineRole::Item if next == Some(LetterLineRole::Item) => out.push('\n'),
            LetterLineRole::Item => out.push_str("\n\n"),
        }
    }
    out.trim_end().to_string() + "\n"
}

/// The letter as a printable HTML page: A4, CJK fonts named, nothing but the letter on the
/// page (the translation mark stays when in English).
pub fn html(v: &LetterView) -> String {
    let e = html_escape;
    let zh = v.translation_note.is_none();
    let mut b = String::new();
    b.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        if zh { "zh-Hans" } else { "en" },
        e(&v.title)
    ));
    if let Some(n) = &v.translation_note {
        b.push_str(&format!("<p class=\"note\">{}</p>\n", e(n)));
    }
    b.push_str(&format!("<h1>{}</h1>\n", e(&v.title)));
    if !v.complete {
        let why = v
            .reason
            .clone()
            .or_else(|| v.missing_text.clone())
            .unwrap_or_default();
        b.push_str(&format!("<p class=\"note\">{}</p>\n", e(&why)));
        for q in &v.missing {
            b.push_str(&format!("<p class=\"question\">{}</p>\n", e(&q.text)));
        }
        b.push_str("</body>\n</html>\n");
        return b;
    }
    if !v.recipient.is_empty() {
        b.push_str(&format!(
            "<p class=\"recipient\">{}{}</p>\n",
            e(&v.recipient),
            if zh { "：" } else { ":" }
        ));
    }
    for p in &v.paragraphs {
        b.push_str(&format!("<p class=\"body\">{}</p>\n", e(p)));
    }
    let section = |b: &mut String, head: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        b.push_str(&format!("<h2>{}</h2>\n<ol>\n", e(head)));
        for x in items {
            b.push_str(&format!("<li>{}</li>\n", e(&x)));
        }
        b.push_str("</ol>\n");
    };
    section(&mut b, &v.labels.demands, v.demands.clone());
    section(
        &mut b,
        &v.labels.dates,
        v.dates
            .iter()
            .map(|d| format!("{}{}{}", d.label, if zh { "：" } else { ": " }, d.value))
            .collect(),
    );
    section(
        &mut b,
        &v.labels.attachments,
        v.attachments.iter().map(|a| a.text.clone()).collect(),
    );
    if !v.signature.is_empty() {
        b.push_str("<div class=\"signature\">\n");
        for s in &v.signature {
            b.push_str(&format!("<p>{}</p>\n", e(s)));
        }
        b.push_str("</div>\n");
    }
    b.push_str("</body>\n</html>\n");
    b
}

const CSS: &str = "@page { size: A4; margin: 25mm 22mm 25mm 22mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"Songti SC\", \"SimSun\", \
\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", serif; \
font-size: 12pt; line-height: 1.9; color: #000; background: #fff; margin: 0; }
@media screen { body { max-width: 166mm; margin: 12mm auto; padding: 0 8mm; } }
h1 { font-size: 18pt; text-align: center; margin: 0 0 1.2em; letter-spacing: 0.1em; }
h2 { font-size: 12pt; margin: 1.2em 0 0.3em; }
p { margin: 0 0 0.6em; }
p.body { text-indent: 2em; text-align: justify; }
p.recipient { margin-bottom: 0.8em; }
ol { margin: 0; padding-left: 2em; }
li { margin: 0 0 0.3em; overflow-wrap: anywhere; }
.signature { margin-top: 2.5em; text-align: right; }
.signature p { margin: 0; }
.note { border: 1px solid #888; padding: 0.4em 0.6em; font-size: 10pt; }
.question { padding-left: 1em; }
h1, h2 { page-break-after: avoid; break-after: avoid; }
li, p { page-break-inside: avoid; break-inside: avoid; }
";

/// Finds a letter of the scenario by its id or its number in the list.
pub(crate) fn find<'a>(sc: &'a Scenario, letter_ref: &str) -> Option<(usize, &'a LetterDef)> {
    let letters = &sc.pack.letters;
    if let Some(i) = letters.iter().position(|l| l.id == letter_ref) {
        return Some((i + 1, &letters[i]));
    }
    let n: usize = letter_ref.trim().parse().ok()?;
    (1..=letters.len())
        .contains(&n)
        .then(|| (n, &letters[n - 1]))
}

impl App {
    /// The letters of a case: every template of its scenario, numbered, available now or
    /// with the reason it is not.
    pub fn letters(&self, ctx: &ViewContext, case_ref: &str) -> Result<LettersView, AppError> {
        self.with_letters(ctx, case_ref, |inputs| Ok(inputs.list()))
    }

    /// One letter of a case (`letter_ref`: its id or its number in the list), in `lang`
    /// (a letter in English is a rendering for the user's understanding).
    pub fn letter(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        letter_ref: &str,
    ) -> Result<LetterView, AppError> {
        self.with_letters(ctx, case_ref, |inputs| {
            let (n, def) = find(inputs.sc, letter_ref).ok_or_else(|| AppError::NotFound {
                what: Missing::Letter,
                id: letter_ref.to_string(),
            })?;
            Ok(inputs.letter(ctx.lang, n, def))
        })
    }

    /// Records that a letter was sent at `at` (default now): the Chinese letter, dated
    /// that day, is kept as an evidence file of the letter's step (hashed, with `at` as its
    /// time), so the dispute bundle carries it. Returns the letter, now listing the copy.
    pub fn mark_letter_sent(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        letter_ref: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<LetterView, AppError> {
        let at = at.unwrap_or(ctx.now);
        if at > ctx.now {
            return Err(AppError::TimeInFuture);
        }
        // The letter as it was on the day it was sent, in Chinese (the text that was sent).
        let sent_ctx = ViewContext::new(Lang::Zh, ctx.zone.clone(), at);
        let (case_id, letter) = self.with_letters(&sent_ctx, case_ref, |inputs| {
            let (n, def) = find(inputs.sc, letter_ref).ok_or_else(|| AppError::NotFound {
                what: Missing::Letter,
                id: letter_ref.to_string(),
            })?;
            // Readiness is judged in the caller's language, so the refusal reads right.
            let judged = inputs.letter(ctx.lang, n, def);
            if !judged.complete {
                let mut reason = judged
                    .reason
                    .clone()
                    .or(judged.missing_text.clone())
                    .unwrap_or_default();
                if judged.reason.is_none() {
                    let qs: Vec<&str> = judged.missing.iter().map(|q| q.text.as_str()).collect();
                    reason.push_str(match ctx.lang {
                        Lang::Zh => "：",
                        Lang::En => ": ",
                    });
                    reason.push_str(&qs.join(match ctx.lang {
                        Lang::Zh => "；",
                        Lang::En => "; ",
                    }));
                }
                return Err(AppError::LetterNotReady {
                    letter: def.id.clone(),
                    letter_title: judged.title,
                    reason,
                });
            }
            let step_title = inputs
                .case
                .step(&def.step)
                .map(|s| s.title.get(Lang::Zh).to_string());
            Ok((
                inputs.case.id.clone(),
                (def.id.clone(), inputs.letter(Lang::Zh, n, def), step_title),
            ))
        })?;
        let (letter_id, zh, step_title) = letter;
        let name = format!(
            "{}（{}发送）.txt",
            zh.title,
            date_text(
                Lang::Zh,
                at.with_timezone(&crate::calendar::BEIJING).date_naive()
            )
        );
        let item = crate::evidence::NewItem {
            case_id: case_id.clone(),
            step_id: Some(zh.step_id.clone()),
            step_title,
            note: format!("文书已发送：{}", zh.title),
            tags: vec![
                LETTER_TAG.to_string(),
                format!("{}:{letter_id}", LETTER_TAG),
            ],
            captured_at: Some(crate::evidence::CaptureTime::caller(at)),
            source: crate::evidence::Source::Capture,
        };
        let vault = self.vault(ctx.now)?;
        let root = vault.dir().to_path_buf();
        vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).add_bytes(
                    &item,
                    &name,
                    zh.plain_text.as_bytes(),
                    &crate::evidence::NoProgress,
                    &crate::evidence::CancelFlag::default(),
                    ctx.now,
                )
            })
            .map_err(evidence_error)?;
        self.notify(ChangeKind::EvidenceChanged, Some(&case_id));
        self.notify(ChangeKind::CaseChanged, Some(&case_id));
        self.letter(ctx, &case_id, &letter_id)
    }

    /// Runs `f` with what the case's letters are filled from.
    fn with_letters<T>(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        f: impl FnOnce(&LetterInputs<'_>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let inputs = LetterInputs {
            ctx,
            sc: &book.scenarios()[i],
            case: &view,
            items: &items,
            calc: vault.deadline_calc(),
        };
        f(&inputs)
    }
}
