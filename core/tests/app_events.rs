//! The application layer's file events: evidence add (file and bytes, progress,
//! cancellation), verify, the dispute bundle and its check, the calendar file, holiday-year
//! import, and the encrypted backup round trip.

use std::sync::{Arc, Mutex};

use tuilu_core::app::VerifyState;
use tuilu_core::app::{App, AppError, ChangeKind};
use tuilu_core::evidence::{CancelFlag, NoProgress};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, finish_before_submit, submit_exit, with_guild_case, Recorder};

const NOW: &str = "2026-09-29T08:00:00Z";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";

/// A vault with one guild-exit case; returns its id.
fn with_case() -> (tempfile::TempDir, App, String) {
    with_guild_case(NOW)
}

#[test]
fn adding_evidence_reports_progress_says_what_happened_and_attaches_duplicates() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let rec = Arc::new(Recorder::default());
    app.add_observer(rec.clone());
    let file = dir.path().join("聊天记录.png");
    std::fs::write(&file, PNG).unwrap();
    let calls = Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| calls.lock().unwrap().push((done, total));
    let added = app
        .add_evidence_file(
            &c,
            &case,
            Some("backup_data"),
            &file,
            Some("公会后台截图"),
            None,
            &progress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(!added.duplicate);
    assert!(
        added.notice.starts_with("已添加「聊天记录.png」"),
        "{}",
        added.notice
    );
    assert_eq!(added.list.items.len(), 1);
    assert_eq!(added.list.items[0].note, "公会后台截图");
    assert_eq!(added.list.items[0].verify_state, VerifyState::Unchecked);
    let calls = calls.into_inner().unwrap();
    assert_eq!(
        calls.last().map(|c| c.0),
        Some(PNG.len() as u64),
        "{calls:?}"
    );
    assert!(rec
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|ch| ch.kind == ChangeKind::EvidenceChanged && ch.case_id.as_deref() == Some(&case)));

    // The same bytes from the share sheet, for another step: no copy, attached, said so.
    let again = app
        .add_evidence_bytes(
            &c,
            &case,
            Some("record_communications"),
            "shared.png",
            PNG,
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.item_id, added.item_id);
    assert!(again.notice.contains("现在也作为"), "{}", again.notice);
    assert!(!again.notice.contains('_'), "no ids: {}", again.notice);
    assert_eq!(again.list.items.len(), 1);

    // English, new bytes.
    let en = app
        .add_evidence_bytes(
            &ctx(Lang::En, NOW),
            &case,
            None,
            "contract.pdf",
            b"%PDF-1.4 a contract",
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(
        en.notice.starts_with("Added “contract.pdf”"),
        "{}",
        en.notice
    );
    assert_eq!(en.list.items.len(), 2);
}

#[test]
fn a_cancelled_or_impossible_add_leaves_nothing_and_says_why_in_one_language() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let file = dir.path().join("a.png");
    std::fs::write(&file, PNG).unwrap();
    let cancel = CancelFlag::new();
    cancel.cancel();
    let e = app
        .add_evidence_file(&c, &case, None, &file, None, None, &NoProgress, &cancel)
        .unwrap_err();
    assert_eq!(e, AppError::Cancelled);
    assert_eq!(e.message(Lang::Zh), "已取消，未留下任何内容");
    assert!(app.evidence_list(&c, &case, None).unwrap().items.is_empty());

    let missing = dir.path().join("gone.png");
    let e = app
        .add_evidence_file(
            &c,
            &case,
            None,
            &missing,
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert_eq!(e.code(), "file_problem");
    assert_eq!(e.message(Lang::Zh), "找不到文件：gone.png");
    assert_eq!(e.message(Lang::En), "File not found: gone.png");
    let e = app
        .add_evidence_file(
            &c,
            &case,
            None,
            dir.path(),
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert!(e.message(Lang::Zh).starts_with("这是一个文件夹"), "{e:?}");
    let e = app
        .add_evidence_file(
            &c,
            &case,
            Some("no_such_step"),
            &file,
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound { .. }), "{e:?}");
}

