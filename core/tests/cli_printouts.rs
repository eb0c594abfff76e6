//! What the command line prints comes from the application layer (issue 28): the working-day
//! answers, the letters' text, and the rule-release commands (building an index, reading a
//! release from a folder or from any `ReleaseSource` a shell brings), worded here and
//! only printed by `cli/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use tuilu_core::app::cli_rule_updates::{
    release_index, verify_release_dir, FetchError, PackNotes, ReleaseSource,
};
use tuilu_core::app::cli_support::desktop_context;
use tuilu_core::app::cli_workdays;
use tuilu_core::app::App;
use tuilu_core::calendar::ChinaCalendar;
use tuilu_core::rules::release::TrustedKeys;
use tuilu_core::Lang;

fn day(s: &str) -> NaiveDate {
    cli_workdays::parse_day(s).unwrap()
}

#[test]
fn working_day_answers_come_first_and_say_when_they_are_estimates() {
    let cal = ChinaCalendar::bundled();
    // National Day week: the third working day after 30 September is 10 October.
    let out = cli_workdays::add_working_days(&cal, day("2026-09-30"), 3).unwrap();
    assert!(out.lines[0].starts_with("2026-10-10  ("), "{:?}", out.lines);
    assert_eq!(out.json["date"], "2026-10-10");
    let back = cli_workdays::add_working_days(&cal, day("2026-10-08"), -1).unwrap();
    assert!(
        back.lines[1].contains("之前第 1 个工作日"),
        "{:?}",
        back.lines
    );
    assert!(
        back.lines[1].contains("1 working day before"),
        "{:?}",
        back.lines
    );
    assert_eq!(back.lines.len(), 2, "not an estimate: {:?}", back.lines);

    let far = cli_workdays::is_working_day(&cal, day("2031-03-03"));
    assert_eq!(far.json["estimated"], true);
    assert!(
        far.lines.last().unwrap().starts_with("注意：这是估算。"),
        "{:?}",
        far.lines
    );
    assert!(cli_workdays::parse_day("2026-9-30")
        .unwrap_err()
        .contains("YYYY-MM-DD"));
}

fn guild_pack(dir: &std::path::Path, name: &str) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/douyin.guild-exit.toml");
    let path = dir.join(name);
    std::fs::copy(src, &path).unwrap();
    path
}

#[test]
fn a_release_index_names_each_pack_once_with_its_note() {
    let t = tempfile::tempdir().unwrap();
    let pack = guild_pack(t.path(), "a.toml");
    let (index, packs) = release_index(
        std::slice::from_ref(&pack),
        &BTreeMap::new(),
        "2026-12-07",
        "0.1.0",
        Lang::Zh,
    )
    .unwrap();
    assert_eq!(packs.len(), 1);
    let entry = &index.packs[0];
    assert_eq!(entry.file, "douyin.guild-exit.json");
    assert!(
        entry.notes.zh.starts_with("规则复核，版本 "),
        "{:?}",
        entry.notes
    );

    let notes = BTreeMap::from([(
        "douyin.guild-exit".to_string(),
        PackNotes {
            zh: "客服入口改名".into(),
            en: "The support entry was renamed".into(),
            min_app_version: Some("0.2.0".into()),
        },
    )]);
    let (index, _) = release_index(
        std::slice::from_ref(&pack),
        &notes,
        "2026-12-07",
        "0.1.0",
        Lang::Zh,
    )
    .unwrap();
    assert_eq!(index.packs[0].notes.zh, "客服入口改名");
    assert_eq!(index.packs[0].min_app_version, "0.2.0");

    let twice = [pack, guild_pack(t.path(), "b.toml")];
    let err = release_index(&twice, &notes, "2026-12-07", "0.1.0", Lang::Zh).unwrap_err();
    assert!(err.contains("同一场景出现两次"), "{err}");
}

#[test]
fn a_folder_without_a_release_is_refused_in_words() {
    let t = tempfile::tempdir().unwrap();
    let err = verify_release_dir(t.path(), &TrustedKeys::embedded(), Lang::Zh).unwrap_err();
    assert_eq!(err, "无法读取发布：发布中缺少 index.json。");
    let err = verify_release_dir(t.path(), &TrustedKeys::embedded(), Lang::En).unwrap_err();
    assert_eq!(
        err,
        "cannot read the release: The release has no index.json."
    );
}

/// A server that never answers in time.
struct Hanging;

impl ReleaseSource for Hanging {
    fn get(&self, name: &str, _limit: usize) -> Result<Option<Vec<u8>>, FetchError> {
        Err(FetchError::TimedOut {
            url: format!("https://rules.example/{name}"),
        })
    }
}

#[test]
fn a_release_that_cannot_be_fetched_changes_nothing_and_is_recorded() {
    let t = tempfile::tempdir().unwrap();
    let app = App::open(&t.path().join("vault")).unwrap();
    let ctx = desktop_context(
        Lang::Zh,
        Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap(),
    );
    let view = app
        .cli_update_rules(&ctx, &Hanging, &TrustedKeys::embedded())
        .unwrap();
    assert!(!view.succeeded());
    assert!(!view.installed);
    assert_eq!(
        view.message,
        "无法获取规则更新，未做任何更改。https://rules.example/index.json 超时，没有回应。"
    );
    let status = app.rule_updates_view(&ctx).unwrap();
    assert!(!status.last_check_ok, "{status:?}");
}

/// The case printout answers a question after its own question mark, and a statement after
/// a colon, in each language: never "……吗？：不确定".
#[test]
fn the_case_printout_puts_no_colon_after_a_question_mark() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let ctx = tuilu_core::app::ViewContext::new(
            lang,
            tuilu_core::reminders::UserZone::beijing(),
            now,
        );
        let case = app.create_case(&ctx, "douyin.guild-exit", &[]).unwrap().id;
        let text =
            tuilu_core::app::cli_screens::case_text(&app.case_screen(&ctx, &case).unwrap(), lang);
        let facts: Vec<&str> = text.lines().filter(|l| l.starts_with("  · ")).collect();
        assert!(facts.len() >= 4, "{text}");
        for line in facts {
            assert!(!line.contains("？：") && !line.contains("?:"), "{line}");
        }
        let question = match lang {
            Lang::Zh => "  · 合同里有违约金条款吗？ 不确定（默认）",
            Lang::En => "  · Does the contract contain a liquidated-damages (违约金) clause? not sure (assumed)",
        };
        assert!(text.lines().any(|l| l == question), "{text}");
    }
}

/// Flagging a rule the scenario does not have names a rule, not a step, in each language.
#[test]
fn flagging_an_unknown_rule_says_no_such_rule() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    for (lang, words) in [(Lang::Zh, "找不到规则「no_such_rule」"), (Lang::En, "rule")] {
        let ctx = tuilu_core::app::ViewContext::new(
            lang,
            tuilu_core::reminders::UserZone::beijing(),
            now,
        );
        let e = app
            .cli_flag_rule(&ctx, "douyin.guild-exit", "no_such_rule", "")
            .unwrap_err();
        let text = e.message(lang);
        assert!(text.contains(words), "{text}");
        assert!(!text.contains("步骤") && !text.contains("step"), "{text}");
    }
}
