//! `tuilu workdays` and `tuilu calendar`, run as the built binary with a temporary vault.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tuilu(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .args(args)
        .env("TUILU_VAULT", vault)
        .env_remove("XDG_DATA_HOME")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let out = tuilu(vault, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ok_json(vault: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(vault, args)).unwrap()
}

fn fails(vault: &Path, args: &[&str]) -> String {
    let out = tuilu(vault, args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}

#[test]
fn add_prints_the_date_first() {
    let vault = tempfile::tempdir().unwrap();
    let out = ok(vault.path(), &["workdays", "add", "2026-09-18", "3"]);
    assert!(out.starts_with("2026-09-22  ("), "{out}");
    assert!(out.contains("按中国工作日计算 / counted in China working days"));
    assert!(!out.contains("注意"), "not an estimate: {out}");
    let out = ok(vault.path(), &["workdays", "add", "2026-09-30", "3"]);
    assert!(out.starts_with("2026-10-10"), "{out}");
    let out = ok(vault.path(), &["workdays", "add", "2026-02-12", "3"]);
    assert!(out.starts_with("2026-02-24"), "{out}");
    let out = ok(vault.path(), &["workdays", "add", "2026-10-08", "-1"]);
    assert!(out.starts_with("2026-09-30"), "{out}");
}

#[test]
fn is_and_between_print_the_answer_first() {
    let vault = tempfile::tempdir().unwrap();
    let out = ok(vault.path(), &["workdays", "is", "2026-09-20"]);
    assert!(out.starts_with("yes  ("), "{out}");
    assert!(out.contains("调休"), "{out}");
    let out = ok(vault.path(), &["workdays", "is", "2026-10-01"]);
    assert!(out.starts_with("no  ("), "{out}");
    let out = ok(
        vault.path(),
        &["workdays", "between", "2026-09-18", "2026-09-22"],
    );
    assert!(out.starts_with("3  ("), "{out}");
}

#[test]
fn json_output() {
    let vault = tempfile::tempdir().unwrap();
    let v = ok_json(
        vault.path(),
        &["workdays", "add", "2026-09-30", "3", "--json"],
    );
    assert_eq!(v["date"], "2026-10-10");
    assert_eq!(v["estimated"], false);
    assert!(v["estimate_reason"].is_null());
    let v = ok_json(vault.path(), &["workdays", "--json", "is", "2026-10-01"]);
    assert_eq!(v["working"], false);
    assert_eq!(v["estimated"], false);
    assert_eq!(v["kind"], "holiday");
    let v = ok_json(
        vault.path(),
        &["workdays", "between", "2026-09-18", "2026-09-22", "--json"],
    );
    assert_eq!(v["count"], 3);
    assert_eq!(v["estimated"], false);
}

#[test]
fn estimates_are_flagged() {
    let vault = tempfile::tempdir().unwrap();
    let out = ok(vault.path(), &["workdays", "add", "2027-09-30", "3"]);
    assert!(out.starts_with("2027-10-05"), "{out}");
    assert!(out.contains("注意") && out.contains("note:") && out.contains("2027"));
    let v = ok_json(
        vault.path(),
        &["workdays", "add", "2027-09-30", "3", "--json"],
    );
    assert_eq!(v["estimated"], true);
    assert!(v["estimate_reason"].as_str().unwrap().contains("2027"));
    assert_eq!(v["estimate_year"], 2027);
    let v = ok_json(vault.path(), &["workdays", "is", "2028-03-01", "--json"]);
    assert_eq!(v["estimated"], true);
    assert_eq!(v["estimate_year"], 2028);
}

#[test]
fn bad_input_is_a_bilingual_error_with_non_zero_exit() {
    let vault = tempfile::tempdir().unwrap();
    let err = fails(vault.path(), &["workdays", "is", "2026-13-01"]);
    assert!(
        err.contains("无效日期") && err.contains("invalid date"),
        "{err}"
    );
    let err = fails(vault.path(), &["workdays", "add", "2026/09/18", "3"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = fails(vault.path(), &["workdays", "add", "2026-09-18", "many"]);
    assert!(
        err.contains("无效的工作日数") && err.contains("invalid number"),
        "{err}"
    );
    let err = fails(
        vault.path(),
        &["workdays", "add", "2026-09-18", "2147483647"],
    );
    assert!(err.contains("超出") && err.contains("outside"), "{err}");
}

#[test]
fn import_status_and_a_rejected_import() {
    let vault = tempfile::tempdir().unwrap();
    let v = vault.path();
    let status = ok_json(v, &["calendar", "status", "--json"]);
    let years = status["years"].as_array().unwrap();
    assert_eq!(years.len(), 8);
    let y2027 = years.iter().find(|y| y["year"] == 2027).unwrap();
    assert_eq!(y2027["estimated"], true);
    assert_eq!(y2027["source"], "bundled");
    let plain = ok(v, &["calendar", "status"]);
    assert!(plain.contains("2027") && plain.contains("估算"), "{plain}");

    let good = v.join("good-2027.json");
    std::fs::write(
        &good,
        r#"{"year": 2027, "papers": [], "days": [
            {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
            {"name": "元旦", "date": "2026-12-31", "isOffDay": true}]}"#,
    )
    .unwrap();
    let out = ok(v, &["calendar", "import", good.to_str().unwrap()]);
    assert!(out.contains("2027"), "{out}");
    assert!(v.join("calendar").join("2027.json").is_file());

    let is = ok_json(v, &["workdays", "is", "2027-10-01", "--json"]);
    assert_eq!(is["working"], false);
    assert_eq!(is["estimated"], false);
    let eve = ok(v, &["workdays", "is", "2026-12-31"]);
    assert!(eve.starts_with("no"), "{eve}");

    let bad = v.join("bad-2027.json");
    std::fs::write(
        &bad,
        r#"{"year": 2027, "days": [{"date": "2027-10-01", "isOffDay": "yes"}]}"#,
    )
    .unwrap();
    // Said in one language: Chinese by default, English with --lang en.
    let err = fails(v, &["calendar", "import", bad.to_str().unwrap()]);
    assert!(err.contains("isOffDay"), "{err}");
    assert!(
        err.contains("原有数据不变") && !err.contains("earlier data"),
        "{err}"
    );
    let err = fails(
        v,
        &["--lang", "en", "calendar", "import", bad.to_str().unwrap()],
    );
    assert!(
        err.contains("isOffDay") && err.contains("earlier data") && !err.contains("原有"),
        "{err}"
    );
    // The earlier import is still in force.
    let is = ok_json(v, &["workdays", "is", "2027-10-01", "--json"]);
    assert_eq!(is["working"], false);
    let status = ok_json(v, &["calendar", "status", "--json"]);
    let y2027 = status["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2027)
        .unwrap()
        .clone();
    assert_eq!(y2027["source"], "imported");
    assert_eq!(y2027["estimated"], false);
    assert_eq!(y2027["days_listed"], 2);

    let err = fails(v, &["calendar", "import", "/definitely/not/here.json"]);
    assert!(
        err.contains("找不到文件") && err.contains("here.json"),
        "{err}"
    );
    let err = fails(
        v,
        &[
            "--lang",
            "en",
            "calendar",
            "import",
            "/definitely/not/here.json",
        ],
    );
    assert!(err.contains("File not found"), "{err}");
}

#[test]
fn vault_flag_overrides_the_environment() {
    let env_vault = tempfile::tempdir().unwrap();
    let flag_vault = tempfile::tempdir().unwrap();
    let file = flag_vault.path().join("y.json");
    std::fs::write(
        &file,
        r#"{"year": 2027, "days": [{"name": "x", "date": "2027-03-01", "isOffDay": true}]}"#,
    )
    .unwrap();
    let flag = flag_vault.path().to_str().unwrap();
    ok(
        env_vault.path(),
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--vault",
            flag,
        ],
    );
    assert!(flag_vault.path().join("calendar/2027.json").is_file());
    assert!(!env_vault.path().join("calendar").exists());
    let with_flag = ok(
        env_vault.path(),
        &["workdays", "--vault", flag, "is", "2027-03-01"],
    );
    assert!(with_flag.starts_with("no"), "{with_flag}");
    let without = ok(env_vault.path(), &["workdays", "is", "2027-03-01"]);
    assert!(without.starts_with("yes"), "{without}");
}
