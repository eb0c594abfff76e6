//! Reminder state through SQLite (SCHEMA_SQL on an in-memory connection) and the
//! iCalendar export (parsed back with the icalendar crate's parser).

mod reminders_fixtures;

use std::str::FromStr;

use chrono::Duration;
use icalendar::{Calendar, CalendarComponent, Component};
use reminders_fixtures as fx;
use rusqlite::Connection;
use tuilu_core::reminders::store::{
    calendar_sequence, clear, dismiss, load_state, mark_acknowledged, mark_delivered,
    mark_delivered_ids, mark_delivered_tokens, snooze,
};
use tuilu_core::reminders::{
    export_calendar, plan_reminders, snooze_target, snooze_until, Reminder, ReminderKind,
    ReminderSettings, ReminderSubject, SimpleWorkingDays, SnoozeChoice, DELIVERY_GRACE_MINUTES,
    SCHEMA_SQL,
};
use tuilu_core::Lang;

fn vault() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(SCHEMA_SQL).unwrap();
    conn
}

fn cal() -> SimpleWorkingDays {
    SimpleWorkingDays::china_2026_sample()
}

fn book() -> tuilu_core::RuleBook {
    tuilu_core::load_bundled().expect("bundled packs")
}

fn plan(
    conn: &Connection,
    subjects: &[ReminderSubject],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Reminder> {
    let state = load_state(conn).unwrap();
    plan_reminders(subjects, &state, now, &ReminderSettings::default(), &cal())
}

// ---------------------------------------------------------------- vault round trips

#[test]
fn snooze_round_trip() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let now = fx::now();
    let before = plan(&conn, &subjects, now);
    let target = &before[0];
    let until = snooze_until(
        SnoozeChoice::NextWorkingDay,
        now,
        &ReminderSettings::default(),
        &cal(),
    );
    assert_eq!(until, fx::bj(2026, 9, 29, 9, 30, 0));
    // That is before the target's planned time: store a snooze past it instead.
    assert!(until < target.fire_at);
    let until = target.fire_at + Duration::hours(2);
    snooze(&conn, target, until, now).unwrap();

    let state = load_state(&conn).unwrap();
    let e = &state.entries[&target.id];
    assert_eq!(e.snoozed_until, Some(until));
    assert_eq!(e.revision, target.revision);

    let after = plan(&conn, &subjects, now);
    let snoozed = after.iter().find(|r| r.id == target.id).unwrap();
    assert!(snoozed.snoozed);
    assert_eq!(snoozed.fire_at, until);
    assert_ne!(snoozed.fingerprint, target.fingerprint);

    clear(&conn, &target.id).unwrap();
    assert_eq!(plan(&conn, &subjects, now), before);
}

#[test]
fn dismiss_round_trip_and_snooze_undoes_it() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let now = fx::now();
    let before = plan(&conn, &subjects, now);
    dismiss(&conn, &before[1], now).unwrap();
    let after = plan(&conn, &subjects, now);
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().all(|r| r.id != before[1].id));

    let until = before[1].fire_at + Duration::hours(1);
    snooze(&conn, &before[1], until, now).unwrap();
    let again = plan(&conn, &subjects, now);
    assert_eq!(again.len(), before.len());
    assert_eq!(again[1].id, before[1].id);
    assert_eq!(again[1].fire_at, until);
}

#[test]
fn catch_up_delivered_once_then_gone() {
    let conn = vault();
    let subjects = fx::all(&book());
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let first = plan(&conn, &subjects, now);
    let catch_up = first
        .iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .unwrap()
        .clone();
    assert!(catch_up.covers.len() >= 5, "{catch_up:#?}");
    mark_delivered(&conn, &catch_up, now).unwrap();
    let second = plan(&conn, &subjects, now + Duration::minutes(1));
    assert!(second.iter().all(|r| r.kind != ReminderKind::CatchUp));
    // The rest of the plan is untouched.
    let rest: Vec<&Reminder> = first
        .iter()
        .filter(|r| r.kind != ReminderKind::CatchUp)
        .collect();
    assert_eq!(second.iter().collect::<Vec<_>>(), rest);
}

