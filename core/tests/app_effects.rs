//! Events in, effects out (`App::handle`): what a phone must schedule, post and cancel after
//! each platform signal and each tap, asserted exactly, the way the shells will perform it.

mod app_support;

use std::collections::BTreeSet;

use app_support::{ctx, finish_before_submit, guild_answers, submit_exit, t};
use chrono::{Duration, Timelike};
use tuilu_core::app::{
    AlarmTiming, App, Effect, EffectFailure, Event, NotificationActionId, Os, PlatformState, Route,
    Screen, Update, ViewContext,
};
use tuilu_core::reminders::{SnoozeChoice, UserZone};
use tuilu_core::vault::{StepAction, StepStatus};
use tuilu_core::Lang;

fn open() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    (dir, app)
}

fn android(sdk: u32, scheduled: &[String]) -> PlatformState {
    PlatformState {
        os: Os::Android { sdk },
        notifications_allowed: true,
        exact_alarms_allowed: true,
        pending_limit: tuilu_core::app::effects::ANDROID_PENDING_LIMIT,
        scheduled: scheduled.to_vec(),
        in_foreground: false,
    }
}

fn ios(scheduled: &[String]) -> PlatformState {
    PlatformState {
        os: Os::Ios,
        pending_limit: tuilu_core::app::effects::IOS_PENDING_LIMIT,
        ..android(0, scheduled)
    }
}

/// A guild exit whose request was handed in at 2026-09-30 09:00 UTC: its clock runs, so it
/// has reminders. Returns the case id.
fn submitted_case(app: &App) -> String {
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    finish_before_submit(app, &c, &case.id);
    let c = ctx(Lang::Zh, "2026-09-30T09:00:00Z");
    submit_exit(app, &c, &case.id);
    case.id
}

/// Every effect names a different token: nothing is scheduled twice, nothing cancelled
/// after being set.
fn assert_each_token_once(u: &Update) {
    let mut seen = BTreeSet::new();
    for e in &u.effects {
        assert!(seen.insert(e.token().to_string()), "twice: {}", e.token());
    }
    let first_set = u
        .effects
        .iter()
        .position(|e| !matches!(e, Effect::Cancel { .. }));
    if let Some(i) = first_set {
        assert!(
            u.effects[i..]
                .iter()
                .all(|e| !matches!(e, Effect::Cancel { .. })),
            "cancels come first: {:?}",
            u.effects
        );
    }
}

fn scheduled_tokens(u: &Update) -> Vec<String> {
    u.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Schedule(n) => Some(n.token.clone()),
            _ => None,
        })
        .collect()
}

fn launch(app: &App, c: &ViewContext, p: &PlatformState) -> Update {
    let u = app.handle(c, p, Event::Launched);
    assert_each_token_once(&u);
    u
}

#[test]
fn boot_force_stop_and_app_update_reschedule_every_future_reminder_despite_a_stale_store() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let first = launch(&app, &c, &android(34, &[]));
    let all = scheduled_tokens(&first);
    assert!(all.len() >= 2, "{all:?}");
    assert_eq!(first.reminders_held.as_deref(), Some(&all[..]));
    // The store still lists every token, but the system dropped the alarms.
    let stale = all.clone();
    for event in [Event::Booted, Event::AppUpdated, Event::AlarmsLost] {
        let u = app.handle(&c, &android(34, &stale), event.clone());
        assert_each_token_once(&u);
        assert_eq!(scheduled_tokens(&u), all, "{event:?}");
        assert_eq!(u.reminders_held.as_deref(), Some(&all[..]));
        assert!(u.screen.is_none(), "a receiver gets no screen");
    }
    // A plain start trusts the store: nothing to redo.
    let same = launch(&app, &c, &android(34, &stale));
    assert!(same.effects.is_empty(), "{:?}", same.effects);
    assert!(
        same.categories.is_some(),
        "categories are registered at launch"
    );
}

