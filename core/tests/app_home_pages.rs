//! The home screen in pages: a vault of many cases words only the first page of cards,
//! in the same order and with the same cards as the whole list, and the shell's
//! `ShowMoreCases` event shows a page more until every case is shown.

use chrono::Duration;
use tuilu_core::app::{App, Event, Os, PlatformState, Route, Screen, HOME_PAGE};
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, finish_before_submit, guild_answers, submit_exit, t, BEFORE_SUBMIT};

const CASES: usize = 2 * HOME_PAGE + 4;

fn foreground() -> PlatformState {
    PlatformState {
        os: Os::Android { sdk: 35 },
        notifications_allowed: true,
        exact_alarms_allowed: true,
        pending_limit: tuilu_core::app::effects::ANDROID_PENDING_LIMIT,
        scheduled: Vec::new(),
        in_foreground: true,
    }
}

/// `CASES` guild exits created a minute apart: every third one handed in (its review
/// clock runs; the earlier ones are overdue by the view's time), every other third one
/// step done, the rest fresh. Returns the ids in creation order.
fn vault() -> (tempfile::TempDir, App, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let start = t("2026-09-01T02:00:00Z");
    let mut ids = Vec::new();
    for i in 0..CASES {
        let at = (start + Duration::hours(i as i64 * 7)).to_rfc3339();
        let c = ctx(Lang::Zh, &at);
        let case = app
            .create_case(&c, "douyin.guild-exit", &guild_answers())
            .unwrap();
        match i % 3 {
            0 => {
                finish_before_submit(&app, &c, &case.id);
                submit_exit(&app, &c, &case.id);
            }
            1 => {
                app.step_action(
                    &c,
                    &case.id,
                    BEFORE_SUBMIT[0],
                    StepAction::Done,
                    None,
                    None,
                    None,
                )
                .unwrap();
            }
            _ => {}
        }
        ids.push(case.id);
    }
    (dir, app, ids)
}

fn home_of(update: &tuilu_core::app::Update) -> &tuilu_core::app::HomeView {
    match update.screen.as_ref() {
        Some(Screen::Home(h)) => h,
        other => panic!("expected home, got {other:?}"),
    }
}

#[test]
fn home_words_a_page_of_the_whole_list_and_shows_more_on_request() {
    let (_d, app, ids) = vault();
    let c = ctx(Lang::Zh, "2026-10-20T02:00:00Z");
    let all = app.home_with_archived(&c, false).unwrap();
    assert_eq!(all.cases.len(), CASES);
    assert_eq!(all.more_cases, None);
    assert!(all.cases[0].overdue, "the vault has overdue cases first");
    assert!(all.cases.iter().any(|k| !k.overdue));

    // The first page: the same cards, in the same order, as the whole list's first.
    let home = app.home(&c).unwrap();
    assert_eq!(home.cases.len(), HOME_PAGE);
    assert_eq!(home.cases[..], all.cases[..HOME_PAGE]);
    assert_eq!(home.open_count, CASES as i64);
    let more = home.more_cases.expect("more cases follow the first page");
    assert_eq!(more.remaining, (CASES - HOME_PAGE) as i64);
    assert_eq!(
        more.text,
        format!("还有 {} 个进行中的退出流程", CASES - HOME_PAGE)
    );
    assert_eq!(more.label, "显示更多");
    assert_eq!(more.next_shown, 2 * HOME_PAGE as i64);
    let next = app.home_showing(&c, more.next_shown as usize).unwrap();
    assert_eq!(next.cases[..], all.cases[..2 * HOME_PAGE]);
    assert_eq!(next.more_cases.unwrap().next_shown, CASES as i64);
    let en = app.home(&ctx(Lang::En, "2026-10-20T02:00:00Z")).unwrap();
    assert_eq!(
        en.more_cases.unwrap().text,
        format!("{} more exits in progress", CASES - HOME_PAGE)
    );

    // A shell that keeps its own list asks for as many as it wants (at least one).
    let most = app.home_showing(&c, CASES - 1).unwrap();
    assert_eq!(most.cases[..], all.cases[..CASES - 1]);
    assert_eq!(most.more_cases.unwrap().text, "还有 1 个进行中的退出流程");
    assert_eq!(app.home_showing(&c, 0).unwrap().cases.len(), 1);
    assert_eq!(
        app.home_showing(&c, CASES + 10).unwrap().cases[..],
        all.cases[..]
    );

    // Every case is reached, none twice.
    let mut seen: Vec<&str> = all.cases.iter().map(|k| k.id.as_str()).collect();
    seen.sort();
    let mut created: Vec<&str> = ids.iter().map(String::as_str).collect();
    created.sort();
    assert_eq!(seen, created);
}

#[test]
fn the_shell_shows_a_page_more_per_event_and_keeps_it_across_a_case() {
    let (_d, app, _ids) = vault();
    let c = ctx(Lang::Zh, "2026-10-20T02:00:00Z");
    let p = foreground();
    let all = app.home_with_archived(&c, false).unwrap();

    let launched = app.handle(&c, &p, Event::Launched);
    assert_eq!(home_of(&launched).cases[..], all.cases[..HOME_PAGE]);

    let more = app.handle(&c, &p, Event::ShowMoreCases);
    assert_eq!(more.route, Route::home());
    let home = home_of(&more);
    assert_eq!(home.cases[..], all.cases[..2 * HOME_PAGE]);
    assert_eq!(home.more_cases.as_ref().unwrap().remaining, 4);

    // Into a case and back: the list is as long as the user left it.
    let case_id = home.cases[2 * HOME_PAGE - 1].id.clone();
    app.handle(
        &c,
        &p,
        Event::Open {
            route: Route::Case { case_id },
        },
    );
    let back = app.handle(&c, &p, Event::Back);
    assert_eq!(home_of(&back).cases.len(), 2 * HOME_PAGE);

    let last = app.handle(&c, &p, Event::ShowMoreCases);
    let home = home_of(&last);
    assert_eq!(home.cases[..], all.cases[..]);
    assert_eq!(home.more_cases, None);
    // Nothing more to show: asking again changes nothing.
    let again = app.handle(&c, &p, Event::ShowMoreCases);
    assert_eq!(home_of(&again), home);
}

#[test]
fn archiving_and_new_cases_keep_the_count_and_the_order() {
    let (_d, app, ids) = vault();
    let c = ctx(Lang::Zh, "2026-10-20T02:00:00Z");
    app.set_archived(&c, &ids[0], true).unwrap();
    let home = app.home(&c).unwrap();
    assert_eq!(home.open_count, CASES as i64 - 1);
    assert_eq!(home.archived_count, 1);
    assert!(home.cases.iter().all(|k| k.id != ids[0]));
    let all = app.home_with_archived(&c, true).unwrap();
    assert_eq!(home.cases[..], all.cases[..HOME_PAGE]);
    assert_eq!(all.archived_cases.len(), 1);
    assert_eq!(all.archived_cases[0].id, ids[0]);
}
