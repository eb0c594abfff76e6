//! Backup and restore through the core API: round trip, cancellation, concurrent writes,
//! bad input (each leaving the vault untouched), a full disk, and SIGKILL during restore.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use tuilu_core::backup::{
    clean_restore_leftovers, create_backup, create_backup_with_faults, inspect_backup,
    restore_backup, BackupError, CreateFaults, CreateOptions, RestoreOptions, RestorePoint,
};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress};
use tuilu_core::rules::Facts;
use tuilu_core::vault::Vault;

const PASS: &str = "correct horse battery staple";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

fn opts() -> CreateOptions {
    CreateOptions {
        app_version: "test".into(),
        scrypt_log_n: Some(10),
    }
}

/// A vault with `cases` cases and `files` evidence files (spread over the cases), plus an
/// imported holiday year and a rule flag. Returns the case ids.
fn make_vault(dir: &Path, cases: usize, files: usize, tag: &str) -> Vec<String> {
    let book = tuilu_core::load_bundled().unwrap();
    let v = Vault::open(dir, now()).unwrap();
    let sc = book.get("douyin.guild-exit").unwrap();
    let ids: Vec<String> = (0..cases)
        .map(|_| v.create_case(sc, &Facts::new(), now()).unwrap().id)
        .collect();
    for i in 0..files {
        let case = &ids[i % ids.len()];
        let bytes: Vec<u8> = format!("{tag} evidence {i} ")
            .bytes()
            .cycle()
            .take(500 + i * 97)
            .collect();
        v.with_connection_mut(|conn| {
            EvidenceStore::new(conn, dir).add_bytes(
                &NewItem::import(case.clone()),
                &format!("证据{i}.txt"),
                &bytes,
                &NoProgress,
                &CancelFlag::new(),
                now(),
            )
        })
        .unwrap();
    }
    v.flag_rule(sc, "await_review", "可能过时", now()).unwrap();
    let year = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/holidays-cn/2026.json"
    ))
    .unwrap();
    tuilu_core::calendar::import_year_into(&tuilu_core::calendar::calendar_dir(dir), &year)
        .unwrap();
    ids
}

/// Every file of the folder with its SHA-256 (SQLite's -wal/-shm side files left out).
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if rel.ends_with("-wal") || rel.ends_with("-shm") || rel.ends_with(".lock") {
                    continue;
                }
                out.insert(rel, hex(&Sha256::digest(fs::read(&p).unwrap())));
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What a user sees of a vault: cases with their views, evidence, verification, flags.
fn views(dir: &Path) -> serde_json::Value {
    let v = Vault::open(dir, now()).unwrap();
    let cases = v.list_cases(true, now()).unwrap();
    let shown: Vec<_> = cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "case": v.case(&c.id, now()).unwrap(),
                "journal": v.journal(&c.id).unwrap(),
            })
        })
        .collect();
    let evidence = v
        .with_connection_mut(|conn| {
            let store = EvidenceStore::new(conn, dir);
            let mut items = Vec::new();
            for c in &cases {
                items.extend(store.list(&c.id)?);
            }
            let report = store.verify(None, &NoProgress, &CancelFlag::new(), now())?;
            Ok::<_, tuilu_core::evidence::EvidenceError>((items, report))
        })
        .unwrap();
    assert!(evidence.1.intact, "{:?}", evidence.1.issues);
    serde_json::json!({
        "cases": cases,
        "shown": shown,
        "items": evidence.0,
        "verify": evidence.1,
        "flags": v.rule_flags(None).unwrap(),
        "calendar": fs::read_dir(dir.join("calendar")).map(|d| d.count()).unwrap_or(0),
    })
}

