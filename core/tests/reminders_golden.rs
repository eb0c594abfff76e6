//! Golden reminder sets: each scenario's plan at a fixed `now`, compared with
//! `tests/golden/reminders/<name>.json`. Run with `UPDATE_GOLDEN=1` to rewrite the files,
//! then review the diff.
// The zones come from chrono-tz: the `tzdb` feature (on by default).
#![cfg(feature = "tzdb")]

mod reminders_fixtures;

use std::path::PathBuf;

use reminders_fixtures as fx;
use tuilu_core::reminders::{
    plan_reminders, ReminderSettings, ReminderState, ReminderSubject, SimpleWorkingDays,
};
use tuilu_core::rules::RuleBook;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/reminders")
}

fn check(name: &str, subjects: &[ReminderSubject], settings: &ReminderSettings) {
    let cal = SimpleWorkingDays::china_2026_sample();
    let plan = plan_reminders(
        subjects,
        &ReminderState::default(),
        fx::now(),
        settings,
        &cal,
    );
    let actual = serde_json::to_string_pretty(&plan).expect("json") + "\n";
    let path = golden_dir().join(format!("{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("golden dir");
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert!(
        expected == actual,
        "{name}: plan differs from {}; run with UPDATE_GOLDEN=1 and review the diff.\n{actual}",
        path.display()
    );
}

fn book() -> RuleBook {
    tuilu_core::load_bundled().expect("bundled packs")
}

#[test]
fn golden_guild_exit() {
    check(
        "guild_exit",
        &fx::guild_exit(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_recharge_refund() {
    check(
        "recharge_refund",
        &fx::recharge_refund(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_wechat_rejoin_cooldown() {
    check(
        "wechat_rejoin_cooldown",
        &fx::wechat_rejoin_cooldown(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_kuaishou_notice_transition() {
    check(
        "kuaishou_notice_transition",
        &fx::kuaishou_notice_transition(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_xingtu_acceptance() {
    check(
        "xingtu_acceptance",
        &fx::xingtu_acceptance(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_douyin_level_window() {
    check(
        "douyin_level_window",
        &fx::douyin_level_window(&book()),
        &ReminderSettings::default(),
    );
}

#[test]
fn golden_all_berlin() {
    check(
        "all_europe_berlin",
        &fx::all(&book()),
        &ReminderSettings::in_zone(chrono_tz::Europe::Berlin),
    );
}

#[test]
fn golden_all_new_york() {
    check(
        "all_america_new_york",
        &fx::all(&book()),
        &ReminderSettings::in_zone(chrono_tz::America::New_York),
    );
}