/// What an alarm receiver or a launch-time read of the OS reports: the catch-up's token
/// (or bare id). The covered reminders are retired with it, and it does not come back.
#[test]
fn a_catch_up_delivered_by_token_retires_what_it_covers() {
    let conn = vault();
    let subjects = fx::all(&book());
    let settings = ReminderSettings::default();
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let catch_up = plan(&conn, &subjects, now)
        .into_iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .unwrap();
    let shown = now + Duration::minutes(2);
    let token = catch_up.schedule_token();
    mark_delivered_tokens(
        &conn,
        &subjects,
        &settings,
        &cal(),
        &[token.as_str()],
        shown,
    )
    .unwrap();
    let state = load_state(&conn).unwrap();
    for m in &catch_up.covers {
        assert_eq!(state.entries[&m.id].delivered_at, Some(shown), "{}", m.id);
    }
    assert_eq!(state.entries[&catch_up.id].delivered_at, Some(shown));
    for later in [shown + Duration::hours(1), shown + Duration::hours(5)] {
        assert!(
            plan(&conn, &subjects, later)
                .iter()
                .all(|r| r.kind != ReminderKind::CatchUp
                    || r.covers.iter().all(|m| {
                        !catch_up
                            .covers
                            .iter()
                            .any(|c| c.id == m.id && c.fire_at == m.fire_at)
                    })),
            "a covered occurrence came back at {later}"
        );
    }
}

/// The shell reported the catch-up later than it was planned, after another reminder of
/// the plan became due: it is still recognised (the search goes back in time).
#[test]
fn a_catch_up_reported_late_is_still_recognised() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let settings = ReminderSettings::default();
    let planned_at = fx::bj(2026, 10, 9, 12, 0, 0);
    let catch_up = plan(&conn, &subjects, planned_at)
        .into_iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .unwrap();
    assert_eq!(catch_up.covers.len(), 1);
    // Reported the next day, when the plan's own catch-up would cover another reminder.
    let reported = fx::bj(2026, 10, 10, 12, 0, 0);
    let now_catch_up = plan(&conn, &subjects, reported)
        .into_iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .unwrap();
    assert_ne!(now_catch_up.id, catch_up.id);
    mark_delivered_tokens(
        &conn,
        &subjects,
        &settings,
        &cal(),
        &[catch_up.id.as_str()],
        reported,
    )
    .unwrap();
    let state = load_state(&conn).unwrap();
    assert_eq!(
        state.entries[&catch_up.covers[0].id].delivered_at,
        Some(reported)
    );
}

/// The id-only path (an old shell, the CLI) records the catch-up's own id: the planner
/// treats that catch-up as seen, so it does not fire again either.
#[test]
fn a_catch_up_marked_by_id_only_is_not_planned_again() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let catch_up = plan(&conn, &subjects, now)[0].clone();
    assert_eq!(catch_up.kind, ReminderKind::CatchUp);
    mark_delivered_ids(&conn, &[catch_up.id.as_str()], now).unwrap();
    assert!(plan(&conn, &subjects, now + Duration::hours(1))
        .iter()
        .all(|r| r.id != catch_up.id));
}

/// Snoozing a reminder that has not fired yet never moves it earlier: it keeps its
/// planned time, and it is not lost when the snooze instant passes.
#[test]
fn an_early_snooze_keeps_the_planned_time() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let settings = ReminderSettings::default();
    let now = fx::now();
    let target = plan(&conn, &subjects, now)[0].clone();
    assert!(target.fire_at > now + Duration::hours(2));
    let until = snooze_target(
        &subjects,
        &settings,
        &cal(),
        &target,
        SnoozeChoice::OneHour,
        now,
    );
    assert_eq!(until, target.fire_at);
    // Even a raw early snooze stored by an older build does not move it earlier.
    snooze(&conn, &target, now + Duration::hours(1), now).unwrap();
    let later = plan(&conn, &subjects, now + Duration::hours(2));
    let kept = later
        .iter()
        .find(|r| r.id == target.id)
        .expect("still planned");
    assert_eq!(kept.fire_at, target.fire_at);
    assert!(!kept.snoozed);
    assert!(later.iter().all(|r| r.kind != ReminderKind::CatchUp));
    // Once due, a snooze moves it later as chosen.
    let fired = target.fire_at + Duration::minutes(DELIVERY_GRACE_MINUTES + 1);
    let due = plan(&conn, &subjects, fired)
        .into_iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .map(|c| c.covers[0].id.clone());
    assert_eq!(due.as_deref(), Some(target.id.as_str()));
    let until = snooze_target(
        &subjects,
        &settings,
        &cal(),
        &target,
        SnoozeChoice::TenMinutes,
        fired,
    );
    assert_eq!(until, fired + Duration::minutes(10));
}

#[test]
fn dismissing_a_catch_up_acknowledges_what_it_covers() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let catch_up = plan(&conn, &subjects, now)[0].clone();
    assert_eq!(catch_up.kind, ReminderKind::CatchUp);
    dismiss(&conn, &catch_up, now).unwrap();
    let state = load_state(&conn).unwrap();
    assert_eq!(
        state.entries[&catch_up.covers[0].id].acknowledged_at,
        Some(now)
    );
    assert!(plan(&conn, &subjects, now)
        .iter()
        .all(|r| r.kind != ReminderKind::CatchUp));
}

