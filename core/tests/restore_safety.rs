//! Restore touches only what it owns, and killed runs leave nothing behind.
//!
//! - A target that is a file, or a folder holding anything a vault does not hold, is
//!   refused with or without replace, and is byte-for-byte unchanged afterwards.
//! - A vault with any content (not only cases) needs replace; an empty one does not.
//! - A backup carrying files a vault does not hold is refused.
//! - The two-rename fallback (for systems without an atomic swap) never leaves the user
//!   without a vault: killed between its renames, the next open puts the old vault back.
//! - A killed backup leaves its temporary output and its database snapshot only until the
//!   next open, and the snapshot only in the vault's private area (0700/0600).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use tuilu_core::backup::{
    create_backup, restore_backup, BackupError, BackupErrorKind, CreateOptions, RestoreOptions,
    RestorePoint,
};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress, Progress};
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

fn replace() -> RestoreOptions {
    RestoreOptions {
        replace: true,
        ..RestoreOptions::default()
    }
}

/// A vault with `cases` cases and one evidence file of `evidence_bytes` bytes (none for 0).
fn make_vault(dir: &Path, cases: usize, evidence_bytes: usize) {
    let book = tuilu_core::load_bundled().unwrap();
    let v = Vault::open(dir, now()).unwrap();
    let sc = book.get("douyin.guild-exit").unwrap();
    let ids: Vec<String> = (0..cases)
        .map(|_| v.create_case(sc, &Facts::new(), now()).unwrap().id)
        .collect();
    if evidence_bytes > 0 {
        let bytes: Vec<u8> = (0..evidence_bytes).map(|i| (i * 7 % 251) as u8).collect();
        let case = ids.first().cloned().unwrap_or_else(|| "x".into());
        v.with_connection_mut(|conn| {
            EvidenceStore::new(conn, dir).add_bytes(
                &NewItem::import(case),
                "录屏.mp4",
                &bytes,
                &NoProgress,
                &CancelFlag::new(),
                now(),
            )
        })
        .unwrap();
    }
}

