//! `tuilu calendar import` goes through the application service (issue 28): after an
//! import, the service's calendar and the one its vault counts deadlines with are the same
//! in the same process, and a rejected file changes neither.

use chrono::{NaiveDate, TimeZone, Utc};
use tuilu_core::app::cli_support::desktop_context;
use tuilu_core::app::App;
use tuilu_core::Lang;

fn year_file(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn an_import_reaches_the_vaults_calendar_in_the_same_process() {
    let t = tempfile::tempdir().unwrap();
    let app = App::open(&t.path().join("vault")).unwrap();
    let ctx = desktop_context(
        Lang::Zh,
        Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap(),
    );
    // 2028 has no data: a Monday counts as a working day, by both.
    let day = NaiveDate::from_ymd_opt(2028, 10, 2).unwrap();
    let before = app.vault_for(&ctx).unwrap();
    assert!(before.deadline_calc().calendar().is_working(day));
    assert!(app.calendar().unwrap().is_working(day));

    let file = year_file(
        t.path(),
        "2028.json",
        r#"{"year": 2028, "papers": [], "days": [
            {"name": "国庆节", "date": "2028-10-02", "isOffDay": true}]}"#,
    );
    let out = app.cli_import_holiday_year(&ctx, &file).unwrap();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.json["year"], 2028);
    assert_eq!(out.json["days_listed"], 1);
    assert!(out.lines[0].contains("已导入 2028 年"), "{:?}", out.lines);

    let vault = app.vault_for(&ctx).unwrap();
    assert!(!app.calendar().unwrap().is_working(day));
    assert!(
        !vault.deadline_calc().calendar().is_working(day),
        "the vault counts deadlines with the imported year"
    );
    assert_eq!(
        app.calendar().unwrap().status().years,
        vault.deadline_calc().calendar().status().years
    );

    // A rejected file is said in the run's language and changes nothing.
    let bad = year_file(
        t.path(),
        "bad.json",
        r#"{"year": 2028, "days": [{"date": "2028-10-03", "isOffDay": "yes"}]}"#,
    );
    let out = app.cli_import_holiday_year(&ctx, &bad).unwrap();
    assert!(out.errors[0].contains("原有数据不变"), "{:?}", out.errors);
    let en = desktop_context(Lang::En, ctx.now);
    let out = app.cli_import_holiday_year(&en, &bad).unwrap();
    assert!(
        out.errors[0].contains("earlier data stays"),
        "{:?}",
        out.errors
    );
    let vault = app.vault_for(&ctx).unwrap();
    assert!(!vault.deadline_calc().calendar().is_working(day));
    assert!(app
        .calendar()
        .unwrap()
        .is_working(NaiveDate::from_ymd_opt(2028, 10, 3).unwrap()));
}

/// One calendar per process: the vault counts deadlines with the very calendar the
/// application service holds (not a second copy read from disk), also after an import
/// replaced it.
#[test]
fn the_vault_counts_with_the_services_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let vault = app.vault(now).unwrap();
    assert!(std::ptr::eq(
        &*app.calendar().unwrap(),
        vault.deadline_calc().calendar()
    ));
    // A published year file (the bundled 2026 one, moved to 2028).
    let year = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/holidays-cn/2026.json"
    ))
    .unwrap()
    .replace("2026", "2028");
    assert_eq!(app.import_holiday_year(year.as_bytes()).unwrap(), 2028);
    let reopened = app.vault(now).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&vault, &reopened));
    assert!(std::ptr::eq(
        &*app.calendar().unwrap(),
        reopened.deadline_calc().calendar()
    ));
}