fn backup_of(dir: &Path, out: &Path) {
    create_backup(
        dir,
        out,
        PASS,
        &opts(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
}

#[test]
fn round_trip_into_a_new_folder_is_identical() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 4, 100, "a");
    let before = views(&src);
    let file = t.path().join("b.tuilu-backup");
    let r = create_backup(
        &src,
        &file,
        PASS,
        &opts(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert_eq!(r.manifest.counts.cases, 4);
    assert_eq!(r.manifest.counts.evidence_items, 100);
    assert_eq!(r.manifest.counts.holiday_years, 1);
    assert_eq!(r.manifest.counts.rule_flags, 1);
    assert_eq!(r.manifest.counts.custody_entries, 100);
    let inspected = inspect_backup(&file, PASS, &NoProgress, &CancelFlag::new()).unwrap();
    assert_eq!(inspected.manifest, r.manifest);
    assert_eq!(inspected.entries_checked, 102);

    let dst = t.path().join("restored");
    let done = std::sync::Mutex::new(Vec::new());
    let progress = |d: u64, total: u64| done.lock().unwrap().push((d, total));
    let rr = restore_backup(
        &file,
        PASS,
        &dst,
        &RestoreOptions::default(),
        &progress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert!(!rr.replaced);
    assert_eq!(rr.evidence_items_verified, 100);
    assert_eq!(views(&dst), before);
    let calls = done.into_inner().unwrap();
    assert_eq!(calls.last().map(|c| c.0 == c.1), Some(true));
    // Nothing left beside the vault but the two folders and the file.
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 3);
}

#[test]
fn restore_into_a_vault_with_cases_needs_replace_and_then_replaces() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("a");
    let b = t.path().join("b");
    make_vault(&a, 2, 5, "a");
    make_vault(&b, 3, 7, "b");
    let file = t.path().join("a.backup");
    backup_of(&a, &file);
    let b_before = tree(&b);
    let e = restore_backup(
        &file,
        PASS,
        &b,
        &RestoreOptions::default(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, BackupError::VaultHasContent { .. }), "{e}");
    assert!(e.message(tuilu_core::Lang::Zh).contains("3 个案件"), "{e}");
    assert_eq!(tree(&b), b_before);
    let replace = RestoreOptions {
        replace: true,
        ..RestoreOptions::default()
    };
    let r = restore_backup(
        &file,
        PASS,
        &b,
        &replace,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert!(r.replaced);
    assert_eq!(views(&b), views(&a));
    assert_eq!(
        fs::read_dir(t.path()).unwrap().count(),
        3,
        "the old vault is gone"
    );
}

#[test]
fn cancelled_create_leaves_no_file_and_cancelled_restore_no_folder() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 30, "c");
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    let cancel = CancelFlag::new();
    let c2 = cancel.clone();
    // The first report comes once the output (or staging folder) exists.
    let progress = move |_d: u64, _t: u64| c2.cancel();
    let file = out.join("b.backup");
    let e = create_backup(&src, &file, PASS, &opts(), &progress, &cancel, now()).unwrap_err();
    assert!(matches!(e, BackupError::Cancelled), "{e}");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
    assert!(!src.read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with(".backup-snapshot")));

    backup_of(&src, &file);
    let dst = t.path().join("dst");
    let cancel = CancelFlag::new();
    let c2 = cancel.clone();
    // The first report comes once the output (or staging folder) exists.
    let progress = move |_d: u64, _t: u64| c2.cancel();
    let e = restore_backup(
        &file,
        PASS,
        &dst,
        &RestoreOptions::default(),
        &progress,
        &cancel,
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, BackupError::Cancelled), "{e}");
    assert!(!dst.exists());
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 2);
}