#[test]
fn a_notification_permission_grant_schedules_and_a_revoke_cancels() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let mut off = android(34, &[]);
    off.notifications_allowed = false;
    let u = app.handle(&c, &off, Event::Launched);
    assert!(u.effects.is_empty());
    assert_eq!(u.reminders_held.as_deref(), Some(&[][..]));
    assert!(u.reminder_notice.unwrap().contains("通知已关闭"));

    let granted = app.handle(
        &c,
        &android(34, &[]),
        Event::NotificationPermission { granted: true },
    );
    assert_each_token_once(&granted);
    let all = scheduled_tokens(&granted);
    assert!(!all.is_empty());
    assert!(granted.reminder_notice.is_none());

    let mut revoked = android(34, &all);
    revoked.notifications_allowed = false;
    let u = app.handle(
        &c,
        &revoked,
        Event::NotificationPermission { granted: false },
    );
    let cancelled: Vec<&str> = u.effects.iter().map(Effect::token).collect();
    assert_eq!(
        cancelled,
        all.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(u.effects.iter().all(|e| matches!(e, Effect::Cancel { .. })));
}

#[test]
fn exact_alarms_follow_the_sdk_and_the_permission() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let timing_of = |p: PlatformState| -> Vec<AlarmTiming> {
        app.handle(&c, &p, Event::ExactAlarmPermission { granted: false })
            .effects
            .iter()
            .filter_map(|e| match e {
                Effect::Schedule(n) => Some(n.timing),
                _ => None,
            })
            .collect()
    };
    let mut denied = android(30, &[]);
    denied.exact_alarms_allowed = false;
    // Android 8–11: exact alarms need no permission.
    assert!(timing_of(denied.clone())
        .iter()
        .all(|t| *t == AlarmTiming::Exact));
    denied.os = Os::Android { sdk: 34 };
    let windows = timing_of(denied.clone());
    assert!(!windows.is_empty());
    let u = app.handle(&c, &denied, Event::ExactAlarmPermission { granted: false });
    assert!(u
        .reminder_notice
        .unwrap()
        .contains("提醒可能不准时：未允许精确闹钟"));
    for e in &u.effects {
        if let Effect::Schedule(n) = e {
            let AlarmTiming::Window { start } = n.timing else {
                panic!("inexact expected: {n:?}");
            };
            assert!(start < n.fire_at && n.fire_at - start <= Duration::minutes(60));
            assert!(start >= c.now);
        }
    }
    assert!(timing_of(android(34, &[]))
        .iter()
        .all(|t| *t == AlarmTiming::Exact));
}

#[test]
fn a_zone_change_reschedules_in_the_new_zone() {
    let (_d, app) = open();
    submitted_case(&app);
    let beijing = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let first = launch(&app, &beijing, &ios(&[]));
    let held = first.reminders_held.clone().unwrap();
    let morning_bj: Vec<_> = first
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Schedule(n) => Some(n.fire_at),
            _ => None,
        })
        .collect();
    // Day reminders come at the preferred time (09:30) in Beijing: 01:30 UTC.
    assert!(morning_bj.iter().any(|t| t.hour() == 1 && t.minute() == 30));

    let vancouver = ViewContext::new(Lang::Zh, UserZone::parse("-08:00").unwrap(), beijing.now);
    let u = app.handle(&vancouver, &ios(&held), Event::ZoneChanged);
    assert_each_token_once(&u);
    let fires: Vec<_> = u
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Schedule(n) => Some((n.fire_at, n.fire_local.clone())),
            _ => None,
        })
        .collect();
    assert!(!fires.is_empty());
    // Now 09:30 in Vancouver (17:30 UTC), and shown in Vancouver time.
    assert!(fires
        .iter()
        .any(|(t, local)| t.hour() == 17 && t.minute() == 30 && local.ends_with("09:30")));
    assert!(fires
        .iter()
        .all(|(t, _)| !(t.hour() == 1 && t.minute() == 30)));
}