#[test]
fn verify_marks_each_row_and_finds_a_changed_file() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, PNG).unwrap();
    std::fs::write(&b, b"chat log").unwrap();
    for f in [&a, &b] {
        app.add_evidence_file(
            &c,
            &case,
            Some("backup_data"),
            f,
            None,
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    }
    let list = app
        .verify_evidence(
            &c,
            &case,
            Some("backup_data"),
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert_eq!(list.verify_intact, Some(true));
    assert!(list
        .verify_summary
        .as_deref()
        .unwrap()
        .starts_with("已核验 2 份证据，全部完好"));
    assert!(list
        .items
        .iter()
        .all(|r| r.verify_state == VerifyState::Intact));
    assert!(list.items[0]
        .verify_text
        .as_deref()
        .unwrap()
        .starts_with("完好"));
    // The result stays on the list until the next check.
    let again = app.evidence_list(&c, &case, None).unwrap();
    assert_eq!(again.verify_intact, Some(true));

    // Change one original in the vault behind the app's back.
    let sha = list
        .items
        .iter()
        .find(|r| r.file_name == "b.txt")
        .unwrap()
        .sha256
        .clone();
    let original = walk(&dir.path().join("vault"))
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == sha))
        .expect("the original is stored under its hash");
    let mut perms = std::fs::metadata(&original).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&original, perms).unwrap();
    std::fs::write(&original, b"edited").unwrap();
    let en = ctx(Lang::En, NOW);
    let list = app
        .verify_evidence(&en, &case, None, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert_eq!(list.verify_intact, Some(false));
    let bad = list.items.iter().find(|r| r.file_name == "b.txt").unwrap();
    assert_eq!(bad.verify_state, VerifyState::Changed);
    assert_eq!(
        bad.verify_text.as_deref(),
        Some("file changed or unreadable")
    );
    let good = list.items.iter().find(|r| r.file_name == "a.png").unwrap();
    assert_eq!(good.verify_state, VerifyState::Intact);
    let summary = list.verify_summary.unwrap();
    assert!(
        summary.starts_with("Checked 2 items: 1 with a problem"),
        "{summary}"
    );
    // Exporting a changed file is refused in words.
    let e = app
        .export_bundle(
            &en,
            &case,
            &dir.path().join("x.zip"),
            false,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert!(
        e.message(Lang::En)
            .starts_with("An evidence file has changed"),
        "{e:?}"
    );
    assert!(!dir.path().join("x.zip").exists());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_bundle_exports_and_checks_and_a_tampered_one_is_caught() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let out = dir.path().join("dispute.zip");
    // No evidence yet: refused in words, no file.
    let e = app
        .export_bundle(&c, &case, &out, false, &NoProgress, &CancelFlag::new())
        .unwrap_err();
    assert_eq!(e.message(Lang::Zh), "这个案件还没有证据，无法导出");
    assert!(!out.exists());
    app.add_evidence_bytes(
        &c,
        &case,
        Some("backup_data"),
        "a.png",
        PNG,
        None,
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap();
    let progress_calls = Mutex::new(0);
    let progress = |_: u64, _: u64| *progress_calls.lock().unwrap() += 1;
    let done = app
        .export_bundle(&c, &case, &out, false, &progress, &CancelFlag::new())
        .unwrap();
    assert!(out.is_file());
    assert_eq!(done.count, 1);
    assert_eq!(done.sha256.len(), 64);
    assert!(
        done.notice.starts_with("证据包已导出：1 份证据"),
        "{}",
        done.notice
    );
    assert!(*progress_calls.lock().unwrap() > 0);
    // Exporting over it is refused.
    let e = app
        .export_bundle(&c, &case, &out, false, &NoProgress, &CancelFlag::new())
        .unwrap_err();
    assert!(e.message(Lang::Zh).starts_with("目标文件已存在"), "{e:?}");

    let check = app
        .verify_bundle(&c, &out, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert!(check.intact, "{:?}", check.issues);
    assert!(
        check.headline.starts_with("证据包完好：1 份证据"),
        "{}",
        check.headline
    );
    assert!(check.exported_at.is_some());

    // Flip bytes of the stored original inside the zip: the check says so.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = bytes
        .windows(PNG.len())
        .position(|w| w == PNG)
        .expect("the png is stored uncompressed or findable");
    bytes[at + 10] ^= 0xff;
    let bad = dir.path().join("tampered.zip");
    std::fs::write(&bad, bytes).unwrap();
    let en = ctx(Lang::En, NOW);
    match app.verify_bundle(&en, &bad, &NoProgress, &CancelFlag::new()) {
        Ok(check) => {
            assert!(!check.intact);
            assert!(
                check.headline.starts_with("The bundle has"),
                "{}",
                check.headline
            );
            assert!(!check.issues.is_empty());
        }
        // A zip whose CRC no longer matches may be refused as unreadable: also a "no".
        Err(e) => assert_eq!(e.code(), "file_problem", "{e:?}"),
    }
    // Not a bundle, and no file at all.
    let junk = dir.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let e = app
        .verify_bundle(&c, &junk, &NoProgress, &CancelFlag::new())
        .unwrap_err();
    assert_eq!(e.message(Lang::Zh), "这不是可读取的证据包");
    let e = app
        .verify_bundle(
            &c,
            &dir.path().join("nope.zip"),
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert_eq!(e.message(Lang::Zh), "找不到文件：nope.zip");
}

#[test]
fn the_calendar_file_holds_the_running_deadlines_in_the_chosen_language() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    finish_before_submit(&app, &c, &case);
    submit_exit(&app, &c, &case);
    let out = dir.path().join("tuilu.ics");
    let done = app.export_calendar_file(&c, None, &out).unwrap();
    assert!(done.count >= 1, "{done:?}");
    assert!(done.notice.starts_with("已导出"), "{}", done.notice);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"));
    assert!(text.contains("BEGIN:VALARM"));
    // Written again (the user exports twice): replaced, same events.
    let again = app
        .export_calendar_file(&ctx(Lang::En, NOW), Some(&case), &out)
        .unwrap();
    assert_eq!(again.count, done.count);
    assert!(again.notice.starts_with("Exported"));
    let e = app
        .export_calendar_file(&c, Some("nope"), &out)
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound { .. }), "{e:?}");
}

#[test]
fn a_holiday_year_import_shows_in_settings_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let c = ctx(Lang::Zh, NOW);
    let before = app.settings_view(&c).unwrap();
    let e = app
        .import_holiday_year(b"{\"year\": \"soon\"}")
        .unwrap_err();
    assert!(matches!(e, AppError::Storage { .. }), "{e:?}");
    assert_eq!(
        app.settings_view(&c).unwrap().calendar_years,
        before.calendar_years
    );
    // A published year file (the bundled 2026 one, moved to 2028).
    let year = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/holidays-cn/2026.json"
    ))
    .unwrap()
    .replace("2026", "2028");
    assert_eq!(app.import_holiday_year(year.as_bytes()).unwrap(), 2028);
    let after = app.settings_view(&c).unwrap();
    let line = after
        .calendar_years
        .iter()
        .find(|l| l.year == 2028)
        .unwrap();
    assert!(!line.estimated, "{line:?}");
    assert!(!line.text.contains("估算"), "{}", line.text);
}

