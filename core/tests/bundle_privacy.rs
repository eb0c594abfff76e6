//! A dispute bundle goes to someone else (a platform, a guild, a lawyer): by default it
//! carries only the facts the scenario marks public and no notes, in every entry of the
//! zip; the user can ask for everything. The preview says which before the export.

mod app_support;

use std::io::Read;
use std::path::Path;

use app_support::*;
use tuilu_core::app::{Answer, App};
use tuilu_core::evidence::{verify_bundle, CancelFlag, NoProgress};
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;

const NOW: &str = "2026-11-20T10:00:00+08:00";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n live dashboard";

/// Strings private to the user, each entered in a different place.
const PRIVATE: &[(&str, &str)] = &[
    ("8888.88", "balance (a private fact)"),
    (
        "7777.77",
        "the balance before it was changed (facts_changed payload)",
    ),
    ("600000", "fans (a private fact)"),
    ("张小明", "legal name (a private fact)"),
    ("13800138000", "phone number in a step note"),
    ("李经理已口头同意", "another step note"),
    ("后台截图私人备注", "an evidence note"),
];

/// A Kuaishou live exit with private facts, a changed balance, step notes (one with a
/// phone number, one on a completion then undone) and a noted evidence item.
fn private_case() -> (tempfile::TempDir, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("vault")).unwrap();
    let c = ctx(Lang::Zh, NOW);
    let case = app
        .create_case(
            &c,
            "kuaishou.live-exit",
            &[
                Answer::new("exit_mode", "deregister"),
                Answer::new("fans", "600000"),
                Answer::new("balance", "7777.77"),
                Answer::new("has_mcn_contract", "是"),
                Answer::new("mcn_name", "星光传媒有限公司"),
                Answer::new("real_name", "张小明"),
            ],
        )
        .unwrap()
        .id;
    app.set_case_facts(&c, &case, &[Answer::new("balance", "8888.88")], &[])
        .unwrap();
    app.step_action(
        &c,
        &case,
        "record_process",
        StepAction::Start,
        None,
        Some("MCN 联系人电话 13800138000".into()),
        None,
    )
    .unwrap();
    app.step_action(
        &c,
        &case,
        "record_process",
        StepAction::Done,
        None,
        Some("李经理已口头同意".into()),
        None,
    )
    .unwrap();
    // Undone: the note stays in the journal and in the undo's payload (the state undone).
    app.undo_last(&c, &case).unwrap();
    app.add_evidence_bytes(
        &c,
        &case,
        Some("record_process"),
        "直播后台.png",
        PNG,
        Some("后台截图私人备注"),
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap();
    (dir, app, case)
}

/// Every entry of the zip: its name and its (decompressed) bytes.
fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// The entries (name or content) that contain `needle`.
fn holding(entries: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    let n = needle.as_bytes();
    entries
        .iter()
        .filter(|(name, bytes)| name.contains(needle) || bytes.windows(n.len()).any(|w| w == n))
        .map(|(name, _)| name.clone())
        .collect()
}

