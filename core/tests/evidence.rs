//! Evidence store: add, dedupe, bad input, cancel, EXIF, custody, verify, crash recovery,
//! file-size limit.

mod evidence_support;

use std::cell::Cell;
use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use evidence_support::*;
use tuilu_core::evidence::{
    CancelFlag, CaptureTime, CrashPoint, EvidenceError, EvidenceStore, NewItem, NoProgress, Source,
    VerifyIssue, CRASH_EXIT_CODE,
};

#[test]
fn add_file_stores_original_and_metadata() {
    let mut v = Vault::new();
    let bytes = noise(3 * 1024 * 1024 + 17, 1); // several chunks, odd tail
    let path = v.fixture("录屏 exit screen.mp4", &bytes);
    let mut item = NewItem::import("case-1");
    item.step_id = Some("request-settlement".into());
    item.step_title = Some("申请结算 / request settlement".into());
    item.note = "退会页面录屏".into();
    item.tags = vec![" 录屏 ".into(), "guild".into(), "录屏".into(), "".into()];
    item.source = Source::Capture;
    let calls = Cell::new(0u32);
    let last = Cell::new((0u64, 0u64));
    let progress = |done: u64, total: u64| {
        calls.set(calls.get() + 1);
        assert!(done >= last.get().0, "progress went backwards");
        last.set((done, total));
    };
    let added = v
        .store()
        .add_file(&item, &path, &progress, &CancelFlag::new(), now())
        .unwrap();
    assert!(!added.duplicate);
    let it = &added.item;
    assert!(it.id.starts_with("ev-"));
    assert_eq!(it.case_id, "case-1");
    assert_eq!(it.step_id.as_deref(), Some("request-settlement"));
    assert_eq!(it.original_name, "录屏 exit screen.mp4");
    assert_eq!(it.size, bytes.len() as u64);
    assert_eq!(it.sha256, sha256_hex(&bytes));
    assert_eq!(it.media_type, "application/octet-stream"); // noise, whatever the name says
    assert_eq!(it.captured_at, None);
    assert_eq!(it.imported_at, now());
    assert_eq!(it.source, Source::Capture);
    assert_eq!(it.tags, vec!["guild".to_string(), "录屏".to_string()]);
    assert!(calls.get() >= 4, "progress reported per chunk");
    assert_eq!(last.get(), (bytes.len() as u64, bytes.len() as u64));

    // Stored byte-for-byte at its content address; nothing left in tmp/.
    let stored = v.store().content_path(&it.sha256);
    assert!(stored.ends_with(format!("evidence/sha256/{}/{}", &it.sha256[..2], it.sha256)));
    assert_eq!(std::fs::read(&stored).unwrap(), bytes);
    assert!(v.files_under("tmp").is_empty());

    // One custody entry, chained to genesis, recording the hash.
    let log = v.store().custody_log().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "add");
    assert_eq!(log[0].prev_hash, "0".repeat(64));
    assert_eq!(log[0].item_id.as_deref(), Some(it.id.as_str()));
    assert_eq!(log[0].details_json()["sha256"], it.sha256.as_str());
    assert_eq!(v.store().get(&it.id).unwrap(), *it);
}

#[test]
fn same_bytes_dedupe_per_case_and_share_one_file() {
    let mut v = Vault::new();
    let bytes = b"%PDF-1.7\n contract".to_vec();
    let path = v.fixture("contract.pdf", &bytes);
    let item = NewItem::import("case-1");
    let (p, c) = (NoProgress, CancelFlag::new());
    let a = v.store().add_file(&item, &path, &p, &c, now()).unwrap();
    let b = v.store().add_file(&item, &path, &p, &c, now()).unwrap();
    assert!(!a.duplicate);
    assert!(
        b.duplicate,
        "same file, same case: the existing item is returned"
    );
    assert_eq!(a.item.id, b.item.id);
    assert_eq!(a.item.media_type, "application/pdf");
    assert_eq!(v.count("SELECT count(*) FROM evidence_items"), 1);
    assert_eq!(v.count("SELECT count(*) FROM evidence_custody"), 1);

    // Another case gets its own item, but the bytes are stored once.
    let other = v
        .store()
        .add_file(&NewItem::import("case-2"), &path, &p, &c, now())
        .unwrap();
    assert!(!other.duplicate);
    assert_ne!(other.item.id, a.item.id);
    assert_eq!(v.files_under("sha256").len(), 1);

    // Deleting one case's item keeps the file the other still uses.
    let d = v.store().delete(&a.item.id, now()).unwrap();
    assert!(!d.file_removed);
    assert!(v.store().content_path(&a.item.sha256).is_file());
    let d = v.store().delete(&other.item.id, now()).unwrap();
    assert!(d.file_removed);
    assert!(v.files_under("sha256").is_empty());
    assert!(v.files_under("trash").is_empty());
    // After deletion the same bytes can be added again as a new item.
    let again = v.store().add_file(&item, &path, &p, &c, now()).unwrap();
    assert!(!again.duplicate);
    assert_ne!(again.item.id, a.item.id);
    let report = v.store().verify(None, &NoProgress, &c, now()).unwrap();
    assert!(report.intact, "{:?}", report.issues);
}