#[test]
fn the_budget_is_the_same_on_both_platforms() {
    let (_d, app) = open();
    for _ in 0..25 {
        submitted_case(&app);
    }
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let a = launch(&app, &c, &android(34, &[]));
    let i = launch(&app, &c, &ios(&[]));
    assert_eq!(scheduled_tokens(&a).len(), 60);
    assert_eq!(scheduled_tokens(&a), scheduled_tokens(&i));
    let mut small = ios(&[]);
    small.pending_limit = 20;
    assert_eq!(scheduled_tokens(&launch(&app, &c, &small)).len(), 16);
    // Nearest first: the phone holds the next 60, not any 60.
    let fire: Vec<_> = a
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Schedule(n) => Some(n.fire_at),
            _ => None,
        })
        .collect();
    assert!(fire.windows(2).all(|w| w[0] <= w[1]));
    // The window is full: the last slot asks the user to open the app, a minute after the
    // last reminder held, with no button (opening the app is the answer).
    let last = match a.effects.last().unwrap() {
        Effect::Schedule(n) => n.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(last.kind, tuilu_core::reminders::ReminderKind::RefillWindow);
    assert_eq!(last.title, "打开退路，继续接收提醒");
    assert!(last.body.contains("59"), "{}", last.body);
    assert!(last.actions.is_empty());
    assert_eq!(last.fire_at, fire[fire.len() - 2] + Duration::minutes(1));
    // With room for everything, no such request.
    let (_d2, few) = open();
    submitted_case(&few);
    let u = launch(&few, &c, &ios(&[]));
    assert!(u.effects.iter().all(|e| match e {
        Effect::Schedule(n) => n.kind != tuilu_core::reminders::ReminderKind::RefillWindow,
        _ => true,
    }));
}

#[test]
fn a_notification_button_does_what_the_tap_in_the_app_does() {
    let (_d1, by_button) = open();
    let (_d2, by_tap) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let mut ids = Vec::new();
    for app in [&by_button, &by_tap] {
        let case = app
            .create_case(&c, "douyin.guild-exit", &guild_answers())
            .unwrap();
        ids.push(case.id.clone());
    }
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let u = launch(&by_button, &c, &android(34, &[]));
    let done = u.effects.iter().find_map(|e| match e {
        Effect::Schedule(n)
            if n.actions
                .iter()
                .any(|a| a.id == NotificationActionId::Done && a.needs_unlock) =>
        {
            Some(n.clone())
        }
        _ => None,
    });
    // A case just created has steps in progress only through their reminders; submit one
    // so a "已有结果" button exists.
    let (token, step) = match done {
        Some(n) => (n.token.clone(), None),
        None => {
            let id = submitted_case(&by_button);
            submitted_case(&by_tap);
            let u = launch(&by_button, &c, &android(34, &[]));
            let n = u
                .effects
                .iter()
                .find_map(|e| match e {
                    Effect::Schedule(n)
                        if n.actions.iter().any(|a| a.id == NotificationActionId::Done) =>
                    {
                        Some(n.clone())
                    }
                    _ => None,
                })
                .expect("a reminder with 已有结果");
            (n.token, Some(id))
        }
    };
    let u = by_button.handle(
        &c,
        &android(34, &[]),
        Event::NotificationAction {
            token: token.clone(),
            action: NotificationActionId::Done,
        },
    );
    assert!(
        u.message.as_ref().is_none_or(|m| !m.is_error),
        "{:?}",
        u.message
    );
    assert!(u.screen.is_none());
    let case_b = step.unwrap();
    let tapped = by_tap.handle(
        &c,
        &android(34, &[]),
        Event::StepAction {
            case_id: by_tap.home(&c).unwrap().cases[0].id.clone(),
            step_id: "submit_exit".into(),
            action: StepAction::Done,
            at: None,
            note: None,
            route: None,
        },
    );
    assert!(tapped.message.is_none());
    let status = |app: &App, case: &str| {
        app.case_screen(&c, case)
            .unwrap()
            .steps
            .iter()
            .find(|s| s.id == "submit_exit")
            .unwrap()
            .status
    };
    assert_eq!(status(&by_button, &case_b), StepStatus::Done);
    // No reminder of the settled step is held any more.
    assert!(u
        .reminders_held
        .unwrap()
        .iter()
        .all(|t| t.split('#').next() != token.split('#').next()));
}

#[test]
fn a_snooze_never_comes_before_the_reminders_own_time() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let u = launch(&app, &c, &android(34, &[]));
    let first = u
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Schedule(n) => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    assert!(first.fire_at > c.now + Duration::hours(1));
    let held = u.reminders_held.unwrap();
    let s = app.handle(
        &c,
        &android(34, &held),
        Event::SnoozeReminder {
            token: first.token.clone(),
            choice: SnoozeChoice::TenMinutes,
        },
    );
    assert_each_token_once(&s);
    // Snoozing a reminder not due yet keeps it where it was.
    assert!(s.effects.is_empty(), "{:?}", s.effects);
    let said = s.message.unwrap().text;
    let local = first.fire_local.clone();
    assert!(said.contains(&local), "{said} / {local}");
}