/// A vault with the cases of [`make_vault`] and one more evidence file of `mib` MiB, so
/// that the backup stream spans many blocks.
fn make_big_vault(dir: &Path, mib: usize) {
    let ids = make_vault(dir, 1, 5, "big");
    let bytes: Vec<u8> = (0..mib << 20).map(|i| (i * 131 % 251) as u8).collect();
    let v = Vault::open(dir, now()).unwrap();
    v.with_connection_mut(|conn| {
        EvidenceStore::new(conn, dir).add_bytes(
            &NewItem::import(ids[0].clone()),
            "录屏.mp4",
            &bytes,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
    })
    .unwrap();
}

/// Nothing of a failed or cancelled backup is left: no file in `out_dir`, no snapshot or
/// record of a partial file in the vault's private area.
fn assert_nothing_left(out_dir: &Path, vault: &Path) {
    assert_eq!(fs::read_dir(out_dir).unwrap().count(), 0, "output left");
    let private: Vec<String> = fs::read_dir(vault.join(".tmp"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !private
            .iter()
            .any(|n| n.starts_with("snapshot-") || n.starts_with("part-")),
        "{private:?}"
    );
}

/// Every evidence original of the vault.
fn evidence_files(vault: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in fs::read_dir(vault.join("evidence/sha256"))
        .unwrap()
        .flatten()
    {
        for f in fs::read_dir(d.path()).unwrap().flatten() {
            out.push(f.path());
        }
    }
    out
}

#[test]
fn progress_runs_to_the_total_and_a_cancel_mid_stream_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_big_vault(&src, 6);
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    let file = out.join("b.backup");

    // Progress: from 0, never backwards, several reports over the 6 MiB, ending at the total.
    let calls = std::sync::Mutex::new(Vec::new());
    let progress = |d: u64, total: u64| calls.lock().unwrap().push((d, total));
    let r = create_backup(
        &src,
        &file,
        PASS,
        &opts(),
        &progress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls.first().map(|c| c.0), Some(0));
    assert!(calls.len() >= 6, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert_eq!(
        calls.last(),
        Some(&(r.manifest.counts.bytes, r.manifest.counts.bytes))
    );
    let inspected = inspect_backup(&file, PASS, &NoProgress, &CancelFlag::new()).unwrap();
    assert_eq!(inspected.manifest, r.manifest);
    fs::remove_file(&file).unwrap();

    // A cancel once 2 MiB went through (the writer thread busy): Cancelled, nothing left.
    let cancel = CancelFlag::new();
    let c2 = cancel.clone();
    let progress = move |d: u64, _t: u64| {
        if d >= 2 << 20 {
            c2.cancel();
        }
    };
    let e = create_backup(&src, &file, PASS, &opts(), &progress, &cancel, now()).unwrap_err();
    assert!(matches!(e, BackupError::Cancelled), "{e}");
    assert_nothing_left(&out, &src);
}

#[test]
fn a_full_disk_while_writing_is_no_space_and_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_big_vault(&src, 6);
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    let file = out.join("b.backup");
    // The writer thread fails in the middle of the stream, then right after age's header.
    for limit in [3 << 20, 200] {
        let faults = CreateFaults {
            fail_writes_after: Some(limit),
        };
        let e = create_backup_with_faults(
            &src,
            &file,
            PASS,
            &opts(),
            &faults,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
        assert!(matches!(e, BackupError::NoSpace), "{limit}: {e}");
        assert_eq!(e.kind().as_str(), "no_space");
        assert_nothing_left(&out, &src);
    }
    // Room again: the backup is made.
    backup_of(&src, &file);
    inspect_backup(&file, PASS, &NoProgress, &CancelFlag::new()).unwrap();
}

#[test]
fn a_file_changed_on_disk_during_the_backup_is_refused_and_nothing_is_left() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_big_vault(&src, 3);
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    let file = out.join("b.backup");
    // Once the stream has started, every original on disk gets one byte changed (same
    // size), as a faulty disk or another program would.
    let changed = std::sync::atomic::AtomicBool::new(false);
    let vault = src.clone();
    let progress = |_d: u64, _t: u64| {
        if !changed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            for p in evidence_files(&vault) {
                let mut perm = fs::metadata(&p).unwrap().permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perm.set_readonly(false);
                fs::set_permissions(&p, perm).unwrap();
                let mut bytes = fs::read(&p).unwrap();
                bytes[0] ^= 0xff;
                use std::io::Write;
                let mut f = fs::OpenOptions::new().write(true).open(&p).unwrap();
                f.write_all(&bytes).unwrap();
            }
        }
    };
    let e = create_backup(
        &src,
        &file,
        PASS,
        &opts(),
        &progress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, BackupError::EntryMismatch { .. }), "{e}");
    assert_eq!(e.kind().as_str(), "entry_mismatch");
    let text = e.to_string();
    assert!(text.contains("备份过程中文件被改动，请重试"), "{text}");
    assert!(
        text.contains("changed while it was being backed up"),
        "{text}"
    );
    assert_nothing_left(&out, &src);
}