#[test]
fn zero_byte_file_is_allowed_and_recorded() {
    let mut v = Vault::new();
    let path = v.fixture("empty.txt", b"");
    let added = v
        .store()
        .add_file(
            &NewItem::import("c"),
            &path,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
    assert_eq!(added.item.size, 0);
    assert_eq!(added.item.sha256, sha256_hex(b""));
    assert_eq!(added.item.media_type, "application/x-empty");
    assert!(v.store().content_path(&added.item.sha256).is_file());
}

fn assert_nothing_stored(v: &Vault) {
    assert_eq!(v.count("SELECT count(*) FROM evidence_items"), 0);
    assert_eq!(v.count("SELECT count(*) FROM evidence_custody"), 0);
    assert!(
        v.files_under("tmp").is_empty(),
        "{:?}",
        v.files_under("tmp")
    );
    assert!(v.files_under("sha256").is_empty());
}

#[test]
fn bad_input_gives_clear_errors_and_stores_nothing() {
    let mut v = Vault::new();
    let item = NewItem::import("c");
    let (p, c) = (NoProgress, CancelFlag::new());
    let dir = v.root().join("outside-dir");
    std::fs::create_dir_all(&dir).unwrap();

    let e = v.store().add_file(&item, &dir, &p, &c, now()).unwrap_err();
    assert!(matches!(e, EvidenceError::IsDirectory { .. }), "{e}");
    assert!(e.to_string().contains("文件夹") && e.to_string().contains("directory"));

    let missing = v.root().join("secret-folder").join("nope.jpg");
    let e = v
        .store()
        .add_file(&item, &missing, &p, &c, now())
        .unwrap_err();
    assert!(matches!(e, EvidenceError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("nope.jpg"));
    assert!(
        !e.to_string().contains("secret-folder"),
        "messages name the file, not the path: {e}"
    );

    // A file whose contents cannot be read (EIO from the kernel).
    let mem = Path::new("/proc/self/mem");
    if mem.exists() {
        let e = v.store().add_file(&item, mem, &p, &c, now()).unwrap_err();
        assert!(matches!(e, EvidenceError::Unreadable { .. }), "{e}");
    }
    // A reader that fails midway (a shell's stream breaking).
    struct Failing(usize);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("device unplugged"));
            }
            self.0 -= 1;
            buf.fill(7);
            Ok(buf.len())
        }
    }
    let e = v
        .store()
        .add_reader(&item, "stream.bin", &mut Failing(3), 0, &p, &c, now())
        .unwrap_err();
    assert!(matches!(e, EvidenceError::Unreadable { .. }), "{e}");

    // Not a regular file.
    #[cfg(unix)]
    {
        let fifo = v.root().join("pipe");
        let ok = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success());
        if ok.unwrap_or(false) {
            let e = v.store().add_file(&item, &fifo, &p, &c, now()).unwrap_err();
            assert!(matches!(e, EvidenceError::NotAFile { .. }), "{e}");
        }
    }
    let e = v
        .store()
        .add_bytes(&NewItem::import("  "), "x", b"x", &p, &c, now())
        .unwrap_err();
    assert!(matches!(e, EvidenceError::InvalidInput(_)), "{e}");
    assert_nothing_stored(&v);
}