#[test]
fn a_backup_round_trip_restores_cases_and_evidence_and_refuses_a_wrong_passphrase() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    app.add_evidence_bytes(
        &c,
        &case,
        Some("backup_data"),
        "a.png",
        PNG,
        None,
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap();
    let file = dir.path().join("tuilu.backup");
    let made = app
        .create_backup(
            &c,
            &file,
            "correct horse battery staple",
            Some(10),
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert_eq!(made.cases, 1);
    assert_eq!(made.evidence_files, 1);
    assert!(
        made.contents_text.starts_with("1 个案件、1 份证据文件"),
        "{}",
        made.contents_text
    );
    assert!(app
        .backup_section(&c)
        .unwrap()
        .last_backup_text
        .starts_with("上次备份："));

    let e = app
        .inspect_backup(&c, &file, "wrong", &NoProgress, &CancelFlag::new())
        .unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Backup {
                kind: tuilu_core::backup::BackupErrorKind::WrongPassphrase,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.message(Lang::Zh).starts_with("口令不对"),
        "{}",
        e.message(Lang::Zh)
    );
    assert!(
        !e.message(Lang::En).contains('口'),
        "{}",
        e.message(Lang::En)
    );
    let seen = app
        .inspect_backup(
            &ctx(Lang::En, NOW),
            &file,
            "correct horse battery staple",
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(
        seen.headline.starts_with("The backup is intact"),
        "{}",
        seen.headline
    );

    // Restore into a fresh vault on another "phone".
    let other = App::open(&dir.path().join("phone2")).unwrap();
    let rec = Arc::new(Recorder::default());
    other.add_observer(rec.clone());
    assert!(other.home(&c).unwrap().cases.is_empty());
    let e = other
        .restore_backup(&c, &file, "wrong", false, &NoProgress, &CancelFlag::new())
        .unwrap_err();
    assert_eq!(e.code(), "backup");
    let restored = other
        .restore_backup(
            &c,
            &file,
            "correct horse battery staple",
            false,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(!restored.replaced);
    assert_eq!(restored.headline, "已从备份恢复");
    let home = other.home(&c).unwrap();
    assert_eq!(home.cases.len(), 1);
    assert_eq!(home.cases[0].id, case);
    assert_eq!(other.evidence_list(&c, &case, None).unwrap().items.len(), 1);
    assert!(
        !rec.0.lock().unwrap().is_empty(),
        "observers hear of a restore"
    );
    // Over a vault with cases only when asked to replace.
    let e = other
        .restore_backup(
            &c,
            &file,
            "correct horse battery staple",
            false,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Backup {
                kind: tuilu_core::backup::BackupErrorKind::VaultHasCases,
                ..
            }
        ),
        "{e:?}"
    );
    let replaced = other
        .restore_backup(
            &c,
            &file,
            "correct horse battery staple",
            true,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap();
    assert!(replaced.replaced);
    // A cancelled backup leaves no file.
    let cancel = CancelFlag::new();
    cancel.cancel();
    let e = app
        .create_backup(
            &c,
            &dir.path().join("b2"),
            "correct horse battery staple",
            Some(10),
            &NoProgress,
            &cancel,
        )
        .unwrap_err();
    assert_eq!(e, AppError::Cancelled);
    assert!(!dir.path().join("b2").exists());
}

/// Issue 23, item 7: the phone deletes through the same core as the CLI. Deleting an item
/// or a case removes the evidence and says what went, in one language.
#[test]
fn deleting_evidence_and_a_case_says_what_went() {
    let (_dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let rec = Arc::new(Recorder::default());
    app.add_observer(rec.clone());
    let add = |name: &str, bytes: &[u8]| {
        app.add_evidence_bytes(
            &c,
            &case,
            None,
            name,
            bytes,
            Some("私人备注"),
            None,
            &NoProgress,
            &CancelFlag::new(),
        )
        .unwrap()
        .item_id
    };
    let first = add("截图.png", PNG);
    add("合同.pdf", b"%PDF-1.4 a contract");
    let gone = app.delete_evidence(&c, &first).unwrap();
    assert_eq!(
        gone.notice,
        format!("已删除「截图.png」（{} 字节）", PNG.len())
    );
    assert_eq!(app.evidence_list(&c, &case, None).unwrap().items.len(), 1);

    let gone = app.delete_case(&ctx(Lang::En, NOW), &case).unwrap();
    assert_eq!(gone.evidence_items, 1);
    assert_eq!(
        gone.notice,
        "Deleted the case with its 1 evidence item (19 B)"
    );
    assert!(rec
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|ch| ch.kind == ChangeKind::CaseDeleted && ch.case_id.as_deref() == Some(&case)));
    let vault = app.vault(app_support::t(NOW)).unwrap();
    let left = vault
        .with_connection_mut(|conn| {
            tuilu_core::evidence::EvidenceStore::new(conn, vault.dir()).list_all()
        })
        .unwrap();
    assert!(left
        .iter()
        .all(|i| i.deleted_at.is_some() && i.original_name.is_empty() && i.note.is_empty()));
}

/// Writing the calendar into a folder that is gone is a write problem, said as one (it
/// said "无法读取文件"), and the apps get the kind as an enum, not a string to compare.
#[test]
fn a_calendar_written_into_a_missing_folder_says_it_cannot_be_written() {
    use tuilu_core::app::{ErrorKind, FileProblemKind};
    let (dir, app, _) = with_case();
    let out = dir.path().join("gone").join("deadlines.ics");
    let e = app
        .export_calendar_file(&ctx(Lang::Zh, NOW), None, &out)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FileProblem);
    assert!(
        matches!(
            &e,
            AppError::FileProblem {
                code: FileProblemKind::Unwritable,
                name
            } if name == "deadlines.ics"
        ),
        "{e:?}"
    );
    assert!(
        e.message(Lang::Zh).starts_with("无法写入文件"),
        "{}",
        e.message(Lang::Zh)
    );
    assert!(
        !e.message(Lang::En).contains("read"),
        "{}",
        e.message(Lang::En)
    );
    assert!(!out.exists());
}

/// Every error kind has its own stable code (the CLI's `--json` and logs use it).
#[test]
fn every_error_kind_has_its_own_code() {
    use tuilu_core::app::ErrorKind;
    let mut codes: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n);
    assert!(codes
        .iter()
        .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
}
