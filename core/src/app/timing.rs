//! What a time means to the user, in words: the sense of a timed rule and the wording of
//! its date ("平台应在 … 前答复", "… 之后可以…", "还剩 2 个工作日", "已逾期 1 天").
//!
//! One place decides this wording; the CLI and both apps show it as given.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::calendar::Deadline;
use crate::calendar::{ChinaCalendar, BEIJING};
use crate::reminders::UserZone;
use crate::rules::pack::{DurationDef, DurationUnit};
use crate::text::{minute_text, Lang};

pub use crate::rules::pack::{sense_of, TimeSense};

/// A duration as the source says it, the count of units as a detail: "6个月至1年（183–365
/// 天）"; the count alone when the source says nothing else.
pub fn said_span_text(lang: Lang, d: &DurationDef) -> String {
    let count = span_text(lang, d);
    let said = d.as_said.get(lang);
    if said.is_empty() {
        return count;
    }
    match lang {
        Lang::Zh => format!("{said}（{count}）"),
        Lang::En => format!("{said} ({count})"),
    }
}

/// A duration in words: "1–3 个工作日", "72 小时", "15 个自然日".
pub fn span_text(lang: Lang, d: &DurationDef) -> String {
    let n = if d.min == d.max {
        d.max.to_string()
    } else {
        format!("{}–{}", d.min, d.max)
    };
    match (lang, d.unit) {
        (Lang::Zh, DurationUnit::WorkingDays) => format!("{n} 个工作日"),
        (Lang::Zh, DurationUnit::NaturalDays) => format!("{n} 天"),
        (Lang::Zh, DurationUnit::Hours) => format!("{n} 小时"),
        (Lang::En, unit) => {
            let one = d.min == d.max && d.max == 1;
            let noun = match (unit, one) {
                (DurationUnit::WorkingDays, true) => "working day",
                (DurationUnit::WorkingDays, false) => "working days",
                (DurationUnit::NaturalDays, true) => "day",
                (DurationUnit::NaturalDays, false) => "days",
                (DurationUnit::Hours, true) => "hour",
                (DurationUnit::Hours, false) => "hours",
            };
            format!("{n} {noun}")
        }
    }
}

/// What a duration will mean once its clock starts, before it has: "提交后平台应在 1–3 个
/// 工作日内答复".
pub fn pending_text(lang: Lang, sense: TimeSense, d: &DurationDef) -> String {
    let span = said_span_text(lang, d);
    let start = d.starts_on.get(lang);
    if let Some(open) = d.open_end_text() {
        // The end is not firm: the span is the usual time, with the words saying why.
        let open = open.get(lang);
        return match lang {
            Lang::Zh => format!("自{start}起通常 {span}；{open}"),
            Lang::En => format!("usually {span} from {start}; {open}"),
        };
    }
    match (sense, lang) {
        (TimeSense::Deadline, Lang::Zh) => format!("自{start}起，对方应在 {span}内答复"),
        (TimeSense::Deadline, Lang::En) => format!("from {start}, an answer is due within {span}"),
        (TimeSense::Earliest, Lang::Zh) => format!("自{start}起满 {span}后才可办理"),
        (TimeSense::Earliest, Lang::En) => format!("possible only {span} after {start}"),
        (TimeSense::MinimumPeriod, Lang::Zh) => format!("自{start}起至少 {span}"),
        (TimeSense::MinimumPeriod, Lang::En) => format!("at least {span} from {start}"),
        (TimeSense::Window, Lang::Zh) => format!("自{start}起 {span}内须办理"),
        (TimeSense::Window, Lang::En) => format!("act within {span} of {start}"),
        (TimeSense::Lapse, Lang::Zh) => format!("自{start}起 {span}后自动失效，无需操作"),
        (TimeSense::Lapse, Lang::En) => {
            format!("lapses by itself {span} after {start}; nothing to do")
        }
    }
}