#[test]
fn cancelled_import_leaves_nothing() {
    let mut v = Vault::new();
    let bytes = noise(4 * 1024 * 1024, 2);
    let path = v.fixture("big.mov", &bytes);
    let cancel = CancelFlag::new();
    let seen = Cell::new(0u64);
    let flag = cancel.clone();
    let progress = |done: u64, _total: u64| {
        seen.set(done);
        if done >= 1024 * 1024 {
            flag.cancel();
        }
    };
    let e = v
        .store()
        .add_file(&NewItem::import("c"), &path, &progress, &cancel, now())
        .unwrap_err();
    assert!(matches!(e, EvidenceError::Cancelled), "{e}");
    assert!(seen.get() < bytes.len() as u64, "stopped before the end");
    assert_nothing_stored(&v);
}

#[test]
fn capture_time_from_exif_then_caller_then_unknown() {
    let mut v = Vault::new();
    let (p, c) = (NoProgress, CancelFlag::new());
    // No offset in EXIF: read as China Standard Time (+08:00).
    let jpeg = jpeg_with_exif("2024:04:30 21:15:07", None);
    let mut item = NewItem::import("c");
    item.captured_at = Some(CaptureTime::caller(
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
    ));
    let a = v
        .store()
        .add_bytes(&item, "IMG_0001.JPG", &jpeg, &p, &c, now())
        .unwrap();
    assert_eq!(a.item.media_type, "image/jpeg");
    assert_eq!(
        a.item.captured_at,
        Some(Utc.with_ymd_and_hms(2024, 4, 30, 13, 15, 7).unwrap()),
        "EXIF wins over the caller's time and is read as UTC+8"
    );
    assert_eq!(a.item.captured_at_source.as_deref(), Some("exif"));

    // With OffsetTimeOriginal the stated offset is used.
    let jpeg = jpeg_with_exif("2024:04:30 21:15:07", Some("+09:00"));
    let b = v
        .store()
        .add_bytes(&item, "b.jpg", &jpeg, &p, &c, now())
        .unwrap();
    assert_eq!(
        b.item.captured_at,
        Some(Utc.with_ymd_and_hms(2024, 4, 30, 12, 15, 7).unwrap())
    );
    assert_eq!(b.item.captured_at_source.as_deref(), Some("exif_offset"));

    // No EXIF: the caller's time; none given: unknown.
    let t = Utc.with_ymd_and_hms(2024, 4, 29, 1, 2, 3).unwrap();
    item.captured_at = Some(CaptureTime::caller(t));
    let d = v
        .store()
        .add_bytes(&item, "chat.txt", "聊天记录".as_bytes(), &p, &c, now())
        .unwrap();
    assert_eq!(d.item.captured_at, Some(t));
    assert_eq!(d.item.captured_at_source.as_deref(), Some("caller"));
    assert_eq!(d.item.media_type, "text/plain");
    item.captured_at = None;
    let e = v
        .store()
        .add_bytes(&item, "n.txt", b"note", &p, &c, now())
        .unwrap();
    assert_eq!(e.item.captured_at, None);
    assert_eq!(e.item.captured_at_source, None);
}

