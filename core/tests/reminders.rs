//! Reminder planner: quiet-hour edges, DST zones, id stability, budget, catch-up, diff,
//! snooze arithmetic.
// The zones come from chrono-tz: the `tzdb` feature (on by default).
#![cfg(feature = "tzdb")]

mod reminders_fixtures;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::{America::New_York, Europe::Berlin};
use reminders_fixtures as fx;
use tuilu_core::reminders::{
    diff, local_to_utc, plan_reminders, snooze_until, DurationUnit, QuietHours, Reminder,
    ReminderKind, ReminderSettings, ReminderState, ReminderSubject, SimpleWorkingDays,
    SnoozeChoice, StateEntry, StepKind, StepStatus, BEIJING,
};
use tuilu_core::Text;

fn cal() -> SimpleWorkingDays {
    SimpleWorkingDays::china_2026_sample()
}

fn book() -> tuilu_core::RuleBook {
    tuilu_core::load_bundled().expect("bundled packs")
}

fn plain(
    step_id: &str,
    kind: StepKind,
    unit: DurationUnit,
    start: DateTime<Utc>,
    deadline: DateTime<Utc>,
) -> ReminderSubject {
    ReminderSubject {
        case_id: "case-1".into(),
        case_title: Text::new("测试案例", "Test case"),
        step_id: step_id.into(),
        step_title: Text::new("测试步骤", "Test step"),
        step_kind: kind,
        status: StepStatus::Submitted,
        clock_started_at: start,
        earliest: None,
        deadline,
        deadline_estimated: false,
        escalation: None,
        unit,
    }
}

fn plan_at(
    subjects: &[ReminderSubject],
    now: DateTime<Utc>,
    settings: &ReminderSettings,
) -> Vec<Reminder> {
    plan_reminders(subjects, &ReminderState::default(), now, settings, &cal())
}

fn local<Z: TimeZone>(r: &Reminder, tz: Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    r.fire_at
        .with_timezone(&tz)
        .format("%m-%d %H:%M")
        .to_string()
}

fn kinds_and_times<Z: TimeZone>(plan: &[Reminder], tz: Z) -> Vec<(ReminderKind, String)>
where
    Z::Offset: std::fmt::Display,
{
    plan.iter()
        .map(|r| (r.kind, local(r, tz.clone())))
        .collect()
}

/// An early `now` so nothing is missed.
fn early() -> DateTime<Utc> {
    fx::bj(2026, 9, 1, 0, 0, 0)
}

// ---------------------------------------------------------------- quiet hours

/// A wait ending at the given Beijing time on 2026-09-15 (no window: moves to 08:00).
fn wait_ending(h: u32, m: u32, s: u32) -> Vec<Reminder> {
    let end = fx::bj(2026, 9, 15, h, m, s);
    let subject = plain(
        "wait",
        StepKind::Wait,
        DurationUnit::Hours,
        end - Duration::hours(72),
        end,
    );
    plan_at(&[subject], early(), &ReminderSettings::default())
}

#[test]
fn quiet_start_is_quiet_and_moves_to_the_end() {
    let plan = wait_ending(22, 0, 0);
    assert_eq!(local(&plan[0], BEIJING), "09-16 08:00");
}

#[test]
fn just_before_quiet_start_stays() {
    let plan = wait_ending(21, 59, 59);
    assert_eq!(plan[0].fire_at, fx::bj(2026, 9, 15, 21, 59, 59));
}

#[test]
fn one_minute_before_quiet_end_moves_to_the_end() {
    let plan = wait_ending(7, 59, 0);
    assert_eq!(local(&plan[0], BEIJING), "09-15 08:00");
}

#[test]
fn quiet_end_is_not_quiet() {
    let plan = wait_ending(8, 0, 0);
    assert_eq!(plan[0].fire_at, fx::bj(2026, 9, 15, 8, 0, 0));
}

#[test]
fn after_midnight_moves_to_the_same_morning() {
    let plan = wait_ending(0, 30, 0);
    assert_eq!(local(&plan[0], BEIJING), "09-15 08:00");
}