#[test]
fn an_inexact_alarm_delivered_early_counts_as_delivered() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let mut inexact = android(34, &[]);
    inexact.exact_alarms_allowed = false;
    let u = launch(&app, &c, &inexact);
    let first = u
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Schedule(n) => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    // The window opened and the alarm fired 40 minutes before the reminder's time.
    let early = ViewContext::new(
        Lang::Zh,
        UserZone::beijing(),
        first.fire_at - Duration::minutes(40),
    );
    let held = u.reminders_held.unwrap();
    app.handle(
        &early,
        &inexact_with(&inexact, &held),
        Event::NotificationsDelivered {
            tokens: vec![first.token.clone()],
        },
    );
    // An hour after its time, nothing comes back: no second alarm, no "你错过了".
    let later = ViewContext::new(
        Lang::Zh,
        UserZone::beijing(),
        first.fire_at + Duration::hours(1),
    );
    let rest: Vec<String> = held.into_iter().filter(|t| *t != first.token).collect();
    let u = app.handle(&later, &inexact_with(&inexact, &rest), Event::Launched);
    for e in &u.effects {
        match e {
            Effect::PostNow(n) => panic!("posted again: {} {}", n.title, n.body),
            Effect::Schedule(n) => assert_ne!(n.token, first.token),
            Effect::Cancel { .. } => {}
        }
    }
}

fn inexact_with(p: &PlatformState, scheduled: &[String]) -> PlatformState {
    PlatformState {
        scheduled: scheduled.to_vec(),
        ..p.clone()
    }
}