fn case_count(dir: &Path) -> usize {
    Vault::open(dir, now())
        .unwrap()
        .list_cases(true, now())
        .unwrap()
        .len()
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

fn restore(file: &Path, target: &Path, options: &RestoreOptions) -> Result<(), BackupError> {
    restore_backup(
        file,
        PASS,
        target,
        options,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .map(|_| ())
}

/// Every entry below `dir` (files with their SHA-256 and mode, folders with their mode).
fn checksum(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, p: &Path, out: &mut BTreeMap<String, String>) {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::symlink_metadata(p).unwrap();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let mode = meta.permissions().mode() & 0o7777;
        if meta.is_dir() {
            out.insert(format!("{rel}/"), format!("{mode:o}"));
            for e in fs::read_dir(p).unwrap().flatten() {
                walk(root, &e.path(), out);
            }
        } else {
            let sha: String = Sha256::digest(fs::read(p).unwrap())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            out.insert(rel, format!("{mode:o} {sha}"));
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Names in `dir` that start with a dot (staging folders, temporary files).
fn hidden(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_of_other_files_is_refused_with_or_without_replace_and_left_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    make_vault(&src, 2, 1000);
    // The user's Downloads: documents, photos, and the backup file itself.
    let downloads = t.path().join("Downloads");
    fs::create_dir_all(downloads.join("photos")).unwrap();
    fs::write(downloads.join("个税.pdf"), b"%PDF tax").unwrap();
    fs::write(downloads.join("photos").join("a.jpg"), b"jpeg").unwrap();
    let file = downloads.join("退路备份.tuilu-backup");
    backup_of(&src, &file);
    let before = checksum(&downloads);
    for options in [RestoreOptions::default(), replace()] {
        let e = restore(&file, &downloads, &options).unwrap_err();
        assert!(matches!(e, BackupError::TargetNotAVault { .. }), "{e}");
        assert_eq!(e.kind(), BackupErrorKind::TargetNotAVault);
        let zh = e.message(tuilu_core::Lang::Zh);
        assert!(zh.contains("个税.pdf") && zh.contains("photos/"), "{zh}");
        assert!(zh.contains("不会删除"), "{zh}");
        assert_eq!(checksum(&downloads), before);
    }
    // A vault database beside the user's files does not make the folder a vault to replace.
    let mixed = t.path().join("mixed");
    fs::create_dir(&mixed).unwrap();
    make_vault(&mixed, 1, 0);
    fs::write(mixed.join("简历.docx"), b"cv").unwrap();
    let before = checksum(&mixed);
    let e = restore(&file, &mixed, &replace()).unwrap_err();
    assert!(matches!(e, BackupError::TargetNotAVault { .. }), "{e}");
    assert_eq!(checksum(&mixed), before);
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));
}

#[test]
fn a_regular_file_is_never_turned_into_a_vault() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    make_vault(&src, 1, 0);
    let file = t.path().join("b.tuilu-backup");
    backup_of(&src, &file);
    let target = t.path().join("notes.txt");
    fs::write(&target, "我的笔记").unwrap();
    for options in [RestoreOptions::default(), replace()] {
        let e = restore(&file, &target, &options).unwrap_err();
        assert!(matches!(e, BackupError::TargetNotAFolder { .. }), "{e}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "我的笔记");
    }
    // And opening it as a vault says so, in one language at a time.
    let e = Vault::open(&target, now()).unwrap_err();
    let zh = tuilu_core::app::vault_words(&e, tuilu_core::Lang::Zh);
    assert!(zh.contains("是一个文件"), "{zh}");
    assert!(!zh.contains("file"), "{zh}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "我的笔记");
}

#[test]
fn any_content_needs_replace_and_an_empty_vault_does_not() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    make_vault(&src, 2, 0);
    let file = t.path().join("b.tuilu-backup");
    backup_of(&src, &file);
    let book = tuilu_core::load_bundled().unwrap();
    let sc = book.get("douyin.guild-exit").unwrap();

    // Content without a single case: a flag, an imported year, an evidence item.
    let with_flag = t.path().join("flag");
    Vault::open(&with_flag, now())
        .unwrap()
        .flag_rule(sc, "await_review", "可能过时", now())
        .unwrap();
    let with_year = t.path().join("year");
    Vault::open(&with_year, now()).unwrap();
    let year = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/holidays-cn/2026.json"
    ))
    .unwrap();
    tuilu_core::calendar::import_year_into(&tuilu_core::calendar::calendar_dir(&with_year), &year)
        .unwrap();
    // An original in the evidence store that no record names any more.
    let with_item = t.path().join("item");
    Vault::open(&with_item, now()).unwrap();
    let sha: String = Sha256::digest(b"png bytes")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let orphan = with_item.join("evidence/sha256").join(&sha[..2]);
    fs::create_dir_all(&orphan).unwrap();
    fs::write(orphan.join(&sha), b"png bytes").unwrap();

    for (dir, what) in [
        (&with_flag, "条其他记录"),
        (&with_year, "个导入的节假日年份"),
        (&with_item, "证据"),
    ] {
        let before = checksum(dir);
        let e = restore(&file, dir, &RestoreOptions::default()).unwrap_err();
        assert!(matches!(e, BackupError::VaultHasContent { .. }), "{e}");
        assert_eq!(e.kind(), BackupErrorKind::VaultHasCases);
        let zh = e.message(tuilu_core::Lang::Zh);
        assert!(zh.contains(what), "{zh}");
        assert!(
            !zh.contains("--replace"),
            "the core names no CLI flag: {zh}"
        );
        assert_eq!(checksum(dir), before, "{}", dir.display());
        restore(&file, dir, &replace()).unwrap();
        assert_eq!(case_count(dir), 2);
    }

    // A vault the app just created (nothing in it) and an empty folder: no replace needed.
    let fresh = t.path().join("fresh");
    Vault::open(&fresh, now()).unwrap();
    restore(&file, &fresh, &RestoreOptions::default()).unwrap();
    assert_eq!(case_count(&fresh), 2);
    let empty = t.path().join("empty");
    fs::create_dir(&empty).unwrap();
    restore(&file, &empty, &RestoreOptions::default()).unwrap();
    assert_eq!(case_count(&empty), 2);
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));
}