fn window(start: DateTime<Utc>, close: DateTime<Utc>) -> ReminderSubject {
    plain(
        "window",
        StepKind::Window,
        DurationUnit::Hours,
        start,
        close,
    )
}

#[test]
fn window_crossing_midnight_keeps_reminders_before_the_close() {
    // Closes 00:30: 3 h before is 21:30 (not quiet), 1 h before is 23:30 (quiet; 08:00
    // would be after the close) → the latest non-quiet minute, 21:59.
    let close = fx::bj(2026, 9, 16, 0, 30, 0);
    let plan = plan_at(
        &[window(close - Duration::hours(24), close)],
        early(),
        &ReminderSettings::default(),
    );
    assert_eq!(
        kinds_and_times(&plan, BEIJING),
        vec![
            (ReminderKind::WindowClosing3h, "09-15 21:30".into()),
            (ReminderKind::WindowClosing1h, "09-15 21:59".into()),
            (ReminderKind::AtDeadline, "09-16 08:00".into()),
        ]
    );
    assert!(
        plan[1].title.en.contains("about 3 hours"),
        "{}",
        plan[1].title.en
    );
}

#[test]
fn window_closing_after_quiet_end_moves_to_the_end_and_merges() {
    // Closes 09:00: 3 h before (06:00) moves to 08:00, the 1 h reminder is at 08:00 too;
    // one reminder is kept, the more urgent one.
    let close = fx::bj(2026, 9, 16, 9, 0, 0);
    let plan = plan_at(
        &[window(close - Duration::hours(24), close)],
        early(),
        &ReminderSettings::default(),
    );
    assert_eq!(
        kinds_and_times(&plan, BEIJING),
        vec![
            (ReminderKind::WindowClosing1h, "09-16 08:00".into()),
            (ReminderKind::AtDeadline, "09-16 09:00".into()),
        ]
    );
    assert_eq!(plan[0].title.zh, "还剩60分钟截止：测试步骤");
}

#[test]
fn window_closing_at_quiet_end_fires_the_evening_before() {
    // Closes exactly 08:00: moving to 08:00 would be at the close, so 21:59 the day before.
    let close = fx::bj(2026, 9, 16, 8, 0, 0);
    let plan = plan_at(
        &[window(close - Duration::hours(24), close)],
        early(),
        &ReminderSettings::default(),
    );
    assert_eq!(
        kinds_and_times(&plan, BEIJING),
        vec![
            (ReminderKind::WindowClosing1h, "09-15 21:59".into()),
            (ReminderKind::AtDeadline, "09-16 08:00".into()),
        ]
    );
}

#[test]
fn window_opened_in_quiet_hours_keeps_its_own_times_when_nothing_fits() {
    // Opened 23:00, closes 02:00: no non-quiet minute between opening and close, so the
    // reminders fire at their own times, inside quiet hours.
    let start = fx::bj(2026, 9, 15, 23, 0, 0);
    let close = fx::bj(2026, 9, 16, 2, 0, 0);
    let plan = plan_at(
        &[window(start, close)],
        early(),
        &ReminderSettings::default(),
    );
    assert_eq!(
        kinds_and_times(&plan, BEIJING),
        vec![
            (ReminderKind::WindowClosing3h, "09-15 23:00".into()),
            (ReminderKind::WindowClosing1h, "09-16 01:00".into()),
            (ReminderKind::AtDeadline, "09-16 08:00".into()),
        ]
    );
}

#[test]
fn short_window_skips_reminders_before_it_opened() {
    let start = fx::bj(2026, 9, 15, 12, 0, 0);
    let close = start + Duration::hours(2);
    let plan = plan_at(
        &[window(start, close)],
        early(),
        &ReminderSettings::default(),
    );
    assert_eq!(
        kinds_and_times(&plan, BEIJING),
        vec![
            (ReminderKind::WindowClosing1h, "09-15 13:00".into()),
            (ReminderKind::AtDeadline, "09-15 14:00".into()),
        ]
    );
}