#[test]
fn two_alarms_in_one_minute_with_a_sync_between_their_reports_miss_nothing() {
    let (_d, app) = open();
    // Two cases handed in at the same moment: their reminders fire together.
    submitted_case(&app);
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let u = launch(&app, &c, &ios(&[]));
    let mut firsts: Vec<_> = u
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Schedule(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    firsts.truncate(2);
    assert_eq!(firsts[0].fire_at, firsts[1].fire_at);
    let held = u.reminders_held.unwrap();
    let at = |secs| {
        ViewContext::new(
            Lang::Zh,
            UserZone::beijing(),
            firsts[0].fire_at + Duration::seconds(secs),
        )
    };
    let without = |gone: &[&str]| -> Vec<String> {
        held.iter()
            .filter(|t| !gone.contains(&t.as_str()))
            .cloned()
            .collect()
    };
    // The first report arrives and the app syncs before the second report.
    let a = app.handle(
        &at(5),
        &ios(&without(&[&firsts[0].token])),
        Event::NotificationsDelivered {
            tokens: vec![firsts[0].token.clone()],
        },
    );
    assert!(
        a.effects.iter().all(|e| !matches!(e, Effect::PostNow(_))),
        "{:?}",
        a.effects
    );
    app.handle(
        &at(20),
        &ios(&without(&[&firsts[0].token, &firsts[1].token])),
        Event::NotificationsDelivered {
            tokens: vec![firsts[1].token.clone()],
        },
    );
    let later = app.handle(
        &at(3600),
        &ios(&without(&[&firsts[0].token, &firsts[1].token])),
        Event::Launched,
    );
    assert!(
        later
            .effects
            .iter()
            .all(|e| !matches!(e, Effect::PostNow(_))),
        "{:?}",
        later.effects
    );
}

#[test]
fn a_refused_alarm_is_said_in_words_and_not_counted_as_held() {
    let (_d, app) = open();
    submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let u = launch(&app, &c, &android(34, &[]));
    let held = u.reminders_held.unwrap();
    let refused = held[0].clone();
    let f = app.handle(
        &c,
        &android(34, &held[1..]),
        Event::EffectFailed {
            token: refused.clone(),
            failure: EffectFailure::AlarmRefused,
        },
    );
    assert!(f.reminder_notice.unwrap().contains("有1条提醒未能设置"));
    assert!(!f.reminders_held.unwrap().contains(&refused));
}

#[test]
fn unknown_tokens_and_a_deleted_case_get_words_not_a_crash() {
    let (_d, app) = open();
    let id = submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let mut fg = android(34, &[]);
    fg.in_foreground = true;
    let u = app.handle(
        &c,
        &fg,
        Event::NotificationAction {
            token: "000000000000#ffff".into(),
            action: NotificationActionId::Done,
        },
    );
    let m = u.message.unwrap();
    assert!(m.is_error && !m.text.contains("000000000000"), "{}", m.text);
    assert!(matches!(u.screen, Some(Screen::Home(_))));

    app.handle(
        &c,
        &fg,
        Event::Open {
            route: Route::Case {
                case_id: id.clone(),
            },
        },
    );
    app.delete_case(&c, &id).unwrap();
    let u = app.handle(&c, &fg, Event::Refresh);
    assert_eq!(
        u.route,
        Route::Home {
            show_archived: false
        }
    );
    assert!(u.message.unwrap().text.contains("这个案件已不存在"));
    assert!(matches!(u.screen, Some(Screen::Home(_))));
}

#[test]
fn navigation_goes_to_the_case_after_creating_it_and_home_after_deleting_it() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let mut fg = android(34, &[]);
    fg.in_foreground = true;
    fg.notifications_allowed = false;
    app.handle(
        &c,
        &fg,
        Event::Open {
            route: Route::NewCase,
        },
    );
    app.handle(
        &c,
        &fg,
        Event::AnswersChanged {
            scenario: "douyin.guild-exit".into(),
            answers: vec![],
            going_on_from: None,
        },
    );
    let u = app.handle(
        &c,
        &fg,
        Event::CreateCase {
            scenario: "douyin.guild-exit".into(),
            answers: guild_answers(),
        },
    );
    let Route::Case { case_id } = u.route.clone() else {
        panic!("{:?}", u.route)
    };
    assert!(matches!(u.screen, Some(Screen::Case(_))));
    assert!(u.permission_request.is_some(), "asks for notifications");
    // The whole stack travels with the update (an iOS NavigationStack path is stack[1..]):
    // the new case replaced the picker and the questionnaire.
    assert_eq!(u.stack, vec![Route::home(), u.route.clone()]);
    // Back from the new case goes home, not to the questionnaire.
    let back = app.handle(&c, &fg, Event::Back);
    assert!(matches!(back.route, Route::Home { .. }));
    assert!(!back.can_go_back);
    assert_eq!(back.stack, vec![Route::home()]);
    let case_route = Route::Case {
        case_id: case_id.clone(),
    };
    app.handle(
        &c,
        &fg,
        Event::Open {
            route: case_route.clone(),
        },
    );
    let evidence = Route::Evidence {
        case_id: case_id.clone(),
        step_id: None,
    };
    let deeper = app.handle(
        &c,
        &fg,
        Event::Open {
            route: evidence.clone(),
        },
    );
    assert_eq!(
        deeper.stack,
        vec![Route::home(), case_route.clone(), evidence]
    );
    let up = app.handle(&c, &fg, Event::Back);
    assert_eq!(up.stack, vec![Route::home(), case_route.clone()]);
    assert_eq!(up.route, case_route);
    let ask = app.handle(
        &c,
        &fg,
        Event::DeleteCase {
            case_id: case_id.clone(),
            confirmed: false,
        },
    );
    let confirm = ask.confirm.unwrap();
    assert!(confirm.text.contains("无法恢复"), "{}", confirm.text);
    assert!(app.case_screen(&c, &case_id).is_ok(), "nothing deleted yet");
    let gone = app.handle(&c, &fg, *ask.confirm_event.unwrap());
    assert!(matches!(gone.route, Route::Home { .. }));
    assert_eq!(
        gone.stack,
        vec![Route::home()],
        "no route of the deleted case is left"
    );
    assert_eq!(gone.message.unwrap().text, "已删除案件");
    assert!(app.case_screen(&c, &case_id).is_err());
}

