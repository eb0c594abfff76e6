//! `tuilu case ...` and `tuilu step ...` end to end, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const XINGTU: &str = "douyin.xingtu-task-cancel";

fn tuilu(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_remove("TUILU_VAULT")
        .output()
        .expect("run tuilu")
}

fn ok_json(vault: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = tuilu(vault, &all);
    assert!(
        out.status.success(),
        "tuilu {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn fails(vault: &Path, args: &[&str]) -> String {
    let out = tuilu(vault, args);
    assert!(!out.status.success(), "tuilu {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn new_case(vault: &Path) -> String {
    let v = ok_json(
        vault,
        &["case", "new", XINGTU, "--fact", "cancelled_by=creator"],
    );
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn a_case_from_new_to_done_with_json_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    let id = new_case(vault);
    assert_eq!(id.len(), 10);

    let show = ok_json(vault, &["case", "show", &id]);
    let steps = show["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for s in steps {
        assert!(s["id"].is_string());
        assert_eq!(s["status"], "todo");
        assert!(s.get("deadline").is_some(), "deadline key present (null)");
    }

    // An impossible transition exits non-zero and says why, naming the step to finish
    // first by number and title, in the chosen language only.
    let err = fails(vault, &["step", &id, "cancel_task", "start"]);
    assert!(err.starts_with("错误：请先完成第 1 步「"), "{err}");
    assert!(
        !err.contains("record_task_state") && !err.contains("error"),
        "{err}"
    );
    let err = fails(
        vault,
        &["--lang", "en", "step", &id, "cancel_task", "start"],
    );
    assert!(err.starts_with("error: Finish step 1 “"), "{err}");
    assert!(!err.contains("错误"), "{err}");

    let t = ok_json(
        vault,
        &[
            "step",
            &id,
            "record_task_state",
            "done",
            "--at",
            "2026-11-20T10:00:00+08:00",
            "--note",
            "截图已保存",
            "--now",
            "2026-11-20T12:00:00+08:00",
        ],
    );
    assert_eq!(t["from"], "todo");
    assert_eq!(t["to"], "done");
    assert_eq!(t["at"], "2026-11-20T02:00:00Z");
    assert!(t["seq"].as_i64().unwrap() > 1);

    // Cancelling in the app has no answer to wait for: the phones offer "done", not
    // "submit", and the command line is refused the same way, in words.
    let err = fails(
        vault,
        &[
            "step",
            &id,
            "cancel_task",
            "submit",
            "--route",
            "cancel_in_app",
        ],
    );
    assert!(err.contains("没有需要等待的答复"), "{err}");
    let err = fails(
        vault,
        &["step", &id, "cancel_task", "start", "--at", "yesterday"],
    );
    assert!(err.contains("RFC 3339"), "{err}");
    ok_json(
        vault,
        &[
            "step",
            &id,
            "cancel_task",
            "done",
            "--route",
            "cancel_in_app",
        ],
    );
    let err = fails(vault, &["step", &id, "cancel_task", "submit"]);
    assert!(err.contains("当前为「已完成」，不能提交"), "{err}");
    let undo = ok_json(vault, &["step", &id, "cancel_task", "undo"]);
    assert_eq!(undo["to"], "todo");
    assert!(undo["undoes"].is_i64());

    let log = ok_json(vault, &["case", "log", &id]);
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["case_created", "transition", "transition", "undo"]);
    assert_eq!(log[1]["note"], "截图已保存");

    let list = ok_json(vault, &["case", "list"]);
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
    assert_eq!(list["cases"][0]["id"], id.as_str());

    // Unknown ids are errors, not panics.
    assert!(fails(vault, &["case", "show", "nonexistent"]).contains("nonexistent"));
    assert!(fails(vault, &["step", &id, "no_such_step", "start"]).contains("no_such_step"));
    assert!(fails(vault, &["case", "new", "no.such-scenario"]).contains("no.such-scenario"));
}

#[test]
fn facts_changes_report_dropped_steps_and_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    let id = new_case(vault);
    ok_json(vault, &["step", &id, "record_task_state", "done"]);
    let r = ok_json(
        vault,
        &["case", "facts", &id, "--fact", "task_accepted=false"],
    );
    let dropped: Vec<&str> = r["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(dropped.contains(&"record_task_state"), "{r}");
    assert_eq!(r["case"]["dropped_steps"][0]["status"], "done");
    let err = fails(vault, &["step", &id, "record_task_state", "undo"]);
    assert!(err.contains("已不在当前计划中"), "{err}");
    let err = fails(
        vault,
        &["--lang", "en", "step", &id, "record_task_state", "undo"],
    );
    assert!(err.contains("no longer part of the plan"), "{err}");

    let r = ok_json(vault, &["case", "facts", &id, "--unset", "task_accepted"]);
    assert_eq!(r["restored"][0]["id"], "record_task_state");
    assert_eq!(r["restored"][0]["status"], "done");

    // Same pack version: nothing to upgrade, and it says so.
    let up = ok_json(vault, &["case", "upgrade", &id]);
    assert_eq!(up["changed_anything"], false);
    let human = tuilu(vault, &["case", "upgrade", &id]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("无需升级"));
    let human = tuilu(vault, &["--lang", "en", "case", "upgrade", &id]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("Nothing to upgrade"));
}

#[test]
fn archive_and_delete_need_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    let id = new_case(vault);
    let a = ok_json(vault, &["case", "archive", &id]);
    assert_eq!(a["archived"], true);
    let home = ok_json(vault, &["case", "list"]);
    assert!(home["cases"].as_array().unwrap().is_empty());
    assert_eq!(home["archived_count"], 1);
    let all = ok_json(vault, &["case", "list", "--all"]);
    assert_eq!(all["archived_cases"].as_array().unwrap().len(), 1);
    assert!(fails(vault, &["step", &id, "record_task_state", "start"]).contains("归档"));
    ok_json(vault, &["case", "unarchive", &id]);

    assert!(fails(vault, &["case", "delete", &id]).contains("--yes"));
    assert_eq!(
        ok_json(vault, &["case", "list"])["cases"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let d = ok_json(vault, &["case", "delete", &id, "--yes"]);
    assert_eq!(d["deleted"], true);
    let all = ok_json(vault, &["case", "list", "--all"]);
    assert!(all["cases"].as_array().unwrap().is_empty());
    assert!(all["archived_cases"].as_array().unwrap().is_empty());
}

#[test]
fn the_vault_comes_from_the_flag_then_the_environment_then_xdg() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], envs: &[(&str, &Path)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tuilu"));
        c.args(args)
            .env_remove("TUILU_VAULT")
            .env_remove("XDG_DATA_HOME");
        for (k, v) in envs {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let (flag, env, xdg) = (
        dir.path().join("flag"),
        dir.path().join("env"),
        dir.path().join("xdg"),
    );
    run(
        &["--vault", flag.to_str().unwrap(), "case", "list"],
        &[("TUILU_VAULT", &env)],
    );
    assert!(flag.join("tuilu.sqlite3").exists() && !env.exists());
    run(
        &["case", "list"],
        &[("TUILU_VAULT", &env), ("XDG_DATA_HOME", &xdg)],
    );
    assert!(env.join("tuilu.sqlite3").exists() && !xdg.exists());
    run(&["case", "list"], &[("XDG_DATA_HOME", &xdg)]);
    assert!(xdg.join("tuilu/tuilu.sqlite3").exists());
    let home = dir.path().join("home");
    run(&["case", "list"], &[("HOME", &home)]);
    assert!(home.join(".local/share/tuilu/tuilu.sqlite3").exists());
}

#[test]
fn a_vault_from_a_newer_build_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    new_case(vault);
    let db = vault.join("tuilu.sqlite3");
    // Bump user_version in the header (bytes 60..64, big-endian) as a newer build would.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&db, &bytes).unwrap();
    // The CLI says what the phones say (the application layer's words): a newer Tuilu
    // wrote it, update, nothing was changed; no schema number on a Chinese screen.
    let err = fails(vault, &["case", "list"]);
    assert!(
        err.contains("更新版本") && err.contains("未做任何修改"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn a_waits_running_clock_is_not_called_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    let v = ok_json(vault, &["case", "new", "douyin.recharge-refund"]);
    let id = v["id"].as_str().expect("id").to_string();
    for step in ["1", "2", "3", "4"] {
        ok_json(vault, &["step", &id, step, "done"]);
    }
    // Step 5 waits for the decision: starting its clock reads 计时中, not 已提交.
    let out = tuilu(vault, &["step", &id, "5", "submit"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("5. 等待处理结果：待办 → 计时中"), "{said}");
}

/// Issue 23, item 10: `evidence list <unknown>` said "找不到案件 / no case `x`" — both
/// languages in one run. Each `--lang` now gets its own words only.
#[test]
fn evidence_list_of_an_unknown_case_speaks_one_language() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    new_case(vault);
    let zh = fails(vault, &["evidence", "list", "zzzzzzzz"]);
    assert!(zh.contains("找不到案件「zzzzzzzz」"), "{zh}");
    assert!(!zh.contains("no case") && !zh.contains(" / "), "{zh}");
    let en = fails(vault, &["--lang", "en", "evidence", "list", "zzzzzzzz"]);
    assert!(en.contains("No case “zzzzzzzz” was found"), "{en}");
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
}

/// Issue 23, item 7: `case delete --yes` kept the case's evidence (files, names, notes).
/// It now removes them and says how much it removed.
#[test]
fn deleting_a_case_removes_its_evidence_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let id = new_case(&vault);
    let file = dir.path().join("聊天记录.txt");
    std::fs::write(&file, b"twelve bytes").unwrap();
    ok_json(
        &vault,
        &[
            "evidence",
            "add",
            &id,
            file.to_str().unwrap(),
            "--note",
            "私人备注",
        ],
    );
    let files = |root: &Path| -> usize {
        std::fs::read_dir(root.join("evidence/sha256"))
            .map(|d| {
                d.flatten()
                    .map(|p| std::fs::read_dir(p.path()).unwrap().count())
                    .sum()
            })
            .unwrap_or(0)
    };
    assert_eq!(files(&vault), 1);
    let out = tuilu(&vault, &["case", "delete", &id, "--yes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("连同 1 件证据（12 字节）"), "{said}");
    assert_eq!(files(&vault), 0);
    let log = ok_json(&vault, &["evidence", "verify"]);
    assert_eq!(log["intact"], true, "{log}");
}

/// Issue 27 N2 through the CLI: a guild exit with a dispute. `plan --from` says the 1–3
/// working days are the usual time and a dispute makes it longer (no 截止), the case can
/// be followed in order (dispute, then the request), and four working days after the
/// request the case shows the usual time passed, with no "已逾期", no ‼ and no escalation
/// to customer service; the case list is not flagged overdue and no reminder is due.
#[test]
fn a_guild_dispute_makes_the_review_open_ended_in_plan_and_case() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    let facts = [
        "--fact",
        "has_unsettled_earnings=是",
        "--fact",
        "has_dispute=是",
        "--fact",
        "has_violation_record=否",
        "--fact",
        "contract_ended=是",
    ];
    let mut args = vec![
        "plan",
        "douyin.guild-exit",
        "--from",
        "2026-09-30T17:00:00+08:00",
    ];
    args.extend(facts);
    let out = tuilu(vault, &args);
    assert!(out.status.success());
    let plan = String::from_utf8(out.stdout).unwrap();
    let submit = &plan[plan.find("在App内提交退出公会申请 [").unwrap()..];
    let submit = &submit[..submit.find("\n 7.").unwrap()];
    assert!(
        submit.contains("自退出申请提交起通常 1–3 个工作日；有纠纷会延长，来源没有说明延长多久"),
        "{submit}"
    );
    assert!(
        submit.contains("通常在 2026-10-08 至 2026-10-10 23:59"),
        "{submit}"
    );
    assert!(
        !submit.contains("截止") && !submit.contains("前答复") && !submit.contains("逾期未果"),
        "{submit}"
    );
    assert!(plan.contains("来源没有说明顺序"), "{plan}");

    let mut args = vec![
        "--now",
        "2026-09-29T16:00:00+08:00",
        "case",
        "new",
        "douyin.guild-exit",
    ];
    args.extend(facts);
    args.push("--json");
    let out = tuilu(vault, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    // Submitting before the dispute is settled is refused; after it, accepted.
    let before = [
        "check_account_status",
        "backup_data",
        "read_contract_and_negotiate",
        "record_communications",
    ];
    let now = ["--now", "2026-09-30T16:30:00+08:00"];
    for s in before {
        let out = tuilu(vault, &[&now[..], &["step", &id, s, "done"]].concat());
        assert!(
            out.status.success(),
            "{s}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let err = fails(
        vault,
        &[&now[..], &["step", &id, "submit_exit", "submit"]].concat(),
    );
    assert!(err.contains("先解决收益或合同纠纷"), "{err}");
    for (s, a) in [("resolve_dispute", "done"), ("submit_exit", "submit")] {
        let out = tuilu(
            vault,
            &[
                &["--now", "2026-09-30T17:30:00+08:00"][..],
                &["step", &id, s, a, "--at", "2026-09-30T17:00:00+08:00"],
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{s}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let late = ["--now", "2026-10-12T10:00:00+08:00"];
    let out = tuilu(vault, &[&late[..], &["case", "show", &id]].concat());
    let show = String::from_utf8(out.stdout).unwrap();
    assert!(show.contains("已超过通常时间，仍在等待"), "{show}");
    assert!(
        show.contains("有纠纷会延长，来源没有说明延长多久"),
        "{show}"
    );
    assert!(!show.contains("逾期 ") && !show.contains('‼'), "{show}");
    assert!(!show.contains("逾期未答复"), "{show}");
    let out = tuilu(vault, &[&late[..], &["case", "list"]].concat());
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(!list.contains("已逾期"), "{list}");
    let out = tuilu(
        vault,
        &[&late[..], &["reminders", "--tz", "Asia/Shanghai"]].concat(),
    );
    let reminders = String::from_utf8(out.stdout).unwrap();
    assert!(!reminders.contains("提交退出公会申请"), "{reminders}");
}

/// The phone adds a pack through the application layer (`App::add_pack`, kept in
/// `<vault>/packs`); the CLI on the same vault reads the same rule book: `case new` finds
/// the new scenario, and a bundled scenario the pack replaces is started at the pack's
/// version.
#[test]
fn a_pack_added_through_the_app_is_usable_from_case_new() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let compiled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/golden/packs/douyin.xingtu-task-cancel.json"
    ))
    .unwrap();
    let mut added: Value = serde_json::from_str(&compiled).unwrap();
    added["id"] = "douyin.phone-added".into();
    let mut newer: Value = serde_json::from_str(&compiled).unwrap();
    newer["version"] = "9.0.0".into();
    {
        let app = tuilu_core::app::App::open(&vault).unwrap();
        assert_eq!(
            app.add_pack(&added.to_string()).unwrap(),
            "douyin.phone-added"
        );
        assert_eq!(app.add_pack(&newer.to_string()).unwrap(), XINGTU);
    }

    let case = ok_json(
        &vault,
        &[
            "case",
            "new",
            "douyin.phone-added",
            "--fact",
            "cancelled_by=creator",
        ],
    );
    assert_eq!(case["scenario"], "douyin.phone-added");
    let shown = ok_json(&vault, &["case", "show", case["id"].as_str().unwrap()]);
    assert!(shown["steps"].as_array().is_some_and(|s| !s.is_empty()));

    let replaced = ok_json(
        &vault,
        &["case", "new", XINGTU, "--fact", "cancelled_by=creator"],
    );
    assert_eq!(replaced["pack_version"], "9.0.0");

    // Without the pack, the scenario is unknown: the test above proves the added pack.
    let elsewhere = dir.path().join("other");
    let said = fails(&elsewhere, &["case", "new", "douyin.phone-added"]);
    assert!(said.contains("douyin.phone-added"), "{said}");
}