#[test]
fn backup_while_the_app_writes_is_consistent() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 20, "w");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let src = src.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let book = tuilu_core::load_bundled().unwrap();
            let sc = book.get("douyin.guild-exit").unwrap();
            let v = Vault::open(&src, now()).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                v.create_case(sc, &Facts::new(), now()).unwrap();
                n += 1;
            }
            n
        })
    };
    let mut files = Vec::new();
    for i in 0..3 {
        let f = t.path().join(format!("b{i}"));
        backup_of(&src, &f);
        files.push(f);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(writer.join().unwrap() > 0);
    for (i, f) in files.iter().enumerate() {
        let dst = t.path().join(format!("r{i}"));
        let r = restore_backup(
            f,
            PASS,
            &dst,
            &RestoreOptions::default(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
        let v = Vault::open(&dst, now()).unwrap();
        assert_eq!(v.integrity_check().unwrap(), vec!["ok"]);
        assert_eq!(
            v.list_cases(true, now()).unwrap().len() as u64,
            r.manifest.counts.cases
        );
    }
}

/// Evidence deleted and added while backups are made (issue 23, item 2): every backup is
/// made, restores, and its evidence verifies. Before the files were pinned under a lock, a
/// file deleted between the database snapshot and its read failed the backup ("文件操作失败
/// （read）"; 19 of 26 in the report).
#[test]
fn backup_while_evidence_is_deleted_and_added_is_made_and_verifies() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    let cases = make_vault(&src, 1, 40, "d");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let src = src.clone();
        let stop = stop.clone();
        let case = cases[0].clone();
        std::thread::spawn(move || {
            let v = Vault::open(&src, now()).unwrap();
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                v.with_connection_mut(|conn| -> Result<(), ()> {
                    let mut store = EvidenceStore::new(conn, &src);
                    let first = store.list(&case).unwrap().remove(0);
                    store.delete(&first.id, now()).unwrap();
                    let bytes: Vec<u8> = format!("churn {n} ").bytes().cycle().take(4000).collect();
                    store
                        .add_bytes(
                            &NewItem::import(case.clone()),
                            &format!("新证据{n}.txt"),
                            &bytes,
                            &NoProgress,
                            &CancelFlag::new(),
                            now(),
                        )
                        .unwrap();
                    Ok(())
                })
                .unwrap();
                n += 1;
            }
            n
        })
    };
    let rounds = 12;
    let mut made = Vec::new();
    let mut failed = Vec::new();
    for i in 0..rounds {
        let f = t.path().join(format!("b{i}"));
        match create_backup(
            &src,
            &f,
            PASS,
            &opts(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        ) {
            Ok(_) => made.push(f),
            Err(e) => failed.push(e.to_string()),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let churned = churn.join().unwrap();
    assert!(churned > 0);
    assert!(
        failed.is_empty(),
        "{} of {rounds} backups failed while {churned} items were replaced: {failed:?}",
        failed.len()
    );
    for (i, f) in made.iter().enumerate() {
        let dst = t.path().join(format!("r{i}"));
        restore_backup(
            f,
            PASS,
            &dst,
            &RestoreOptions::default(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
        let v = Vault::open(&dst, now()).unwrap();
        let report = v
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &dst).verify(None, &NoProgress, &CancelFlag::new(), now())
            })
            .unwrap();
        assert!(report.intact, "backup {i}: {:?}", report.issues);
        // A snapshot may fall between a delete and the add that follows it.
        assert!(
            (39..=40).contains(&report.items_checked),
            "backup {i}: {}",
            report.items_checked
        );
    }
    // The pins are gone once the backups are made.
    let tmp = src.join("evidence").join("tmp");
    let left: Vec<_> = fs::read_dir(&tmp)
        .map(|d| d.flatten().count())
        .into_iter()
        .collect();
    assert!(left.iter().all(|n| *n == 0), "{left:?}");
}

/// Builds a backup from `manifest` JSON and entries with the age and tar crates directly.
fn forge(path: &Path, pass: &str, entries: &[(&str, Vec<u8>)]) {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o600);
        tar.append_data(&mut h, name, &bytes[..]).unwrap();
    }
    let plain = tar.into_inner().unwrap();
    let mut r = age::scrypt::Recipient::new(pass.to_owned().into());
    r.set_work_factor(10);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as _)).unwrap();
    let mut out = enc.wrap_output(Vec::new()).unwrap();
    std::io::Write::write_all(&mut out, &plain).unwrap();
    fs::write(path, out.finish().unwrap()).unwrap();
}

