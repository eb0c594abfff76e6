//! `tuilu letters` and `tuilu letter`: the list with reasons, a letter that asks for what
//! it lacks, text / HTML / English output, marking as sent, and the sent letter inside the
//! dispute bundle.

use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-10-08T09:00:00+08:00";

fn run(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(["--now", NOW])
        .args(args)
        .env("TZ", "Asia/Shanghai")
        .output()
        .unwrap()
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let out = run(vault, args);
    assert!(
        out.status.success(),
        "tuilu {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn new_case(vault: &Path) -> String {
    let out = ok(
        vault,
        &[
            "case",
            "new",
            "kuaishou.live-exit",
            "--fact",
            "exit_mode=deregister",
            "--fact",
            "fans=80000",
            "--fact",
            "has_mcn_contract=true",
            "--fact",
            "balance=0",
            "--fact",
            "gift_diamonds=0",
            "--fact",
            "third_party_bound=false",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn letters_are_listed_asked_for_written_and_recorded_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let id = new_case(&vault);

    // The list: numbered, the step by title, why the complaint is not available; no ids.
    let list = ok(&vault, &["letters", &id]);
    assert!(list.starts_with("文书草稿\n"), "{list}");
    assert!(
        list.contains(" 1. 解除合作协议通知书（书面通知） — 还需回答 5 个问题"),
        "{list}"
    );
    assert!(
        list.contains("属于第 5 步「提前30天书面通知MCN解约」"),
        "{list}"
    );
    assert!(
        list.contains("🔒 先在第 18 步「提交账号注销申请」点「已提交」"),
        "{list}"
    );
    for id_word in [
        "mcn_termination_notice",
        "deregister_account",
        "farewell_post",
    ] {
        assert!(!list.contains(id_word), "{list}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&vault, &["letters", &id, "--json"])).unwrap();
    assert_eq!(json["letters"][0]["id"], "mcn_termination_notice");
    assert_eq!(json["letters"][2]["available"], false);

    // Missing facts: the questions and the command that answers them; no file written.
    let file = dir.path().join("notice.txt");
    let out = run(&vault, &["letter", &id, "1", "-o", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!file.exists());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("还需要回答以下 5 个问题，才能生成这封信"),
        "{text}"
    );
    assert!(
        text.contains("? MCN机构的名称（合同上的全称）（直接写文字）"),
        "{text}"
    );
    // The sentence about a non-compete rests on an answer the user never gave (issue 27
    // N4): it is asked, not assumed.
    assert!(
        text.contains("? 合同里有竞业限制条款吗（退出后一段时间不得在其他平台从事同类业务）？（回答 是 或 否）"),
        "{text}"
    );
    assert!(text.contains("--fact mcn_name=…"), "{text}");
    assert!(!text.contains("{"), "{text}");

    ok(
        &vault,
        &[
            "case",
            "facts",
            &id,
            "--fact",
            "mcn_name=杭州星光文化传媒有限公司",
            "--fact",
            "real_name=王小明",
            "--fact",
            "account_name=小明爱唱歌 / 3xk7m9q",
            "--fact",
            "contract_date=2025年3月1日",
            "--fact",
            "has_non_compete=否",
        ],
    );
    let text = ok(&vault, &["letter", &id, "1"]);
    assert!(
        text.starts_with("解除合作协议通知书\n\n杭州星光文化传媒有限公司：\n"),
        "{text}"
    );
    assert!(text.contains("至2026年11月7日届满"), "{text}");
    assert!(text.contains("写法提示："), "{text}");
    assert!(
        text.contains("tuilu letter ") && text.contains(" 1 --mark-sent"),
        "{text}"
    );

    // English: a rendering, marked as such.
    let en = ok(&vault, &["letter", &id, "1", "--lang", "en"]);
    assert!(
        en.starts_with("[English rendering for your understanding only (译文 仅供理解)"),
        "{en}"
    );
    assert!(en.contains("ends on 7 November 2026"), "{en}");

    // HTML to a file: printable on A4 with CJK fonts named.
    let html = dir.path().join("notice.html");
    let said = ok(
        &vault,
        &[
            "letter",
            &id,
            "1",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert!(
        said.starts_with(&format!("已写入 {}", html.display())),
        "{said}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("@page { size: A4;") && page.contains("\"Noto Sans CJK SC\""));
    assert!(page.contains("<p class=\"body\">本人王小明"));

    // Marked as sent: kept as evidence of its step, then in the dispute bundle.
    let said = ok(
        &vault,
        &[
            "letter",
            &id,
            "1",
            "--mark-sent",
            "--at",
            "2026-10-08T08:30:00+08:00",
        ],
    );
    assert!(
        said.contains("「解除合作协议通知书」已于 2026-10-08 08:30 发送"),
        "{said}"
    );
    assert!(
        said.contains("属于第 5 步「提前30天书面通知MCN解约」"),
        "{said}"
    );
    let list = ok(&vault, &["letters", &id]);
    assert!(
        list.contains("解除合作协议通知书（书面通知） — 已于 2026-10-08 08:30 发送"),
        "{list}"
    );
    let evidence = ok(&vault, &["evidence", "list", &id]);
    assert!(
        evidence.contains("解除合作协议通知书（2026年10月8日发送）.txt"),
        "{evidence}"
    );
    let bundle = dir.path().join("dispute.zip");
    ok(
        &vault,
        &["evidence", "export", &id, "-o", bundle.to_str().unwrap()],
    );
    let zip = std::fs::read(&bundle).unwrap();
    let name = "解除合作协议通知书（2026年10月8日发送）";
    assert!(
        zip.windows(name.len()).any(|w| w == name.as_bytes()),
        "the sent letter is a file of the bundle"
    );
    ok(
        &vault,
        &["evidence", "verify-bundle", bundle.to_str().unwrap()],
    );

    // Bad input: an unknown letter, a future send time.
    let out = run(&vault, &["letter", &id, "7"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到文书「7」"));
    let out = run(
        &vault,
        &[
            "letter",
            &id,
            "1",
            "--mark-sent",
            "--at",
            "2026-10-09T08:30:00+08:00",
        ],
    );
    assert!(!out.status.success());
    let out = run(&vault, &["letter", &id, "3", "--mark-sent"]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.starts_with("错误：「关于快手账号注销申请逾期未处理的投诉」还不能生成："),
        "{e}"
    );
}