/// Builds a backup from entries with the age and tar crates directly.
fn forge(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o600);
        tar.append_data(&mut h, name, &bytes[..]).unwrap();
    }
    let plain = tar.into_inner().unwrap();
    let mut r = age::scrypt::Recipient::new(PASS.to_owned().into());
    r.set_work_factor(10);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as _)).unwrap();
    let mut out = enc.wrap_output(Vec::new()).unwrap();
    std::io::Write::write_all(&mut out, &plain).unwrap();
    fs::write(path, out.finish().unwrap()).unwrap();
}

/// Reads a real backup's tar entries (manifest first).
fn entries_of(file: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = fs::read(file).unwrap();
    let d = age::Decryptor::new(&bytes[..]).unwrap();
    let id = age::scrypt::Identity::new(PASS.to_owned().into());
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut d
            .decrypt(std::iter::once(&id as &dyn age::Identity))
            .unwrap(),
        &mut plain,
    )
    .unwrap();
    let mut a = tar::Archive::new(&plain[..]);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut b).unwrap();
            (name, b)
        })
        .collect()
}

#[test]
fn files_a_vault_does_not_hold_make_a_backup_unreadable() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    make_vault(&src, 1, 0);
    let file = t.path().join("b.tuilu-backup");
    backup_of(&src, &file);
    let real = entries_of(&file);
    // Planted junk, listed in the manifest with its right hash, under three disguises.
    for (path, kind) in [
        ("vault/run.sh", "other"),
        ("vault/calendar/x2026.json", "holiday_year"),
        ("vault/packs/.hidden.json", "rule_pack"),
        ("vault/evidence/sha256/00/notahash", "evidence"),
        ("vault/settings.json.bak", "other"),
    ] {
        let junk = b"#!/bin/sh\nrm -rf ~\n".to_vec();
        let sha: String = Sha256::digest(&junk)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut manifest: serde_json::Value = serde_json::from_slice(&real[0].1).unwrap();
        manifest["entries"].as_array_mut().unwrap().push(
            serde_json::json!({"path": path, "kind": kind, "size": junk.len(), "sha256": sha}),
        );
        manifest["counts"]["entries"] = (real.len()).into();
        let mut entries: Vec<(&str, Vec<u8>)> =
            vec![("manifest.json", serde_json::to_vec(&manifest).unwrap())];
        entries.extend(real[1..].iter().map(|(n, b)| (n.as_str(), b.clone())));
        entries.push((path, junk));
        let forged = t.path().join("forged.tuilu-backup");
        forge(&forged, &entries);
        let target = t.path().join("target");
        let e = restore(&forged, &target, &RestoreOptions::default()).unwrap_err();
        assert!(
            matches!(e, BackupError::EntryMismatch { .. }),
            "{path}: {e}"
        );
        assert!(!target.exists(), "{path}");
        let zh = e.message(tuilu_core::Lang::Zh);
        assert!(!zh.contains("not a file"), "no English in Chinese: {zh}");
        fs::remove_file(&forged).unwrap();
    }
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));
}

#[test]
fn the_rename_fallback_replaces_the_vault_and_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (old, new) = (t.path().join("old"), t.path().join("new"));
    make_vault(&old, 1, 2000);
    make_vault(&new, 3, 3000);
    let file = t.path().join("new.tuilu-backup");
    backup_of(&new, &file);
    let options = RestoreOptions {
        replace: true,
        force_rename_fallback: true,
        ..RestoreOptions::default()
    };
    restore(&file, &old, &options).unwrap();
    assert_eq!(case_count(&old), 3);
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));
    assert!(
        fs::read_dir(old.join(".tmp")).map_or(0, |d| d.count()) == 0,
        "no marker left"
    );
}

