//! `tuilu evidence …` end to end on one vault, through the application service as the
//! phones use it: add (for a step, the same file again for another step), list, show,
//! verify (exit 2 when a file changed), export, verify-bundle, rm; an unknown case or
//! step is refused in words before a file is read.

mod vault_cli_support;

use vault_cli_support::{json, ok, run, s};

#[test]
fn evidence_commands_run_on_the_apps_vault() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    let case = json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let id = case["id"].as_str().unwrap().to_string();
    let show = json(&vault, &["case", "show", &id]);
    let steps: Vec<String> = show["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let titles: Vec<String> = show["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect();
    let file = t.path().join("付款记录.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\nxx").unwrap();

    let added = json(
        &vault,
        &[
            "evidence",
            "add",
            &id,
            "--step",
            &steps[0],
            "--tag",
            "付款",
            s(&file),
        ],
    );
    assert_eq!(added[0]["duplicate"], false, "{added}");
    let item = added[0]["id"].as_str().unwrap().to_string();
    assert_eq!(added[0]["item"]["tags"][0], "付款");

    // The same file for another step: the one item now proves both, linked once.
    for _ in 0..2 {
        let again = run(
            &vault,
            &["evidence", "add", &id, "--step", &steps[1], s(&file)],
        );
        assert!(again.status.success());
    }
    let list = json(&vault, &["evidence", "list", &id]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let shown = json(&vault, &["evidence", "show", &item]);
    let links = shown["custody"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "link")
        .count();
    assert_eq!(links, 1, "{shown}");
    // The item in words: where it came from, what the log did, local time; no codes.
    let text = String::from_utf8(ok(&vault, &["evidence", "show", &item]).stdout).unwrap();
    assert!(
        text.contains("导入的文件") && text.contains("添加") && text.contains("关联步骤"),
        "{text}"
    );
    assert!(text.contains("+08:00"), "{text}");
    assert!(
        !text.contains("import") && !text.contains(" link "),
        "{text}"
    );
    // People read the steps by their titles, never their ids.
    let text = String::from_utf8(ok(&vault, &["evidence", "list", &id]).stdout).unwrap();
    assert!(text.contains(&format!("「{}」", titles[0])), "{text}");
    assert!(!text.contains(&steps[0]), "{text}");

    // Unknown case or step: refused in the run's language, nothing read.
    let out = run(&vault, &["evidence", "add", "nope", s(&file)]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("错误：") && !err.contains("unknown"),
        "{err}"
    );
    let out = run(
        &vault,
        &[
            "--lang",
            "en",
            "evidence",
            "add",
            &id,
            "--step",
            "nope",
            s(&file),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: ") && !err.contains("错误"), "{err}");

    let verify = json(&vault, &["evidence", "verify"]);
    assert_eq!(verify["intact"], true, "{verify}");
    let text =
        String::from_utf8(ok(&vault, &["--lang", "en", "evidence", "verify", &id]).stdout).unwrap();
    assert!(text.contains("✓ intact: 1 evidence item checked"), "{text}");

    let bundle = t.path().join("b.zip");
    ok(&vault, &["evidence", "export", &id, "-o", s(&bundle)]);
    let checked = json(&vault, &["evidence", "verify-bundle", s(&bundle)]);
    assert_eq!(checked["intact"], true, "{checked}");

    // A changed file: verify says so and exits 2.
    let sha = added[0]["sha256"].as_str().unwrap();
    std::fs::write(
        vault.join("evidence/sha256").join(&sha[..2]).join(sha),
        b"x",
    )
    .unwrap();
    let out = run(&vault, &["evidence", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("✗ 发现问题"));

    let gone = json(&vault, &["evidence", "rm", &item]);
    assert_eq!(gone["item"]["id"], item.as_str());
    assert!(json(&vault, &["evidence", "list", &id])
        .as_array()
        .unwrap()
        .is_empty());
}