#[test]
fn quiet_hours_can_be_disabled_or_moved() {
    let subject = wait_subject_at(fx::bj(2026, 9, 15, 23, 0, 0));
    let off = ReminderSettings {
        quiet_hours: None,
        ..ReminderSettings::default()
    };
    assert_eq!(
        plan_at(std::slice::from_ref(&subject), early(), &off)[0].fire_at,
        fx::bj(2026, 9, 15, 23, 0, 0)
    );
    let custom = ReminderSettings {
        quiet_hours: Some(QuietHours {
            start: NaiveTime::from_hms_opt(23, 30, 0).unwrap(),
            end: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        }),
        ..ReminderSettings::default()
    };
    assert_eq!(
        plan_at(&[subject], early(), &custom)[0].fire_at,
        fx::bj(2026, 9, 15, 23, 0, 0)
    );
}

fn wait_subject_at(end: DateTime<Utc>) -> ReminderSubject {
    plain(
        "wait",
        StepKind::Wait,
        DurationUnit::Hours,
        end - Duration::hours(72),
        end,
    )
}

#[test]
fn quiet_hours_follow_the_users_zone() {
    // 23:00 Beijing is 17:00 in Berlin: not quiet there.
    let subject = wait_subject_at(fx::bj(2026, 9, 15, 23, 0, 0));
    let plan = plan_at(&[subject], early(), &ReminderSettings::in_zone(Berlin));
    assert_eq!(plan[0].fire_at, fx::bj(2026, 9, 15, 23, 0, 0));
    assert_eq!(plan[0].local_time, "2026-09-15T17:00:00+02:00");
}

// ---------------------------------------------------------------- time zones and DST

/// A working-day action step due Monday 2026-10-26 (EU clocks went back on Sunday 10-25).
fn due_monday_after_eu_switch() -> ReminderSubject {
    plain(
        "action",
        StepKind::Action,
        DurationUnit::WorkingDays,
        fx::bj(2026, 10, 20, 10, 0, 0),
        fx::end_of_day(2026, 10, 26),
    )
}

#[test]
fn berlin_preferred_time_stays_0930_across_the_eu_switch() {
    let plan = plan_at(
        &[due_monday_after_eu_switch()],
        fx::bj(2026, 10, 20, 12, 0, 0),
        &ReminderSettings::in_zone(Berlin),
    );
    let got: Vec<(ReminderKind, &str)> = plan
        .iter()
        .map(|r| (r.kind, r.local_time.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReminderKind::BeforeDeadline, "2026-10-23T09:30:00+02:00"),
            (ReminderKind::AtDeadline, "2026-10-26T09:30:00+01:00"),
            (ReminderKind::FollowUp, "2026-10-27T09:30:00+01:00"),
        ]
    );
    assert_eq!(plan[0].fire_at, fx::utc("2026-10-23T07:30:00Z"));
    assert_eq!(plan[1].fire_at, fx::utc("2026-10-26T08:30:00Z"));
    // 23:59:59 Beijing is 16:59:59 CET after the switch.
    assert!(
        plan[1]
            .body
            .zh
            .contains("当地时间 2026-10-26 16:59（Europe/Berlin），即北京时间 2026-10-26 23:59"),
        "{}",
        plan[1].body.zh
    );
    assert!(plan[1]
        .body
        .en
        .contains("2026-10-26 16:59 your time (Europe/Berlin), 2026-10-26 23:59 Beijing time"));
}

#[test]
fn new_york_preferred_time_stays_0930_across_the_us_switch() {
    let subject = plain(
        "action",
        StepKind::Action,
        DurationUnit::WorkingDays,
        fx::bj(2026, 10, 27, 10, 0, 0),
        fx::end_of_day(2026, 11, 2),
    );
    let plan = plan_at(
        &[subject],
        fx::bj(2026, 10, 27, 12, 0, 0),
        &ReminderSettings::in_zone(New_York),
    );
    let got: Vec<(ReminderKind, &str)> = plan
        .iter()
        .map(|r| (r.kind, r.local_time.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReminderKind::BeforeDeadline, "2026-10-30T09:30:00-04:00"),
            (ReminderKind::AtDeadline, "2026-11-02T09:30:00-05:00"),
            (ReminderKind::FollowUp, "2026-11-03T09:30:00-05:00"),
        ]
    );
    assert!(plan[1]
        .body
        .zh
        .contains("当地时间 2026-11-02 10:59（America/New_York），即北京时间 2026-11-02 23:59"));
}