// ---- processes killed mid-way ------------------------------------------------------------

const CHILD_ENV: &str = "TUILU_RESTORE_SAFETY_CHILD";

/// Not a test on its own: the process the kill tests start. `restore|<point>|file|vault|marker`
/// pauses a restore at a point; `create|vault|out|marker` makes a backup and dies (as a
/// kill would: no destructors) once half of it is written.
#[test]
fn child_process() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let p: Vec<&str> = spec.split('|').collect();
    match p[0] {
        "restore" => {
            let options = RestoreOptions {
                replace: true,
                force_rename_fallback: true,
                pause_at: RestorePoint::parse(p[1]).map(|x| (x, PathBuf::from(p[4]))),
                ..RestoreOptions::default()
            };
            let _ = restore(Path::new(p[2]), Path::new(p[3]), &options);
            fs::write(p[4], b"finished").unwrap();
        }
        "create" => {
            struct DieHalfway(PathBuf);
            impl Progress for DieHalfway {
                fn on_progress(&self, done: u64, total: u64) {
                    if done > 0 && done * 2 >= total && done < total {
                        fs::write(&self.0, b"dying").unwrap();
                        std::process::exit(9); // no destructors run, as in a kill
                    }
                }
            }
            let _ = create_backup(
                Path::new(p[1]),
                Path::new(p[2]),
                PASS,
                &opts(),
                &DieHalfway(PathBuf::from(p[3])),
                &CancelFlag::new(),
                now(),
            );
        }
        _ => unreachable!(),
    }
    std::thread::sleep(Duration::from_secs(60));
}

fn spawn(spec: String) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, spec)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for(marker: &Path) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if marker.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn killed_between_the_fallbacks_renames_the_next_open_puts_the_old_vault_back() {
    let t = tempfile::tempdir().unwrap();
    let (vault, new) = (t.path().join("vault"), t.path().join("new"));
    make_vault(&vault, 2, 2000);
    make_vault(&new, 5, 3000);
    let file = t.path().join("new.tuilu-backup");
    backup_of(&new, &file);
    let before = checksum(&vault);

    let marker = t.path().join("marker-aside");
    let mut child = spawn(format!(
        "restore|fallback-moved-aside|{}|{}|{}",
        file.display(),
        vault.display(),
        marker.display()
    ));
    assert!(wait_for(&marker), "the restore never reached the window");
    child.kill().unwrap();
    child.wait().unwrap();
    // The window: no folder at the vault's path, the old vault aside.
    assert!(!vault.exists());
    let aside = hidden(t.path());
    assert_eq!(aside.len(), 2, "{aside:?}"); // the old vault aside and the staged new one
    assert!(aside.iter().any(|n| n.starts_with(".vault.restore-old-")));

    // The next open (any command) puts the old vault back, whole, and cleans the rest.
    assert_eq!(case_count(&vault), 2);
    let mut after = checksum(&vault);
    let mut expected = before.clone();
    for m in [&mut after, &mut expected] {
        m.retain(|k, _| !k.contains("-wal") && !k.contains("-shm") && !k.contains(".tmp"));
        m.remove(".lock"); // lock files are recreated
        m.remove("evidence/.lock");
    }
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));

    // Killed after the second rename: the new vault is in place; the next open removes
    // the old one, and only it.
    let marker = t.path().join("marker-swapped");
    let mut child = spawn(format!(
        "restore|swapped|{}|{}|{}",
        file.display(),
        vault.display(),
        marker.display()
    ));
    assert!(wait_for(&marker));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(case_count(&vault), 5);
    assert!(hidden(t.path()).is_empty(), "{:?}", hidden(t.path()));
}