#[test]
fn same_file_for_another_step_is_attached_and_logged() {
    let mut v = Vault::new();
    let bytes = b"\x89PNG\r\n\x1a\n-- submitted --";
    let id = v.add("c", Some("submit_exit"), "shot.png", bytes);
    let t = |m| now() + chrono::Duration::minutes(m);
    let add = |v: &mut Vault, step: Option<&str>, at| {
        let mut item = NewItem::import("c");
        item.step_id = step.map(str::to_string);
        item.step_title = step.map(|s| format!("步骤 {s}"));
        v.store()
            .add_bytes(
                &item,
                "again.png",
                bytes,
                &NoProgress,
                &CancelFlag::new(),
                at,
            )
            .unwrap()
    };
    // Another step: the existing item now proves both, one `link` entry records it.
    let a = add(&mut v, Some("record_communications"), t(1));
    assert!(a.duplicate);
    assert_eq!(a.item.id, id);
    assert_eq!(a.linked_step.as_deref(), Some("record_communications"));
    assert_eq!(a.item.step_id.as_deref(), Some("submit_exit"));
    let steps: Vec<_> = a.item.steps().into_iter().map(|s| s.step_id).collect();
    assert_eq!(steps, ["submit_exit", "record_communications"]);
    assert_eq!(
        a.item.also_steps[0].step_title.as_deref(),
        Some("步骤 record_communications")
    );
    let log = v.store().custody_log().unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.step_id.as_deref()),
        ("link", Some("record_communications"))
    );
    assert!(
        last.details.contains("\"attached\":true"),
        "{}",
        last.details
    );
    // The same step again, or no step: nothing attached, nothing logged.
    for step in [Some("record_communications"), Some("submit_exit"), None] {
        let again = add(&mut v, step, t(2));
        assert!(again.duplicate && again.linked_step.is_none(), "{step:?}");
    }
    assert_eq!(v.store().custody_log().unwrap().len(), log.len());
    assert_eq!(v.count("SELECT count(*) FROM evidence_items"), 1);
    assert_eq!(v.store().list("c").unwrap()[0].also_steps.len(), 1);
    assert!(verify(&mut v).is_empty(), "the chain still verifies");
    // `link` replaces every step, `unlink` removes them all; both logged.
    let it = v.store().link(&id, "await_review", None, t(3)).unwrap();
    assert_eq!(it.steps().len(), 1);
    let it = v
        .store()
        .attach(&id, "submit_exit", None, t(4))
        .map(|b| (b, v.store().get(&id).unwrap()))
        .unwrap();
    assert!(it.0 && it.1.proves("submit_exit") && it.1.proves("await_review"));
    let it = v.store().unlink(&id, t(5)).unwrap();
    assert!(it.steps().is_empty());
    // An item without a step gets the attached step as its step.
    assert!(v.store().attach(&id, "backup_data", None, t(6)).unwrap());
    assert_eq!(
        v.store().get(&id).unwrap().step_id.as_deref(),
        Some("backup_data")
    );
    assert!(verify(&mut v).is_empty());
}

#[test]
fn link_unlink_annotate_delete_are_chained() {
    let mut v = Vault::new();
    let id = v.add("c", None, "a.png", b"\x89PNG\r\n\x1a\n-----");
    let t = |m| now() + chrono::Duration::minutes(m);
    let mut s = v.store();
    let it = s.link(&id, "step-2", Some("寄回设备"), t(1)).unwrap();
    assert_eq!(it.step_id.as_deref(), Some("step-2"));
    assert_eq!(it.step_title.as_deref(), Some("寄回设备"));
    let it = s
        .annotate(&id, Some("快递单"), Some(&["物流".to_string()]), t(2))
        .unwrap();
    assert_eq!(
        (it.note.as_str(), it.tags.clone()),
        ("快递单", vec!["物流".to_string()])
    );
    let it = s.unlink(&id, t(3)).unwrap();
    assert_eq!(it.step_id, None);
    let d = s.delete(&id, t(4)).unwrap();
    assert!(d.file_removed);
    assert_eq!(d.item.deleted_at, Some(t(4)));
    assert!(matches!(
        s.link(&id, "x", None, t(5)),
        Err(EvidenceError::ItemDeleted { .. })
    ));
    assert!(matches!(
        s.delete(&id, t(5)),
        Err(EvidenceError::ItemDeleted { .. })
    ));
    assert!(matches!(
        s.get("ev-nope"),
        Err(EvidenceError::UnknownItem { .. })
    ));
    assert!(s.list("c").unwrap().is_empty(), "tombstones are not listed");

    let actions: Vec<String> = s
        .history(&id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["add", "link", "annotate", "unlink", "delete"]);
    let log = s.custody_log().unwrap();
    for w in log.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].entry_hash);
        assert_eq!(w[1].seq, w[0].seq + 1);
    }
    let report = s
        .verify(None, &NoProgress, &CancelFlag::new(), t(6))
        .unwrap();
    assert!(
        report.intact,
        "a deleted item's tombstone keeps the chain valid: {:?}",
        report.issues
    );
    assert_eq!(report.entries_checked, 5);

    // The log is append-only at the database level too.
    let c = &v.conn;
    assert!(c
        .execute("UPDATE evidence_custody SET details = '{}'", [])
        .is_err());
    assert!(c.execute("DELETE FROM evidence_custody", []).is_err());
    assert!(c.execute("DELETE FROM evidence_items", []).is_err());
}

/// Lets a test tamper with the log the way an attacker with the database file would.
fn drop_guards(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "DROP TRIGGER evidence_custody_no_update; DROP TRIGGER evidence_custody_no_delete;",
    )
    .unwrap();
}

fn verify(v: &mut Vault) -> Vec<VerifyIssue> {
    let r = v
        .store()
        .verify(None, &NoProgress, &CancelFlag::new(), now())
        .unwrap();
    assert_eq!(r.intact, r.issues.is_empty());
    r.issues
}