#[test]
fn snoozing_a_catch_up_moves_it() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let catch_up = plan(&conn, &subjects, now)[0].clone();
    let until = now + Duration::minutes(10);
    snooze(&conn, &catch_up, until, now).unwrap();
    // What it covers comes back at the snoozed time.
    let after = plan(&conn, &subjects, now);
    assert!(after.iter().all(|r| r.kind != ReminderKind::CatchUp));
    for m in &catch_up.covers {
        let r = after
            .iter()
            .find(|r| r.id == m.id)
            .expect("covered reminder");
        assert_eq!(r.fire_at, until);
        assert!(r.snoozed);
    }
    // Missed again: one catch-up for them, as before.
    let later = plan(&conn, &subjects, until + Duration::hours(1));
    let again = later
        .iter()
        .find(|r| r.kind == ReminderKind::CatchUp)
        .unwrap();
    assert_eq!(again.covers.len(), catch_up.covers.len());
}

/// The usual flow on a phone: the catch-up is shown (the receiver reports it, which
/// retires what it covers), then the user taps "snooze" on it. Nothing is lost.
#[test]
fn snoozing_a_delivered_catch_up_brings_back_what_it_covers() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let settings = ReminderSettings::default();
    let now = fx::bj(2026, 10, 12, 10, 0, 0);
    let catch_up = plan(&conn, &subjects, now)[0].clone();
    let token = catch_up.schedule_token();
    mark_delivered_tokens(&conn, &subjects, &settings, &cal(), &[token.as_str()], now).unwrap();
    assert!(plan(&conn, &subjects, now)
        .iter()
        .all(|r| r.kind != ReminderKind::CatchUp));
    let tapped = now + Duration::minutes(1);
    let state = load_state(&conn).unwrap();
    let found = tuilu_core::reminders::find_reminder(
        &subjects,
        &state,
        tapped,
        &settings,
        &cal(),
        &catch_up.id,
    )
    .expect("a delivered catch-up can still be snoozed");
    let until = snooze_target(
        &subjects,
        &settings,
        &cal(),
        &found,
        SnoozeChoice::OneHour,
        tapped,
    );
    assert_eq!(until, tapped + Duration::hours(1));
    snooze(&conn, &found, until, tapped).unwrap();
    let after = plan(&conn, &subjects, tapped);
    let back = after
        .iter()
        .find(|r| r.id == catch_up.covers[0].id)
        .unwrap();
    assert_eq!(back.fire_at, until);
}

#[test]
fn deliveries_keep_the_latest_instant() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let r = plan(&conn, &subjects, fx::now())[0].clone();
    let t1 = fx::bj(2026, 9, 30, 9, 30, 0);
    let t0 = t1 - Duration::days(1);
    mark_delivered(&conn, &r, t1).unwrap();
    mark_delivered_ids(&conn, &[r.id.as_str()], t0).unwrap();
    mark_acknowledged(&conn, &r, t1 + Duration::minutes(3)).unwrap();
    let e = &load_state(&conn).unwrap().entries[&r.id];
    assert_eq!(e.delivered_at, Some(t1));
    assert_eq!(e.acknowledged_at, Some(t1 + Duration::minutes(3)));
    // Delivered at its fire time: not planned again, not missed.
    let later = plan(&conn, &subjects, t1 + Duration::hours(1));
    assert!(later
        .iter()
        .all(|x| x.id != r.id && x.kind != ReminderKind::CatchUp));
}

#[test]
fn writes_compose_with_an_outer_transaction() {
    let mut conn = vault();
    let subjects = fx::guild_exit(&book());
    let r = plan(&conn, &subjects, fx::now())[0].clone();
    {
        let tx = conn.transaction().unwrap();
        dismiss(&tx, &r, fx::now()).unwrap();
        // Dropped without commit: rolled back.
    }
    assert!(load_state(&conn).unwrap().entries.is_empty());
}

#[test]
fn calendar_sequence_increases_only_on_change() {
    let conn = vault();
    let now = fx::now();
    assert_eq!(
        calendar_sequence(&conn, "a@tuilu.app", "f1", now).unwrap(),
        0
    );
    assert_eq!(
        calendar_sequence(&conn, "a@tuilu.app", "f1", now).unwrap(),
        0
    );
    assert_eq!(
        calendar_sequence(&conn, "a@tuilu.app", "f2", now).unwrap(),
        1
    );
    assert_eq!(
        calendar_sequence(&conn, "a@tuilu.app", "f2", now).unwrap(),
        1
    );
    assert_eq!(
        calendar_sequence(&conn, "a@tuilu.app", "f1", now).unwrap(),
        2
    );
    assert_eq!(
        calendar_sequence(&conn, "b@tuilu.app", "f1", now).unwrap(),
        0
    );
}

// ---------------------------------------------------------------- iCalendar