#[test]
fn a_killed_backup_leaves_nothing_after_the_next_open() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    make_vault(&vault, 2, 6 << 20);
    let outdir = t.path().join("out");
    fs::create_dir(&outdir).unwrap();
    let out = outdir.join("b.tuilu-backup");
    let marker = t.path().join("marker-create");
    let mut child = spawn(format!(
        "create|{}|{}|{}",
        vault.display(),
        out.display(),
        marker.display()
    ));
    assert!(wait_for(&marker), "the backup never got halfway");
    let _ = child.wait();
    // What the killed run left: a partial encrypted file beside the output, and the
    // database snapshot in the vault's private area, owner-only, nowhere else.
    let parts = hidden(&outdir);
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert!(parts[0].ends_with(".part"));
    assert!(!out.exists());
    assert!(
        hidden(&vault).iter().all(|n| n == ".tmp"),
        "{:?}",
        hidden(&vault)
    );
    let tmp = vault.join(".tmp");
    let snapshots: Vec<_> = fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("snapshot-"))
        .collect();
    assert_eq!(snapshots.len(), 1);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&tmp), 0o700);
        assert_eq!(mode(&snapshots[0].path()), 0o600);
        assert_eq!(mode(&outdir.join(&parts[0])), 0o600);
    }
    // The next open removes both; the user's other files beside the output stay.
    fs::write(outdir.join(".profile"), b"mine").unwrap();
    fs::write(outdir.join(".tuilu-backup-notes.txt"), b"mine too").unwrap();
    Vault::open(&vault, now()).unwrap();
    assert_eq!(
        hidden(&outdir),
        vec![
            ".profile".to_string(),
            ".tuilu-backup-notes.txt".to_string()
        ]
    );
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);
    // And the next backup works.
    backup_of(&vault, &out);
}

#[test]
fn a_backup_is_not_written_inside_the_vault() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    make_vault(&vault, 1, 0);
    for out in [
        vault.join("b.tuilu-backup"),
        vault.join("calendar").join("b.tuilu-backup"),
    ] {
        let e = create_backup(
            &vault,
            &out,
            PASS,
            &opts(),
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
        assert!(matches!(e, BackupError::OutputInsideVault), "{e}");
        assert!(!out.exists());
    }
    // Files that are not the vault's are not carried into a backup.
    fs::create_dir_all(vault.join("packs")).unwrap();
    fs::write(vault.join("stray.txt"), b"not the vault's").unwrap();
    fs::write(vault.join("packs").join("notes.txt"), b"not a pack").unwrap();
    let out = t.path().join("b.tuilu-backup");
    backup_of(&vault, &out);
    let names: Vec<String> = entries_of(&out).into_iter().map(|(n, _)| n).collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("stray") && !n.contains("notes")),
        "{names:?}"
    );
}

#[test]
fn the_vault_folder_and_database_are_owner_only_whatever_they_were() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    fs::create_dir(&vault).unwrap();
    fs::set_permissions(&vault, fs::Permissions::from_mode(0o755)).unwrap();
    make_vault(&vault, 1, 0);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&vault), 0o700);
    assert_eq!(mode(&vault.join("tuilu.sqlite3")), 0o600);
    // Loosened by someone else: back to owner-only at the next open.
    fs::set_permissions(&vault, fs::Permissions::from_mode(0o777)).unwrap();
    fs::set_permissions(
        vault.join("tuilu.sqlite3"),
        fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    Vault::open(&vault, now()).unwrap();
    assert_eq!(mode(&vault), 0o700);
    assert_eq!(mode(&vault.join("tuilu.sqlite3")), 0o600);
    // A restored vault too.
    let file = t.path().join("b.tuilu-backup");
    backup_of(&vault, &file);
    let restored = t.path().join("restored");
    restore(&file, &restored, &RestoreOptions::default()).unwrap();
    assert_eq!(mode(&restored), 0o700);
    assert_eq!(mode(&restored.join("tuilu.sqlite3")), 0o600);
}