#[test]
fn beijing_users_see_one_time_only() {
    let plan = plan_at(
        &[due_monday_after_eu_switch()],
        fx::bj(2026, 10, 20, 12, 0, 0),
        &ReminderSettings::default(),
    );
    assert!(plan[0]
        .body
        .zh
        .contains("截止时间：北京时间 2026-10-26 23:59"));
    assert!(!plan[0].body.zh.contains("当地时间"));
    assert_eq!(plan[0].local_time, "2026-10-23T09:30:00+08:00");
}

#[test]
fn zone_far_east_keeps_deadline_day_reminder_before_the_deadline() {
    // Auckland: 23:59:59 Beijing is 04:59:59 the next local day; 09:30 that day would be
    // too late, so the reminder fires the evening before, at 21:59.
    let plan = plan_at(
        &[due_monday_after_eu_switch()],
        fx::bj(2026, 10, 20, 12, 0, 0),
        &ReminderSettings::in_zone(chrono_tz::Pacific::Auckland),
    );
    let at = plan
        .iter()
        .find(|r| r.kind == ReminderKind::AtDeadline)
        .unwrap();
    assert!(at.fire_at < fx::end_of_day(2026, 10, 26));
    assert_eq!(at.local_time, "2026-10-26T21:59:00+13:00");
    let follow = plan
        .iter()
        .find(|r| r.kind == ReminderKind::FollowUp)
        .unwrap();
    assert!(follow.fire_at > fx::end_of_day(2026, 10, 26));
}

#[test]
fn local_times_in_gaps_and_overlaps() {
    let ndt = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    // Spring forward: 02:30 does not exist → first existing minute, 03:00 CEST.
    assert_eq!(
        local_to_utc(&Berlin.into(), ndt("2026-03-29 02:30")),
        fx::utc("2026-03-29T01:00:00Z")
    );
    // Fall back: 02:30 happens twice → the earlier (CEST).
    assert_eq!(
        local_to_utc(&Berlin.into(), ndt("2026-10-25 02:30")),
        fx::utc("2026-10-25T00:30:00Z")
    );
}

// ---------------------------------------------------------------- ids

#[test]
fn ids_depend_only_on_case_step_and_kind() {
    let a = due_monday_after_eu_switch();
    let mut b = a.clone();
    b.deadline = fx::end_of_day(2026, 10, 28);
    b.clock_started_at = fx::bj(2026, 10, 21, 9, 0, 0);
    b.step_title = Text::new("改了标题", "Renamed");
    b.escalation = Some(Text::new("投诉", "complain"));
    let now = fx::bj(2026, 10, 20, 12, 0, 0);
    let pa = plan_at(&[a], now, &ReminderSettings::default());
    let pb = plan_at(&[b], now, &ReminderSettings::in_zone(New_York));
    for kind in [
        ReminderKind::BeforeDeadline,
        ReminderKind::AtDeadline,
        ReminderKind::FollowUp,
    ] {
        let ia = &pa.iter().find(|r| r.kind == kind).unwrap().id;
        let ib = &pb.iter().find(|r| r.kind == kind).unwrap().id;
        assert_eq!(ia, ib, "{kind:?}");
        assert_eq!(ia.len(), 12);
        assert!(ia.chars().all(|c| c.is_ascii_hexdigit()));
    }
    // ... while revision and fingerprint change.
    assert_ne!(pa[0].revision, pb[0].revision);
    assert_ne!(pa[0].fingerprint, pb[0].fingerprint);
}

#[test]
fn ids_are_unique_across_kinds_steps_and_cases() {
    let subjects = fx::all(&book());
    let plan = plan_at(&subjects, fx::now(), &ReminderSettings::default());
    let mut ids: Vec<&str> = plan.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // Same step in another case → different ids.
    let mut other = fx::guild_exit(&book());
    other[0].case_id = "case-guild-2".into();
    let p1 = plan_at(
        &fx::guild_exit(&book()),
        fx::now(),
        &ReminderSettings::default(),
    );
    let p2 = plan_at(&other, fx::now(), &ReminderSettings::default());
    assert!(p1.iter().zip(&p2).all(|(a, b)| a.id != b.id));
}

