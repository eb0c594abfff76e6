//! The rule-engine CLI as a user runs it: scenarios, plan (zh/en/sources/JSON), rules check.

use std::path::PathBuf;
use std::process::{Command, Output};

fn tuilu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .args(args)
        .env(
            "TUILU_VAULT",
            std::env::temp_dir().join("tuilu-cli-test-unused"),
        )
        // Dates read the same on every machine: in Beijing, no local time after them.
        .env("TZ", "Asia/Shanghai")
        .output()
        .expect("run tuilu")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn scenarios_json_lists_ids_and_titles() {
    let o = tuilu(&["scenarios", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 7);
    for s in arr {
        assert!(s["id"].is_string());
        assert!(!s["title"]["zh"].as_str().unwrap().is_empty());
        assert!(!s["title"]["en"].as_str().unwrap().is_empty());
    }
    assert!(arr.iter().any(|s| s["id"] == "kuaishou.live-exit"));
}

#[test]
fn plan_json_has_the_documented_keys() {
    let o = tuilu(&[
        "plan",
        "douyin.xingtu-task-cancel",
        "--fact",
        "cancelled_by=client",
        "--fact",
        "video_uploaded=true",
        "--fact",
        "task_amount=3000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"], "douyin.xingtu-task-cancel");
    assert!(v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["id"].is_string()));
    assert!(v["blockers"].is_array());
    assert!(v["warnings"].is_array());
    assert!(v["missing_facts"].is_array());
    let amounts = v["amounts"].as_array().unwrap();
    let comp = amounts
        .iter()
        .find(|a| a["id"] == "client_compensation")
        .unwrap();
    assert_eq!(comp["value"], 1500.0);
    assert_eq!(comp["currency"], "CNY");
}