fn five_items() -> Vault {
    let mut v = Vault::new();
    for i in 0..5u8 {
        v.add("c", Some(&format!("s{i}")), &format!("f{i}.bin"), &[i; 100]);
    }
    assert!(verify(&mut v).is_empty());
    v
}

#[test]
fn verify_reports_changed_and_missing_files_naming_item_and_step() {
    let mut v = five_items();
    let items = v.store().list("c").unwrap();
    let by_step = |s: &str| {
        items
            .iter()
            .find(|i| i.step_id.as_deref() == Some(s))
            .unwrap()
    };
    let changed = by_step("s1");
    let gone = by_step("s3");
    std::fs::write(v.store().content_path(&changed.sha256), b"edited").unwrap();
    std::fs::remove_file(v.store().content_path(&gone.sha256)).unwrap();
    let issues = verify(&mut v);
    assert_eq!(issues.len(), 2, "{issues:?}");
    let (first, second) = if matches!(issues[0], VerifyIssue::ChangedFile { .. }) {
        (&issues[0], &issues[1])
    } else {
        (&issues[1], &issues[0])
    };
    match first {
        VerifyIssue::ChangedFile {
            item,
            actual_sha256,
            ..
        } => {
            assert_eq!(item.id, changed.id);
            assert_eq!(item.step_id.as_deref(), Some("s1"));
            assert_eq!(item.original_name, "f1.bin");
            assert_eq!(actual_sha256, &sha256_hex(b"edited"));
        }
        other => panic!("{other:?}"),
    }
    match second {
        VerifyIssue::MissingFile { item } => assert_eq!(item.id, gone.id),
        other => panic!("{other:?}"),
    }
    let msg = second.message(tuilu_core::Lang::Zh);
    assert!(msg.contains("文件缺失") && msg.contains("步骤 s3"), "{msg}");
}

#[test]
fn verify_reports_altered_missing_and_reordered_entries() {
    // Altered.
    let mut v = five_items();
    drop_guards(&v.conn);
    v.conn
        .execute(
            "UPDATE evidence_custody SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2",
            [],
        )
        .unwrap();
    let issues = verify(&mut v);
    assert!(
        matches!(&issues[..], [VerifyIssue::EntryAltered { seq: 2, item: Some(i) }] if i.step_id.as_deref() == Some("s1")),
        "{issues:?}"
    );

    // Missing: an entry removed from the middle (its item is then unlogged too).
    let mut v = five_items();
    drop_guards(&v.conn);
    v.conn
        .execute("DELETE FROM evidence_custody WHERE seq = 3", [])
        .unwrap();
    let issues = verify(&mut v);
    assert!(
        issues.contains(&VerifyIssue::EntriesMissing {
            from_seq: 3,
            to_seq: 3
        }),
        "{issues:?}"
    );
    assert!(issues.iter().any(|i| matches!(i, VerifyIssue::NotLogged { item, .. } if item.step_id.as_deref() == Some("s2"))));

    // Reordered: entries 2 and 4 trade places.
    let mut v = five_items();
    drop_guards(&v.conn);
    v.conn
        .execute_batch(
            "UPDATE evidence_custody SET seq = 100 WHERE seq = 2;
             UPDATE evidence_custody SET seq = 2 WHERE seq = 4;
             UPDATE evidence_custody SET seq = 4 WHERE seq = 100;",
        )
        .unwrap();
    let issues = verify(&mut v);
    assert!(
        issues
            .iter()
            .any(|i| matches!(i, VerifyIssue::EntryOutOfOrder { seq: 2, .. })),
        "{issues:?}"
    );

    // A row whose hash was edited to match a swapped file is caught against the log.
    let mut v = five_items();
    let it = v.store().list("c").unwrap().remove(0);
    let fake = sha256_hex(b"forged");
    let dir = v.root().join("evidence/sha256").join(&fake[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&fake), b"forged").unwrap();
    v.conn
        .execute(
            "UPDATE evidence_items SET sha256 = ?1, size = 6 WHERE id = ?2",
            [&fake, &it.id],
        )
        .unwrap();
    let issues = verify(&mut v);
    assert!(
        issues
            .iter()
            .any(|i| matches!(i, VerifyIssue::RecordMismatch { field, .. } if field == "sha256")),
        "{issues:?}"
    );
}