#[test]
fn only_open_steps_get_reminders() {
    for status in [
        StepStatus::Todo,
        StepStatus::Done,
        StepStatus::Skipped,
        StepStatus::Blocked,
    ] {
        let mut s = fx::guild_exit(&book());
        s[0].status = status;
        assert!(plan_at(&s, fx::now(), &ReminderSettings::default()).is_empty());
    }
    let mut s = fx::guild_exit(&book());
    s[0].status = StepStatus::InProgress;
    assert_eq!(
        plan_at(&s, fx::now(), &ReminderSettings::default()).len(),
        4
    );
}

#[test]
fn estimated_deadlines_say_so() {
    let mut s = fx::guild_exit(&book());
    s[0].deadline_estimated = true;
    let plan = plan_at(&s, fx::now(), &ReminderSettings::default());
    assert!(plan[0].body.zh.contains("估算"));
    assert!(plan[0].body.en.contains("estimated"));
}

// ---------------------------------------------------------------- budget and diff

#[test]
fn budget_keeps_the_nearest() {
    let subjects = fx::all(&book());
    let full = plan_at(&subjects, fx::now(), &ReminderSettings::default());
    assert!(full.len() > 5 && full.len() <= 60);
    assert!(full.windows(2).all(|w| w[0].fire_at <= w[1].fire_at));
    let five = plan_at(
        &subjects,
        fx::now(),
        &ReminderSettings {
            limit: 5,
            ..ReminderSettings::default()
        },
    );
    assert_eq!(five, full[..5].to_vec());
}

#[test]
fn budget_of_many_cases_stays_under_the_ios_limit() {
    let base = fx::all(&book());
    let mut subjects = Vec::new();
    for i in 0..10 {
        for s in &base {
            let mut s = s.clone();
            s.case_id = format!("{}-{i}", s.case_id);
            subjects.push(s);
        }
    }
    let plan = plan_at(&subjects, fx::now(), &ReminderSettings::default());
    assert_eq!(plan.len(), 60);
    let all = plan_at(
        &subjects,
        fx::now(),
        &ReminderSettings {
            limit: usize::MAX,
            ..ReminderSettings::default()
        },
    );
    assert!(all.len() > 60);
    let last_kept = plan.last().unwrap().fire_at;
    assert!(all[60..].iter().all(|r| r.fire_at >= last_kept));
}

#[test]
fn diff_adds_cancels_and_keeps() {
    let plan = plan_at(
        &fx::guild_exit(&book()),
        fx::now(),
        &ReminderSettings::default(),
    );
    let stale_token = format!("{}#000000000000", plan[1].id);
    let scheduled = vec![
        plan[0].id.clone(),
        stale_token.clone(),
        plan[2].schedule_token(),
        "deadbeef0000".to_string(),
        plan[0].id.clone(),
    ];
    let d = diff(&plan, &scheduled);
    assert_eq!(d.keep, vec![plan[0].id.clone(), plan[2].schedule_token()]);
    assert_eq!(
        d.cancel,
        vec![stale_token, "deadbeef0000".to_string(), plan[0].id.clone()]
    );
    let added: Vec<&str> = d.add.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(added, vec![plan[1].id.as_str(), plan[3].id.as_str()]);

    let none: Vec<String> = Vec::new();
    assert_eq!(diff(&plan, &none).add.len(), plan.len());
    assert!(diff(&[], &scheduled).keep.is_empty());
}

// ---------------------------------------------------------------- catch-up

fn guild_plan(now: DateTime<Utc>, state: &ReminderState) -> Vec<Reminder> {
    plan_reminders(
        &fx::guild_exit(&book()),
        state,
        now,
        &ReminderSettings::default(),
        &cal(),
    )
}

