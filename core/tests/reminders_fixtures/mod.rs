//! Shared fixtures for the reminder tests: subjects modelled on the bundled rule packs, at a
//! fixed `now` just before the 2026 National Day holiday.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use tuilu_core::reminders::{ReminderSubject, StepStatus, BEIJING};
use tuilu_core::rules::RuleBook;

/// Monday 2026-09-28 10:00 Beijing time.
pub fn now() -> DateTime<Utc> {
    bj(2026, 9, 28, 10, 0, 0)
}

/// A Beijing wall-clock time as an instant.
pub fn bj(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    BEIJING
        .with_ymd_and_hms(y, m, d, h, mi, s)
        .single()
        .expect("valid Beijing time")
        .with_timezone(&Utc)
}

/// The deadline instant of a day-counted step: 23:59:59 Beijing time of that date.
pub fn end_of_day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    bj(y, m, d, 23, 59, 59)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// A submitted step of a bundled pack: title, kind, unit and escalation come from the pack.
pub fn subject(
    book: &RuleBook,
    case_id: &str,
    pack_id: &str,
    step_id: &str,
    clock_started_at: DateTime<Utc>,
    earliest: Option<DateTime<Utc>>,
    deadline: DateTime<Utc>,
) -> ReminderSubject {
    let scenario = book.get(pack_id).expect("bundled pack");
    let step = scenario
        .pack
        .steps
        .iter()
        .find(|s| s.id == step_id)
        .expect("step in pack");
    ReminderSubject {
        case_id: case_id.to_string(),
        case_title: scenario.pack.title.clone(),
        step_id: step_id.to_string(),
        step_title: step.title.clone(),
        step_kind: step.kind,
        status: StepStatus::Submitted,
        clock_started_at,
        earliest,
        deadline,
        deadline_estimated: false,
        escalation: step.escalation.clone(),
        unit: step.duration.as_ref().expect("step with a duration").unit,
    }
}

/// Douyin guild exit: applied in the app Monday 09:00; 1–3 working days, with the National
/// Day holiday (10-01..08) in between: latest 2026-10-09.
pub fn guild_exit(book: &RuleBook) -> Vec<ReminderSubject> {
    vec![subject(
        book,
        "case-guild",
        "douyin.guild-exit",
        "submit_exit",
        bj(2026, 9, 28, 9, 0, 0),
        Some(end_of_day(2026, 9, 29)),
        end_of_day(2026, 10, 9),
    )]
}

/// Douyin recharge refund: requested Monday 2026-09-21; 3–15 working days → 2026-10-19
/// (10-10 is a make-up working day).
pub fn recharge_refund(book: &RuleBook) -> Vec<ReminderSubject> {
    vec![subject(
        book,
        "case-refund",
        "douyin.recharge-refund",
        "await_decision",
        bj(2026, 9, 21, 10, 0, 0),
        Some(end_of_day(2026, 9, 24)),
        end_of_day(2026, 10, 19),
    )]
}

/// WeChat Channels fan group: left Sunday 21:40; 72-hour rejoin cooldown (wait, hours).
pub fn wechat_rejoin_cooldown(book: &RuleBook) -> Vec<ReminderSubject> {
    let left = bj(2026, 9, 27, 21, 40, 0);
    vec![subject(
        book,
        "case-wechat",
        "wechat-channels.fan-group-exit",
        "rejoin_cooldown",
        left,
        None,
        left + chrono::Duration::hours(72),
    )]
}

/// Kuaishou live exit: 30-day MCN notice received 2026-09-10 (→ 10-10) and the 15-day
/// transition after the announcement on 2026-09-25 (→ 10-10), both waits in natural days.
pub fn kuaishou_notice_transition(book: &RuleBook) -> Vec<ReminderSubject> {
    vec![
        subject(
            book,
            "case-kuaishou",
            "kuaishou.live-exit",
            "mcn_written_notice",
            bj(2026, 9, 10, 15, 0, 0),
            None,
            end_of_day(2026, 10, 10),
        ),
        subject(
            book,
            "case-kuaishou",
            "kuaishou.live-exit",
            "transition_period",
            bj(2026, 9, 25, 20, 0, 0),
            None,
            end_of_day(2026, 10, 10),
        ),
    ]
}

/// Xingtu: the client published the task Monday 08:15; it cancels itself unless accepted
/// within 24 hours (window, hours): closes Tuesday 08:15, right after quiet hours.
pub fn xingtu_acceptance(book: &RuleBook) -> Vec<ReminderSubject> {
    let published = bj(2026, 9, 28, 8, 15, 0);
    vec![subject(
        book,
        "case-xingtu",
        "douyin.xingtu-task-cancel",
        "let_acceptance_lapse",
        published,
        None,
        published + chrono::Duration::hours(24),
    )]
}

/// Douyin fan group: left Saturday 2026-09-26; fan level kept 7 natural days (window) →
/// 2026-10-03, inside the holiday.
pub fn douyin_level_window(book: &RuleBook) -> Vec<ReminderSubject> {
    vec![subject(
        book,
        "case-douyin-fans",
        "douyin.fan-group-exit",
        "level_retention_window",
        bj(2026, 9, 26, 11, 0, 0),
        None,
        end_of_day(2026, 10, 3),
    )]
}

/// Every scenario above together.
pub fn all(book: &RuleBook) -> Vec<ReminderSubject> {
    let mut v = guild_exit(book);
    v.extend(recharge_refund(book));
    v.extend(wechat_rejoin_cooldown(book));
    v.extend(kuaishou_notice_transition(book));
    v.extend(xingtu_acceptance(book));
    v.extend(douyin_level_window(book));
    v
}