/// A running timed rule, worded for the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadlineView {
    pub sense: TimeSense,
    pub sense_label: String,
    /// The whole sentence: "平台应在 2026-10-10 23:59（北京时间）前答复".
    pub text: String,
    /// Where it stands now: "还剩 2 个工作日", "已逾期 1 天", "已可以办理".
    pub relative: String,
    /// The label and where it stands, punctuated for the language: "答复期限：还剩 2 个工作日",
    /// "Answer due: 2 working days left".
    pub headline: String,
    /// The earliest end and the last date (Beijing dates, `YYYY-MM-DD`).
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    pub earliest_utc: DateTime<Utc>,
    pub deadline_utc: DateTime<Utc>,
    /// `YYYY-MM-DD HH:MM` in Beijing time.
    pub deadline_beijing: String,
    /// `YYYY-MM-DD HH:MM` in the user's zone, with the zone when it is not Beijing time.
    pub deadline_local: String,
    /// Past the end, and the sense makes that bad news (a deadline or window missed).
    pub overdue: bool,
    /// Past the end, whatever the sense (a cooldown or period is over).
    pub reached: bool,
    pub estimated: bool,
    pub estimate_reason: Option<String>,
}

/// Words for one running deadline at `now`.
pub fn deadline_view(
    lang: Lang,
    sense: TimeSense,
    d: &Deadline,
    now: DateTime<Utc>,
    zone: &UserZone,
    calendar: &ChinaCalendar,
) -> DeadlineView {
    let bj = d.deadline_utc.with_timezone(&BEIJING);
    let bj_text = minute_text(&bj);
    let local = d
        .deadline_utc
        .with_timezone(&zone.offset_at(d.deadline_utc));
    let local_is_beijing = local.offset().local_minus_utc() == 8 * 3600;
    let deadline_local = if local_is_beijing {
        bj_text.clone()
    } else {
        format!("{} {}", minute_text(&local), zone.id())
    };
    let when = match lang {
        Lang::Zh if local_is_beijing => format!("{bj_text}（北京时间）"),
        Lang::Zh => format!("{bj_text}（北京时间；本地 {deadline_local}）"),
        Lang::En if local_is_beijing => format!("{bj_text} Beijing time"),
        Lang::En => format!("{bj_text} Beijing time ({deadline_local})"),
    };
    let range = d.earliest_date != d.latest_date;
    let text = match (sense, lang) {
        (TimeSense::Deadline, Lang::Zh) if range => {
            format!("对方最早 {} 答复，最迟应在 {when}前答复", d.earliest_date)
        }
        (TimeSense::Deadline, Lang::Zh) => format!("对方应在 {when}前答复"),
        (TimeSense::Deadline, Lang::En) if range => {
            format!("answer expected from {}, due by {when}", d.earliest_date)
        }
        (TimeSense::Deadline, Lang::En) => format!("answer due by {when}"),
        (TimeSense::Earliest, Lang::Zh) => format!("{when}之后可以办理"),
        (TimeSense::Earliest, Lang::En) => format!("possible after {when}"),
        (TimeSense::MinimumPeriod, Lang::Zh) => format!("至少到 {when}期满"),
        (TimeSense::MinimumPeriod, Lang::En) => format!("runs at least until {when}"),
        (TimeSense::Window, Lang::Zh) => format!("须在 {when}前办理"),
        (TimeSense::Window, Lang::En) => format!("act before {when}"),
        (TimeSense::Lapse, Lang::Zh) => format!("{when}自动失效，无需操作"),
        (TimeSense::Lapse, Lang::En) => format!("lapses by itself at {when}; nothing to do"),
    };
    let reached = now > d.deadline_utc;
    let overdue = is_overdue(sense, d, now);
    let (text, relative) = match &d.open_end {
        // Not a limit: the usual time, the words saying it can be longer, and where it
        // stands against the usual time (never "已逾期").
        Some(open) => {
            let open = open.get(lang);
            let usual = match (lang, range) {
                (Lang::Zh, true) => format!("通常在 {} 至 {when}之间", d.earliest_date),
                (Lang::Zh, false) => format!("通常在 {when}前"),
                (Lang::En, true) => format!("usually between {} and {when}", d.earliest_date),
                (Lang::En, false) => format!("usually by {when}"),
            };
            let relative = match (lang, reached) {
                (Lang::Zh, true) => "已超过通常时间，仍在等待".to_string(),
                (Lang::En, true) => "past the usual time, still waiting".to_string(),
                (Lang::Zh, false) => format!(
                    "通常{}",
                    relative_text(lang, TimeSense::MinimumPeriod, d, now, calendar)
                ),
                (Lang::En, false) => format!(
                    "usually {}",
                    relative_text(lang, TimeSense::MinimumPeriod, d, now, calendar)
                ),
            };
            let sep = if lang == Lang::Zh { "；" } else { "; " };
            (format!("{usual}{sep}{open}"), relative)
        }
        None => (text, relative_text(lang, sense, d, now, calendar)),
    };
    let sense_label = sense.label().get(lang).to_string();
    let headline = match lang {
        Lang::Zh => format!("{sense_label}：{relative}"),
        Lang::En => format!("{sense_label}: {relative}"),
    };
    DeadlineView {
        sense,
        sense_label,
        text,
        relative,
        headline,
        earliest: d.earliest_date,
        latest: d.latest_date,
        earliest_utc: d.earliest_utc,
        deadline_utc: d.deadline_utc,
        deadline_beijing: bj_text,
        deadline_local,
        overdue,
        reached,
        estimated: d.estimated,
        estimate_reason: d.estimate_reason.map(|r| r.text().get(lang).to_string()),
    }
}