#[test]
fn verify_can_be_cancelled() {
    let mut v = five_items();
    let c = CancelFlag::new();
    c.cancel();
    assert!(matches!(
        v.store().verify(None, &NoProgress, &c, now()),
        Err(EvidenceError::Cancelled)
    ));
}

// --- crash recovery ---------------------------------------------------------------------

const CHILD_VAULT: &str = "TUILU_EVIDENCE_CHILD_VAULT";
const CHILD_POINT: &str = "TUILU_EVIDENCE_CHILD_POINT";

fn point(name: &str) -> CrashPoint {
    match name {
        "AddAfterTempWrite" => CrashPoint::AddAfterTempWrite,
        "AddAfterRename" => CrashPoint::AddAfterRename,
        "AddBeforeCommit" => CrashPoint::AddBeforeCommit,
        "AddAfterCommit" => CrashPoint::AddAfterCommit,
        "DeleteAfterTrash" => CrashPoint::DeleteAfterTrash,
        "DeleteAfterCommit" => CrashPoint::DeleteAfterCommit,
        other => panic!("unknown crash point {other}"),
    }
}

const CRASH_BYTES: &[u8] = b"the recharge screenshot";

/// Runs in a child process: performs an add or delete that dies at the given point.
#[test]
#[ignore = "run by crash_at_every_point_leaves_all_or_nothing in a child process"]
fn crash_child() {
    let (Ok(root), Ok(name)) = (std::env::var(CHILD_VAULT), std::env::var(CHILD_POINT)) else {
        return;
    };
    let root = Path::new(&root);
    let mut conn = open_conn(root);
    let mut store = EvidenceStore::new(&mut conn, root);
    store.crash_at = Some(point(&name));
    let item = NewItem::import("crash-case");
    if name.starts_with("Delete") {
        let id = store.list("crash-case").unwrap()[0].id.clone();
        store.delete(&id, now()).unwrap();
    } else {
        store
            .add_bytes(
                &item,
                "shot.png",
                CRASH_BYTES,
                &NoProgress,
                &CancelFlag::new(),
                now(),
            )
            .unwrap();
    }
    panic!("the crash point was not reached");
}

fn run_child(test: &str, envs: &[(&str, &str)], wrapper: Option<&str>) -> std::process::Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match wrapper {
        Some(script) => {
            let mut c = Command::new("bash");
            c.arg("-c").arg(script).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    cmd.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, val) in envs {
        cmd.env(k, val);
    }
    cmd.output().unwrap()
}