#[test]
fn bad_input_is_a_clear_error_and_leaves_the_vault_untouched() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    make_vault(&src, 2, 40, "s");
    let good = t.path().join("good.backup");
    backup_of(&src, &good);
    let bytes = fs::read(&good).unwrap();

    let vault = t.path().join("vault");
    make_vault(&vault, 1, 3, "v");
    let before = tree(&vault);
    let replace = RestoreOptions {
        replace: true,
        ..RestoreOptions::default()
    };
    let restore = |file: &Path, pass: &str| {
        restore_backup(
            file,
            pass,
            &vault,
            &replace,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err()
    };
    let check = |what: &str, e: BackupError, kind: &str| {
        assert_eq!(e.kind().as_str(), kind, "{what}: {e}");
        assert_eq!(tree(&vault), before, "{what}: vault changed");
        let left: Vec<_> = fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{what}: left {left:?}");
    };

    check(
        "wrong passphrase",
        restore(&good, "not it"),
        "wrong_passphrase",
    );

    for cut in [10, 100, bytes.len() / 2, bytes.len() - 1, bytes.len() - 17] {
        let f = t.path().join("cut.backup");
        fs::write(&f, &bytes[..cut]).unwrap();
        check(&format!("cut at {cut}"), restore(&f, PASS), "truncated");
        let e = inspect_backup(&f, PASS, &NoProgress, &CancelFlag::new()).unwrap_err();
        assert_eq!(e.kind().as_str(), "truncated");
    }

    // A changed byte in the encrypted payload (past the header), and in the header MAC.
    for at in [bytes.len() / 3, 400] {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        let f = t.path().join("changed.backup");
        fs::write(&f, &changed).unwrap();
        let e = restore(&f, PASS);
        assert!(
            matches!(e, BackupError::Damaged | BackupError::WrongPassphrase),
            "changed byte at {at}: {e}"
        );
        check(
            &format!("changed byte at {at}"),
            e,
            if at == 400 { e_kind(&f) } else { "damaged" },
        );
    }

    // A newer format.
    let manifest = serde_json::json!({"format": "tuilu-backup", "format_version": 99});
    let f = t.path().join("newer.backup");
    forge(
        &f,
        PASS,
        &[("manifest.json", serde_json::to_vec(&manifest).unwrap())],
    );
    let e = restore(&f, PASS);
    assert!(
        matches!(
            e,
            BackupError::NewerFormat {
                found: 99,
                supported: 1
            }
        ),
        "{e}"
    );
    check("newer format", e, "newer_format");

    // Not a backup: a plain file, an age file of something else, an empty file.
    let f = t.path().join("photo.jpg");
    fs::write(&f, b"\xff\xd8\xff\xe0 not a backup at all").unwrap();
    check("plain file", restore(&f, PASS), "not_a_backup");
    let f = t.path().join("other.age");
    forge(&f, PASS, &[("notes.txt", b"hello".to_vec())]);
    check("other age file", restore(&f, PASS), "not_a_backup");
    let f = t.path().join("empty");
    fs::write(&f, b"").unwrap();
    check("empty file", restore(&f, PASS), "not_a_backup");

    // A full disk while restoring (an injected writer failure).
    let full = RestoreOptions {
        replace: true,
        fail_writes_after: Some(64 << 10),
        ..RestoreOptions::default()
    };
    let e = restore_backup(
        &good,
        PASS,
        &vault,
        &full,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap_err();
    check("full disk", e, "no_space");

    // And the good backup still restores over it.
    restore_backup(
        &good,
        PASS,
        &vault,
        &replace,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert_eq!(views(&vault), views(&src));
}

/// The kind of error a header change gives (the MAC line: damaged; a stanza: it may
/// read as a wrong passphrase, which age cannot tell apart).
fn e_kind(f: &Path) -> &'static str {
    inspect_backup(f, PASS, &NoProgress, &CancelFlag::new())
        .unwrap_err()
        .kind()
        .as_str()
}

// ---- SIGKILL during restore --------------------------------------------------------------

const CHILD_ENV: &str = "TUILU_BACKUP_KILL_CHILD";

/// Not a test on its own: the restore process the kill test starts and kills.
#[test]
fn kill_child_restore() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let pause_at = RestorePoint::parse(parts[0]).map(|p| (p, PathBuf::from(parts[3])));
    let options = RestoreOptions {
        replace: true,
        pause_at,
        ..RestoreOptions::default()
    };
    let _ = restore_backup(
        Path::new(parts[1]),
        PASS,
        Path::new(parts[2]),
        &options,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    );
    fs::write(parts[3], b"finished").unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

fn spawn_child(point: &str, file: &Path, vault: &Path, marker: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "kill_child_restore",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            CHILD_ENV,
            format!(
                "{point}|{}|{}|{}",
                file.display(),
                vault.display(),
                marker.display()
            ),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for(marker: &Path, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if marker.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn sigkill_during_restore_leaves_a_usable_vault() {
    let t = tempfile::tempdir().unwrap();
    let old = t.path().join("old-src");
    let new = t.path().join("new-src");
    make_vault(&old, 2, 10, "old");
    make_vault(&new, 3, 60, "new");
    let old_views = views(&old);
    let new_views = views(&new);
    let file = t.path().join("new.backup");
    backup_of(&new, &file);
    let vault = t.path().join("live");

    let reset = || {
        let _ = fs::remove_dir_all(&vault);
        let _ = clean_restore_leftovers(&vault);
        copy_dir(&old, &vault);
    };
    // At named points: before the swap the old vault is live, after it the new one.
    for (point, expect_new) in [("staging", false), ("verified", false), ("swapped", true)] {
        reset();
        let marker = t.path().join(format!("marker-{point}"));
        let mut child = spawn_child(point, &file, &vault, &marker);
        assert!(
            wait_for(&marker, Duration::from_secs(60)),
            "{point}: child never paused"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let seen = views(&vault);
        assert_eq!(
            seen,
            if expect_new {
                new_views.clone()
            } else {
                old_views.clone()
            },
            "{point}"
        );
        // Leftovers are removed by the next restore, which then succeeds.
        restore_backup(
            &file,
            PASS,
            &vault,
            &RestoreOptions {
                replace: true,
                ..Default::default()
            },
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
        assert_eq!(views(&vault), new_views, "{point}: restore after the kill");
        assert_eq!(
            fs::read_dir(t.path())
                .unwrap()
                .filter(|e| e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.'))
                .count(),
            0
        );
    }
    // At random moments.
    let mut seed = now().timestamp() as u64 ^ std::process::id() as u64;
    for round in 0..6 {
        reset();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis((seed >> 33) % 400);
        let marker = t.path().join(format!("marker-random-{round}"));
        let mut child = spawn_child("none", &file, &vault, &marker);
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        let seen = views(&vault);
        assert!(
            seen == old_views || seen == new_views,
            "round {round} after {delay:?}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

#[test]
fn a_passphrase_guessed_in_moments_is_refused_and_nothing_is_written() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 2, "w");
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    // The last four are in every cracking list; the meter before zxcvbn accepted them.
    for weak in [
        "123456",
        "5201314",
        "19900101",
        "abc",
        "Password1!",
        "P@ssw0rd",
        "qwerty123",
        "woaini1314520",
    ] {
        let e = create_backup(
            &src,
            &out.join("b.backup"),
            weak,
            &opts(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
        assert_eq!(e.kind().as_str(), "weak_passphrase", "{weak}: {e}");
        assert!(e.message(tuilu_core::Lang::Zh).contains("生日"), "{e}");
        assert!(!e.message(tuilu_core::Lang::Zh).contains("weak"), "{e}");
    }
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
}

/// The scrypt stanza of an age file's header: `-> scrypt SALT LOG_N`.
fn scrypt_stanza(file: &Path) -> String {
    let header = fs::read(file).unwrap();
    let header = String::from_utf8_lossy(&header[..200]).into_owned();
    header
        .lines()
        .find(|l| l.starts_with("-> scrypt "))
        .expect("an scrypt stanza")
        .to_string()
}

#[test]
fn the_work_factor_is_fixed_and_out_of_range_factors_are_refused() {
    use tuilu_core::backup::{DEFAULT_SCRYPT_LOG_N, MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N};
    // New backups use age's default whatever the machine; files from the Go `age` tool
    // (always 18) open with a step of margin; tests may go down to 10, nothing lower.
    assert_eq!(DEFAULT_SCRYPT_LOG_N, 18);
    assert_eq!(MAX_SCRYPT_LOG_N, 19);
    assert_eq!(MIN_SCRYPT_LOG_N, 10);
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 1, "f");
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    let with = |n: u8| {
        create_backup(
            &src,
            &out.join(format!("b{n}.backup")),
            PASS,
            &CreateOptions {
                app_version: "test".into(),
                scrypt_log_n: Some(n),
            },
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
    };
    // 0 and 64 made the age crate panic; 1 was accepted (issue 23).
    for n in [0, 1, 9, 20, 64, 255] {
        let e = with(n).unwrap_err();
        assert!(
            matches!(e, BackupError::WorkFactorOutOfRange { requested, min: 10, max: 19 } if requested == n),
            "{n}: {e:?}"
        );
        assert!(e.message(tuilu_core::Lang::Zh).contains("10–19"), "{e}");
    }
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
    let made = with(11).unwrap();
    assert_eq!(scrypt_stanza(&made.path).split(' ').nth(3), Some("11"));
}

#[test]
fn a_header_above_the_maximum_is_refused_before_any_work() {
    // A header edited to ask for 2^20 cost 27 s and 1 GB before "wrong passphrase"; to
    // 2^63, forever. Refused at once, with the memory it would take, in words.
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 1, "h");
    let good = t.path().join("good.backup");
    backup_of(&src, &good);
    let stanza = scrypt_stanza(&good);
    let bytes = fs::read(&good).unwrap();
    for n in [20u8, 40, 63] {
        let edited = format!("{} {n}", stanza.rsplit_once(' ').unwrap().0);
        let forged = t.path().join(format!("forged{n}.backup"));
        let text = bytes
            .windows(stanza.len())
            .position(|w| w == stanza.as_bytes())
            .unwrap();
        let mut b = bytes[..text].to_vec();
        b.extend_from_slice(edited.as_bytes());
        b.extend_from_slice(&bytes[text + stanza.len()..]);
        fs::write(&forged, b).unwrap();
        let e = inspect_backup(&forged, PASS, &NoProgress, &CancelFlag::new()).unwrap_err();
        assert!(
            matches!(e, BackupError::TooCostly { required, maximum: 19 } if required == n),
            "{n}: {e:?}"
        );
        let zh = e.message(tuilu_core::Lang::Zh);
        assert!(zh.contains("512 MB") && !zh.contains("work"), "{zh}");
        if n == 20 {
            assert!(zh.contains("1024 MB"), "{zh}");
        }
        let vault = t.path().join(format!("v{n}"));
        let e = restore_backup(
            &forged,
            PASS,
            &vault,
            &RestoreOptions::default(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
        assert_eq!(e.kind().as_str(), "too_costly");
    }
}

#[test]
fn a_recovery_code_opens_the_backup_however_it_is_typed() {
    use tuilu_core::backup::generate_recovery_code;
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 1, "c");
    let file = t.path().join("b.backup");
    let code = generate_recovery_code().unwrap();
    create_backup(
        &src,
        &file,
        &code,
        &opts(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let wide: String = digits
        .chars()
        .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect();
    for typed in [
        code.clone(),
        digits.clone(),
        code.replace(' ', "-"),
        format!("{}\n{}", &code[..17], &code[18..]),
        wide,
    ] {
        inspect_backup(&file, &typed, &NoProgress, &CancelFlag::new())
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
    }
    let mut wrong = digits.into_bytes();
    wrong[0] = if wrong[0] == b'9' { b'0' } else { wrong[0] + 1 };
    let wrong = String::from_utf8(wrong).unwrap();
    let e = inspect_backup(&file, &wrong, &NoProgress, &CancelFlag::new()).unwrap_err();
    assert_eq!(e.kind().as_str(), "wrong_passphrase");
}

#[test]
fn an_ascii_armoured_age_file_is_read() {
    // `age -a -p` writes the same age file in base64 between BEGIN/END lines; it was
    // called "not a Tuilu backup file" (issue 23).
    use std::io::{Read, Write};
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("vault");
    make_vault(&src, 1, 2, "a");
    let binary = t.path().join("b.backup");
    backup_of(&src, &binary);
    let mut identity = age::scrypt::Identity::new(PASS.to_owned().into());
    identity.set_max_work_factor(10);
    let mut plain = Vec::new();
    age::Decryptor::new(&fs::read(&binary).unwrap()[..])
        .unwrap()
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    let mut r = age::scrypt::Recipient::new(PASS.to_owned().into());
    r.set_work_factor(10);
    let armored =
        age::armor::ArmoredWriter::wrap_output(Vec::new(), age::armor::Format::AsciiArmor).unwrap();
    let mut w = age::Encryptor::with_recipients(std::iter::once(&r as _))
        .unwrap()
        .wrap_output(armored)
        .unwrap();
    w.write_all(&plain).unwrap();
    let text = w.finish().unwrap().finish().unwrap();
    assert!(text.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n"));
    let file = t.path().join("armoured.age");
    fs::write(&file, &text).unwrap();

    let report = inspect_backup(&file, PASS, &NoProgress, &CancelFlag::new()).unwrap();
    assert_eq!(report.entries_checked, 3 + 1);
    let restored = t.path().join("restored");
    restore_backup(
        &file,
        PASS,
        &restored,
        &RestoreOptions::default(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert_eq!(views(&restored), views(&src));
    assert_eq!(
        inspect_backup(&file, "wrong guess", &NoProgress, &CancelFlag::new())
            .unwrap_err()
            .kind()
            .as_str(),
        "wrong_passphrase"
    );

    // Armour with a broken line (not wrapped at 64 columns): named as armour.
    let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    let mut broken = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        broken.extend_from_slice(if i == 1 { &l[..40] } else { l });
        broken.push(b'\n');
    }
    let bad = t.path().join("broken.age");
    fs::write(&bad, &broken).unwrap();
    let e = inspect_backup(&bad, PASS, &NoProgress, &CancelFlag::new()).unwrap_err();
    assert_eq!(e.kind().as_str(), "damaged_armor", "{e}");
    assert!(
        e.message(tuilu_core::Lang::Zh).contains("age 加密文件"),
        "{e}"
    );
    // Cut in the middle: incomplete.
    let cut = t.path().join("cut.age");
    fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let e = inspect_backup(&cut, PASS, &NoProgress, &CancelFlag::new()).unwrap_err();
    assert!(
        matches!(e.kind().as_str(), "truncated" | "damaged_armor"),
        "{e}"
    );
}