#[test]
fn archive_history_upgrade_preview_and_moving_evidence_are_events() {
    let (_d, app) = open();
    let id = submitted_case(&app);
    let c = ctx(Lang::Zh, "2026-09-30T10:00:00Z");
    let mut fg = android(34, &[]);
    fg.in_foreground = true;
    // History in words, newest first, with undo on the last change of a step.
    let u = app.handle(
        &c,
        &fg,
        Event::Open {
            route: Route::History {
                case_id: id.clone(),
            },
        },
    );
    let Some(Screen::History(h)) = u.screen else {
        panic!("{:?}", u.screen)
    };
    assert_eq!(h.entries.last().unwrap().text, "创建了案件");
    let top = &h.entries[0];
    assert!(top.text.contains("已提交"), "{}", top.text);
    assert_eq!(top.undo_step.as_deref(), Some("submit_exit"));
    let undone = app.handle(
        &c,
        &fg,
        Event::Undo {
            case_id: id.clone(),
            step_id: top.undo_step.clone(),
        },
    );
    let Some(Screen::History(h)) = undone.screen else {
        panic!()
    };
    assert!(
        h.entries[0].text.starts_with("撤销了"),
        "{}",
        h.entries[0].text
    );

    // The same pack: the preview says so and offers nothing.
    let u = app.handle(
        &c,
        &fg,
        Event::Open {
            route: Route::Upgrade {
                case_id: id.clone(),
            },
        },
    );
    let Some(Screen::Upgrade(up)) = u.screen else {
        panic!()
    };
    assert!(!up.available);

    // Evidence moves to another step, and says where.
    let added = app
        .add_evidence_bytes(
            &c,
            &id,
            Some("submit_exit"),
            "Screenshot_20260930-170000.png",
            b"\x89PNG fake but bytes",
            None,
            None,
            &tuilu_core::evidence::NoProgress,
            &tuilu_core::evidence::CancelFlag::default(),
        )
        .unwrap();
    let moved = app.handle(
        &c,
        &fg,
        Event::MoveEvidence {
            item_id: added.item_id.clone(),
            to_step: "backup_data".into(),
        },
    );
    let said = moved.message.unwrap().text;
    assert!(
        said.contains("移到第") && said.contains("Screenshot_20260930-170000.png"),
        "{said}"
    );
    let list = app.evidence_list(&c, &id, Some("backup_data")).unwrap();
    assert_eq!(list.items.len(), 1);

    // Archiving stops its reminders and leaves the home list.
    app.delete_case(&c, &id).unwrap();
    let id = submitted_case(&app);
    let mut with = android(34, &[]);
    with.in_foreground = true;
    let before = launch(&app, &c, &android(34, &[]));
    with.scheduled = before.reminders_held.unwrap();
    let a = app.handle(
        &c,
        &with,
        Event::SetArchived {
            case_id: id.clone(),
            archived: true,
        },
    );
    assert!(matches!(a.route, Route::Home { .. }));
    assert!(a.reminders_held.unwrap().is_empty());
    assert!(!with.scheduled.is_empty());
    assert_eq!(
        a.effects.len(),
        with.scheduled.len(),
        "every reminder of the case is cancelled"
    );
    let Some(Screen::Home(home)) = a.screen else {
        panic!()
    };
    assert!(home.cases.is_empty());
    assert_eq!(home.archived_count, 1);
}

#[test]
fn the_time_picker_offers_days_bounded_by_the_steps_before() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    finish_before_submit(&app, &c, &case.id);
    // A day later the submit action offers now, earlier today and yesterday (from the
    // moment the steps before were done), but not the day before.
    let c = ctx(Lang::Zh, "2026-09-30T09:00:00Z");
    let screen = app.case_screen(&c, &case.id).unwrap();
    let step = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    let submit = step
        .actions
        .iter()
        .find(|a| a.action == StepAction::Submit)
        .unwrap();
    let when = submit.when.as_ref().unwrap();
    let labels: Vec<&str> = when.choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["现在", "今天早些时候", "昨天"]);
    assert_eq!(when.latest, c.now);
    assert_eq!(when.earliest, t("2026-09-29T08:00:00Z"));
    let yesterday = &when.choices[2];
    assert_eq!(yesterday.earliest, t("2026-09-29T08:00:00Z"));
    assert_eq!(yesterday.latest, t("2026-09-29T15:59:59Z"));
    assert!(when
        .choices
        .iter()
        .all(|c| c.earliest <= c.default_at && c.default_at <= c.latest));
    // A time outside the bounds is refused in words.
    let err = app
        .step_action(
            &c,
            &case.id,
            "submit_exit",
            StepAction::Submit,
            Some(t("2026-09-28T08:00:00Z")),
            None,
            None,
        )
        .unwrap_err();
    assert!(
        err.message(Lang::Zh).contains("不能早于"),
        "{}",
        err.message(Lang::Zh)
    );
}