/// Writers keep creating cases (each through its own vault handle, as another app instance
/// or a notification action would) while a restore replaces the vault. No write that was
/// reported as saved after the restore began may be missing afterwards: while the restore
/// runs they are refused (busy), and a handle opened before the restore refuses to write
/// into the replaced vault until it is opened again.
#[test]
fn writes_during_a_restore_are_refused_never_lost() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let t = tempfile::tempdir().unwrap();
    let (vault, new) = (t.path().join("vault"), t.path().join("new"));
    make_vault(&vault, 1, 0);
    make_vault(&new, 2, 8 << 20);
    let file = t.path().join("new.tuilu-backup");
    backup_of(&new, &file);

    let started = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    // (case id, acknowledged after the restore began)
    let saved: Arc<Mutex<Vec<(String, bool)>>> = Arc::default();
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (vault, started, finished, saved, refused) = (
                vault.clone(),
                started.clone(),
                finished.clone(),
                saved.clone(),
                refused.clone(),
            );
            std::thread::spawn(move || {
                let book = tuilu_core::load_bundled().unwrap();
                let sc = book.get("douyin.guild-exit").unwrap();
                let mut handle = Vault::open(&vault, now()).ok();
                let mut after_finish = 0;
                while after_finish < 5 {
                    if finished.load(Ordering::SeqCst) {
                        after_finish += 1;
                    }
                    let Some(v) = handle.as_ref() else {
                        match Vault::open(&vault, now()) {
                            Ok(v) => handle = Some(v),
                            Err(e) => refused
                                .lock()
                                .unwrap()
                                .push(tuilu_core::app::vault_words(&e, tuilu_core::Lang::Zh)),
                        }
                        continue;
                    };
                    match v.create_case(sc, &Facts::new(), now()) {
                        Ok(c) => saved
                            .lock()
                            .unwrap()
                            .push((c.id, started.load(Ordering::SeqCst))),
                        Err(e) => {
                            refused
                                .lock()
                                .unwrap()
                                .push(tuilu_core::app::vault_words(&e, tuilu_core::Lang::Zh));
                            // Open again (as the app does when its vault was replaced).
                            handle = Vault::open(&vault, now()).ok();
                        }
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        })
        .collect();
    // The writers are under way before the restore begins.
    while saved.lock().unwrap().len() < 6 {
        std::thread::sleep(Duration::from_millis(5));
    }
    struct Began(Arc<AtomicBool>);
    impl Progress for Began {
        fn on_progress(&self, _: u64, _: u64) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    restore_backup(
        &file,
        PASS,
        &vault,
        &replace(),
        &Began(started.clone()),
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    finished.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let v = Vault::open(&vault, now()).unwrap();
    let present: std::collections::BTreeSet<String> = v
        .list_cases(true, now())
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let saved = saved.lock().unwrap();
    let after: Vec<&String> = saved.iter().filter(|(_, a)| *a).map(|(id, _)| id).collect();
    assert!(!after.is_empty(), "the writers went on after the restore");
    for id in &after {
        assert!(
            present.contains(*id),
            "case {id} was reported saved and is gone"
        );
    }
    // The restored vault: its own 2 cases plus only those written after it was in place
    // (those saved before the restore began went with the vault it replaced).
    assert_eq!(present.len(), 2 + after.len());
    assert!(saved.iter().any(|(_, a)| !a));
    let refused = refused.lock().unwrap();
    assert!(
        refused
            .iter()
            .any(|e| e.contains("占用") || e.contains("恢复")),
        "writers met the restore: {refused:?}"
    );
}

#[test]
fn a_handle_opened_before_a_restore_refuses_to_write_after_it() {
    let t = tempfile::tempdir().unwrap();
    let (vault, new) = (t.path().join("vault"), t.path().join("new"));
    make_vault(&vault, 1, 0);
    make_vault(&new, 2, 0);
    let file = t.path().join("new.tuilu-backup");
    backup_of(&new, &file);
    let stale = Vault::open(&vault, now()).unwrap();
    restore(&file, &vault, &replace()).unwrap();
    assert!(stale.is_replaced());
    let book = tuilu_core::load_bundled().unwrap();
    let sc = book.get("douyin.guild-exit").unwrap();
    let e = stale.create_case(sc, &Facts::new(), now()).unwrap_err();
    assert!(matches!(e, tuilu_core::vault::VaultError::Replaced), "{e}");
    assert_eq!(case_count(&vault), 2);
}