#[test]
fn plan_reads_a_facts_file_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("tuilu-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("facts.json");
    std::fs::write(
        &file,
        r#"{"cancelled_by":"client","video_uploaded":true,"task_amount":100}"#,
    )
    .unwrap();
    let o = tuilu(&[
        "plan",
        "douyin.xingtu-task-cancel",
        "--facts-file",
        file.to_str().unwrap(),
        "--fact",
        "task_amount=400",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let comp = v["amounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "client_compensation")
        .unwrap()
        .clone();
    assert_eq!(comp["value"], 200.0);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn human_plan_is_chinese_by_default_and_english_on_request() {
    let zh = tuilu(&["plan", "douyin.guild-exit"]);
    assert!(zh.status.success());
    let zh = stdout(&zh);
    assert!(zh.contains("【步骤】"), "{zh}");
    assert!(zh.contains(" 1. "), "numbered checklist: {zh}");
    let en = stdout(&tuilu(&["plan", "douyin.guild-exit", "--lang", "en"]));
    assert!(en.contains("STEPS"), "{en}");
    assert!(!en.contains("【步骤】"));
}

#[test]
fn sources_flag_shows_quotes_and_confidence() {
    let o = stdout(&tuilu(&["plan", "douyin.xingtu-task-cancel", "--sources"]));
    // The quote, the confidence and the review date, in the phones' words; the seed's
    // file name is an id and stays in `--json`.
    assert!(o.contains("来源：「"), "{o}");
    assert!(o.contains("出处可信度：中 · 最近审核：2026-11-21"), "{o}");
    assert!(!o.contains("003_47d663cf9d72612d.txt"), "{o}");
    let plain = stdout(&tuilu(&["plan", "douyin.xingtu-task-cancel"]));
    assert!(!plain.contains("可信度："));
    let v: serde_json::Value = serde_json::from_str(&stdout(&tuilu(&[
        "plan",
        "douyin.xingtu-task-cancel",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["steps"][0]["source"]["seed"], "003_47d663cf9d72612d.txt");
}

#[test]
fn unknown_fact_and_wrong_type_fail_cleanly() {
    for (arg, name) in [
        ("video_uplodaed=true", "video_uplodaed"),
        // A wrong answer names the question by its words and says what is accepted.
        (
            "task_amount=lots",
            "「任务金额（元）」的回答无效：不小于 0 元的金额",
        ),
    ] {
        let o = tuilu(&["plan", "douyin.xingtu-task-cancel", "--fact", arg]);
        assert!(!o.status.success());
        let err = stderr(&o);
        assert!(err.contains(name), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
        assert!(stdout(&o).is_empty());
    }
    let o = tuilu(&["plan", "no.such-scenario"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no.such-scenario"));
}

#[test]
fn rules_check_accepts_every_bundled_pack() {
    for entry in std::fs::read_dir(repo().join("core/rules")).unwrap() {
        let path = entry.unwrap().path();
        let o = tuilu(&["rules", "check", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
    }
}

#[test]
fn rules_check_reports_every_error() {
    let path = repo().join("tests/fixtures/packs/broken.toml");
    let o = tuilu(&["rules", "check", path.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "version", // 1.0 is not x.y.z
        "title: missing translation: en",
        "steps[0].source: missing source",
        "steps[0].when: unknown fact `payed`",
        "dependency cycle",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    let o = tuilu(&["rules", "check", path.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["issues"].as_array().unwrap().len() >= 5);
    assert!(v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["pack"] == "test.broken"));
}

#[test]
fn rules_check_reports_toml_syntax_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("tuilu-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "id = \"x.y\"\nversion = = 3\n").unwrap();
    let o = tuilu(&["rules", "check", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.toml:2:"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn plan_with_a_pack_file_uses_it() {
    let o = tuilu(&[
        "plan",
        "douyin.xingtu-task-cancel",
        "--pack",
        repo()
            .join("core/rules/douyin.xingtu-task-cancel.toml")
            .to_str()
            .unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The human checklist as users read it, in both languages and with sources, compared with
/// reviewed golden files (`UPDATE_GOLDEN=1` rewrites them; review the diff).
#[test]
fn human_plan_matches_golden_files() {
    let cases: &[(&str, &[&str])] = &[
        (
            "plan-xingtu-client-zh.txt",
            &[
                "plan",
                "douyin.xingtu-task-cancel",
                "--fact",
                "cancelled_by=client",
                "--fact",
                "video_uploaded=true",
                "--fact",
                "task_amount=3000",
            ],
        ),
        (
            "plan-guild-open-en.txt",
            &["plan", "douyin.guild-exit", "--lang", "en"],
        ),
        (
            "plan-refund-sources-zh.txt",
            &["plan", "douyin.recharge-refund", "--sources"],
        ),
    ];
    for (file, args) in cases {
        let o = tuilu(args);
        assert!(o.status.success(), "{}", stderr(&o));
        let path = repo().join("tests/golden/cli").join(file);
        let actual = stdout(&o);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "missing {}; run with UPDATE_GOLDEN=1 and review",
                path.display()
            )
        });
        assert_eq!(expected, actual, "golden mismatch: {}", path.display());
    }
}

#[test]
fn plan_from_shows_deadlines_counted_in_china_working_days() {
    // Submitted Wed 2026-09-30 17:00 Beijing; 1–3 working days over the National Day break
    // (Oct 1–7 off, Sat Oct 10 a make-up working day): earliest Oct 8, latest Oct 10.
    let o = tuilu(&[
        "plan",
        "douyin.guild-exit",
        "--from",
        "2026-09-30T17:00:00+08:00",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let step = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "submit_exit")
        .unwrap();
    let d = &step["deadline"];
    assert_eq!(d["earliest_date"], "2026-10-08");
    assert_eq!(d["latest_date"], "2026-10-10");
    assert_eq!(d["deadline_utc"], "2026-10-10T15:59:59Z");
    assert_eq!(d["deadline_beijing"], "2026-10-10T23:59:59+08:00");
    assert_eq!(d["estimated"], false);
    // The customer-service route counts natural days.
    let alt = step["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["deadline"].is_object())
        .unwrap();
    assert_eq!(alt["deadline"]["latest_date"], "2026-10-07");

    let text = stdout(&tuilu(&[
        "plan",
        "douyin.guild-exit",
        "--from",
        "2026-09-30T17:00:00+08:00",
    ]));
    assert!(
        text.contains("对方最早 2026-10-08 答复，最迟应在 2026-10-10 23:59（北京时间）前答复"),
        "{text}"
    );

    // Into 2027, whose holidays are unpublished: flagged as an estimate.
    let text = stdout(&tuilu(&[
        "plan",
        "douyin.guild-exit",
        "--from",
        "2026-12-30T10:00:00+08:00",
        "--lang",
        "en",
    ]));
    assert!(
        text.contains("[estimate: the 2027 holiday schedule is not published yet"),
        "{text}"
    );

    let bad = tuilu(&["plan", "douyin.guild-exit", "--from", "yesterday"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("RFC 3339"));
}

#[test]
fn a_user_can_flag_a_rule_as_outdated_and_see_it_in_the_plan() {
    let dir = std::env::temp_dir().join(format!("tuilu-flags-{}", std::process::id()));
    let vault = dir.to_str().unwrap().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--vault", vault.as_str()];
        all.extend_from_slice(args);
        tuilu(&all)
    };
    // Unknown rule: refused, naming it.
    let o = run(&["rules", "flag", "douyin.guild-exit", "no_such_rule"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no_such_rule"));

    let o = run(&[
        "rules",
        "flag",
        "douyin.guild-exit",
        "submit_exit",
        "--note",
        "现在要人脸识别 / now needs a face check",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&run(&["plan", "douyin.guild-exit"]));
    assert!(
        text.contains("⚑ 你标记了此规则可能已过时：现在要人脸识别"),
        "{text}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["plan", "douyin.guild-exit", "--json"]))).unwrap();
    assert_eq!(v["flags"][0]["rule_id"], "submit_exit");
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["rules", "flags", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    assert!(
        run(&["rules", "unflag", "douyin.guild-exit", "submit_exit"])
            .status
            .success()
    );
    assert!(!stdout(&run(&["plan", "douyin.guild-exit"])).contains("⚑"));
    std::fs::remove_dir_all(dir).ok();
}

/// `rules compile` writes the compiled JSON the phone apps read. The Xingtu pack's compiled
/// form is a reviewed golden file, and the Kotlin, Python and Swift tests load it as their
/// pack (`UPDATE_GOLDEN=1` rewrites it; review the diff).
#[test]
fn compile_matches_the_golden_compiled_pack() {
    let o = tuilu(&[
        "rules",
        "compile",
        repo()
            .join("core/rules/douyin.xingtu-task-cancel.toml")
            .to_str()
            .unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let actual = stdout(&o);
    let path = repo().join("tests/golden/packs/douyin.xingtu-task-cancel.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("golden compiled pack");
    assert_eq!(expected, actual, "golden mismatch: {}", path.display());
}

/// Every bundled pack compiles, and its compiled form is a pack in its own right: `rules
/// check` accepts it and `plan --pack` gives the same plan as the TOML.
#[test]
fn compiled_packs_check_and_plan_like_their_toml() {
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(repo().join("core/rules")).unwrap() {
        let toml = entry.unwrap().path();
        let stem = toml.file_stem().unwrap().to_str().unwrap().to_string();
        let json = dir.path().join(format!("{stem}.json"));
        let o = tuilu(&[
            "rules",
            "compile",
            toml.to_str().unwrap(),
            "-o",
            json.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{stem}: {}", stderr(&o));
        let check = tuilu(&["rules", "check", json.to_str().unwrap()]);
        assert!(check.status.success(), "{stem}: {}", stderr(&check));
        let from_toml = tuilu(&["plan", &stem, "--pack", toml.to_str().unwrap(), "--json"]);
        let from_json = tuilu(&["plan", &stem, "--pack", json.to_str().unwrap(), "--json"]);
        assert!(from_json.status.success(), "{stem}: {}", stderr(&from_json));
        assert_eq!(stdout(&from_toml), stdout(&from_json), "{stem}");
        count += 1;
    }
    assert_eq!(count, 7);
}

/// An invalid pack compiles to nothing: exit 1, every problem listed, and an existing
/// output file is left as it was.
#[test]
fn compile_refuses_an_invalid_pack_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(repo().join("core/rules/douyin.xingtu-task-cancel.toml"))
        .unwrap()
        .replace("task_amount * 0.5", "task_amont * 0.5");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, src).unwrap();
    let out = dir.path().join("out.json");
    std::fs::write(&out, "earlier").unwrap();
    let o = tuilu(&[
        "rules",
        "compile",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("task_amont"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// `plan` only reads the vault for the user's rule flags. A vault it cannot read (damaged,
/// or from a newer build) costs the flags, with a warning, never the plan, and `plan` never
/// writes to it; a vault from before flags existed is read as it is, not migrated.
#[test]
fn plan_reads_flags_without_touching_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tuilu.sqlite3");
    let plan = || {
        tuilu(&[
            "--vault",
            dir.path().to_str().unwrap(),
            "plan",
            "douyin.guild-exit",
        ])
    };

    // Not a database.
    std::fs::write(&db, b"this is not a database, but it is the user's file").unwrap();
    let o = plan();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("抖音：退出公会"));
    assert!(stderr(&o).contains("无法读取规则标记"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"this is not a database, but it is the user's file"
    );

    // From a newer build (user_version far ahead): refused for flags, left as it was.
    let v1 = repo().join("tests/fixtures/vault-v1.sqlite3");
    let mut bytes = std::fs::read(&v1).unwrap();
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&db, &bytes).unwrap();
    let o = plan();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("无法读取规则标记"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&db).unwrap(), bytes);

    // An old vault (schema 1, no flags yet): no warning, and not migrated by `plan`.
    let bytes = std::fs::read(&v1).unwrap();
    std::fs::write(&db, &bytes).unwrap();
    let o = plan();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

/// Issue 12: each period is named by its sense in both languages, a notice period or a
/// non-compete is never a 截止, and the clocks chain (notice → wind-down → review) in the
/// text and in the JSON (`duration.sense`, `deadlines[].starts`).
#[test]
fn plan_from_names_each_period_by_its_sense_and_chains_the_clocks() {
    let args = [
        "plan",
        "kuaishou.live-exit",
        "--fact",
        "fans=600000",
        "--fact",
        "has_mcn_contract=true",
        "--fact",
        "has_non_compete=true",
        "--from",
        "2026-12-01T10:00:00+08:00",
    ];
    let zh = stdout(&tuilu(&args));
    assert!(zh.contains("自MCN收到书面解约通知起至少 30 天"), "{zh}");
    assert!(
        zh.contains("至少到 2026-12-31 23:59（北京时间）期满"),
        "{zh}"
    );
    assert!(
        zh.contains("至少到 2027-01-15 23:59（北京时间）期满"),
        "{zh}"
    );
    assert!(
        zh.contains("对方应在 2027-01-22 23:59（北京时间）前答复"),
        "{zh}"
    );
    // Issue 27 N13: the seed's words first, the day count as a detail.
    assert!(zh.contains("满 6个月至1年（183–365 天）后才可办理"), "{zh}");
    assert!(
        zh.contains("2027-12-31 23:59（北京时间）之后可以办理"),
        "{zh}"
    );
    // A notice period and a non-compete are no deadline: their ends are never "due".
    for end in ["2026-12-31", "2027-12-31"] {
        for line in zh.lines().filter(|l| l.contains(end)) {
            assert!(!line.contains("截止") && !line.contains("前答复"), "{line}");
        }
    }

    let mut en_args = args.to_vec();
    en_args.extend(["--lang", "en"]);
    let en = stdout(&tuilu(&en_args));
    assert!(
        en.contains("At least 30 days from the MCN receives the written notice"),
        "{en}"
    );
    assert!(
        en.contains("Runs at least until 2026-12-31 23:59 Beijing time"),
        "{en}"
    );
    assert!(
        en.contains("Possible after 2027-12-31 23:59 Beijing time"),
        "{en}"
    );
    assert!(
        en.contains("Answer due by 2027-01-22 23:59 Beijing time"),
        "{en}"
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v: serde_json::Value = serde_json::from_str(&stdout(&tuilu(&json_args))).unwrap();
    let step = |id: &str| {
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        step("mcn_written_notice")["duration"]["sense"],
        "minimum_period"
    );
    assert_eq!(step("non_compete_period")["duration"]["sense"], "earliest");
    assert_eq!(step("deregister_account")["duration"]["sense"], "deadline");
    let d = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["step_id"] == "deregister_account")
        .unwrap();
    assert_eq!(d["sense"], "deadline");
    assert_eq!(d["starts"]["kind"], "after_steps");
    assert_eq!(d["starts"]["steps"][0], "wind_down_plan");
    assert_eq!(d["deadline"]["latest_date"], "2027-01-22");
}

/// Issue 12: Chinese plan output names steps by number and title and rules in words, and
/// questions say 是/否, 选项, 金额 — no rule ids or type names. Fact ids appear only in the
/// `--fact id=…` hints a user types.
#[test]
fn chinese_plans_show_no_rule_ids_or_type_names() {
    let o = tuilu(&["scenarios", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for s in list.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let text = stdout(&tuilu(&["plan", id]));
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&tuilu(&["plan", id, "--json"]))).unwrap();
        for kind in [
            "(bool)",
            "(enum)",
            "(money)",
            "(integer)",
            "(date",
            "(text)",
        ] {
            assert!(!text.contains(kind), "{id}: {kind} in\n{text}");
        }
        assert!(!text.contains(id), "{id}: scenario id in\n{text}");
        let mut rule_ids = Vec::new();
        for section in ["steps", "blockers", "warnings", "consequences", "amounts"] {
            for r in json[section].as_array().unwrap() {
                rule_ids.push(r["id"].as_str().unwrap().to_string());
            }
        }
        for line in text.lines() {
            // Remove the typing hints (`--fact name=…`, option values `value=标签`).
            let words: String = line
                .split(['〔', '|', ' '])
                .filter(|w| !w.contains("--fact") && !w.contains('='))
                .collect();
            for r in &rule_ids {
                // Whole-word check: ids are snake_case ASCII.
                let hit = words.match_indices(r.as_str()).any(|(i, _)| {
                    let before = words[..i].chars().last();
                    let after = words[i + r.len()..].chars().next();
                    let edge =
                        |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    edge(before) && edge(after)
                });
                assert!(!hit, "{id}: rule id `{r}` in line: {line}");
            }
        }
    }
}

#[test]
fn questions_are_answered_by_number_and_in_the_words_people_use() {
    // Chinese plans name questions by number (no ids on screen); choices take their
    // Chinese labels, amounts take 万.
    let open = stdout(&tuilu(&["plan", "douyin.fan-group-exit"]));
    assert!(
        open.contains("--fact 1=…") && !open.contains("has_paid_membership"),
        "{open}"
    );
    let out = tuilu(&[
        "plan",
        "douyin.fan-group-exit",
        "--json",
        "--fact",
        "1=是",
        "--fact",
        "2=季度",
        "--fact",
        "3=1.5万",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["facts"]["has_paid_membership"], true);
    assert_eq!(v["facts"]["plan_type"], "quarterly");
    assert_eq!(v["facts"]["membership_fee"], 15000.0);
    let bad = tuilu(&["plan", "douyin.fan-group-exit", "--fact", "2=每天"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("季度"), "{}", stderr(&bad));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `tuilu plan … | head -1`: the pipe closes early; no panic message, no backtrace.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .args(["plan", "kuaishou.live-exit", "--sources"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is read
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

/// Issue 28: a pack added to the vault (`<vault>/packs`, where the phone puts one) is the
/// one `plan` shows and `case new` starts, as on the phone.
#[test]
fn plan_and_case_new_use_a_pack_added_to_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().to_str().unwrap();
    let compiled =
        std::fs::read_to_string(repo().join("tests/golden/packs/douyin.xingtu-task-cancel.json"))
            .unwrap();
    let mut pack: serde_json::Value = serde_json::from_str(&compiled).unwrap();
    pack["version"] = "9.0.0".into();
    std::fs::create_dir_all(dir.path().join("packs")).unwrap();
    std::fs::write(dir.path().join("packs/xingtu.json"), pack.to_string()).unwrap();

    let o = tuilu(&["--vault", vault, "plan", "douyin.xingtu-task-cancel"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("抖音星图：取消品牌任务（规则版本 v9.0.0）"),
        "{}",
        stdout(&o)
    );
    let o = tuilu(&[
        "--vault",
        vault,
        "case",
        "new",
        "douyin.xingtu-task-cancel",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["pack_version"], "9.0.0");
    // Without the vault, the bundled pack.
    let o = tuilu(&["plan", "douyin.xingtu-task-cancel"]);
    assert!(stdout(&o).starts_with("抖音星图：取消品牌任务（规则版本 v1.2.0）"));
}
