//! China working-day questions and the holiday data's status as the command line answers
//! them (`tuilu workdays is|add|between`, `tuilu calendar status`): each a [`Printout`],
//! the documented `--json` record (docs/calendar.md) and the lines a person reads. These
//! lines say both languages at once (a date answer is read by scripts and people alike,
//! docs/calendar.md), the answer first. The CLI chooses the calendar (the app's, or the
//! bundled one when there is no vault) and prints.

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::json;

use super::cli_support::Printout;
use crate::calendar::{CalendarError, CalendarStatus, ChinaCalendar, DayKind, EstimateReason};
use crate::text::Lang;

/// A date as the commands take it, `YYYY-MM-DD`; refused in words otherwise.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            format!("无效日期 \"{s}\"，应为 YYYY-MM-DD / invalid date \"{s}\", expected YYYY-MM-DD")
        })
}

/// A number of working days as the commands take it; refused in words otherwise.
pub fn parse_count(s: &str) -> Result<i32, String> {
    s.parse().map_err(|_| {
        format!("无效的工作日数 \"{s}\"，应为整数 / invalid number of working days \"{s}\", expected an integer")
    })
}

fn weekday(d: NaiveDate) -> (&'static str, &'static str) {
    match d.weekday() {
        Weekday::Mon => ("周一", "Mon"),
        Weekday::Tue => ("周二", "Tue"),
        Weekday::Wed => ("周三", "Wed"),
        Weekday::Thu => ("周四", "Thu"),
        Weekday::Fri => ("周五", "Fri"),
        Weekday::Sat => ("周六", "Sat"),
        Weekday::Sun => ("周日", "Sun"),
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The answer's lines, then a note when the answer is an estimate.
fn answer(
    json: serde_json::Value,
    mut lines: Vec<String>,
    reason: Option<EstimateReason>,
) -> Printout {
    lines.extend(reason.map(|r| {
        let t = r.text();
        format!(
            "注意：这是估算。{} / note: this is an estimate: {}",
            t.zh, t.en
        )
    }));
    Printout::new(json, lines)
}

/// `tuilu workdays is <date>`.
pub fn is_working_day(cal: &ChinaCalendar, date: NaiveDate) -> Printout {
    let info = cal.is_working_day(date);
    let json = json!({
        "date": ymd(date),
        "working": info.working,
        "kind": info.kind,
        "reason": info.reason,
        "estimated": info.estimated,
        "estimate_reason": info.estimate_reason.map(|r| r.to_string()),
        "estimate_year": info.estimate_reason.map(|r| r.year),
    });
    let (wzh, wen) = weekday(date);
    let label = info.kind.label();
    let (name_zh, name_en) = match &info.reason {
        Some(n) if !n.is_empty() => (format!("（{n}）"), format!(" ({n})")),
        _ => (String::new(), String::new()),
    };
    let (yes, zh_tail, en_tail) = if info.working {
        ("yes", "，上班", ", a working day")
    } else {
        ("no", "，不上班", ", not a working day")
    };
    let label_zh = if info.kind == DayKind::Weekday {
        "周一至周五"
    } else {
        label.zh.as_str()
    };
    let line = format!(
        "{yes}  ({} {wzh}：{label_zh}{name_zh}{zh_tail} / {wen} {}: {}{name_en}{en_tail})",
        ymd(date),
        ymd(date),
        label.en
    );
    answer(json, vec![line], info.estimate_reason)
}

/// `tuilu workdays add <date> <n>`: the n-th working day after (before, when negative).
pub fn add_working_days(
    cal: &ChinaCalendar,
    from: NaiveDate,
    n: i32,
) -> Result<Printout, CalendarError> {
    let r = cal.add_working_days(from, n)?;
    let json = json!({
        "from": ymd(from),
        "n": n,
        "date": ymd(r.date),
        "estimated": r.estimated,
        "estimate_reason": r.estimate_reason.map(|r| r.to_string()),
        "estimate_year": r.estimate_reason.map(|r| r.year),
    });
    let (fzh, fen) = weekday(from);
    let (rzh, ren) = weekday(r.date);
    let m = n.unsigned_abs();
    let unit_en = if m == 1 {
        "working day"
    } else {
        "working days"
    };
    let (zh_dir, en_dir) = if n >= 0 {
        ("之后", "after")
    } else {
        ("之前", "before")
    };
    let lines = vec![
        format!(
            "{}  (按中国工作日计算 / counted in China working days)",
            ymd(r.date)
        ),
        format!(
            "{}（{fzh}）{zh_dir}第 {m} 个工作日是 {}（{rzh}） / {m} {unit_en} {en_dir} {fen} {} is {ren} {}",
            ymd(from),
            ymd(r.date),
            ymd(from),
            ymd(r.date)
        ),
    ];
    Ok(answer(json, lines, r.estimate_reason))
}

/// `tuilu workdays between <from> <to>`: working days after `from` up to and including `to`.
pub fn working_days_between(cal: &ChinaCalendar, from: NaiveDate, to: NaiveDate) -> Printout {
    let c = cal.working_days_between(from, to);
    let json = json!({
        "from": ymd(from),
        "to": ymd(to),
        "count": c.count,
        "estimated": c.estimated,
        "estimate_reason": c.estimate_reason.map(|r| r.to_string()),
        "estimate_year": c.estimate_reason.map(|r| r.year),
    });
    let line = format!(
        "{}  ({} 之后至 {}（含）的工作日数，按中国工作日计算 / working days after {} up to and including {}, counted in China working days)",
        c.count,
        ymd(from),
        ymd(to),
        ymd(from),
        ymd(to)
    );
    answer(json, vec![line], c.estimate_reason)
}

/// The stored holiday files that were skipped, as warnings in `lang`.
pub fn problem_warnings(status: &CalendarStatus, lang: Lang) -> Vec<String> {
    let lead = lang.pick(
        "警告：已忽略无效的数据文件 ",
        "warning: ignored an invalid data file ",
    );
    status
        .problems
        .iter()
        .map(|p| format!("{lead}{}: {}", p.path, p.message))
        .collect()
}

/// `tuilu calendar status`: the years covered, their source, and which are estimates
/// (its `--json` is the [`CalendarStatus`] itself, fields in their order).
pub fn status_lines(status: &CalendarStatus) -> Vec<String> {
    let mut lines = vec!["年份 year  来源 source       列出天数 days  状态 status".to_string()];
    for y in &status.years {
        let source = y.source.label();
        let state = if y.estimated {
            "估算：未列出任何日期 / estimate: no days listed"
        } else {
            "已收录 / published"
        };
        let replaced = if y.replaces_bundled {
            "（替换内置 / replaces bundled）"
        } else {
            ""
        };
        lines.push(format!(
            "{:<10} {:<16} {:<14} {state}{replaced}",
            y.year,
            format!("{} {}", source.zh, source.en),
            y.days_listed
        ));
    }
    lines.push("未列出的年份没有数据：按周一至周五上班、周末休息估算，结果标为估算 / years not listed have no data: computed with Monday–Friday working days and marked as estimates".to_string());
    if let Some(dir) = &status.overrides_dir {
        lines.push(format!("导入目录 / import directory: {dir}"));
    }
    for p in &status.problems {
        lines.push(format!("问题 / problem: {}: {}", p.path, p.message));
    }
    lines
}