#[test]
fn missed_reminders_come_back_as_one_catch_up() {
    // Phone off from before 09-30 until 10-12 10:00: before, at-deadline and follow-up were
    // missed; only the latest of the step is covered; the escalation is still ahead.
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let plan = guild_plan(now, &ReminderState::default());
    assert_eq!(
        plan.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![ReminderKind::CatchUp, ReminderKind::FollowUpEscalate]
    );
    let c = &plan[0];
    assert_eq!(c.fire_at, now);
    assert_eq!(c.covers.len(), 1);
    assert_eq!(c.covers[0].kind, ReminderKind::FollowUp);
    assert_eq!(c.title.zh, "你错过了1条提醒");
    assert!(c.body.zh.contains("已过截止时间，请跟进"));
    assert!(c.case_id.is_none() && c.step_id.is_none());
}

#[test]
fn catch_up_covers_every_step_once() {
    let now = fx::bj(2026, 10, 21, 10, 0, 0);
    let subjects = fx::all(&book());
    let plan = plan_at(&subjects, now, &ReminderSettings::default());
    assert_eq!(plan.len(), 1, "{plan:#?}");
    let c = &plan[0];
    assert_eq!(c.kind, ReminderKind::CatchUp);
    // One per step: guild, refund, wechat, two kuaishou, xingtu, douyin fans.
    assert_eq!(c.covers.len(), 7);
    assert_eq!(c.title.en, "You missed 7 reminders");
    assert!(c.body.zh.contains("……另有2条"));
    assert!(c.body.en.contains("… and 2 more"));
}

#[test]
fn delivered_or_acknowledged_reminders_are_not_missed() {
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let first = guild_plan(now, &ReminderState::default());
    let catch_up = &first[0];
    // The shell showed the catch-up: everything it covers is delivered.
    let mut state = ReminderState::default();
    for m in &catch_up.covers {
        state.entries.insert(
            m.id.clone(),
            StateEntry {
                delivered_at: Some(now),
                ..StateEntry::default()
            },
        );
    }
    let again = guild_plan(now + Duration::minutes(5), &state);
    assert_eq!(
        again.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![ReminderKind::FollowUpEscalate]
    );
    // A delivery recorded before the fire time does not count.
    let mut early_state = ReminderState::default();
    early_state.entries.insert(
        catch_up.covers[0].id.clone(),
        StateEntry {
            acknowledged_at: Some(fx::bj(2026, 10, 1, 0, 0, 0)),
            ..StateEntry::default()
        },
    );
    assert_eq!(guild_plan(now, &early_state)[0].kind, ReminderKind::CatchUp);
}

#[test]
fn catch_up_waits_for_the_end_of_quiet_hours_and_changes_id_with_its_content() {
    let night = fx::bj(2026, 10, 12, 3, 0, 0);
    let plan = guild_plan(night, &ReminderState::default());
    assert_eq!(plan[0].kind, ReminderKind::CatchUp);
    assert_eq!(plan[0].fire_at, fx::bj(2026, 10, 12, 8, 0, 0));
    // Same missed set later: same id and fingerprint (the catch-up is not re-added).
    let later = guild_plan(fx::bj(2026, 10, 12, 9, 0, 0), &ReminderState::default());
    assert_eq!(later[0].id, plan[0].id);
    assert_eq!(later[0].fingerprint, plan[0].fingerprint);
    // More missed (the escalation too): a new catch-up id.
    let much_later = guild_plan(fx::bj(2026, 10, 15, 9, 0, 0), &ReminderState::default());
    assert_eq!(much_later[0].kind, ReminderKind::CatchUp);
    assert_eq!(much_later[0].covers[0].kind, ReminderKind::FollowUpEscalate);
    assert_ne!(much_later[0].id, plan[0].id);
}

// ---------------------------------------------------------------- snooze and dismiss (pure)