fn export(conn: &Connection, subjects: &[ReminderSubject], case: Option<&str>) -> String {
    export_calendar(
        conn,
        subjects,
        fx::now(),
        &ReminderSettings::default(),
        &cal(),
        case,
        Lang::Zh,
    )
    .unwrap()
}

fn events(ics: &str) -> Vec<icalendar::Event> {
    Calendar::from_str(ics)
        .expect("exported calendar parses")
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn export_parses_back_with_events_alarms_and_stable_uids() {
    let conn = vault();
    let subjects = fx::all(&book());
    let ics = export(&conn, &subjects, None);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let evs = events(&ics);
    assert_eq!(evs.len(), subjects.len());
    let plan = plan_reminders(
        &subjects,
        &Default::default(),
        fx::now(),
        &ReminderSettings {
            limit: usize::MAX,
            ..ReminderSettings::default()
        },
        &cal(),
    );
    let alarms: usize = evs
        .iter()
        .map(|e| {
            e.components()
                .iter()
                .filter(|c| c.component_kind() == "VALARM")
                .count()
        })
        .sum();
    assert_eq!(alarms, plan.len());
    for e in &evs {
        let uid = e.get_uid().unwrap();
        assert!(uid.ends_with("@tuilu.app"), "{uid}");
        assert_eq!(e.property_value("SEQUENCE"), Some("0"));
        assert_eq!(e.property_value("DTSTAMP"), Some("20260928T020000Z"));
        assert!(e.property_value("DTEND").unwrap().ends_with('Z'));
        for a in e.components() {
            assert!(a.property_value("UID").unwrap().ends_with("@tuilu.app"));
            assert!(a.property_value("DTSTAMP").is_some());
        }
    }
    // Every alarm UID is a planned reminder id.
    for r in &plan {
        assert!(ics.contains(&format!("UID:{}@tuilu.app", r.id)), "{}", r.id);
    }
    // Deadline of the guild exit: 2026-10-09 23:59:59 Beijing = 15:59:59 UTC.
    assert!(ics.contains("DTEND:20261009T155959Z"));
}

#[test]
fn export_is_deterministic_and_reimport_updates() {
    let conn = vault();
    let subjects = fx::guild_exit(&book());
    let a = export(&conn, &subjects, None);
    let b = export(&conn, &subjects, None);
    assert_eq!(a, b, "same input, same bytes, same SEQUENCE");

    let mut moved = subjects.clone();
    moved[0].deadline = fx::end_of_day(2026, 10, 12);
    let c = export(&conn, &moved, None);
    let (ea, ec) = (&events(&a)[0], &events(&c)[0]);
    assert_eq!(ea.get_uid(), ec.get_uid(), "same UID: the event is updated");
    assert_eq!(ec.property_value("SEQUENCE"), Some("1"));
}

#[test]
fn export_of_one_case() {
    let conn = vault();
    let subjects = fx::all(&book());
    let ics = export(&conn, &subjects, Some("case-kuaishou"));
    let evs = events(&ics);
    assert_eq!(evs.len(), 2);
    assert!(evs.iter().all(|e| e
        .get_summary()
        .unwrap()
        .contains("快手：退出直播并注销账号")));
    assert_eq!(events(&export(&conn, &subjects, Some("nope"))).len(), 0);
}

#[test]
fn export_folds_lines_and_escapes_text() {
    let conn = vault();
    let subjects = fx::recharge_refund(&book());
    let ics = export(&conn, &subjects, None);
    // Lines are at most 75 octets, CRLF-terminated; continuation lines start with a space.
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n'));
    }
    assert!(ics.contains("\r\n "), "long Chinese text is folded");
    // Commas, semicolons and newlines are escaped in the raw text...
    let unfolded = ics.replace("\r\n ", "");
    let desc_line = unfolded
        .lines()
        .find(|l| l.starts_with("DESCRIPTION:抖音"))
        .unwrap();
    assert!(desc_line.contains("\\n"));
    assert!(desc_line.contains("\\,") || desc_line.contains("\\;"));
    assert!(!desc_line.contains("，\\，"));
    // ...and parse back to the original text.
    let e = &events(&ics)[0];
    let desc = e.get_description().unwrap();
    let refund = &subjects[0];
    assert!(desc.starts_with(&format!(
        "{} · {}\n",
        refund.case_title.zh, refund.step_title.zh
    )));
    assert!(desc.contains(&refund.escalation.as_ref().unwrap().zh));
    assert!(desc.contains(&refund.escalation.as_ref().unwrap().en));
    assert!(desc.contains("'refund service'"));
}

#[test]
fn golden_ics_for_the_guild_exit() {
    let conn = vault();
    let ics = export(&conn, &fx::guild_exit(&book()), None);
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden/reminders/guild_exit.ics");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &ics).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("golden .ics (UPDATE_GOLDEN=1)");
    assert!(expected == ics, "differs from {}:\n{ics}", path.display());
}