#[test]
fn crash_at_every_point_leaves_all_or_nothing() {
    for name in [
        "AddAfterTempWrite",
        "AddAfterRename",
        "AddBeforeCommit",
        "AddAfterCommit",
        "DeleteAfterTrash",
        "DeleteAfterCommit",
    ] {
        let mut v = Vault::new();
        let other = v.add("other-case", None, "keep.txt", b"already stored evidence");
        if name.starts_with("Delete") {
            v.add("crash-case", None, "shot.png", CRASH_BYTES);
        }
        let root = v.root();
        let out = run_child(
            "crash_child",
            &[(CHILD_VAULT, root.to_str().unwrap()), (CHILD_POINT, name)],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(CRASH_EXIT_CODE),
            "{name}: child did not crash where asked: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // Reopen, as the app would after the crash.
        v.conn = open_conn(&root);
        let report = v.store().recover(now()).unwrap();
        assert!(v.files_under("tmp").is_empty(), "{name}: temp files left");
        assert!(v.files_under("trash").is_empty(), "{name}: trash left");
        let live = v.store().list("crash-case").unwrap();
        let sha = sha256_hex(CRASH_BYTES);
        let file = v.store().content_path(&sha);
        let expect_item = match name {
            "AddAfterTempWrite" | "AddAfterRename" | "AddBeforeCommit" => false,
            "AddAfterCommit" | "DeleteAfterTrash" => true,
            _ => false, // DeleteAfterCommit
        };
        if expect_item {
            assert_eq!(live.len(), 1, "{name}");
            assert!(file.is_file(), "{name}: row without file");
            assert_eq!(std::fs::read(&file).unwrap(), CRASH_BYTES);
            let log = v.store().history(&live[0].id).unwrap();
            assert_eq!(log.last().unwrap().action, "add", "{name}");
        } else {
            assert!(live.is_empty(), "{name}: {live:?}");
            assert!(!file.exists(), "{name}: file without row");
        }
        if name == "AddAfterRename" || name == "AddBeforeCommit" {
            assert_eq!(report.orphans_removed, vec![sha.clone()], "{name}");
        }
        if name == "DeleteAfterTrash" {
            assert_eq!(report.restored_from_trash, vec![sha.clone()]);
        }
        // What was stored before is untouched, and everything verifies.
        assert_eq!(v.store().get(&other).unwrap().deleted_at, None);
        let r = v
            .store()
            .verify(None, &NoProgress, &CancelFlag::new(), now())
            .unwrap();
        assert!(r.intact, "{name}: {:?}", r.issues);
    }
}

#[test]
fn recover_adopts_used_files_and_removes_strays() {
    let mut v = Vault::new();
    let id = v.add("c", None, "a.txt", b"kept");
    let ev = v.root().join("evidence");
    std::fs::write(ev.join("tmp/add-1-2-3.part"), b"half").unwrap();
    let orphan = sha256_hex(b"orphan");
    std::fs::create_dir_all(ev.join("sha256").join(&orphan[..2])).unwrap();
    std::fs::write(
        ev.join("sha256").join(&orphan[..2]).join(&orphan),
        b"orphan",
    )
    .unwrap();
    std::fs::write(
        ev.join("sha256").join(&orphan[..2]).join("README"),
        b"not ours",
    )
    .unwrap();
    let r = v.store().recover(now()).unwrap();
    assert_eq!(r.temp_files_removed, 1);
    assert_eq!(r.orphans_removed, vec![orphan]);
    assert_eq!(r.content_files_kept, 1);
    assert!(r.missing_files.is_empty());
    assert!(v.store().content_path(&sha256_hex(b"kept")).is_file());
    assert!(ev
        .join("sha256")
        .join(&sha256_hex(b"orphan")[..2])
        .join("README")
        .exists());
    // A live row whose file vanished is reported, not hidden.
    std::fs::remove_file(v.store().content_path(&sha256_hex(b"kept"))).unwrap();
    assert_eq!(v.store().recover(now()).unwrap().missing_files, vec![id]);
}

// --- file-size limit ----------------------------------------------------------------------

/// Runs in a child under `ulimit -f 1024` (1 MiB) with SIGXFSZ ignored.
#[test]
#[ignore = "run by file_over_the_size_limit_fails_cleanly in a child process"]
fn ulimit_child() {
    let Ok(root) = std::env::var(CHILD_VAULT) else {
        return;
    };
    let root = Path::new(&root);
    let mut conn = open_conn(root);
    let mut store = EvidenceStore::new(&mut conn, root);
    let big = root.join("outside/big.mp4");
    let e = store
        .add_file(
            &NewItem::import("c"),
            &big,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, EvidenceError::FileTooLarge { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("大小上限") && msg.contains("file-size limit") && msg.contains("big.mp4"));
    println!("CHILD-OK: {msg}");
}

#[test]
fn file_over_the_size_limit_fails_cleanly() {
    let mut v = Vault::new();
    let kept = v.add("c", Some("s1"), "small.txt", b"small evidence");
    // Create the 2 MiB source before the limit applies (it is only read by the child).
    v.fixture("big.mp4", &noise(2 * 1024 * 1024, 3));
    let before = v.count("SELECT count(*) FROM evidence_custody");
    let out = run_child(
        "ulimit_child",
        &[(CHILD_VAULT, v.root().to_str().unwrap())],
        Some(r#"trap "" XFSZ; ulimit -f 1024; exec "$0" "$@""#),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("CHILD-OK"),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    v.conn = open_conn(&v.root());
    assert_eq!(v.count("SELECT count(*) FROM evidence_items"), 1);
    assert_eq!(v.count("SELECT count(*) FROM evidence_custody"), before);
    assert!(
        v.files_under("tmp").is_empty(),
        "partial file left: {:?}",
        v.files_under("tmp")
    );
    assert_eq!(v.files_under("sha256").len(), 1);
    assert_eq!(v.store().get(&kept).unwrap().deleted_at, None);
    let r = v
        .store()
        .verify(None, &NoProgress, &CancelFlag::new(), now())
        .unwrap();
    assert!(r.intact, "{:?}", r.issues);
}