#[test]
fn snoozed_and_dismissed_reminders() {
    let plan = guild_plan(fx::now(), &ReminderState::default());
    // Later than its planned 09-30 09:30 (an earlier snooze would be ignored).
    let until = fx::bj(2026, 9, 30, 15, 0, 0);
    let mut state = ReminderState::default();
    state.entries.insert(
        plan[0].id.clone(),
        StateEntry {
            revision: plan[0].revision.clone(),
            snoozed_until: Some(until),
            ..StateEntry::default()
        },
    );
    state.entries.insert(
        plan[1].id.clone(),
        StateEntry {
            revision: plan[1].revision.clone(),
            dismissed_at: Some(fx::now()),
            ..StateEntry::default()
        },
    );
    let after = guild_plan(fx::now(), &state);
    assert_eq!(after.len(), 3);
    assert_eq!(after[0].id, plan[0].id);
    assert!(plan[0].fire_at < until);
    assert_eq!(after[0].fire_at, until);
    assert!(after[0].snoozed);
    assert!(after.iter().all(|r| r.id != plan[1].id));

    // A new deadline (new revision) makes the old snooze and dismissal moot.
    let mut moved = fx::guild_exit(&book());
    moved[0].deadline = fx::end_of_day(2026, 10, 12);
    let replanned = plan_reminders(
        &moved,
        &state,
        fx::now(),
        &ReminderSettings::default(),
        &cal(),
    );
    assert_eq!(replanned.len(), 4);
    assert!(replanned.iter().all(|r| !r.snoozed));

    // A snooze to before the planned time (an early snooze) never moves it earlier.
    let early = fx::bj(2026, 9, 29, 15, 0, 0);
    state.entries.get_mut(&plan[0].id).unwrap().snoozed_until = Some(early);
    let kept = guild_plan(fx::now(), &state);
    assert_eq!(kept[0].id, plan[0].id);
    assert_eq!(kept[0].fire_at, plan[0].fire_at);
    assert!(!kept[0].snoozed);
    // Nor is it missed once the early instant passes.
    let after_early = guild_plan(early + chrono::Duration::hours(1), &state);
    assert!(after_early
        .iter()
        .any(|r| r.id == plan[0].id && r.fire_at == plan[0].fire_at));
    assert!(after_early.iter().all(|r| r.kind != ReminderKind::CatchUp));
}

#[test]
fn snooze_choices() {
    let s = ReminderSettings::default();
    // Wednesday 2026-09-30 21:00 Beijing, the eve of the holiday.
    let now = fx::bj(2026, 9, 30, 21, 0, 0);
    let c = cal();
    assert_eq!(
        snooze_until(SnoozeChoice::TenMinutes, now, &s, &c),
        now + Duration::minutes(10)
    );
    assert_eq!(
        snooze_until(SnoozeChoice::OneHour, now, &s, &c),
        now + Duration::hours(1)
    );
    assert_eq!(
        snooze_until(SnoozeChoice::TomorrowMorning, now, &s, &c),
        fx::bj(2026, 10, 1, 9, 30, 0)
    );
    assert_eq!(
        snooze_until(SnoozeChoice::NextWorkingDay, now, &s, &c),
        fx::bj(2026, 10, 9, 9, 30, 0)
    );
    // Berlin, the evening before clocks go back: tomorrow 09:30 is CET.
    let berlin = ReminderSettings::in_zone(Berlin);
    assert_eq!(
        snooze_until(
            SnoozeChoice::TomorrowMorning,
            fx::utc("2026-10-24T18:00:00Z"),
            &berlin,
            &c
        ),
        fx::utc("2026-10-25T08:30:00Z")
    );
    assert_eq!(
        SnoozeChoice::parse("next-working-day"),
        Some(SnoozeChoice::NextWorkingDay)
    );
    assert_eq!(SnoozeChoice::parse("2h"), None);
}

#[test]
fn plan_is_deterministic_and_serializes_the_documented_fields() {
    let subjects = fx::all(&book());
    let a = plan_at(&subjects, fx::now(), &ReminderSettings::default());
    let b = plan_at(&subjects, fx::now(), &ReminderSettings::default());
    assert_eq!(a, b);
    let json = serde_json::to_value(&a).unwrap();
    let first = &json[0];
    for key in [
        "id",
        "fire_at",
        "kind",
        "case_id",
        "step_id",
        "title",
        "local_time",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    let kinds: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"window_closing_1h"));
    assert!(DateTime::parse_from_rfc3339(first["fire_at"].as_str().unwrap()).is_ok());
}
