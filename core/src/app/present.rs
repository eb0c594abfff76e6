//! The wording every screen shares: times, money, amounts, sources, flags, action labels,
//! progress and calendar warnings. Pure functions of their inputs (and `ctx.now`). Each
//! screen's presenter lives with its screen (`home.rs`, `case.rs`, `evidence.rs`, ...).

use chrono::{DateTime, Utc};

use super::timing::{pending_text, sense_of};
use super::views::*;
use super::ViewContext;
use crate::calendar::{ChinaCalendar, BEIJING};
use crate::rules::pack::{DurationDef, FactDef, Source, StepKind};
use crate::rules::plan::{Amount, Plan};
use crate::rules::FactValue;
use crate::text::Lang;
use crate::vault::{RuleFlag, StepAction, StepStatus};

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
    crate::text::minute_text(&t.with_timezone(&ctx.zone.offset_at(t)))
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
            crate::text::minute_text(&t.with_timezone(&BEIJING)),
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

pub use crate::text::size_text_in;

pub(super) fn progress_text(lang: Lang, settled: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("已完成 {settled}/{total} 步"),
        Lang::En => format!("{settled} of {total} steps done"),
    }
}

/// Calendar warnings: years whose holidays are estimated, among this year and next.
pub(super) fn calendar_warnings(
    lang: Lang,
    calendar: &ChinaCalendar,
    now: DateTime<Utc>,
) -> Vec<String> {
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