/// Whether the time `d` was a limit the user (or the other side) has now missed: its end
/// passed, its sense is a limit, and the rule does not say the wait can run longer. The
/// home screen orders cases by this before it words any card.
pub fn is_overdue(sense: TimeSense, d: &Deadline, now: DateTime<Utc>) -> bool {
    now > d.deadline_utc && sense.end_is_a_limit() && d.open_end.is_none()
}

/// "还剩 2 个工作日" / "今天截止" / "已逾期 1 天" / "已可以办理".
fn relative_text(
    lang: Lang,
    sense: TimeSense,
    d: &Deadline,
    now: DateTime<Utc>,
    calendar: &ChinaCalendar,
) -> String {
    let today = now.with_timezone(&BEIJING).date_naive();
    if now > d.deadline_utc {
        let late = now - d.deadline_utc;
        return match sense {
            TimeSense::Deadline | TimeSense::Window => {
                // Days as people count them: the dates since the last day, in Beijing.
                let end_date = d.deadline_utc.with_timezone(&BEIJING).date_naive();
                let days = (today - end_date).num_days();
                match (lang, days) {
                    (Lang::Zh, 0) => format!("已逾期 {} 小时", late.num_hours().max(1)),
                    (Lang::En, 0) => format!("overdue by {} h", late.num_hours().max(1)),
                    (Lang::Zh, n) => format!("已逾期 {n} 天"),
                    (Lang::En, 1) => "overdue by 1 day".to_string(),
                    (Lang::En, n) => format!("overdue by {n} days"),
                }
            }
            TimeSense::Earliest => match lang {
                Lang::Zh => "已可以办理".to_string(),
                Lang::En => "possible now".to_string(),
            },
            TimeSense::MinimumPeriod => match lang {
                Lang::Zh => "已期满".to_string(),
                Lang::En => "period over".to_string(),
            },
            TimeSense::Lapse => match lang {
                Lang::Zh => "已自动失效".to_string(),
                Lang::En => "lapsed".to_string(),
            },
        };
    }
    let left = d.deadline_utc - now;
    if d.unit == DurationUnit::Hours || left.num_hours() < 24 {
        let h = left.num_hours();
        return match lang {
            Lang::Zh if h < 1 => format!("还剩 {} 分钟", left.num_minutes().max(1)),
            Lang::En if h < 1 => format!("{} min left", left.num_minutes().max(1)),
            Lang::Zh => format!("还剩 {h} 小时"),
            Lang::En => format!("{h} h left"),
        };
    }
    if d.unit == DurationUnit::WorkingDays {
        let n = calendar.working_days_between(today, d.latest_date).count;
        return match lang {
            Lang::Zh => format!("还剩 {n} 个工作日"),
            Lang::En if n == 1 => "1 working day left".to_string(),
            Lang::En => format!("{n} working days left"),
        };
    }
    let n = (d.latest_date - today).num_days();
    match lang {
        Lang::Zh => format!("还剩 {n} 天"),
        Lang::En if n == 1 => "1 day left".to_string(),
        Lang::En => format!("{n} days left"),
    }
}