#[test]
fn a_default_bundle_holds_no_private_fact_or_note_in_any_entry() {
    let (dir, app, case) = private_case();
    let c = ctx(Lang::Zh, NOW);
    let out = dir.path().join("dispute.zip");
    let done = app
        .export_bundle(&c, &case, &out, false, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert!(
        done.notice.contains("未包含隐私事实和备注"),
        "{}",
        done.notice
    );
    let all = entries(&out);
    for (needle, what) in PRIVATE {
        let found = holding(&all, needle);
        assert!(found.is_empty(), "{what} `{needle}` is in {found:?}");
    }
    // What the counterpart needs is there: the public answers, the steps, the evidence.
    for needle in [
        "星光传媒有限公司",
        "停播并注销账号",
        "全程录屏并保存客服记录",
    ] {
        assert!(!holding(&all, needle).is_empty(), "{needle} missing");
    }
    assert_eq!(
        holding(&all, "直播后台.png").len(),
        5,
        "the file, manifest, index, log, sums"
    );
    // The index names what was left out: the questions, never the answers.
    let index = String::from_utf8(
        all.iter()
            .find(|(n, _)| n == "index.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(index.contains("未包含的内容"), "{index}");
    assert!(index.contains("你现在有多少粉丝？"));
    assert!(index.contains("快手账户里还有多少可提现余额"));
    assert!(
        index.contains("用户的 3 条备注"),
        "two step notes, one evidence note"
    );

    let report = verify_bundle(&out, &NoProgress, &CancelFlag::new()).unwrap();
    assert!(report.intact, "{:?}", report.issues);
    assert_eq!(
        report.withheld_entries, 1,
        "the evidence's add entry, note left out"
    );
    let check = app
        .verify_bundle(&c, &out, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert!(check.intact, "{:?}", check.issues);
    assert!(
        check.headline.ends_with("（其中 1 条隐去了备注）"),
        "{}",
        check.headline
    );
}

#[test]
fn with_the_opt_in_every_private_fact_and_note_is_in_and_the_bundle_verifies() {
    let (dir, app, case) = private_case();
    let c = ctx(Lang::Zh, NOW);
    let out = dir.path().join("dispute-full.zip");
    let done = app
        .export_bundle(&c, &case, &out, true, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert!(
        done.notice.contains("包含全部事实和备注"),
        "{}",
        done.notice
    );
    let all = entries(&out);
    for (needle, what) in PRIVATE {
        assert!(
            !holding(&all, needle).is_empty(),
            "{what} `{needle}` missing"
        );
    }
    let index = String::from_utf8(
        all.iter()
            .find(|(n, _)| n == "index.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(!index.contains("未包含的内容"), "nothing left out");
    let report = verify_bundle(&out, &NoProgress, &CancelFlag::new()).unwrap();
    assert!(report.intact, "{:?}", report.issues);
    assert_eq!(report.withheld_entries, 0);
}

#[test]
fn the_preview_says_what_the_bundle_will_hold_and_leave_out() {
    let (_dir, app, case) = private_case();
    let zh = ctx(Lang::Zh, NOW);
    let p = app.bundle_preview(&zh, &case, false).unwrap();
    assert!(!p.include_private);
    assert_eq!(p.files, 1);
    assert!(
        p.facts
            .contains(&"MCN机构的名称（合同上的全称）：星光传媒有限公司".to_string()),
        "{:?}",
        p.facts
    );
    assert!(p
        .facts
        .iter()
        .all(|f| !f.contains("8888.88") && !f.contains("600000")));
    assert!(
        p.withheld_facts.contains(&"你现在有多少粉丝？".to_string()),
        "{:?}",
        p.withheld_facts
    );
    assert_eq!(
        p.withheld_notes,
        [
            "步骤「全程录屏并保存客服记录」的备注",
            "步骤「全程录屏并保存客服记录」的备注",
            "证据「直播后台.png」的备注"
        ]
    );
    assert!(p.notes.is_empty());
    assert!(
        p.summary.starts_with("证据包将包含 1 份证据")
            && p.summary.ends_with("项隐私事实和 3 条备注不会放入"),
        "{}",
        p.summary
    );
    for (needle, what) in PRIVATE {
        let shown = format!("{p:?}");
        assert!(!shown.contains(needle), "{what} `{needle}` in the preview");
    }

    let en = ctx(Lang::En, NOW);
    let p = app.bundle_preview(&en, &case, true).unwrap();
    assert!(p.include_private && p.withheld_facts.is_empty() && p.withheld_notes.is_empty());
    assert!(
        p.facts
            .iter()
            .any(|f| f == "How many fans do you have?: 600000"),
        "{:?}",
        p.facts
    );
    assert_eq!(p.notes.len(), 3);
    assert!(
        p.summary
            .starts_with("The bundle will hold 1 evidence file (")
            && p.summary.ends_with("facts and 3 notes"),
        "{}",
        p.summary
    );
}
